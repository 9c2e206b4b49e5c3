import { describe, expect, it } from 'vitest';
import { Progress, progressLine } from './progress';
import { captureIo } from './test-support';

describe('progress', () => {
  it('shows done/total, the rate and the time left', () => {
    expect(progressLine(120, 400, 'files', 4000)).toBe('[#######                 ] 120/400 files  30/s  ETA 10s');
    expect(progressLine(3, 4000, 'scripts', 2000)).toBe('[                        ] 3/4000 scripts  1.5/s  ETA 44m25s');
    expect(progressLine(400, 400, 'files', 4000)).toBe('[########################] 400/400 files  100/s');
  });

  it('draws on a terminal and erases itself; writes nothing on a pipe', () => {
    const tty = captureIo(true);
    const p = new Progress(tty, 10, 'files');
    p.tick();
    p.clear();
    expect(tty.text.err.startsWith('\r\x1b[2K[##')).toBe(true);
    expect(tty.text.err.endsWith('\r\x1b[2K')).toBe(true);
    expect(tty.text.out).toBe('');
    const pipe = captureIo(false);
    const q = new Progress(pipe, 10, 'files');
    for (let k = 0; k < 10; k++) q.tick();
    q.clear();
    expect(pipe.text).toEqual({ out: '', err: '' });
  });
});
