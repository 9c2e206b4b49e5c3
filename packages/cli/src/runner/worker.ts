// Worker thread of `windlass test --jobs N`: receives file paths, answers FileResults.

import { parentPort, workerData } from 'node:worker_threads';
import { runFile } from './run-file';
import type { TestOptions } from './types';

const opts = (workerData as { opts: TestOptions }).opts;
parentPort?.on('message', (file: string) => {
  runFile(file, opts).then(
    (r) => parentPort?.postMessage(r),
    (e: unknown) =>
      parentPort?.postMessage({ file, cases: [{ status: 'fail', kind: 'crash', line: 0, name: file, message: `runner crashed: ${e instanceof Error ? e.message : String(e)}` }] }),
  );
});
