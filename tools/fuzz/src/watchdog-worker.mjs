// The thread of `startWatchdog` (watchdog.ts): every half second, compares the start time of the
// current input with the limit; past it, names the input on standard error and kills the process.
import { writeSync } from 'node:fs';
import { setInterval } from 'node:timers';
import { TextDecoder } from 'node:util';
import { workerData } from 'node:worker_threads';

const start = new Float64Array(workerData.sab, 0, 1);
const label = new Uint8Array(workerData.sab, 8, workerData.labelBytes);
setInterval(() => {
  const t = start[0];
  if (t > 0 && Date.now() - t > workerData.limitMs) {
    const n = label.indexOf(0);
    const text = new TextDecoder().decode(label.subarray(0, n < 0 ? label.length : n));
    writeSync(2, `\nHANG: an input ran over ${workerData.limitMs / 1000} s of wall time: ${text}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}, 500);
