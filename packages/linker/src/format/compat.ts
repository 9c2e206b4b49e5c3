/**
 * The compatibility record (`.windlass.compat`) and its comparison with what a caller expects.
 *
 * ```
 *  u32 format version
 *  str isa, str triple, str producer
 *  u32 n, n x (str name, str value)     ISA flags
 *  u32 n, n x (str name, str value)     shared settings
 *  u32 n, n x (str name, str value)     wasm settings
 * ```
 */
import { sharedSettings, settingsBuilder, type Flags, type TargetIsa } from '@windlass/codegen';
import { ARTIFACT_FORMAT_VERSION, type CompatRecord } from '../artifact';
import { ArtifactError } from '../errors';
import { LeReader, LeWriter } from './bytes';
import type { BoundsChecks } from '../environ/environment';

/** Shared settings that never change the generated code: not compared. */
const NOT_CODE = new Set(['enable_verifier', 'regalloc_checker', 'regalloc_verbose_logs', 'enable_incremental_compilation_cache_checks']);

/** The wasm compilation settings an artifact records, with their defaults. */
export interface WasmSettings {
  boundsChecks: BoundsChecks;
}

function tripleText(isa: TargetIsa): string {
  const t = isa.triple;
  return [t.architecture, t.vendor, t.os, t.environment].join('-');
}

function pairs(flags: Flags): [string, string][] {
  return flags.entries().map(([n, v]) => [n, String(v)]);
}

export function compatRecord(isa: TargetIsa, wasm: WasmSettings, producer: string): CompatRecord {
  return {
    formatVersion: ARTIFACT_FORMAT_VERSION,
    isa: isa.name,
    triple: tripleText(isa),
    isaFlags: pairs(isa.isaFlags),
    settings: pairs(isa.flags),
    wasm: [['bounds_checks', wasm.boundsChecks]],
    producer,
  };
}

export function encodeCompat(c: CompatRecord): Uint8Array {
  const w = new LeWriter();
  w.u32(c.formatVersion).str(c.isa).str(c.triple).str(c.producer);
  for (const list of [c.isaFlags, c.settings, c.wasm]) {
    w.u32(list.length);
    for (const [n, v] of list) w.str(n).str(v);
  }
  return w.finish();
}

/** Decodes the record. The format version is checked first: nothing else is read from a newer one. */
export function decodeCompat(r: LeReader): CompatRecord {
  const formatVersion = r.u32('format version');
  if (formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new ArtifactError('version', r.section, r.base, `artifact format version ${formatVersion}, this linker reads version ${ARTIFACT_FORMAT_VERSION}: compile the module again`);
  }
  const isa = r.str('ISA name');
  const triple = r.str('target triple');
  const producer = r.str('producer');
  const lists: [string, string][][] = [];
  for (const what of ['ISA flag', 'setting', 'wasm setting']) {
    const n = r.count(`${what}s`, 8);
    const list: [string, string][] = [];
    for (let i = 0; i < n; i++) list.push([r.str(`${what} name`), r.str(`${what} value`)]);
    lists.push(list);
  }
  r.end();
  return { formatVersion, isa, triple, producer, isaFlags: lists[0], settings: lists[1], wasm: lists[2] };
}

/** The value of setting `name` in a record list, or undefined. */
export function compatValue(list: readonly [string, string][], name: string): string | undefined {
  for (const [n, v] of list) if (n === name) return v;
  return undefined;
}

/** What a caller expects of an artifact before it runs anything from it. */
export interface ArtifactExpectation {
  /** ISA name (`x86_64`); the artifact must be for this ISA. */
  isa: string;
  /** ISA flags the artifact must have been compiled with (`name=value` or a bare flag name). */
  isaFlags?: string[];
  /**
   * Shared settings as `name=value` items, applied over the defaults; every code-affecting
   * shared setting of the artifact must then match. Omitted: settings are not compared.
   */
  settings?: string[];
  /** Wasm settings that must match (`bounds_checks`); omitted: not compared. */
  wasm?: Partial<WasmSettings>;
  /** Module (default) or component. */
  kind?: 'module' | 'component';
}

/**
 * Compares the record with an expectation. Throws an `ArtifactError` naming both sides of the
 * first mismatch (and how many more there are).
 */
export function checkCompat(c: CompatRecord, e: ArtifactExpectation, section: string, offset: number): void {
  if (c.isa !== e.isa) throw new ArtifactError('target', section, offset, `the artifact is for ${c.isa} (${c.triple}), expected ${e.isa}`);
  const mismatches: string[] = [];
  for (const item of e.isaFlags ?? []) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const want = eq < 0 ? 'true' : item.slice(eq + 1);
    const have = compatValue(c.isaFlags, name);
    if (have !== want) mismatches.push(`ISA flag ${name}: artifact has ${have ?? '(none)'}, expected ${want}`);
  }
  if (mismatches.length > 0) throw new ArtifactError('target', section, offset, describe(mismatches));
  if (e.settings !== undefined) {
    const b = settingsBuilder();
    for (const s of e.settings) b.apply(s);
    const want = b.finish();
    for (const d of sharedSettings.settings) {
      if (NOT_CODE.has(d.name)) continue;
      const have = compatValue(c.settings, d.name);
      const w = String(want.get(d.name));
      if (have !== w) mismatches.push(`setting ${d.name}: artifact has ${have ?? '(none)'}, expected ${w}`);
    }
  }
  if (e.wasm?.boundsChecks !== undefined) {
    const have = compatValue(c.wasm, 'bounds_checks');
    if (have !== e.wasm.boundsChecks) mismatches.push(`wasm setting bounds_checks: artifact has ${have ?? '(none)'}, expected ${e.wasm.boundsChecks}`);
  }
  if (mismatches.length > 0) throw new ArtifactError('settings', section, offset, describe(mismatches));
}

function describe(m: string[]): string {
  return m.length === 1 ? `made with other settings: ${m[0]}` : `made with other settings: ${m[0]} (and ${m.length - 1} more: ${m.slice(1).join('; ')})`;
}
