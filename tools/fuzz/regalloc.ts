// Long fuzzing of @windlass/regalloc: random programs allocated by both allocators and
// proven by the checker, plus corrupted inputs that must fail with a typed error.
//
//   npx tsx tools/fuzz/regalloc.ts --count 100000 [--seed 1] [--max-size 400] [--mutate]
//
// Exits 1 on the first failure, printing the seed that reproduces it.
import { RegAllocError, Rng, allocate, generateFunction, testEnv, type RegAllocFunction } from '../../packages/regalloc/src/index';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const count = arg('count', 10000);
const seed0 = arg('seed', 1);
const maxSize = arg('max-size', 400);
const mutate = process.argv.includes('--mutate');

type Table = Int32Array | Uint32Array | Uint8Array;
const TABLES = ['succs', 'preds', 'blockParams', 'edgeArgs', 'opVReg', 'opInfo', 'clobbers', 'instFlags', 'blockInstStart', 'blockInstEnd', 'instOpStart', 'edgeArgStart', 'vregClass'] as const;

/** A copy of `f` with one table entry replaced by a nearby or random value. */
function corrupt(f: RegAllocFunction, rng: Rng): RegAllocFunction {
  const name = TABLES[rng.int(TABLES.length)];
  const orig = f[name] as Table;
  if (orig.length === 0) return f;
  const copy = orig.slice() as Table;
  const k = rng.int(copy.length);
  const r = rng.next();
  copy[k] = r < 0.4 ? copy[k] + 1 : r < 0.7 ? copy[k] - 1 : r < 0.85 ? rng.int(64) : rng.int(1 << 20);
  return { ...f, [name]: copy };
}

let checked = 0;
let typedErrors = 0;
const t0 = Date.now();
for (let n = 0; n < count; n++) {
  const seed = seed0 + n;
  const rng = new Rng(seed * 7919);
  const size = 5 + rng.int(maxSize);
  const env = testEnv(rng.chance(0.5));
  let f = generateFunction(seed, { size });
  if (mutate) f = corrupt(f, rng);
  for (const mode of ['fast', 'optimizing'] as const) {
    try {
      allocate(f, env, { mode, check: true });
      checked++;
    } catch (e) {
      if (mutate && e instanceof RegAllocError && e.constructor.name !== 'CheckerError') {
        typedErrors++;
        continue;
      }
      console.error(`FAIL seed=${seed} size=${size} mode=${mode}${mutate ? ' (mutated)' : ''}`);
      console.error(e);
      process.exit(1);
    }
  }
  if ((n + 1) % 1000 === 0) console.log(`${n + 1} programs, ${checked} allocations checked, ${typedErrors} typed rejections, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
console.log(`ok: ${count} programs, ${checked} allocations checked, ${typedErrors} inputs rejected with typed errors, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
