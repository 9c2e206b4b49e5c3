// `test compile`: compile every function of a file for each of its targets (Cranelift's exact
// output is not a goal, so `check:` lines are not compared). One case per function and target.

import type { ClifFile } from '@windlass/ir';
import { IsaError, buildIsa, settingsBuilder, type Flags } from '@windlass/codegen';
import { symbolName } from '@windlass/isa-x64';
import type { CaseResult } from '../runner/types';

function flagsOf(settings: ClifFile['settings']): Flags {
  const b = settingsBuilder();
  for (const s of settings) b.apply(s.value === null ? s.name : `${s.name}=${s.value}`);
  return b.finish();
}

/** Compiles each function for each target of `clif` (filtered to `isas` when non-empty). */
export function checkCompile(clif: ClifFile, isas: readonly string[] = [], expectFail = false): CaseResult[] {
  const out: CaseResult[] = [];
  const targets = clif.targets.length ? clif.targets : [{ isa: 'x86_64', flags: [], settings: clif.settings, line: 1 }];
  for (const t of targets) {
    const label = [t.isa, ...t.flags].join(' ');
    if (isas.length && !isas.some((i) => i === t.isa || i.split('-')[0] === t.isa)) continue;
    let isa;
    try {
      isa = buildIsa(label, flagsOf(t.settings));
    } catch (e) {
      const skip = e instanceof IsaError && e.kind === 'unsupported-isa';
      out.push({ status: skip ? 'skip' : 'fail', kind: 'compile', line: t.line, name: `target ${label}`, message: (e as Error).message });
      continue;
    }
    for (const fn of clif.functions) {
      const name = `${symbolName(fn.func.name)} [${label}]`;
      try {
        isa.compileFunction(fn.func, { wantListing: false });
        // `test compile expect-fail`: every function must be rejected.
        if (expectFail) out.push({ status: 'fail', kind: 'compile', line: fn.startLine, name, message: 'compiled, but the file says `expect-fail`: it must be rejected' });
        else out.push({ status: 'pass', kind: 'compile', line: fn.startLine, name });
      } catch (e) {
        const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        // A rejection counts for `expect-fail` only when it is one of the backend's typed errors.
        const typed = e instanceof Error && /^(UnsupportedError|CodegenError|VerifierError|VerificationFailed|RegAllocError|SettingsError)$/.test(e.name);
        if (expectFail && typed) out.push({ status: 'pass', kind: 'compile', line: fn.startLine, name, message });
        else out.push({ status: 'fail', kind: 'compile', line: fn.startLine, name, message });
      }
    }
  }
  return out;
}
