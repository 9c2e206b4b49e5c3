// Checks of option values that need the compiler's tables (settings, ISAs): run when a command
// starts, so that a wrong value is one usage error, not a failure per input.

import { IsaError, SettingsError, parseTriple, settingsBuilder } from '@windlass/codegen';
import '@windlass/isa-x64';
import { UsageError } from '../command';

/** `--set NAME=VALUE` items: each must name a shared setting and give it a valid value. */
export function checkSettings(settings: readonly string[]): void {
  const b = settingsBuilder();
  for (const s of settings) {
    try {
      b.apply(s);
    } catch (e) {
      if (e instanceof SettingsError) throw new UsageError(`--set ${s}: ${e.message}`);
      throw e;
    }
  }
}

/**
 * A `test --target` filter (`x86_64`, `aarch64`, `x86_64-unknown-linux`, `x86_64 has_avx`): its
 * architecture must be one Cranelift or Windlass knows, with or without a backend here.
 */
export function checkTargetFilter(target: string): void {
  const arch = (target.trim().split(/\s+/)[0] ?? '').replace(/^x86-64$/, 'x86_64');
  try {
    parseTriple(arch);
  } catch (e) {
    if (e instanceof IsaError && e.kind === 'unsupported-isa') return; // known, no backend: the interpreter stands in
    if (e instanceof IsaError) throw new UsageError(`--target ${target}: ${e.message}`);
    throw e;
  }
}
