// What the mid-end (opt_level=speed) removes: IR instructions before and after `optimize`, and
// x86-64 code bytes compiled at opt_level none and speed, over every function of the given
// corpus folders that verifies and compiles at both levels.
//
//   npx tsx --conditions=windlass:source tools/bench/midend.ts [--corpus DIR,DIR]
//
// Default folders: all of ../shared/corpus/cranelift-filetests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as W from './compile-entry';
import { arg, files } from './support';

W.registerIsa(W.x64Isa);
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'corpus', 'cranelift-filetests');
const dirs = arg('corpus', root).split(',');
const flags = (level: string) => W.settingsBuilder().set('opt_level', level).finish();
const none = W.buildIsa('x86_64', flags('none'));
const speed = W.buildIsa('x86_64', flags('speed'));

let fns = 0, before = 0, after = 0, bytesNone = 0, bytesSpeed = 0, skipped = 0;
for (const d of dirs) {
  for (const file of files(d)) {
    let parsed;
    try {
      parsed = W.parseClif(readFileSync(file, 'utf8'), file);
    } catch {
      continue; // malformed on purpose (parser tests)
    }
    for (const { func } of parsed.functions) {
      if (W.verifyFunction(func).length > 0) { skipped++; continue; }
      let a, b;
      try {
        a = none.compileFunction(func);
        b = speed.compileFunction(func);
      } catch {
        skipped++;
        continue; // not for x86-64 (big-endian, expect-fail files, ...)
      }
      const g = func.clone();
      const stats = W.optimize(g);
      fns++;
      before += stats.instsBefore;
      after += stats.instsAfter;
      bytesNone += a.bytes.length;
      bytesSpeed += b.bytes.length;
    }
  }
}
const pct = (x: number, y: number): string => `${(((y - x) / x) * 100).toFixed(1)}%`;
console.log(`${fns} functions (${skipped} skipped: not verifying or not compiling for x86-64)`);
console.log(`IR instructions: ${before} -> ${after} (${pct(before, after)})`);
console.log(`x86-64 code bytes: ${bytesNone} -> ${bytesSpeed} (${pct(bytesNone, bytesSpeed)})`);
