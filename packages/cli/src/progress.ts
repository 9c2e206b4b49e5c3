// Progress of a long command (`test`, `wast`, `compile` of a large module, `run` of a wasm module
// while it compiles) on one line of standard error: done/total, rate and estimated time left.
// Drawn only when standard error is a terminal, at most ten times a second; on a pipe or in a log
// nothing is written.

import type { Io } from './command';

export class Progress {
  private done = 0;
  private shown = false;
  private lastDraw = 0;
  private readonly start = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    /** What is counted, plural: `files`, `scripts`, `functions`. */
    private readonly unit: string,
    enabled = true,
  ) {
    this.enabled = enabled && io.errIsTTY && total > 1;
  }

  /** `n` more items are done; redraws when a tenth of a second has passed. */
  tick(n = 1): void {
    this.done += n;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    this.io.err(`\r\x1b[2K${progressLine(this.done, this.total, this.unit, now - this.start)}`);
    this.shown = true;
  }

  /** Erases the line (before other output, and at the end). */
  clear(): void {
    if (this.shown) {
      this.io.err('\r\x1b[2K');
      this.shown = false;
      this.lastDraw = 0;
    }
  }
}

/** `[#####     ] 120/400 files  35.2/s  ETA 8s` */
export function progressLine(done: number, total: number, unit: string, elapsedMs: number): string {
  const width = 24;
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 && done < total ? `  ETA ${duration((total - done) / rate)}` : '';
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} ${unit}  ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s${eta}`;
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
