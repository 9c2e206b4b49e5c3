// Robustness fuzzing of the wasm frontend past decoding:
//
//   spec module bytes ──mutateBytes──> parseModule ──> translateFunction ──> verifyFunction ──> compile x86_64
//
// Decoding and validation may reject with a `WasmError`; a module that validates must translate
// (or be reported unsupported), its IR must pass the verifier (an invalid translation is wrong code),
// and the backend must compile it or throw a typed error.
import { buildIsa, compile, type TargetIsa } from '@windlass/codegen';
import { verifyFunction, type Type } from '@windlass/ir';
import { StandardEnvironment } from '@windlass/linker';
import { WasmError, parseModule, translateFunction, type Module } from '@windlass/wasm-frontend';
import { classify, type Finding, type RunOptions } from './clif';
import type { Rng } from './rng';
import '@windlass/isa-x64';

/** One to four byte edits: set, flip a bit, truncate, interesting byte, duplicate a run. */
export function mutateBytes(src: Uint8Array, rng: Rng): Uint8Array {
  let b = src.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits && b.length > 0; e++) {
    const at = rng.int(b.length);
    switch (rng.int(6)) {
      case 0: b[at] = rng.int(256); break;
      case 1: b[at] ^= 1 << rng.int(8); break;
      case 2: if (rng.chance(0.3)) b = b.slice(0, at); break;
      case 3: b[at] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x41, 0x20, 0x1a, 0x10, 0x11, 0xfc, 0xfd]); break;
      case 4: {
        const n = Math.min(1 + rng.int(8), b.length - at);
        const out = new Uint8Array(b.length + n);
        out.set(b.subarray(0, at + n));
        out.set(b.subarray(at), at + n);
        b = out;
        break;
      }
      default: { // swap two bytes
        const j = rng.int(b.length);
        [b[at], b[j]] = [b[j], b[at]];
      }
    }
  }
  return b;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const isWasmError = (e: unknown): boolean => e instanceof WasmError;

let x64: TargetIsa | undefined;

/** Decodes, validates, translates, verifies and compiles one module; returns the findings. */
export function runWasm(bytes: Uint8Array, opts: RunOptions): Finding[] {
  const out: Finding[] = [];
  const input = hex(bytes);
  const step = <T>(stage: 'decode' | 'translate' | 'verify' | 'compile', body: () => T): T | undefined => {
    opts.counts[stage]++;
    try {
      return body();
    } catch (e) {
      const f = classify(stage, e, input, isWasmError);
      if (f) out.push(f);
      else if (opts.typedLog && stage !== 'decode') {
        const k = `${stage} ${(e as Error).name}: ${(e as Error).message.replace(/\d+/g, 'N').slice(0, 100)}`;
        opts.typedLog.set(k, (opts.typedLog.get(k) ?? 0) + 1);
      }
      return undefined;
    }
  };
  const m: Module | undefined = step('decode', () => parseModule(bytes));
  if (!m) return out;
  const env = new StandardEnvironment(m);
  x64 ??= buildIsa('x86_64');
  for (let i = 0; i < m.bodies.length; i++) {
    const f = step('translate', () => translateFunction(m, i, env));
    if (!f) continue;
    const errs = step('verify', () => verifyFunction(f, { pointerType: 4 as Type }));
    if (errs === undefined) continue;
    if (errs.length > 0) {
      out.push({ stage: 'translate', kind: 'bad-result', message: `translated function ${i} fails verification: ${errs[0].message}`, input });
      continue;
    }
    if (!opts.skip?.compile) {
      const isa = x64;
      step('compile', () => compile(f, isa, { wantListing: false }));
    }
  }
  return out;
}
