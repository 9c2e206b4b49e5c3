import { runClif, signature, zeroCounts, type Finding, type RunOptions } from './clif';

/**
 * Greedy reduction of a CLIF text finding: drop lines, then tokens, while the same finding
 * (same signature) still appears. Text findings only (IR edits replay from their seed).
 */
export function minimizeClif(text: string, finding: Finding, fuel = 2000): string {
  const want = signature(finding);
  const opts: RunOptions = { fuel, counts: zeroCounts(), slowMs: 0 };
  const still = (t: string): boolean => runClif(t, opts).some((f) => signature(f) === want);
  let lines = text.split('\n');
  for (let changed = true; changed;) {
    changed = false;
    for (let i = lines.length - 1; i >= 0; i--) {
      const cand = lines.slice(0, i).concat(lines.slice(i + 1));
      if (still(cand.join('\n'))) {
        lines = cand;
        changed = true;
      }
    }
  }
  for (let i = 0; i < lines.length; i++) {
    let parts = lines[i].split(/(?<=\s)/);
    for (let j = parts.length - 1; j >= 0; j--) {
      const cand = parts.slice(0, j).concat(parts.slice(j + 1));
      const all = [...lines.slice(0, i), cand.join(''), ...lines.slice(i + 1)];
      if (still(all.join('\n'))) {
        parts = cand;
        lines = all;
      }
    }
  }
  return lines.join('\n');
}
