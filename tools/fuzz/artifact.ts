// Long artifact fuzzing (see src/artifact.ts): every mutant must deserialize or be refused with
// a typed ArtifactError. With --loader-every N, every Nth mutant that deserialized is also
// loaded by the C loader (@windlass/runtime), which must load it or answer an error, and never die.
//
//   npx tsx --conditions=windlass:source tools/fuzz/artifact.ts [--count 100000] [--seed 1]
//        [--loader-every 20] [--slow-ms 1000]
import { writeFileSync } from 'node:fs';
import { LoaderError, Runtime } from '@windlass/runtime';
import { artifactSeeds, nextMutant, runArtifact, zeroArtifactCounts, type ArtifactFinding } from './src/artifact';
import { Rng } from './src/rng';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const count = Number(arg('count', '100000'));
const seed = Number(arg('seed', '1'));
const loaderEvery = Number(arg('loader-every', '20'));
const slowMs = Number(arg('slow-ms', '1000'));

const seeds = artifactSeeds();
const rng = new Rng(seed);
const counts = zeroArtifactCounts();
const findings: ArtifactFinding[] = [];
let runtime = loaderEvery > 0 ? new Runtime({ stdio: ['ignore', 'ignore', 'inherit'] }) : undefined;
let loaderRuns = 0, loaderLoaded = 0, loaderRefused = 0, sinceLoader = 0;
const t0 = Date.now();
for (let i = 0; i < count; i++) {
  const f = runArtifact(nextMutant(seeds, rng, counts), counts, slowMs, (bytes) => {
    if (!runtime || ++sinceLoader < loaderEvery) return;
    sinceLoader = 0;
    loaderRuns++;
    try {
      runtime.load(bytes);
      loaderLoaded++;
    } catch (e) {
      if (e instanceof LoaderError && /exited unexpectedly|gone/.test(e.message)) {
        findings.push({ kind: 'untyped', message: `the loader died loading a mutant: ${e.message}`, bytes });
        runtime = new Runtime({ stdio: ['ignore', 'ignore', 'inherit'] });
      } else {
        loaderRefused++;
        if (process.argv.includes("--verbose")) console.log(`loader refused a deserialized mutant: ${(e as Error).message}`);
      }
    }
  });
  if (f) {
    findings.push(f);
    const file = `artifact-finding-${seed}-${i}.cwasm`;
    writeFileSync(file, f.bytes);
    console.log(`FINDING [${f.kind}] mutant ${i}: ${f.message} (bytes in ${file})`);
  }
}
runtime?.close();
const secs = (Date.now() - t0) / 1000;
console.log(`${counts.mutants} mutants (${counts.resealed} re-sealed) in ${secs.toFixed(1)} s: ${counts.loaded} deserialized, refused: ${JSON.stringify(counts.refused)}`);
if (loaderEvery > 0) console.log(`C loader: ${loaderRuns} deserialized mutants loaded, ${loaderLoaded} mapped, ${loaderRefused} refused with an error, ${findings.filter((f) => f.message.startsWith('the loader died')).length} crashes`);
console.log(`${findings.length} findings`);
process.exit(findings.length > 0 ? 1 : 0);
