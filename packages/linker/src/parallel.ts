/**
 * `compileModuleParallel`: `compileModule` with the functions compiled on several workers.
 *
 * ```
 *  main: parseModule (validates) ── module bytes + options ──> each worker: decodeModule, moduleCompile
 *        queue of functions, largest first ── batches ──> worker: translate + compile each
 *        codes by function index <── CompiledCode (plain data) ──┘
 *        assembleArtifact (trampolines, link, metadata) ──> Artifact, byte-identical to compileModule's
 * ```
 *
 * Nothing here knows what a worker is: the caller hands over message ports (a Node
 * `worker_threads` Worker, a browser Web Worker, or anything with the same two calls) whose
 * other ends run `serveCompileRequests`. A function's code depends on nothing but the function
 * and the options (every compile is deterministic and independent of the ones before it), so
 * the artifact is the same whatever the number of workers and however the work was split.
 */
import type { CompiledCode } from '@windlass/codegen';
import { decodeModule, parseModule, WasmError, type WasmFeatures } from '@windlass/wasm-frontend';
import type { Artifact } from './artifact';
import { assembleArtifact, compileDefinedFunction, flagsOf, moduleCompile, type CompileOptions, type ModuleCompile } from './compile';
import type { BoundsChecks } from './environ/environment';
import { ArtifactBuildError } from './errors';

/** One end of a message channel: what `compileModuleParallel` and `serveCompileRequests` use. */
export interface CompilePort {
  postMessage(message: unknown): void;
  /** Sets the handler of the messages the other end posts (replacing the previous one). */
  onMessage(handler: (message: unknown) => void): void;
}

/** The main thread's end of a worker running `serveCompileRequests`. */
export interface CompileWorker extends CompilePort {
  /** Sets the handler of the worker dying (an uncaught error, a failed start), replacing the previous one. */
  onError(handler: (error: unknown) => void): void;
}

/** The options a worker compiles with (structured-clone data). */
interface ModuleRequest {
  readonly t: 'module';
  readonly bytes: Uint8Array;
  readonly target: string;
  readonly settings: readonly string[];
  readonly boundsChecks: BoundsChecks;
  readonly features: WasmFeatures;
}

interface CompileRequest {
  readonly t: 'compile';
  /** Defined-function indexes (code section order). */
  readonly funcs: readonly number[];
}

interface ReleaseRequest {
  readonly t: 'release';
}

type Request = ModuleRequest | CompileRequest | ReleaseRequest;

type Reply =
  | { readonly t: 'done'; readonly funcs: readonly number[]; readonly codes: readonly CompiledCode[] }
  | { readonly t: 'failed'; readonly func: number; readonly message: string; readonly wasm: boolean };

/**
 * Serves one worker's end: compiles the functions the main thread asks for and posts their
 * code back. Call it once in the worker, after importing the ISA packages the target needs.
 */
export function serveCompileRequests(port: CompilePort): void {
  let c: ModuleCompile | null = null;
  port.onMessage((message) => {
    const req = message as Request;
    if (req.t === 'module') {
      // The main thread validated the module already: decoding is enough here.
      const { module } = decodeModule(req.bytes, req.features);
      c = moduleCompile(module, { target: req.target, settings: [...req.settings], boundsChecks: req.boundsChecks, features: req.features });
      return;
    }
    if (req.t === 'release') {
      c = null;
      return;
    }
    const codes: CompiledCode[] = [];
    for (const d of req.funcs) {
      try {
        if (c === null) throw new Error('no module to compile from');
        codes.push(compileDefinedFunction(c, d));
      } catch (e) {
        port.postMessage({ t: 'failed', func: d, message: e instanceof Error ? e.message : String(e), wasm: e instanceof WasmError } satisfies Reply);
        return;
      }
    }
    port.postMessage({ t: 'done', funcs: req.funcs, codes } satisfies Reply);
  });
}

/** Work handed out at once: batches of at most about this many wasm body bytes. */
const BATCH_BYTES = 1 << 14;

/**
 * Compiles a wasm module into an artifact on `workers` (each running `serveCompileRequests`):
 * the same artifact as `compileModule(bytes, opts)`, byte for byte. The main thread validates
 * the module, hands out its functions largest first in small batches (a worker asks for more
 * when it is done, so one large function does not leave the others idle at the end), and links
 * the result. `opts.flags` is sent as the settings it changes; `onFunction` counts finished
 * functions. Rejects with the error `compileModule` would throw (the first failing function in
 * completion order); the workers stay usable.
 */
export async function compileModuleParallel(bytes: Uint8Array, opts: CompileOptions, workers: readonly CompileWorker[]): Promise<Artifact> {
  if (workers.length === 0) throw new RangeError('compileModuleParallel needs at least one worker');
  const m = parseModule(bytes, opts.features);
  // Options errors (bad target, setting) surface here, before any worker starts.
  const c = moduleCompile(m, opts);
  const settings = opts.flags ? opts.flags.changed() : flagsOf(opts).changed();
  const n = m.bodies.length;
  const order = Array.from({ length: n }, (_, d) => d).sort((a, b) => (m.bodies[b].end - m.bodies[b].start) - (m.bodies[a].end - m.bodies[a].start) || a - b);
  const codes: (CompiledCode | undefined)[] = new Array(n);
  // Batches of at most BATCH_BYTES, and small enough for some eight batches per worker.
  let total = 0;
  for (const b of m.bodies) total += b.end - b.start;
  const batchBytes = Math.max(1, Math.min(BATCH_BYTES, Math.ceil(total / (8 * workers.length))));
  let next = 0;
  let done = 0;
  const nextBatch = (): number[] => {
    const funcs: number[] = [];
    let size = 0;
    while (next < n && (funcs.length === 0 || size < batchBytes)) {
      const d = order[next++];
      funcs.push(d);
      size += m.bodies[d].end - m.bodies[d].start;
    }
    return funcs;
  };
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    let busy = 0;
    for (const w of workers) {
      w.onError((e) => fail(new ArtifactBuildError(`a compile worker failed: ${e instanceof Error ? e.message : String(e)}`, undefined, e)));
      w.onMessage((message) => {
        if (failed) return;
        const reply = message as Reply;
        busy--;
        if (reply.t === 'failed') {
          const index = m.numImportedFuncs + reply.func;
          // Validation passed on this thread, so a frontend error here is a translation bug.
          fail(new ArtifactBuildError(reply.wasm ? `translation failed: ${reply.message}` : reply.message, index));
          return;
        }
        for (let k = 0; k < reply.funcs.length; k++) {
          codes[reply.funcs[k]] = reply.codes[k];
          opts.onFunction?.(++done, n);
        }
        if (next < n) {
          busy++;
          w.postMessage({ t: 'compile', funcs: nextBatch() } satisfies Request);
        } else if (busy === 0) resolve();
      });
    }
    const request: ModuleRequest = { t: 'module', bytes, target: opts.target ?? 'x86_64', settings, boundsChecks: c.boundsChecks, features: { ...opts.features } };
    for (const w of workers) {
      w.postMessage(request);
      if (next < n) {
        busy++;
        w.postMessage({ t: 'compile', funcs: nextBatch() } satisfies Request);
      }
    }
    if (busy === 0) resolve();
  });
  for (const w of workers) w.postMessage({ t: 'release' } satisfies Request);
  return assembleArtifact(c, codes as CompiledCode[], opts);
}
