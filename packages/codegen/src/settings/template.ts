/**
 * Settings as data: a `SettingsTemplate` lists the settings (name, kind, default, allowed values,
 * doc) and presets (a name that enables several boolean settings, such as `haswell`). The shared
 * codegen flags and every ISA's own flags are templates; builders check names and values against
 * them and produce immutable `Flags`.
 */

export type SettingKind = 'bool' | 'enum' | 'num';
export type SettingValue = boolean | string | number;

interface SettingBase {
  readonly name: string;
  readonly doc: string;
}
export interface BoolSetting extends SettingBase {
  readonly kind: 'bool';
  readonly default: boolean;
}
export interface EnumSetting extends SettingBase {
  readonly kind: 'enum';
  readonly default: string;
  readonly values: readonly string[];
}
export interface NumSetting extends SettingBase {
  readonly kind: 'num';
  readonly default: number;
  /** Inclusive bounds; the value must also be an integer. */
  readonly min: number;
  readonly max: number;
}
export type SettingDescriptor = BoolSetting | EnumSetting | NumSetting;

/** A named group of settings applied together (`haswell`, `arch13`, `sse42` ...). */
export interface PresetDescriptor {
  readonly name: string;
  readonly doc: string;
  /** Boolean settings turned on, or presets applied first (presets may build on presets). */
  readonly enables: readonly string[];
}

/** Where the offending text came from, when known (e.g. a line of a CLIF file). */
export interface SourceLocation {
  readonly line?: number;
  readonly column?: number;
  readonly file?: string;
}

export type SettingsErrorKind = 'unknown-setting' | 'bad-value' | 'missing-value';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly kind: SettingsErrorKind,
    /** The offending text as written (`opt_level=fastest`, `has_avx9`). */
    readonly text: string,
    message: string,
    readonly location: SourceLocation = {},
  ) {
    super(formatLocation(location) + message);
  }
}

/** `file:line:column: ` (the parts that are known), to prefix messages with. */
export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file !== undefined ? `${loc.file}: ` : '';
  const col = loc.column !== undefined ? `:${loc.column}` : '';
  return `${loc.file ?? ''}${loc.file !== undefined ? ':' : ''}${loc.line}${col}: `;
}

function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return bestScore <= Math.max(2, name.length >> 2) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export class SettingsTemplate {
  private readonly index = new Map<string, number>();
  private readonly presetIndex = new Map<string, PresetDescriptor>();

  constructor(
    /** `shared`, `x86_64`, ...: used in messages. */
    readonly name: string,
    readonly settings: readonly SettingDescriptor[],
    readonly presets: readonly PresetDescriptor[] = [],
  ) {
    settings.forEach((s, i) => {
      if (this.index.has(s.name)) throw new Error(`settings template ${name}: duplicate setting ${s.name}`);
      validateDescriptor(name, s);
      this.index.set(s.name, i);
    });
    for (const p of presets) {
      if (this.index.has(p.name) || this.presetIndex.has(p.name)) {
        throw new Error(`settings template ${name}: preset ${p.name} clashes with another name`);
      }
      this.presetIndex.set(p.name, p);
    }
    for (const p of presets) {
      for (const e of p.enables) {
        const i = this.index.get(e);
        if (i === undefined ? !this.presetIndex.has(e) : settings[i].kind !== 'bool') {
          throw new Error(`settings template ${name}: preset ${p.name} enables ${e}, not a boolean setting or preset`);
        }
      }
    }
  }

  indexOf(name: string): number | undefined {
    return this.index.get(name);
  }
  descriptor(name: string): SettingDescriptor | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.settings[i];
  }
  preset(name: string): PresetDescriptor | undefined {
    return this.presetIndex.get(name);
  }
  /** True when `name` is a setting or a preset of this template. */
  has(name: string): boolean {
    return this.index.has(name) || this.presetIndex.has(name);
  }
  builder(): SettingsBuilder {
    return new SettingsBuilder(this);
  }
  defaults(): Flags {
    return new SettingsBuilder(this).finish();
  }
  suggest(name: string): string | undefined {
    return closest(name, [...this.index.keys(), ...this.presetIndex.keys()]);
  }
}

function validateDescriptor(template: string, s: SettingDescriptor): void {
  if (s.kind === 'enum' && !s.values.includes(s.default)) {
    throw new Error(`settings template ${template}: default of ${s.name} is not an allowed value`);
  }
  if (s.kind === 'num' && (!Number.isInteger(s.default) || s.default < s.min || s.default > s.max)) {
    throw new Error(`settings template ${template}: default of ${s.name} is out of range`);
  }
}

/** Parses a boolean as the corpus writes it: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`. */
function parseBool(text: string): boolean | undefined {
  switch (text) {
    case 'true': case '1': case 'yes': case 'on': return true;
    case 'false': case '0': case 'no': case 'off': return false;
    default: return undefined;
  }
}

export class SettingsBuilder {
  private readonly values: SettingValue[];

  constructor(readonly template: SettingsTemplate) {
    this.values = template.settings.map((s) => s.default);
  }

