// Runs `windlass` command lines in-process for tests, capturing what they write.
import type { Io } from './command';
import { main } from './main';

export interface CliResult {
  status: number;
  out: string;
  err: string;
}

/** An `Io` that collects the output (`errIsTTY`: pretend standard error is a terminal). */
export function captureIo(errIsTTY = false): Io & { out(s: string): void; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: (s) => void (text.out += s), err: (s) => void (text.err += s), errIsTTY };
}

/** `windlass ...argv`, in this process. */
export async function cli(...argv: string[]): Promise<CliResult> {
  return cliWith(captureIo(), argv);
}

/** `windlass ...argv`, in this process, with standard error a terminal (progress is drawn). */
export async function cliOnTerminal(...argv: string[]): Promise<CliResult> {
  return cliWith(captureIo(true), argv);
}

async function cliWith(io: ReturnType<typeof captureIo>, argv: string[]): Promise<CliResult> {
  const status = await main(argv, io);
  return { status, out: io.text.out, err: io.text.err };
}
