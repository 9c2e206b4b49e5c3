// The seeded sample of the artifact fuzzer (the long run is tools/fuzz/artifact.ts): mutated,
// re-sealed artifacts deserialize or are refused with a typed ArtifactError, nothing else.
import { describe, expect, it } from 'vitest';
import { artifactSeeds, nextMutant, runArtifact, zeroArtifactCounts, type ArtifactFinding } from './artifact';
import { Rng } from './rng';

const MUTANTS = 3000;

describe('artifacts under mutation', () => {
  it(`${MUTANTS} mutants: loaded or refused with a typed ArtifactError`, () => {
    const seeds = artifactSeeds();
    const rng = new Rng(7);
    const counts = zeroArtifactCounts();
    const findings: ArtifactFinding[] = [];
    for (let i = 0; i < MUTANTS; i++) {
      const f = runArtifact(nextMutant(seeds, rng, counts), counts, 0);
      if (f) findings.push(f);
    }
    expect(findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
    // The mutator reaches every layer: structure, the hash, the version, the target and settings.
    expect(counts.refused.malformed).toBeGreaterThan(1000);
    expect(counts.refused.corrupt).toBeGreaterThan(10);
    expect(counts.refused.version).toBeGreaterThan(0);
    expect(counts.refused.settings ?? 0).toBeGreaterThan(0);
    expect(counts.loaded).toBeGreaterThan(50);
  }, 120_000);
});
