// `windlass wasm` (decode, validate, translate; print the IR) and `windlass wast` (run spec
// scripts on the interpreter, Node's engine or natively).

import type { BoundsChecks } from '@windlass/linker';
import { UsageError, type Io } from '../command';
import { Progress } from '../progress';
import { printWasmIr, runWastFiles, nativeTargetProblem } from '../wasm/index';
import { readBytes } from './input';
import { checkSettings } from './validate';

export function runWasm(files: readonly string[], io: Io): number {
  let status = 0;
  for (const f of files) {
    const bytes = readBytes(f);
    let progress: Progress | undefined;
    try {
      const text = printWasmIr(bytes, { onStart: (n) => (progress = new Progress(io, n, 'functions')), onFunction: () => progress?.tick() }, f);
      progress?.clear();
      io.out(text + '\n');
    } catch (e) {
      progress?.clear();
      // The frontend's errors carry their byte offset and section in the message; text errors
      // start with their own file:line:column.
      const message = e instanceof Error ? e.message : String(e);
      io.err(message.startsWith(`${f}:`) ? `${message}\n` : `${f}: ${message}\n`);
      status = 1;
    }
  }
  return status;
}

export interface WastCommandOptions {
  files: string[];
  interpret: boolean;
  node: boolean;
  target?: string;
  settings: string[];
  jobs?: number;
  verbose: boolean;
  /** Read scripts with wabt's wast2json instead of the frontend's text reader (the cross-check). */
  wast2json?: boolean;
  /** `explicit` or `guard` bounds checks for --target (default: the linker's, guard). */
  boundsChecks?: BoundsChecks;
}

export async function runWast(o: WastCommandOptions, io: Io): Promise<number> {
  if (o.target !== undefined && (o.interpret || o.node)) throw new UsageError('--target cannot be combined with --interpret or --node');
  if (o.interpret && o.node) throw new UsageError('--interpret and --node are two different engines: choose one');
  if (o.settings.length > 0 && o.target === undefined) throw new UsageError('--set applies to --target only');
  checkSettings(o.settings);
  if (o.boundsChecks !== undefined && o.target === undefined) throw new UsageError('--bounds-checks applies to --target only');
  const targetProblem = o.target === undefined ? undefined : nativeTargetProblem(o.target, o.settings);
  if (targetProblem !== undefined) throw new UsageError(`--target ${o.target}: ${targetProblem}`);
  const progress = new Progress(io, o.files.length, 'scripts');
  const s = await runWastFiles(o.files, { interpret: !o.node, node: o.node, target: o.target, settings: o.settings, boundsChecks: o.boundsChecks, verbose: o.verbose, jobs: o.jobs, reader: o.wast2json ? 'wast2json' : 'windlass', onScript: () => progress.tick() });
  progress.clear();
  for (const script of s.perScript) {
    if (script.error) io.out(`${script.path}: ${script.error}\n`);
    for (const f of script.failures) io.out(`${script.path}:${f.line}: ${f.command}: ${f.message}\n`);
    if (o.verbose) for (const [why, n] of Object.entries(script.skipReasons)) io.out(`${script.path}: skipped ${n}: ${why}\n`);
    // A script skipped whole that holds no assertions still says so.
    if (o.verbose && script.note && Object.keys(script.skipReasons).length === 0) io.out(`${script.path}: ${script.note}\n`);
  }
  io.out(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
  return s.failed > 0 ? 1 : 0;
}
