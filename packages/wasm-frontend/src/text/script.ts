/**
 * `.wast` scripts (the spec test format): modules (text, `binary`, `quote`), `register`,
 * actions (`invoke`, `get`) and assertions, read into the command list that wabt's `wast2json`
 * writes as JSON, so a runner can take either. Values keep wast2json's JSON spelling: integers
 * and float bits as unsigned decimal strings, NaN patterns as `nan:canonical` /
 * `nan:arithmetic`, vectors as a lane type and one string per lane.
 *
 * Every module is read here: `bytes` when it encodes, `error` (the reader's located `WatError`)
 * when it does not, so `assert_malformed` of a quoted module is judged by the reader.
 */
import { Context } from './context';
import { WatError } from './errors';
import { Tok, tokenize, type Tokens } from './lexer';
import { encodeModule } from './module';
import { RANGE, numError, parseF32, parseF64, parseIntBits, parseIntLane } from './numbers';
import { encodeTokens, guard, sourceText, type WatSource } from './wat';

/** A value in wast2json's JSON form. */
export interface ScriptValue {
  type: string;
  lane_type?: string;
  /** Absent for `(ref.func)` / `(ref.extern)`: any non-null reference. */
  value?: string | string[];
}

export interface ScriptAction {
  type: 'invoke' | 'get';
  /** The module's `$name`; absent for the current module. */
  module?: string;
  field: string;
  args?: ScriptValue[];
}

export type ScriptCommandType =
  | 'module'
  | 'register'
  | 'action'
  | 'assert_return'
  | 'assert_trap'
  | 'assert_exhaustion'
  | 'assert_malformed'
  | 'assert_invalid'
  | 'assert_unlinkable'
  | 'assert_uninstantiable';

export interface ScriptCommand {
  type: ScriptCommandType;
  /** Line of the command's `(`. */
  line: number;
  /** `module`: its `$name`; `register`: the registered module's `$name`. */
  name?: string;
  /** `register`: the name it is registered as. */
  as?: string;
  /** Commands with a module: `text` for `(module quote ...)`, else `binary` (as wast2json says). */
  module_type?: 'binary' | 'text';
  /** How the module is written: `(module ...)` fields, `(module binary ...)` or `(module quote ...)`. */
  form?: 'fields' | 'binary' | 'quote';
  /** The module's binary encoding (when the reader accepted it). */
  bytes?: Uint8Array;
  /** Why the reader rejected the module (then `bytes` is absent). */
  error?: WatError;
  /** The failure an assertion expects. */
  text?: string;
  action?: ScriptAction;
  expected?: ScriptValue[];
}

export interface WastScript {
  commands: ScriptCommand[];
}

const FIELDS = new Set(['type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data']);
const MODULE_ASSERTIONS: Record<string, ScriptCommandType> = {
  assert_malformed: 'assert_malformed',
  assert_invalid: 'assert_invalid',
  assert_unlinkable: 'assert_unlinkable',
  assert_uninstantiable: 'assert_uninstantiable',
};

/**
 * Reads a `.wast` script into its commands. Throws `WatError` when the script itself is
 * malformed (a module the reader rejects is not: it becomes that command's `error`).
 */
export function parseWast(source: WatSource, filename = 'input.wast'): WastScript {
  return guard(filename, () => new ScriptReader(tokenize(sourceText(source, filename), filename)).read());
}

class ScriptReader {
  private readonly p: Context;
  private readonly lineOf: (offset: number) => number;

  constructor(private readonly t: Tokens) {
    this.p = new Context(t);
    this.lineOf = lineIndex(t.text);
  }

  read(): WastScript {
    const t = this.t;
    const commands: ScriptCommand[] = [];
    if (t.kind[0] === Tok.LParen && t.kind[1] === Tok.Atom && FIELDS.has(t.str(1))) {
      // A script of bare module fields is one module.
      commands.push({ type: 'module', line: 1, module_type: 'binary', form: 'fields', ...this.encode(0, t.count - 1) });
      if (t.deferred) throw t.deferred;
      return { commands };
    }
    for (let i = 0; t.kind[i] !== Tok.Eof; i = t.match[i] + 1) {
      if (t.kind[i] !== Tok.LParen) throw this.p.unexpected(i, 'a command: (module ...), (register ...), (invoke ...), (get ...) or (assert_... )');
      commands.push(this.command(i));
    }
    // Every command read fine up to an unbalanced ")": that is the error.
    if (t.deferred) throw t.deferred;
    return { commands };
  }

  private line(i: number): number {
    return this.lineOf(this.t.start[i]);
  }

