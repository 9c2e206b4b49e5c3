/**
 * WAVE (the WebAssembly Value Encoding, the text `wasmtime run --invoke` reads and prints for
 * component values), read and written by type: `parseWave(text, t)` gives the `ComponentValue`
 * of type `t`, `formatWave(v, t)` the text of one.
 *
 * ```
 *  bool true, false            integers 42, -7 (decimal)     floats 1.5, -2e-3, nan, inf, -inf
 *  char 'x', '\u{1f600}'        string "a\tb\"c"              list [1, 2]    tuple (1, "a")
 *  record {a: 1, b-c: "x"}      (option fields may be left out: none)
 *  variant case, case(payload)  enum case                     flags {read, write}, {}
 *  option some(3), none, or 3   result ok, ok(1), err("e"), or 1 (ok)
 *  a case named like a keyword (true false some none ok err inf nan) is written %name
 *  // comments run to the end of the line
 * ```
 *
 * Resources (own, borrow) have no text: values of those types are refused.
 */
import type { ValT } from '@windlass/wasm-frontend';
import type { ComponentValue, TaggedValue } from './values';

/** Text that is not a value of the type: `offset` is where in the text (UTF-16 units). */
export class WaveError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`at ${offset}: ${reason}`);
    this.name = 'WaveError';
  }
}

const KEYWORDS = new Set(['true', 'false', 'some', 'none', 'ok', 'err', 'inf', 'nan']);

const INT_RANGE: Record<string, [bigint, bigint]> = {
  u8: [0n, 0xffn], s8: [-0x80n, 0x7fn], u16: [0n, 0xffffn], s16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffffffffn], s32: [-0x80000000n, 0x7fffffffn],
  u64: [0n, 0xffffffffffffffffn], s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/** The WAVE type name of `t`, as errors say it (`list<u8>`, `option<string>`). */
export function waveTypeName(t: ValT): string {
  switch (t.k) {
    case 'list':
      return `list<${waveTypeName(t.t)}>`;
    case 'option':
      return `option<${waveTypeName(t.t)}>`;
    case 'tuple':
      return `tuple<${t.ts.map(waveTypeName).join(', ')}>`;
    case 'result':
      return t.ok || t.err ? `result<${t.ok ? waveTypeName(t.ok) : '_'}${t.err ? `, ${waveTypeName(t.err)}` : ''}>` : 'result';
    case 'record':
      return `record {${t.fields.map((f) => f.name).join(', ')}}`;
    case 'variant':
      return `variant {${t.cases.map((c) => c.name).join(', ')}}`;
    case 'enum':
      return `enum {${t.names.join(', ')}}`;
    case 'flags':
      return `flags {${t.names.join(', ')}}`;
    case 'own':
    case 'borrow':
      return `${t.k}<resource>`;
    default:
      return t.k;
  }
}

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.at): never {
    throw new WaveError(at, reason);
  }

  /** Skips whitespace and `//` comments. */
  ws(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.at++;
      else if (c === '/' && this.text[this.at + 1] === '/') {
        while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      } else return;
    }
  }

  peek(): string | undefined {
    this.ws();
    return this.text[this.at];
  }

  eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.at++;
    return true;
  }

  expect(c: string, what: string): void {
    if (!this.eat(c)) this.fail(`expected '${c}' ${what}, found ${this.found()}`);
  }

  found(): string {
    this.ws();
    if (this.at >= this.text.length) return 'the end of the text';
    const token = /^[^\s,()[\]{}:]+/.exec(this.text.slice(this.at, this.at + 40))?.[0] ?? this.text[this.at];
    return `'${token}'`;
  }

  /** A label (kebab-case words), `%` escaping a keyword; `keyword` tells whether it was bare and reserved. */
  label(): { name: string; at: number; keyword: boolean } | undefined {
    this.ws();
    const at = this.at;
    const escaped = this.text[this.at] === '%';
    const m = /^([a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(-([a-z][a-z0-9]*|[A-Z][A-Z0-9]*))*/.exec(this.text.slice(this.at + (escaped ? 1 : 0)));
    if (!m) {
      if (escaped) this.fail('expected a label after %');
      return undefined;
    }
    this.at += m[0].length + (escaped ? 1 : 0);
    return { name: m[0], at, keyword: !escaped && KEYWORDS.has(m[0]) };
  }

  /** A number token: `-?digits(.digits)?(e[+-]?digits)?`, or nan, inf, -inf. */
  number(): { text: string; at: number } {
    this.ws();
    const at = this.at;
    const m = /^(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?|nan|inf|-inf)(?![A-Za-z0-9_.-])/.exec(this.text.slice(this.at));
    if (!m) this.fail(`expected a number, found ${this.found()}`);
    this.at += m[0].length;
    return { text: m[0], at };
  }

  /** The body of a quoted char or string (after the opening quote), up to `quote`. */
  quoted(quote: string): string {
    let out = '';
    for (;;) {
      const at = this.at;
      const c = this.text.codePointAt(this.at);
      if (c === undefined) this.fail(`unterminated ${quote === '"' ? 'string' : 'char'}`);
      const ch = String.fromCodePoint(c);
      this.at += ch.length;
      if (ch === quote) return out;
      if (ch === '\n') this.fail(`a line break in a ${quote === '"' ? 'string' : 'char'} (write \\n)`, at);
      if (ch === "'" || ch === '"') {
        out += ch;
        continue;
      }
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = this.text[this.at++];
      if (e === 't') out += '\t';
      else if (e === 'n') out += '\n';
      else if (e === 'r') out += '\r';
      else if (e === '\\' || e === "'" || e === '"') out += e;
      else if (e === 'u') {
        const m = /^\{([0-9a-fA-F]{1,8})\}/.exec(this.text.slice(this.at));
        if (!m) this.fail('expected \\u{HEX}', at);
        const v = Number.parseInt(m[1], 16);
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) this.fail(`\\u{${m[1]}} is not a Unicode scalar value`, at);
        out += String.fromCodePoint(v);
        this.at += m[0].length;
      } else this.fail(`unknown escape \\${e ?? ''}`, at);
    }
  }
}

