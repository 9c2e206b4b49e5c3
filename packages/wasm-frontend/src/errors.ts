import { excerpt } from '@windlass/ir';

/**
 * Typed errors of the wasm frontend. Every rejection of a module carries where (byte offset,
 * section, function) and which rule it broke, so a user can find the offending bytes.
 */

/** `malformed`: the bytes are not a well-formed binary module; `invalid`: well formed but fails
 * validation; `unsupported`: valid but outside what Windlass implements. */
export type WasmErrorKind = 'malformed' | 'invalid' | 'unsupported';

export interface WasmLocation {
  /** Byte offset into the module bytes. */
  offset: number;
  /** Section id (0..12) being decoded, or -1 for the module header. */
  section: number;
  /** Index of the function (in the function index space) being decoded, or -1. */
  func: number;
}

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'data count',
];

/** Sections of a component binary (ids 0..12 of the component binary format). */
const COMPONENT_SECTION_NAMES = [
  'custom',
  'core module',
  'core instance',
  'core type',
  'component',
  'instance',
  'alias',
  'type',
  'canon',
  'start',
  'import',
  'export',
  'value',
];

/**
 * Locations inside a component use `COMPONENT_SECTION + id` as their section (its header
 * `COMPONENT_SECTION - 1`), so that a core module's sections and the component's own are told
 * apart.
 */
export const COMPONENT_SECTION = 100;

export function sectionName(id: number): string {
  if (id >= COMPONENT_SECTION - 1) {
    const c = id - COMPONENT_SECTION;
    if (c < 0) return 'component header';
    return c < COMPONENT_SECTION_NAMES.length ? `component ${COMPONENT_SECTION_NAMES[c]}` : `component section ${c}`;
  }
  return id >= 0 && id < SECTION_NAMES.length ? SECTION_NAMES[id] : id < 0 ? 'header' : `section ${id}`;
}

export class WasmError extends Error {
  readonly kind: WasmErrorKind;
  readonly location: WasmLocation;
  /** The rule broken, in the spec test suite's words where one exists (e.g. "type mismatch"). */
  readonly rule: string;
  /** What was found, when the rule alone does not say it. */
  readonly detail?: string;

  constructor(kind: WasmErrorKind, rule: string, location: WasmLocation, detail?: string) {
    const where =
      `at byte 0x${location.offset.toString(16)} (${sectionName(location.section)} section` +
      (location.func >= 0 ? `, function ${location.func})` : ')');
    // A detail may quote the module's own bytes (names, lengths): quoted as a short excerpt.
    super(`${kind} ${location.section >= COMPONENT_SECTION - 1 ? 'component' : 'module'}: ${rule}${detail ? ` (${excerpt(detail)})` : ''} ${where}`);
    this.name = 'WasmError';
    this.kind = kind;
    this.rule = rule;
    this.detail = detail;
    this.location = location;
  }
}

export class WasmMalformedError extends WasmError {
  constructor(rule: string, location: WasmLocation, detail?: string) {
    super('malformed', rule, location, detail);
    this.name = 'WasmMalformedError';
  }
}

export class WasmInvalidError extends WasmError {
  constructor(rule: string, location: WasmLocation, detail?: string) {
    super('invalid', rule, location, detail);
    this.name = 'WasmInvalidError';
  }
}

export class WasmUnsupportedError extends WasmError {
  constructor(rule: string, location: WasmLocation, detail?: string) {
    super('unsupported', rule, location, detail);
    this.name = 'WasmUnsupportedError';
  }
}
