// A one-line progress bar on a terminal; silent otherwise (CI logs stay clean).

export class Progress {
  private done = 0;
  private shown = false;

  constructor(private readonly total: number, private readonly enabled: boolean) {}

  tick(): void {
    this.done++;
    if (!this.enabled) return;
    const width = 30;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    process.stdout.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${this.done}/${this.total} files`);
    this.shown = true;
  }

  clear(): void {
    if (this.enabled && this.shown) {
      process.stdout.write('\r\x1b[2K');
      this.shown = false;
    }
  }
}
