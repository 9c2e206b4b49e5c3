/**
 * The wasm side of the `windlass` command line, as library functions: `windlass wast` calls
 * `runWastFiles`, `windlass wasm --print-ir` calls `printWasmIr` (binary or `.wat` modules).
 */
import { readFileSync } from 'node:fs';
import { excerpt, printFunction } from '@windlass/ir';
import { StandardEnvironment } from '@windlass/linker';
import { parseModule, parseWatModule, translateFunction } from '@windlass/wasm-frontend';
import { InterpreterEngine } from './interp-engine';
import { NodeEngine } from './node-engine';
import { ArtifactEngine, artifactHostProblem } from './artifact-engine';
import { runWastWithEngine, type ScriptResult, type WastOptions, type WastSummary } from './wast';
import { runComponentScript } from './component-wast';

export { countAssertions, runWastWithEngine, trapMatches } from './wast';
export type { ScriptResult, WastOptions, WastSummary, CaseFailure } from './wast';
export { NodeEngine } from './node-engine';
export { InterpreterEngine } from './interp-engine';
export { ArtifactEngine, artifactHostProblem } from './artifact-engine';
export { runComponentScript, skipReason, fromJson, componentValuesEqual, componentTrapMatches, SKIPPED_FEATURES } from './component-wast';
export { hostComponent } from './component-host';
export { WastUnsupported } from './unsupported';
export * from './engine';
export * from './values';
export { spectestModule } from './spectest';

/**
 * Runs `.wast` scripts with the engine the options choose, and component-model scripts
 * (`json-from-wast`'s `.json`) as x86-64 component artifacts whatever the engine.
 */
export async function runWastFiles(paths: string[], opts: WastOptions = {}): Promise<WastSummary> {
  const make = opts.target
    ? () => new ArtifactEngine({ target: opts.target, settings: opts.settings, boundsChecks: opts.boundsChecks })
    : opts.interpret ? () => new InterpreterEngine() : () => new NodeEngine();
  const json = paths.filter((p) => p.endsWith('.json'));
  const wast = paths.filter((p) => !p.endsWith('.json'));
  const parts: WastSummary[] = [];
  if (wast.length) parts.push(await runWastWithEngine(wast, make, opts));
  if (json.length) parts.push(await runComponentScripts(json, { settings: opts.settings, jobs: opts.jobs }));
  const perScript = parts.flatMap((p) => p.perScript);
  return { passed: sum(parts, 'passed'), failed: sum(parts, 'failed'), skipped: sum(parts, 'skipped'), perScript };
}

function sum(parts: WastSummary[], k: 'passed' | 'failed' | 'skipped'): number {
  return parts.reduce((n, p) => n + p[k], 0);
}

/** Component-model scripts, `jobs` at a time, each in a loader of its own. */
export async function runComponentScripts(paths: string[], opts: { settings?: string[]; jobs?: number } = {}): Promise<WastSummary> {
  const results: ScriptResult[] = new Array(paths.length);
  const problem = artifactHostProblem();
  let next = 0;
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, paths.length));
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < paths.length) {
        const i = next++;
        if (problem) {
          results[i] = { path: paths[i], passed: 0, failed: 0, skipped: 0, failures: [], skipReasons: {}, error: `component scripts run as x86-64 artifacts: ${problem}` };
          continue;
        }
        results[i] = await runComponentScript(paths[i], { settings: opts.settings }).catch((e: unknown) => ({
          path: paths[i], passed: 0, failed: 1, skipped: 0, failures: [], skipReasons: {}, error: `the script could not be run: ${e instanceof Error ? e.message : String(e)}`,
        }));
      }
    }),
  );
  return { passed: results.reduce((n, r) => n + r.passed, 0), failed: results.reduce((n, r) => n + r.failed, 0), skipped: results.reduce((n, r) => n + r.skipped, 0), perScript: results };
}

/** Why `target` cannot be a native `wast` target (not x86-64, a bad flag), or undefined. */
export function nativeTargetProblem(target: string, settings: string[] = []): string | undefined {
  try {
    new ArtifactEngine({ target, settings });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Decodes (or reads as text, when the input does not start with the binary magic), validates
 * and translates a module (its bytes, or a path) with the standard environment; returns the IR
 * of every defined function in CLIF text. Throws the frontend's typed `WasmError`s (text errors
 * are `WatError`s whose message starts with `path:line:column`).
 */
export function printWasmIr(
  input: string | Uint8Array,
  opts: { boundsChecks?: 'explicit' | 'guard'; onStart?: (functions: number) => void; onFunction?: () => void } = {},
  fileName = typeof input === 'string' ? input : '<input>',
): string {
  const bytes = typeof input === 'string' ? new Uint8Array(readFileSync(input)) : input;
  const binary = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  const m = binary ? parseModule(bytes) : parseWatModule(bytes, fileName, { names: true }).module;
  const env = new StandardEnvironment(m, { boundsChecks: opts.boundsChecks });
  const out: string[] = [];
  opts.onStart?.(m.bodies.length);
  for (let i = 0; i < m.bodies.length; i++) {
    const index = m.numImportedFuncs + i;
    const name = m.names?.functions.get(index);
    // A name is the module's to choose (a line break would end the comment): escaped.
    if (name !== undefined) out.push(`; function ${index}: ${excerpt(name)}`);
    out.push(printFunction(translateFunction(m, i, env)));
    opts.onFunction?.();
  }
  return out.join('\n');
}

/** The `N passed, N failed, N skipped` line shared with `windlass test`. */
export function summaryLine(s: { passed: number; failed: number; skipped: number }): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}
