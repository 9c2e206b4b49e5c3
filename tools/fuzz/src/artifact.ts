// Artifact mutation: serialized artifacts, mutated and (mostly) re-sealed with a fresh integrity
// hash so that every structural check behind the hash is reached, must deserialize to an
// artifact or fail with a typed `ArtifactError`; nothing else, and never slowly. A mutant that
// deserializes must also serialize again, and (sampled) load in the C loader without a crash.
import '@windlass/isa-x64';
import { ArtifactError, DEFAULT_BOUNDS_CHECKS, artifactSections, compileModule, deserialize, seal, serialize } from '@windlass/linker';
import { parseWat } from '@windlass/wasm-frontend';
import type { Rng } from './rng';

/** Small modules that between them fill every metadata section. */
const SEED_MODULES = [
  `(module
    (type $t (func (param i32) (result i32)))
    (import "env" "f" (func $f (param i32) (result i32)))
    (import "env" "g" (global $g i32))
    (import "env" "m" (memory 1 2))
    (import "env" "t" (table 1 funcref))
    (global $h (mut i64) (i64.const -7))
    (global $r funcref (ref.func $a))
    (table $u 3 10 externref)
    (elem (i32.const 0) $a)
    (elem $p func $a $b)
    (elem declare func $b)
    (data (i32.const 8) "active")
    (data $q "passive")
    (func $a (export "a") (type $t) (call $f (i32.load (local.get 0))))
    (func $b (param v128 f32 f64) (result v128 f64) (local.get 0) (local.get 2))
    (func $s (memory.init $q (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $q) (elem.drop $p))
    (start $s)
    (export "g" (global $g)) (export "m" (memory 0)) (export "u" (table $u)))`,
  `(module (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))`,
  `(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "f") (param f32) (result f32) (f32.nearest (local.get 0))))`,
];

/** The serialized x86-64 seed artifacts. */
export function artifactSeeds(): Uint8Array[] {
  return SEED_MODULES.map((text) => serialize(compileModule(parseWat(text), { target: 'x86_64' })));
}

const INTERESTING_U32 = [0, 1, 2, 3, 4, 7, 8, 16, 20, 24, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** Where edits land: mostly inside the sections (metadata above all), else anywhere. */
function regions(b: Uint8Array): [number, number][] {
  try {
    const secs = artifactSections(b);
    const meta = secs.filter((s) => s.name.startsWith('.windlass.') || s.name === '.rela.text' || s.name === '.symtab');
    const shoff = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(40, true));
    return [...meta, ...meta, ...secs].map((s) => [s.offset, s.size] as [number, number]).concat([[0, 64], [shoff, b.length - shoff]]);
  } catch {
    return [[0, b.length]];
  }
}

/** One to four edits: bit flips, interesting bytes and u32 fields, truncation, copied chunks. */
export function mutateArtifact(src: Uint8Array, rng: Rng): Uint8Array {
  let b = src.slice();
  const where = regions(b);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const [start, size] = rng.chance(0.85) ? rng.pick(where) : [0, b.length];
    const at = Math.min(b.length - 1, start + rng.int(Math.max(1, size)));
    switch (rng.int(12)) {
      case 0:
      case 1:
        b[at] ^= 1 << rng.int(8);
        break;
      case 2:
      case 3:
        b[at] = rng.pick([0, 1, 0x7f, 0x80, 0xfe, 0xff, rng.int(256)]);
        break;
      case 4:
      case 5:
      case 6:
      case 7: {
        // A u32 field: the metadata sections are little-endian and 4-aligned.
        const p = at & ~3;
        if (p + 4 <= b.length) new DataView(b.buffer).setUint32(p, (rng.pick(INTERESTING_U32) + (rng.chance(0.3) ? rng.int(16) - 8 : 0)) >>> 0, rng.chance(0.8));
        break;
      }
      case 8:
        b = b.slice(0, at);
        break;
      case 9:
      case 10: {
        // A chunk copied over another place (a record over its neighbour, headers over headers).
        const n = Math.min(1 + rng.int(64), b.length - at);
        const [s2, z2] = rng.pick(where);
        b.copyWithin(Math.min(b.length - 1, s2 + rng.int(Math.max(1, z2))), at, at + n);
        break;
      }
      default: {
        // Bytes inserted (shifts everything after).
        const n = 1 + rng.int(8);
        const out = new Uint8Array(b.length + n);
        out.set(b.subarray(0, at));
        for (let i = 0; i < n; i++) out[at + i] = rng.int(256);
        out.set(b.subarray(at), at + n);
        b = out;
      }
    }
  }
  return b;
}

export interface ArtifactCounts {
  mutants: number;
  resealed: number;
  loaded: number;
  refused: Record<string, number>;
}

export interface ArtifactFinding {
  kind: 'untyped' | 'slow' | 'reserialize';
  message: string;
  bytes: Uint8Array;
}

/**
 * Deserializes one mutant. Returns a finding, or undefined when it loaded or was refused with
 * an ArtifactError; `loaded` gets the bytes of mutants that loaded (for the loader sample).
 */
export function runArtifact(bytes: Uint8Array, counts: ArtifactCounts, slowMs: number, loaded?: (b: Uint8Array) => void): ArtifactFinding | undefined {
  counts.mutants++;
  const t0 = performance.now();
  try {
    // The seeds are compiled with the default settings: a mutated setting is refused as such.
    const a = deserialize(bytes, { isa: 'x86_64', settings: [], wasm: { boundsChecks: DEFAULT_BOUNDS_CHECKS } });
    counts.loaded++;
    try {
      serialize(a);
    } catch (e) {
      return { kind: 'reserialize', message: `a deserialized artifact does not serialize: ${e instanceof Error ? e.message : String(e)}`, bytes };
    }
    loaded?.(bytes);
  } catch (e) {
    if (!(e instanceof ArtifactError)) return { kind: 'untyped', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), bytes };
    counts.refused[e.kind] = (counts.refused[e.kind] ?? 0) + 1;
  }
  const ms = performance.now() - t0;
  if (slowMs > 0 && ms > slowMs) return { kind: 'slow', message: `deserialize took ${ms.toFixed(0)} ms`, bytes };
  return undefined;
}

/** A mutant, re-sealed with probability `resealRate` (the rest exercise the hash check itself). */
export function nextMutant(seeds: readonly Uint8Array[], rng: Rng, counts: ArtifactCounts, resealRate = 0.95): Uint8Array {
  const m = mutateArtifact(rng.pick(seeds), rng);
  if (rng.chance(resealRate) && seal(m)) counts.resealed++;
  return m;
}

export function zeroArtifactCounts(): ArtifactCounts {
  return { mutants: 0, resealed: 0, loaded: 0, refused: {} };
}
