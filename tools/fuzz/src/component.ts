// Component mutation: component binaries (the component-model corpus's),
// mutated byte by byte, must decode and validate or be refused with a typed `WasmError` that
// carries a byte offset; nothing else, and never slowly. A mutant that validates is also
// compiled into a component artifact (every `compileEvery`th one: compiling is slower),
// serialized and read back as a component; `compileComponent` may refuse only with a typed
// `WasmError` (an unsupported construct) or `ArtifactBuildError`.
//
//   corpus component ──mutateBytes──> parseComponent ──(validated)──> compileComponent x86_64
//                                        ──> serialize ──> deserialize({ kind: 'component' })
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import '@windlass/isa-x64';
import { ArtifactBuildError, compileComponent, deserialize, serialize } from '@windlass/linker';
import { WasmError, isComponentBinary, parseComponent } from '@windlass/wasm-frontend';
import { corpusRoot } from './corpus';
import type { Rng } from './rng';
import { mutateBytes } from './wasm';

export const componentCorpus = join(corpusRoot, 'component-model', 'json');

/** The component binaries of the corpus (at most `maxBytes` each). */
export function componentSeeds(maxBytes = 16384): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (!existsSync(componentCorpus)) return out;
  for (const d of readdirSync(componentCorpus).sort()) {
    for (const f of readdirSync(join(componentCorpus, d)).sort()) {
      if (!f.endsWith('.wasm')) continue;
      const b = new Uint8Array(readFileSync(join(componentCorpus, d, f)));
      if (b.length <= maxBytes && isComponentBinary(b)) out.push(b);
    }
  }
  return out;
}

export interface ComponentCounts {
  mutants: number;
  /** Refused by the frontend, by `WasmError` kind (`malformed`, `invalid`, `unsupported`). */
  refused: Record<string, number>;
  validated: number;
  compiled: number;
  /** Validated, then refused by the compiler with a typed error. */
  compileRefused: number;
}

export function zeroComponentCounts(): ComponentCounts {
  return { mutants: 0, refused: {}, validated: 0, compiled: 0, compileRefused: 0 };
}

export interface ComponentFinding {
  kind: 'untyped' | 'no-offset' | 'slow' | 'round-trip';
  message: string;
  bytes: Uint8Array;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** One mutant through the frontend and (every `compileEvery`th validated one) the compiler. */
export function runComponent(bytes: Uint8Array, counts: ComponentCounts, slowMs: number, compileEvery = 1): ComponentFinding | undefined {
  counts.mutants++;
  const t0 = performance.now();
  const slow = (stage: string): ComponentFinding | undefined => {
    const dt = performance.now() - t0;
    return slowMs > 0 && dt > slowMs ? { kind: 'slow', message: `${stage} took ${dt.toFixed(0)} ms`, bytes } : undefined;
  };
  let v;
  try {
    v = parseComponent(bytes);
  } catch (e) {
    if (!(e instanceof WasmError)) return { kind: 'untyped', message: `parseComponent threw ${describe(e)}`, bytes };
    if (typeof e.location.offset !== 'number' || e.location.offset < 0) return { kind: 'no-offset', message: `${describe(e)} has no byte offset`, bytes };
    counts.refused[e.kind] = (counts.refused[e.kind] ?? 0) + 1;
    return slow('parseComponent');
  }
  counts.validated++;
  if (compileEvery <= 0 || counts.validated % compileEvery !== 0) return slow('parseComponent');
  try {
    const artifact = compileComponent(v, { target: 'x86_64' });
    const back = deserialize(serialize(artifact), { isa: 'x86_64', kind: 'component' });
    if (back.modules.length !== artifact.modules.length) return { kind: 'round-trip', message: `${artifact.modules.length} modules serialized, ${back.modules.length} read back`, bytes };
    counts.compiled++;
  } catch (e) {
    if (!(e instanceof WasmError || e instanceof ArtifactBuildError)) return { kind: 'untyped', message: `compiling a validated component threw ${describe(e)}`, bytes };
    counts.compileRefused++;
  }
  return slow('parseComponent + compileComponent');
}

/** The next mutant: a seed with one to four byte edits. */
export function nextComponentMutant(seeds: readonly Uint8Array[], rng: Rng): Uint8Array {
  return mutateBytes(rng.pick(seeds), rng);
}
