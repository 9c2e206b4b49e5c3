import { applySetLine, type Flags, settingsBuilder } from '../settings';
import { IsaError, parseTargetLine, type ParsedTarget } from './registry';
import type { TargetIsa } from './types';

/** One `target` line of a CLIF file with the shared flags in force at that line. */
export interface TargetSpec {
  readonly target: ParsedTarget;
  readonly flags: Flags;
  /** 1-based line of the `target` line. */
  readonly line: number;
  build(): TargetIsa;
}

export interface IsaSpec {
  readonly targets: TargetSpec[];
  /** `target` lines naming an ISA without a registered backend (pulley, i686, ...), when skipped. */
  readonly unsupported: IsaError[];
  /** The shared flags after the last `set` line (what a file without targets compiles with). */
  readonly flags: Flags;
}

/**
 * Reads the `set` and `target` lines of a CLIF file header, as the filetests write them: `set`
 * lines apply to the targets that follow them. Other lines are ignored. Unknown settings and
 * flags throw; ISAs without a backend throw too unless `skipUnsupported`.
 */
export function parseIsaSpec(lines: readonly string[], options: { skipUnsupported?: boolean; file?: string } = {}): IsaSpec {
  const builder = settingsBuilder();
  const targets: TargetSpec[] = [];
  const unsupported: IsaError[] = [];
  lines.forEach((raw, i) => {
    const text = raw.replace(/;.*$/, '').trim();
    const location = { line: i + 1, file: options.file };
    if (text.startsWith('set ')) {
      applySetLine(builder, text, location);
    } else if (text.startsWith('target ')) {
      try {
        const target = parseTargetLine(text, location);
        const flags = builder.finish();
        targets.push({ target, flags, line: i + 1, build: () => target.isa.create(target.triple, flags, target.flags) });
      } catch (e) {
        if (options.skipUnsupported && e instanceof IsaError && e.kind === 'unsupported-isa') unsupported.push(e);
        else throw e;
      }
    }
  });
  return { targets, unsupported, flags: builder.finish() };
}