/**
 * The value of type `t` that `text` spells in WAVE. Throws `WaveError` (with the offset) for
 * text that is not one: a syntax error, a number out of range, an unknown case or field.
 */
export function parseWave(text: string, t: ValT): ComponentValue {
  const r = new Reader(text);
  const v = value(r, t);
  r.ws();
  if (r.at < text.length) r.fail(`unexpected ${r.found()} after the value`);
  return v;
}

function value(r: Reader, t: ValT): ComponentValue {
  r.ws();
  const at = r.at;
  switch (t.k) {
    case 'bool': {
      const l = r.label();
      if (l?.name === 'true' && l.keyword) return true;
      if (l?.name === 'false' && l.keyword) return false;
      return r.fail(`expected true or false, found ${l ? `'${l.name}'` : r.found()}`, at);
    }
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
    case 'u64':
    case 's64': {
      const n = r.number();
      if (!/^-?\d+$/.test(n.text)) r.fail(`expected an integer (${t.k}), found '${n.text}'`, n.at);
      const v = BigInt(n.text);
      const [lo, hi] = INT_RANGE[t.k];
      if (v < lo || v > hi) r.fail(`${n.text} is out of range for ${t.k} (${lo} to ${hi})`, n.at);
      return t.k === 'u64' || t.k === 's64' ? v : Number(v);
    }
    case 'f32':
    case 'f64': {
      const n = r.number();
      const v = n.text === 'nan' ? NaN : n.text === 'inf' ? Infinity : n.text === '-inf' ? -Infinity : Number(n.text);
      if (t.k === 'f32' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) r.fail(`${n.text} is out of range for f32`, n.at);
      return t.k === 'f32' ? Math.fround(v) : v;
    }
    case 'char': {
      if (!r.eat("'")) r.fail(`expected a char ('x'), found ${r.found()}`);
      const s = r.quoted("'");
      if ([...s].length !== 1) r.fail(`a char is one Unicode scalar value, found ${[...s].length}`, at);
      return s;
    }
    case 'string': {
      if (!r.eat('"')) r.fail(`expected a string ("..."), found ${r.found()}`);
      return r.quoted('"');
    }
    case 'list': {
      r.expect('[', `to open a ${waveTypeName(t)}`);
      return items(r, ']', () => value(r, t.t));
    }
    case 'tuple': {
      r.expect('(', `to open a ${waveTypeName(t)}`);
      const vs = items(r, ')', (i) => {
        if (i >= t.ts.length) r.fail(`a ${waveTypeName(t)} has ${t.ts.length} elements`);
        return value(r, t.ts[i]);
      });
      if (vs.length !== t.ts.length) r.fail(`a ${waveTypeName(t)} has ${t.ts.length} elements, found ${vs.length}`, at);
      return vs;
    }
    case 'record':
      return record(r, t);
    case 'flags': {
      r.expect('{', `to open ${waveTypeName(t)}`);
      const set: string[] = [];
      items(r, '}', () => {
        const l = r.label();
        if (!l || !t.names.includes(l.name)) r.fail(`expected one of the flags ${t.names.join(', ')}, found ${l ? `'${l.name}'` : r.found()}`, l?.at);
        if (set.includes(l.name)) r.fail(`flag ${l.name} given twice`, l.at);
        set.push(l.name);
        return l.name;
      });
      return set;
    }
    case 'enum': {
      const l = r.label();
      if (!l || l.keyword || !t.names.includes(l.name)) return r.fail(`expected one of the cases ${t.names.map(escapeLabel).join(', ')}, found ${l ? `'${l.name}'` : r.found()}`, at);
      return l.name;
    }
    case 'variant':
    case 'option':
    case 'result':
      return tagged(r, t);
    case 'own':
    case 'borrow':
      return r.fail(`${waveTypeName(t)}: resources have no WAVE text`, at);
  }
}

/** Comma-separated items up to `close` (a trailing comma allowed). */
function items<T>(r: Reader, close: string, item: (i: number) => T): T[] {
  const out: T[] = [];
  while (!r.eat(close)) {
    out.push(item(out.length));
    if (!r.eat(',')) {
      r.expect(close, 'or a comma');
      break;
    }
  }
  return out;
}