  /**
   * Sets a setting from a typed value or from its text (`'speed'`, `'true'`, `'12'`).
   * A preset name with value `true` applies the preset.
   */
  set(name: string, value: SettingValue, location?: SourceLocation): this {
    const text = `${name}=${String(value)}`;
    const i = this.template.indexOf(name);
    if (i === undefined) {
      if (this.template.preset(name) !== undefined) {
        if (value === true || parseBool(String(value)) === true) return this.enable(name, location);
        throw new SettingsError('bad-value', text, `preset ${name} of ${this.template.name} can only be enabled`, location);
      }
      throw this.unknown(name, text, location);
    }
    const d = this.template.settings[i];
    this.values[i] = coerce(d, value, text, location, this.template.name);
    return this;
  }

  /** Turns on a boolean setting or applies a preset. */
  enable(name: string, location?: SourceLocation): this {
    const i = this.template.indexOf(name);
    if (i !== undefined) {
      const d = this.template.settings[i];
      if (d.kind !== 'bool') {
        throw new SettingsError('missing-value', name,
          `setting ${name} of ${this.template.name} needs a value: ${describeAllowed(d)}`, location);
      }
      this.values[i] = true;
      return this;
    }
    const p = this.template.preset(name);
    if (p === undefined) throw this.unknown(name, name, location);
    for (const e of p.enables) this.enable(e, location);
    return this;
  }

  /**
   * Applies `name` or `name=value` as written after `set` or in a target line.
   * Returns false, without error, when the name is not in this template, so callers can
   * try another template (shared flags, then ISA flags) before reporting.
   */
  tryApply(item: string, location?: SourceLocation): boolean {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!this.template.has(name)) return false;
    if (eq < 0) this.enable(name, location);
    else this.set(name, item.slice(eq + 1), location);
    return true;
  }

  /** Like `tryApply` but reports an unknown name. */
  apply(item: string, location?: SourceLocation): this {
    if (!this.tryApply(item, location)) {
      const eq = item.indexOf('=');
      throw this.unknown(eq < 0 ? item : item.slice(0, eq), item, location);
    }
    return this;
  }

  finish(): Flags {
    return new Flags(this.template, this.values.slice());
  }

  private unknown(name: string, text: string, location: SourceLocation | undefined): SettingsError {
    const hint = this.template.suggest(name);
    return new SettingsError('unknown-setting', text,
      `unknown ${this.template.name} setting '${name}'${hint !== undefined ? `; did you mean '${hint}'?` : ''}`,
      location);
  }
}

function describeAllowed(d: SettingDescriptor): string {
  switch (d.kind) {
    case 'bool': return 'true or false';
    case 'enum': return `one of ${d.values.join(', ')}`;
    case 'num': return `an integer from ${d.min} to ${d.max}`;
  }
}

function coerce(
  d: SettingDescriptor, value: SettingValue, text: string,
  location: SourceLocation | undefined, template: string,
): SettingValue {
  const bad = () => new SettingsError('bad-value', text,
    `bad value '${String(value)}' for ${template} setting ${d.name}: expected ${describeAllowed(d)}`, location);
  switch (d.kind) {
    case 'bool': {
      const b = typeof value === 'boolean' ? value : parseBool(String(value));
      if (b === undefined) throw bad();
      return b;
    }
    case 'enum': {
      if (typeof value !== 'string' || !d.values.includes(value)) throw bad();
      return value;
    }
    case 'num': {
      const n = typeof value === 'number' ? value
        : typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < d.min || n > d.max) throw bad();
      return n;
    }
  }
}

/** Immutable values of one template's settings. */
export class Flags {
  constructor(readonly template: SettingsTemplate, private readonly values: readonly SettingValue[]) {}

  get(name: string): SettingValue {
    const i = this.template.indexOf(name);
    if (i === undefined) throw new SettingsError('unknown-setting', name, `unknown ${this.template.name} setting '${name}'`);
    return this.values[i];
  }
  bool(name: string): boolean {
    return this.typed(name, 'bool') as boolean;
  }
  enumValue(name: string): string {
    return this.typed(name, 'enum') as string;
  }
  num(name: string): number {
    return this.typed(name, 'num') as number;
  }
  /** Settings whose value differs from the default, as `name=value` items. */
  changed(): string[] {
    const out: string[] = [];
    this.template.settings.forEach((d, i) => {
      if (this.values[i] !== d.default) out.push(`${d.name}=${String(this.values[i])}`);
    });
    return out;
  }
  entries(): Array<[string, SettingValue]> {
    return this.template.settings.map((d, i) => [d.name, this.values[i]]);
  }
  /** One `name = value` line per setting, as Cranelift's `print-settings` shows them. */
  toString(): string {
    return this.entries().map(([n, v]) => `${n} = ${String(v)}`).join('\n');
  }

  private typed(name: string, kind: SettingKind): SettingValue {
    const i = this.template.indexOf(name);
    if (i === undefined) throw new SettingsError('unknown-setting', name, `unknown ${this.template.name} setting '${name}'`);
    const d = this.template.settings[i];
    if (d.kind !== kind) {
      throw new SettingsError('bad-value', name, `${this.template.name} setting ${name} is ${d.kind}, not ${kind}`);
    }
    return this.values[i];
  }
}
