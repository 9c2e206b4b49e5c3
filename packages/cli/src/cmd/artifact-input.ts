// What `windlass compile`, `run` and `inspect` take: a wasm module (binary, or `.wat` text) or a
// component (binary) to compile, or an artifact (`.cwasm`, an ELF file) written by `windlass compile`.
import { buildIsa, settingsBuilder } from '@windlass/codegen';
import '@windlass/isa-x64';
import '@windlass/isa-aarch64';
import '@windlass/isa-riscv64';
import '@windlass/isa-s390x';
import { ArtifactBuildError, ArtifactError, compileComponent, compileModule, serialize, type BoundsChecks } from '@windlass/linker';
import { WasmError, isComponentBinary, parseComponent, parseModule, parseWatModule, type Module, type ValidatedComponent } from '@windlass/wasm-frontend';
import { CommandError, UsageError, type Io } from '../command';
import { Progress } from '../progress';
import { readBytes } from './input';

export type InputKind = 'artifact' | 'wasm' | 'wat' | 'component';

export function inputKind(bytes: Uint8Array, file: string): InputKind {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'artifact';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return isComponentBinary(bytes) ? 'component' : 'wasm';
  if (/\.wat$/i.test(file)) return 'wat';
  throw new CommandError(`${file}: neither a wasm module or component (binary, or a module as .wat) nor an artifact (ELF)`);
}

function wasmProblem(file: string, e: unknown): unknown {
  return e instanceof WasmError ? new CommandError(e.message.startsWith(`${file}:`) ? e.message : `${file}: ${e.message}`) : e;
}

/** The module of a wasm input; WasmError as a CommandError naming the file. */
export function wasmModule(bytes: Uint8Array, file: string, kind: InputKind): Module {
  try {
    return kind === 'wat' ? parseWatModule(bytes, file, { names: true }).module : parseModule(bytes);
  } catch (e) {
    throw wasmProblem(file, e);
  }
}

/** The validated component of a component binary; WasmError as a CommandError naming the file. */
export function wasmComponent(bytes: Uint8Array, file: string): ValidatedComponent {
  try {
    return parseComponent(bytes);
  } catch (e) {
    throw wasmProblem(file, e);
  }
}

export interface ArtifactBuild {
  target: string;
  settings: string[];
  boundsChecks?: BoundsChecks;
}

/** Checks a target line and settings up front: their errors are usage errors. */
export function checkBuild(o: ArtifactBuild): void {
  try {
    const b = settingsBuilder();
    for (const s of o.settings) b.apply(s);
    buildIsa(o.target, b.finish());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Compiles a wasm module, or a validated component, into serialized artifact bytes; with `io`,
 * the functions of a module compiled so far show as progress on a terminal.
 */
export function compileToArtifact(m: Module | ValidatedComponent, file: string, o: ArtifactBuild, io?: Io): Uint8Array {
  const opts = { target: o.target, settings: o.settings, boundsChecks: o.boundsChecks, producer: 'windlass compile' };
  const progress = io && !('flat' in m) ? new Progress(io, m.bodies.length, 'functions') : undefined;
  try {
    if ('flat' in m) return serialize(compileComponent(m, opts));
    return serialize(compileModule(m, { ...opts, onFunction: progress && (() => progress.tick()) }));
  } catch (e) {
    if (e instanceof ArtifactBuildError || e instanceof WasmError) throw new CommandError(`${file}: ${e.message}`);
    throw e;
  } finally {
    progress?.clear();
  }
}

/** The artifact bytes of FILE: read as they are, or compiled from wasm first (progress on `io`). */
export function artifactOf(file: string, o: ArtifactBuild, io?: Io): { bytes: Uint8Array; compiled: boolean } {
  const bytes = readBytes(file);
  const kind = inputKind(bytes, file);
  if (kind === 'artifact') return { bytes, compiled: false };
  const input = kind === 'component' ? wasmComponent(bytes, file) : wasmModule(bytes, file, kind);
  return { bytes: compileToArtifact(input, file, o, io), compiled: true };
}

/** An ArtifactError as the one line a user reads. */
export function artifactProblem(file: string, e: unknown): CommandError | undefined {
  return e instanceof ArtifactError ? new CommandError(`${file}: not loadable: ${e.message}`) : undefined;
}

/** Whether FILE is a wasm module (binary magic, or a `.wat` name), read without loading the compiler. */
export function isWasmInput(file: string): boolean {
  if (/\.wat$/i.test(file)) return true;
  try {
    const b = readBytes(file);
    return b.length >= 4 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
  } catch {
    return false;
  }
}
