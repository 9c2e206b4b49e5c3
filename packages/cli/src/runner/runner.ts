// `windlass test`: find the files, run them (in worker threads with --jobs > 1), print failures
// as `file:line: what: message`, and end with exactly `N passed, N failed, N skipped`.

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runFile } from './run-file';
import { summaryLine, type CaseResult, type FileResult, type TestOptions } from './types';
import { CommandError, type Io } from '../command';
import { Progress } from '../progress';

export type { TestOptions } from './types';

/**
 * Every `.clif` file under the paths, sorted, each once. A path that does not exist is kept
 * (runFile reports it unreadable), and so is a folder that cannot be listed; a folder without
 * any `.clif` file is a `CommandError`. Symbolic links are followed, but each folder is walked
 * once (by device and inode), so a link back up the tree (`/proc/self/root`) ends the walk.
 */
export function collectFiles(paths: readonly string[], filter: string | null): string[] {
  const out = new Set<string>();
  // Folders are walked with an explicit stack: their depth is the file system's to choose.
  for (const p of paths) {
    const seen = new Set<string>();
    const todo = [p];
    let isFolder = false;
    let found = 0;
    while (todo.length > 0) {
      const q = todo.pop()!;
      let st;
      try {
        st = statSync(q);
      } catch {
        out.add(q); // reported as unreadable by runFile
        continue;
      }
      if (st.isDirectory()) {
        isFolder ||= q === p;
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
        let entries: string[];
        try {
          entries = readdirSync(q).sort();
        } catch {
          out.add(q); // runFile: cannot read
          continue;
        }
        for (let k = entries.length - 1; k >= 0; k--) todo.push(join(q, entries[k]));
      } else if (q.endsWith('.clif') || q === p) {
        out.add(q);
        found++;
      }
    }
    if (isFolder && found === 0) throw new CommandError(`no .clif files under ${p}`);
  }
  return [...out].filter((f) => filter === null || f.includes(filter));
}

export async function runTests(opts: TestOptions, io: Io): Promise<number> {
  const files = collectFiles(opts.paths, opts.filter);
  const jobs = Math.max(1, Math.min(opts.jobs || availableParallelism(), files.length));
  const progress = new Progress(io, files.length, 'files', !opts.verbose);
  const results: FileResult[] = new Array(files.length);
  // Files finish out of order with --jobs; print them in file order all the same.
  let printed = 0;
  const report = (k: number, r: FileResult) => {
    results[k] = r;
    if (printed < files.length && results[printed]) progress.clear();
    while (printed < files.length && results[printed]) printFile(io, results[printed++], opts.verbose);
    progress.tick();
  };
  if (jobs <= 1) {
    for (let k = 0; k < files.length; k++) report(k, await runFile(files[k], opts));
  } else {
    await runInWorkers(files, opts, jobs, report);
  }
  progress.clear();
  const exact = results.flatMap((r) => r?.cases ?? []).flatMap((c) => (c.exact ? [c.exact] : []));
  if (exact.length > 0) {
    const matched = exact.reduce((n, e) => n + e.matched, 0);
    const of = exact.reduce((n, e) => n + e.of, 0);
    io.out(`precise-output: ${matched} of ${of} functions print exactly as the expected output (the rest pass or fail on equivalence and instruction count)\n`);
  }
  const line = summaryLine(results.filter(Boolean));
  io.out(`${line}\n`);
  return results.some((r) => r?.cases.some((c) => c.status === 'fail')) ? 1 : 0;
}

function location(file: string, c: CaseResult): string {
  const rel = relative(process.cwd(), file);
  return `${rel.startsWith('..') ? file : rel}:${c.line}`;
}

function printFile(io: Io, r: FileResult, verbose: boolean): void {
  for (const c of r.cases) {
    if (c.status === 'fail') io.out(`FAIL ${location(r.file, c)}: ${c.name}: ${c.message ?? ''}\n`);
    else if (verbose) io.out(`${c.status === 'pass' ? 'ok  ' : 'SKIP'} ${location(r.file, c)}: ${c.name}${c.message ? `: ${c.message}` : ''}\n`);
  }
}

async function runInWorkers(files: string[], opts: TestOptions, jobs: number, report: (k: number, r: FileResult) => void): Promise<void> {
  let next = 0;
  // From the sources (tsx), a worker registers tsx first; built, the worker is dist/worker.js.
  const workerUrl = import.meta.url.endsWith('.ts') ? new URL('./worker-boot.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
  // Run the remaining files in this thread (no worker support, or workers cannot start).
  const inProcess = async (first: number | null) => {
    if (first !== null) report(first, await runFile(files[first], opts));
    while (next < files.length) {
      const k = next++;
      report(k, await runFile(files[k], opts));
    }
  };
  const one = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let current = -1;
      let answered = false;
      let w: Worker;
      try {
        w = new Worker(workerUrl, { workerData: { opts } });
      } catch {
        void inProcess(null).then(resolve);
        return;
      }
      const feed = () => {
        if (next >= files.length) {
          void w.terminate();
          resolve();
          return;
        }
        current = next++;
        w.postMessage(files[current]);
      };
      w.on('message', (r: FileResult) => {
        answered = true;
        report(current, r);
        feed();
      });
      w.on('error', (e) => {
        if (!answered) {
          // The worker never ran a file: workers do not work here, so do not retry them.
          void inProcess(current >= 0 ? current : null).then(resolve);
          return;
        }
        if (current >= 0) {
          report(current, { file: files[current], cases: [{ status: 'fail', kind: 'crash', line: 0, name: files[current], message: `worker crashed: ${e.message}` }] });
        }
        // Replace the crashed worker and go on.
        void one().then(resolve);
      });
      feed();
    });
  await Promise.all(Array.from({ length: jobs }, one));
}