function record(r: Reader, t: Extract<ValT, { k: 'record' }>): ComponentValue {
  const at = r.at;
  r.expect('{', `to open ${waveTypeName(t)}`);
  const got = new Map<string, ComponentValue>();
  if (r.eat(':')) r.expect('}', 'after {: (an empty record)');
  else {
    items(r, '}', () => {
      const l = r.label();
      const f = l && t.fields.find((x) => x.name === l.name);
      if (!l || !f) return r.fail(`expected a field of ${waveTypeName(t)}, found ${l ? `'${l.name}'` : r.found()}`, l?.at);
      if (got.has(f.name)) r.fail(`field ${f.name} given twice`, l.at);
      r.expect(':', `after field ${f.name}`);
      got.set(f.name, value(r, f.t));
    });
  }
  const out: { [field: string]: ComponentValue } = {};
  for (const f of t.fields) {
    const v = got.get(f.name);
    if (v !== undefined) out[f.name] = v;
    else if (f.t.k === 'option') out[f.name] = { tag: 'none' };
    else r.fail(`${waveTypeName(t)}: field ${f.name} is missing`, at);
  }
  return out;
}

/** The payload type of case `name` of a variant-like type; null for no such case. */
function caseOf(t: Extract<ValT, { k: 'variant' | 'option' | 'result' }>, name: string, keyword: boolean): { t?: ValT } | null {
  if (t.k === 'option') return keyword && name === 'some' ? { t: t.t } : keyword && name === 'none' ? {} : null;
  if (t.k === 'result') return keyword && name === 'ok' ? { t: t.ok } : keyword && name === 'err' ? { t: t.err } : null;
  const c = keyword ? undefined : t.cases.find((x) => x.name === name);
  return c ? { t: c.t } : null;
}

function tagged(r: Reader, t: Extract<ValT, { k: 'variant' | 'option' | 'result' }>): ComponentValue {
  const at = r.at;
  const save = r.at;
  const l = r.label();
  const c = l ? caseOf(t, l.name, l.keyword) : null;
  if (l && c) {
    const v: TaggedValue = { tag: l.name };
    if (c.t) {
      r.expect('(', `and the payload of case ${l.name}`);
      v.value = value(r, c.t);
      r.expect(')', `to close case ${l.name}`);
    } else if (r.peek() === '(') r.fail(`case ${l.name} has no payload`);
    return v;
  }
  // The flat forms: an option's `some` payload, a result's `ok` payload, written bare.
  if (t.k === 'option' && t.t.k !== 'option') {
    r.at = save;
    return { tag: 'some', value: value(r, t.t) };
  }
  if (t.k === 'result' && t.ok && t.ok.k !== 'result') {
    r.at = save;
    return { tag: 'ok', value: value(r, t.ok) };
  }
  const names = t.k === 'variant' ? t.cases.map((x) => escapeLabel(x.name)) : t.k === 'option' ? ['some', 'none'] : ['ok', 'err'];
  return r.fail(`expected one of the cases ${names.join(', ')}, found ${l ? `'${l.name}'` : r.found()}`, at);
}

function escapeLabel(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

function quote(s: string, q: string): string {
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + q;
}

function float(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v).replace('e+', 'e');
}

/** The WAVE text of value `v` of type `t` (explicit `some(...)` and `ok(...)`, every record field). */
export function formatWave(v: ComponentValue, t: ValT): string {
  switch (t.k) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'f32':
    case 'f64':
      return float(v as number);
    case 'char':
      return quote(v as string, "'");
    case 'string':
      return quote(v as string, '"');
    case 'list':
      return `[${(v as ComponentValue[]).map((x) => formatWave(x, t.t)).join(', ')}]`;
    case 'tuple':
      return `(${(v as ComponentValue[]).map((x, i) => formatWave(x, t.ts[i])).join(', ')})`;
    case 'record': {
      const o = v as { [field: string]: ComponentValue };
      return t.fields.length ? `{${t.fields.map((f) => `${escapeLabel(f.name)}: ${formatWave(o[f.name], f.t)}`).join(', ')}}` : '{:}';
    }
    case 'flags':
      return `{${t.names.filter((n) => (v as string[]).includes(n)).map(escapeLabel).join(', ')}}`;
    case 'enum':
      return escapeLabel(v as string);
    case 'variant':
    case 'option':
    case 'result': {
      const { tag, value: payload } = v as TaggedValue;
      const pt = t.k === 'variant' ? t.cases.find((c) => c.name === tag)?.t : t.k === 'option' ? (tag === 'some' ? t.t : undefined) : tag === 'ok' ? t.ok : t.err;
      const name = t.k === 'variant' ? escapeLabel(tag) : tag;
      return pt && payload !== undefined ? `${name}(${formatWave(payload, pt)})` : name;
    }
    case 'own':
    case 'borrow':
      return `<${t.k} resource>`;
    default:
      return String(v);
  }
}
