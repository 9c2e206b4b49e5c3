// compileModuleParallel over in-process workers: message ports that deliver structured clones
// asynchronously, the way worker_threads and Web Workers do, with serveCompileRequests on the
// other end. The artifact must be byte-identical to compileModule's, however the work is split.
// (tools/bench/vs-cranelift.ts runs the same code on real Node worker threads.)
import '@windlass/isa-x64';
import { describe, expect, it } from 'vitest';
import { ArtifactBuildError, compileModule, compileModuleParallel, serialize, serveCompileRequests, type CompilePort, type CompileWorker } from './index';
import { hasTool, wat } from './test-support/wat';

/** A worker in this thread: each side receives clones of what the other posts, on a later task. */
function inProcessWorker(): CompileWorker & { posted: number } {
  let toMain: ((m: unknown) => void) | null = null;
  let toWorker: ((m: unknown) => void) | null = null;
  let onError: ((e: unknown) => void) | null = null;
  const workerEnd: CompilePort = {
    postMessage: (m) => setTimeout(() => toMain?.(structuredClone(m))),
    onMessage: (h) => (toWorker = h),
  };
  serveCompileRequests(workerEnd);
  const w = {
    posted: 0,
    postMessage(m: unknown): void {
      w.posted++;
      setTimeout(() => {
        try {
          toWorker?.(structuredClone(m));
        } catch (e) {
          onError?.(e);
        }
      });
    },
    onMessage: (h: (m: unknown) => void) => (toMain = h),
    onError: (h: (e: unknown) => void) => (onError = h),
  };
  return w;
}

/** Many functions of different sizes, calls between them, a memory, a table and an import. */
function bigModule(): string {
  const funcs: string[] = [];
  for (let i = 0; i < 24; i++) {
    const body: string[] = ['local.get 0'];
    for (let k = 0; k < (i % 7) * 6; k++) body.push(`i32.const ${k} i32.add`, `local.get 1 i32.load offset=${4 * k} i32.xor`);
    if (i > 0) body.push(`local.get 1 local.get 0 call $f${i - 1} i32.add`);
    funcs.push(`(func $f${i} (export "f${i}") (param i32 i32) (result i32) ${body.join(' ')})`);
  }
  return `(module (import "env" "log" (func $log (param i32))) (memory 1) (table 4 funcref) ${funcs.join('\n')})`;
}

describe.runIf(hasTool('wat2wasm'))('compileModuleParallel', () => {
  const bytes = hasTool('wat2wasm') ? wat(bigModule()) : new Uint8Array();

  it('builds the artifact of compileModule, byte for byte, on 1, 2 and 3 workers', async () => {
    for (const settings of [['opt_level=none'], ['opt_level=speed']]) {
      const opts = { target: 'x86_64', settings, boundsChecks: 'guard' as const };
      const one = serialize(compileModule(bytes, opts));
      for (const n of [1, 2, 3]) {
        const workers = Array.from({ length: n }, inProcessWorker);
        const seen: number[] = [];
        const art = await compileModuleParallel(bytes, { ...opts, onFunction: (done) => seen.push(done) }, workers);
        expect(serialize(art)).toEqual(one);
        expect(seen).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
        // Every worker got the module and work (24 functions, small batches).
        for (const w of workers) expect(w.posted).toBeGreaterThan(2);
      }
    }
  });

  it('reuses its workers from one module to the next', async () => {
    const workers = [inProcessWorker(), inProcessWorker()];
    const small = wat('(module (func (export "f") (result i32) (i32.const 7)))');
    for (const input of [bytes, small, bytes]) {
      const art = await compileModuleParallel(input, { settings: ['opt_level=speed'] }, workers);
      expect(serialize(art)).toEqual(serialize(compileModule(input, { settings: ['opt_level=speed'] })));
    }
  });

  it('reports a bad setting before any worker runs, and a dead worker as ArtifactBuildError', async () => {
    const w = inProcessWorker();
    await expect(compileModuleParallel(bytes, { settings: ['opt_level=fastest'] }, [w])).rejects.toThrow(/opt_level/);
    expect(w.posted).toBe(0);
    const dead: CompileWorker = {
      postMessage: () => setTimeout(() => onError?.(new Error('out of memory'))),
      onMessage: () => undefined,
      onError: (h) => (onError = h),
    };
    let onError: ((e: unknown) => void) | null = null;
    const failure = compileModuleParallel(bytes, {}, [dead]);
    await expect(failure).rejects.toBeInstanceOf(ArtifactBuildError);
    await expect(failure).rejects.toThrow(/a compile worker failed: out of memory/);
    await expect(compileModuleParallel(bytes, {}, [])).rejects.toBeInstanceOf(RangeError);
  });
});
