// `windlass compile`: the machine code listing of every function of each FILE, or with `-o`
// one relocatable ELF object exporting every function of the one FILE.

import { writeFileSync } from 'node:fs';
import { parseClif, ParseError, type ClifFile, type Function } from '@windlass/ir';
import { applySetLine, buildIsa, settingsBuilder, type TargetIsa } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { symbolName } from '@windlass/isa-x64';
import { CommandError, UsageError, type Io } from '../command';
import { Progress } from '../progress';
import { readInput } from './input';
import { checkSettings } from './validate';

export interface CompileOptions {
  files: string[];
  /** A CLIF target line (`x86_64 has_avx`); default: each file's first target, else x86_64. */
  target?: string;
  /** Shared settings applied after each file's own `set` lines. */
  settings: string[];
  /** Write one object here (one FILE only) instead of printing listings. */
  output?: string;
}

function nameOf(f: Function): string {
  return symbolName(f.name);
}

export function runCompile(o: CompileOptions, io: Io): number {
  if (o.output !== undefined && o.files.length > 1) throw new UsageError(`-o writes the object of one FILE, got ${o.files.length}`);
  checkSettings(o.settings);
  let failed = 0;
  for (const file of o.files) {
    try {
      failed += compileFile(file, o, io);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      io.err(`windlass compile: ${e.message}\n`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Compiles one file; returns the number of functions that failed (a bad file counts as one). */
function compileFile(file: string, o: CompileOptions, io: Io): number {
  const text = readInput(file);
  let clif: ClifFile;
  let isa: TargetIsa;
  try {
    clif = parseClif(text, file);
    const b = settingsBuilder();
    for (const line of text.split('\n')) if (/^\s*set\s/.test(line)) applySetLine(b, line.replace(/;.*$/, '').trim());
    for (const s of o.settings) b.apply(s);
    const line = o.target ?? (clif.targets[0] ? [clif.targets[0].isa, ...clif.targets[0].flags].join(' ') : 'x86_64');
    isa = buildIsa(line, b.finish());
  } catch (e) {
    // A ParseError's message already starts with `file:line:column`.
    io.err(e instanceof ParseError ? `${e.message}\n` : `${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const m = o.output !== undefined ? new ObjectModule({ target: isa.name }) : null;
  const local = new Set(clif.functions.map((f) => nameOf(f.func)));
  // With -o nothing else is printed while compiling: progress on a terminal for a large file.
  const progress = new Progress(io, clif.functions.length, 'functions', m !== null);
  let failed = 0;
  for (const fn of clif.functions) {
    const name = nameOf(fn.func);
    progress.tick();
    try {
      const code = isa.compileFunction(fn.func, { wantListing: m === null });
      if (m) {
        const id = m.declareFunction(name, 'export');
        for (const r of code.relocations) if (r.target.kind === 'symbol' && !local.has(r.target.name)) m.declareFunction(r.target.name, 'import');
        m.defineFunction(id, code);
      } else {
        io.out(`function ${name} (${code.bytes.length} bytes, frame ${code.frameSize}):\n${code.listing}\n\n`);
      }
    } catch (e) {
      failed++;
      progress.clear();
      io.err(`${file}: ${name}: ${(e as Error).message}\n`);
    }
  }
  progress.clear();
  if (m && o.output !== undefined) {
    // An object missing a function would only fail later, at link time: write none.
    if (failed > 0) io.err(`windlass compile: ${o.output} not written: ${failed} function${failed > 1 ? 's' : ''} failed\n`);
    else writeOutput(o.output, m.finish());
  }
  return failed;
}

function writeOutput(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new CommandError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