  private command(open: number): ScriptCommand {
    const p = this.p;
    const t = this.t;
    const kw = t.kind[open + 1] === Tok.Atom ? t.str(open + 1) : '';
    const line = this.line(open);
    p.pos = open + 2;
    switch (kw) {
      case 'module':
        return { type: 'module', line, ...this.module(open) };
      case 'register': {
        const as = p.name();
        const name = p.optId();
        p.expectClose();
        return name === undefined ? { type: 'register', line, as } : { type: 'register', line, name, as };
      }
      case 'invoke':
      case 'get':
        return { type: 'action', line, action: this.action(open) };
      case 'assert_return': {
        const action = this.actionAt();
        const expected: ScriptValue[] = [];
        while (t.kind[p.pos] === Tok.LParen) expected.push(this.value(true));
        p.expectClose();
        return { type: 'assert_return', line, action, expected };
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        if (kw === 'assert_trap' && p.isOpen('module')) {
          const m = this.moduleAt();
          return { type: 'assert_uninstantiable', line, ...m, text: this.message() };
        }
        const action = this.actionAt();
        return { type: kw, line, action, text: this.message() };
      }
      default: {
        const type = MODULE_ASSERTIONS[kw];
        if (type === undefined) {
          if (kw === 'script' || kw === 'input' || kw === 'output')
            throw new WatError('unsupported', 'unsupported command', t.file, t.text, t.start[open + 1], `(${kw} ...) is not supported by this reader`);
          throw p.unexpected(open + 1, 'a command: module, register, invoke, get, assert_return, assert_trap, assert_exhaustion, assert_malformed, assert_invalid, assert_unlinkable');
        }
        const m = this.moduleAt();
        return { type, line, ...m, text: this.message() };
      }
    }
  }

  /** The failure text closing an assertion. */
  private message(): string {
    const text = this.p.name();
    this.p.expectClose();
    return text;
  }

  private moduleAt(): Pick<ScriptCommand, 'name' | 'module_type' | 'form' | 'bytes' | 'error'> {
    const p = this.p;
    const open = p.expectOpen('module');
    return this.module(open);
  }

  /** `(module ...)` whose `(` is `open`, cursor after `module`; leaves the cursor after its `)`. */
  private module(open: number): Pick<ScriptCommand, 'name' | 'module_type' | 'form' | 'bytes' | 'error'> {
    const p = this.p;
    const t = this.t;
    const end = t.match[open];
    const name = p.optId();
    const named = name === undefined ? {} : { name };
    let result: Pick<ScriptCommand, 'module_type' | 'form' | 'bytes' | 'error'>;
    if (t.is(p.pos, 'binary')) {
      p.pos++;
      result = { module_type: 'binary', form: 'binary', bytes: this.strings(end) };
    } else if (t.is(p.pos, 'quote')) {
      p.pos++;
      result = { module_type: 'text', form: 'quote', ...this.quoted(this.strings(end), open) };
    } else result = { module_type: 'binary', form: 'fields', ...this.encode(p.pos, end) };
    p.pos = end + 1;
    return { ...named, ...result };
  }

  /** Concatenated string literals up to token `end` (a `)`). */
  private strings(end: number): Uint8Array {
    const p = this.p;
    const parts: Uint8Array[] = [];
    while (p.pos < end) parts.push(p.bytes());
    let n = 0;
    for (const b of parts) n += b.length;
    const out = new Uint8Array(n);
    n = 0;
    for (const b of parts) {
      out.set(b, n);
      n += b.length;
    }
    return out;
  }

  /** A module of the script's own tokens: its bytes, or the reader's error. */
  private encode(from: number, end: number): { bytes: Uint8Array } | { error: WatError } {
    try {
      return { bytes: encodeModule(this.t, from, end).bytes };
    } catch (e) {
      if (e instanceof WatError) return { error: e };
      throw e;
    }
  }

  /** A quoted module: its text is the strings' bytes, read as a module of its own. */
  private quoted(source: Uint8Array, open: number): { bytes: Uint8Array } | { error: WatError } {
    const file = `${this.t.file}:${this.line(open)} (module quote)`;
    try {
      return { bytes: guard(file, () => encodeTokens(tokenize(sourceText(source, file), file)).bytes) };
    } catch (e) {
      if (e instanceof WatError) return { error: e };
      throw e;
    }
  }

  private actionAt(): ScriptAction {
    const p = this.p;
    const t = this.t;
    const open = p.pos;
    if (!p.isOpen('invoke') && !p.isOpen('get')) throw p.unexpected(t.kind[open] === Tok.LParen ? open + 1 : open, '(invoke ...) or (get ...)');
    p.pos += 2;
    return this.action(open);
  }

