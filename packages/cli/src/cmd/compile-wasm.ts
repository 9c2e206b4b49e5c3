// `windlass compile FILE.wasm -o OUT.cwasm`: a wasm module (binary or .wat) or a component
// (binary) compiled ahead of time into one artifact (see @windlass/linker).
import { writeFileSync } from 'node:fs';
import { CommandError, UsageError, type Io } from '../command';
import { checkBuild, compileToArtifact, inputKind, wasmComponent, wasmModule, type ArtifactBuild } from './artifact-input';
import { readBytes } from './input';

export interface CompileWasmOptions extends ArtifactBuild {
  file: string;
  output?: string;
}

export function runCompileWasm(o: CompileWasmOptions, io: Io): number {
  if (o.output === undefined) throw new UsageError('compiling a wasm module writes an artifact: give -o OUT.cwasm');
  checkBuild(o);
  const bytes = readBytes(o.file);
  const kind = inputKind(bytes, o.file);
  const m = kind === 'component' ? wasmComponent(bytes, o.file) : wasmModule(bytes, o.file, kind);
  const t0 = performance.now();
  const artifact = compileToArtifact(m, o.file, o, io);
  try {
    writeFileSync(o.output, artifact);
  } catch (e) {
    throw new CommandError(`cannot write ${o.output}: ${(e as Error).message}`);
  }
  if (io.errIsTTY) io.err(`${o.output}: ${'flat' in m ? `component of ${m.flat.modules.length} core modules` : `${m.bodies.length} functions`}, ${artifact.length} bytes, compiled in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  return 0;
}
