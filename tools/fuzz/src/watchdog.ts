// A watchdog for in-process fuzzing: a command that never returns (a synchronous endless loop
// blocks the event loop, so no timer of the fuzzer's own thread can fire) is caught by a worker
// thread watching the start time of the current input. Past the limit it writes the input's
// label (how to rerun it) to standard error and kills the process.
import { Worker } from 'node:worker_threads';

export interface Watchdog {
  /** An input starts; `label` says how to rerun it. */
  begin(label: string): void;
  /** The input returned. */
  end(): void;
  stop(): Promise<void>;
}

const LABEL_BYTES = 4096;

/** Starts a watchdog that kills this process when one input runs over `limitMs` of wall time. */
export function startWatchdog(limitMs: number): Watchdog {
  const sab = new SharedArrayBuffer(8 + LABEL_BYTES);
  const start = new Float64Array(sab, 0, 1);
  const label = new Uint8Array(sab, 8, LABEL_BYTES);
  const worker = new Worker(new URL('./watchdog-worker.mjs', import.meta.url), { execArgv: [], workerData: { sab, limitMs, labelBytes: LABEL_BYTES } });
  worker.unref();
  return {
    begin(text) {
      label.fill(0);
      label.set(new TextEncoder().encode(text).subarray(0, LABEL_BYTES - 1));
      start[0] = Date.now();
    },
    end() {
      start[0] = 0;
    },
    async stop() {
      await worker.terminate();
    },
  };
}