  /** `(invoke $m? "name" const*)` / `(get $m? "name")`, cursor after the keyword. */
  private action(open: number): ScriptAction {
    const p = this.p;
    const t = this.t;
    const type = t.is(open + 1, 'invoke') ? 'invoke' : 'get';
    const module = p.optId();
    const field = p.name();
    const action: ScriptAction = module === undefined ? { type, field } : { type, module, field };
    if (type === 'invoke') {
      const args: ScriptValue[] = [];
      while (t.kind[p.pos] === Tok.LParen) args.push(this.value(false));
      action.args = args;
    }
    p.expectClose();
    return action;
  }

  /** A constant `(t.const ...)` / `(ref.null t)` / `(ref.extern n)`, or with `pattern` a result pattern. */
  private value(pattern: boolean): ScriptValue {
    const p = this.p;
    const t = this.t;
    const open = p.pos;
    const kwTok = open + 1;
    const kw = t.kind[kwTok] === Tok.Atom ? t.str(kwTok) : '';
    p.pos = open + 2;
    let v: ScriptValue;
    switch (kw) {
      case 'i32.const':
      case 'i64.const': {
        const bits = kw === 'i32.const' ? 32 : 64;
        v = { type: kw.slice(0, 3), value: this.int(bits) };
        break;
      }
      case 'f32.const':
      case 'f64.const':
        v = { type: kw.slice(0, 3), value: this.float(kw === 'f32.const' ? 32 : 64, pattern) };
        break;
      case 'v128.const': {
        const shapeTok = p.pos;
        const shape = t.kind[shapeTok] === Tok.Atom ? t.str(shapeTok) : '';
        const m = /^([if])(8|16|32|64)x(2|4|8|16)$/.exec(shape);
        if (!m || Number(m[2]) * Number(m[3]) !== 128 || (m[1] === 'f' && Number(m[2]) < 32))
          throw p.unexpected(shapeTok, 'a lane shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)');
        p.pos++;
        const bits = Number(m[2]);
        const lanes: string[] = [];
        for (let k = 0; k < Number(m[3]); k++) {
          if (t.kind[p.pos] !== Tok.Atom) throw p.err('wrong number of lane literals', p.pos, `${shape} takes ${m[3]} lane values, got ${k}`);
          lanes.push(m[1] === 'f' ? this.float(bits, pattern) : this.lane(bits));
        }
        v = { type: 'v128', lane_type: `${m[1]}${bits}`, value: lanes };
        break;
      }
      case 'ref.null': {
        const i = p.pos;
        const type = t.is(i, 'func') ? 'funcref' : t.is(i, 'extern') ? 'externref' : undefined;
        if (!type) throw p.unexpected(i, 'a heap type (func or extern)');
        p.pos++;
        v = { type, value: 'null' };
        break;
      }
      case 'ref.extern':
        v = t.kind[p.pos] === Tok.RParen && pattern ? { type: 'externref' } : { type: 'externref', value: String(p.u32('a host reference number')) };
        break;
      case 'ref.func':
        if (!pattern || t.kind[p.pos] !== Tok.RParen) throw p.unexpected(p.pos, pattern ? '")"' : 'a constant argument');
        v = { type: 'funcref' };
        break;
      default:
        throw p.unexpected(t.kind[open] === Tok.LParen ? kwTok : open, pattern ? 'a result: (t.const ...), (ref.null t), (ref.extern n), (ref.func)' : 'a constant: (t.const ...), (ref.null t), (ref.extern n)');
    }
    p.expectClose();
    return v;
  }

  private int(bits: number): string {
    const p = this.p;
    const i = p.pos;
    if (!p.isAtom()) throw p.unexpected(i, `an i${bits} literal`);
    const v = parseIntBits(this.t.str(i), bits);
    this.checkNumber(i, `i${bits}`);
    p.pos++;
    return v.toString();
  }

  private lane(bits: number): string {
    const p = this.p;
    const i = p.pos;
    const v = parseIntLane(this.t.str(i), bits);
    this.checkNumber(i, `i${bits}`);
    p.pos++;
    return v.toString();
  }

  private float(bits: number, pattern: boolean): string {
    const p = this.p;
    const t = this.t;
    const i = p.pos;
    if (!p.isAtom()) throw p.unexpected(i, `an f${bits} literal`);
    if (pattern && (t.is(i, 'nan:canonical') || t.is(i, 'nan:arithmetic'))) {
      p.pos++;
      return t.str(i);
    }
    const s = t.str(i);
    const v = bits === 32 ? parseF32(s) : parseF64(s);
    this.checkNumber(i, `f${bits}`);
    p.pos++;
    return v.toString();
  }

  private checkNumber(i: number, type: string): void {
    if (numError === 0) return;
    if (numError === RANGE) throw this.p.err('constant out of range', i, `${this.t.describe(i)} does not fit ${type}`);
    throw this.p.unexpected(i, `an ${type} literal`);
  }
}

/** A line-number lookup for offsets of `text` (binary search over line starts). */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
