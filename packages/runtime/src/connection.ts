/**
 * A synchronous channel to a loader process: two named pipes created for it, requests written
 * and responses read with blocking `writeSync` / `readSync`, so the JavaScript API needs no
 * event loop turn per call. The pipes are opened so that the loader's death is seen at once:
 * the response pipe has no writer but the loader (EOF when it dies), the request pipe no reader
 * but the loader (EPIPE, and the loader sees EOF and exits when the runtime goes away).
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoaderError } from './errors';

export type StdioMode = 'inherit' | 'ignore' | number;

export interface ConnectionOptions {
  /** The loader's stdin, stdout and stderr (the guests' stdio unless captured): default inherit. */
  stdio?: [StdioMode, StdioMode, StdioMode];
  env?: NodeJS.ProcessEnv;
}

export class Connection {
  private readonly toLoader: number;
  private readonly fromLoader: number;
  private readonly child: ChildProcess;
  private closed = false;
  private why: string | undefined;

  constructor(command: string[], opts: ConnectionOptions = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'windlass-loader-'));
    const req = join(dir, 'req');
    const resp = join(dir, 'resp');
    try {
      const r = spawnSync('mkfifo', [req, resp], { encoding: 'utf8' });
      if (r.status !== 0) throw new LoaderError(`mkfifo failed: ${r.error?.message ?? r.stderr}`);
      // The loader's ends: requests read-only (non-blocking to open; the loader clears the flag),
      // responses read-write (so that our read-only open below does not wait for a writer).
      const loaderIn = openSync(req, constants.O_RDONLY | constants.O_NONBLOCK);
      const loaderOut = openSync(resp, constants.O_RDWR);
      this.toLoader = openSync(req, constants.O_WRONLY);
      this.fromLoader = openSync(resp, constants.O_RDONLY);
      const stdio: StdioOptions = [...(opts.stdio ?? ['inherit', 'inherit', 'inherit']), loaderIn, loaderOut];
      this.child = spawn(command[0], command.slice(1), { stdio, env: opts.env ?? process.env });
      this.child.on('error', (e) => {
        this.why = `cannot start ${command[0]}: ${e.message}`;
      });
      this.child.unref();
      closeSync(loaderIn);
      closeSync(loaderOut);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private readExact(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      let k: number;
      try {
        k = readSync(this.fromLoader, b, at, n - at, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
        throw new LoaderError(`reading from the loader: ${(e as Error).message}`);
      }
      if (k === 0) {
        this.closed = true;
        throw new LoaderError(this.why ?? 'the loader exited unexpectedly (it crashed, or was killed)');
      }
      at += k;
    }
    return b;
  }

  /** Sends one request frame and returns the response frame's payload. */
  request(payload: Uint8Array): Buffer {
    if (this.closed) throw new LoaderError(this.why ?? 'the loader is gone');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(payload.length, 0);
    try {
      writeSync(this.toLoader, head);
      for (let at = 0; at < payload.length; ) at += writeSync(this.toLoader, payload, at, payload.length - at);
    } catch (e) {
      this.closed = true;
      throw new LoaderError(this.why ?? `the loader is gone (${(e as Error).message})`);
    }
    const len = this.readExact(4).readUInt32LE(0);
    return this.readExact(len);
  }

  /** Ends the loader (it exits at the end of its request pipe) and releases the pipes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.toLoader);
    closeSync(this.fromLoader);
  }

  /** Stops the loader at once. */
  kill(): void {
    this.close();
    this.child.kill('SIGKILL');
  }
}
