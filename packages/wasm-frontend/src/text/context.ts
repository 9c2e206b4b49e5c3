/**
 * What the module and instruction parsers share: the token cursor, the identifier spaces of the
 * module (functions, tables, memories, globals, element and data segments, types), the type
 * list with its implicit (inline) additions, and the error helpers that decide which spec rule
 * a bad token breaks.
 */
import type { WatError } from './errors';
import { Tok, type Tokens } from './lexer';
import { RANGE, SYNTAX, numError, parseF64, parseIntBits, parseU32 } from './numbers';
import { OPCODES } from './opcodes';
import { decodeUtf8, stringBytes } from './strings';

export const enum Space {
  Func = 0,
  Table,
  Memory,
  Global,
  Elem,
  Data,
  Type,
}
export const SPACE_NAMES = ['function', 'table', 'memory', 'global', 'elem segment', 'data segment', 'type'];
const DUPLICATE_NAMES = ['func', 'table', 'memory', 'global', 'elem', 'data', 'type'];

export interface FuncSig {
  params: number[];
  results: number[];
}

/** Value type keywords and their binary codes. */
export const VALTYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

/** Every keyword the text format knows besides instruction names (for "unknown operator"). */
const KEYWORDS = new Set(
  (
    'module type func param result local import export table memory global elem data start offset item declare mut ' +
    'then funcref externref i32 i64 f32 f64 v128 i8x16 i16x8 i32x4 i64x2 f32x4 f64x2 extern binary quote register ' +
    'invoke get assert_return assert_trap assert_exhaustion assert_malformed assert_invalid assert_unlinkable ' +
    'assert_uninstantiable script input output ref.extern inf nan nan:canonical nan:arithmetic'
  ).split(' '),
);

function sigKey(params: readonly number[], results: readonly number[]): string {
  let k = '';
  for (const t of params) k += String.fromCharCode(t);
  k += ':';
  for (const t of results) k += String.fromCharCode(t);
  return k;
}

export class Context {
  pos = 0;
  /** Identifier -> index, per space. */
  readonly ids: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map(), new Map(), new Map(), new Map()];
  /** Number of entries per space so far (imports and definitions). */
  readonly counts = [0, 0, 0, 0, 0, 0, 0];
  readonly types: FuncSig[] = [];
  private readonly typeIndex = new Map<string, number>();
  /** Whether a body uses `memory.init` / `data.drop` (they need the data count section). */
  usesDataCount = false;

  constructor(readonly t: Tokens) {}

  get text(): string {
    return this.t.text;
  }

  // --- errors ---

  err(rule: string, i: number, detail?: string): WatError {
    return this.t.error(rule, i, detail);
  }

  /**
   * The error for token `i` where `expected` would fit: "unknown operator" when the token is no
   * word of the language at all (as the spec's reference lexer reports it), else "unexpected token".
   */
  unexpected(i: number, expected: string): WatError {
    const t = this.t;
    // The end of the tokens the lexer could read: its own error comes first.
    if (t.kind[i] === Tok.Eof && t.deferred) return t.deferred;
    const found = t.describe(i);
    if (t.kind[i] === Tok.Reserved || (t.kind[i] === Tok.Atom && !this.isWord(i))) return this.err('unknown operator', i, `${found}; expected ${expected}`);
    return this.err('unexpected token', i, `${found}; expected ${expected}`);
  }

  /** Whether atom `i` is a token of the language: known keyword, `$id`, number, memarg. */
  private isWord(i: number): boolean {
    const s = this.t.str(i);
    const c = s.charCodeAt(0);
    if (c === 0x24) return s.length > 1;
    if (c >= 0x61 && c <= 0x7a) {
      if (KEYWORDS.has(s) || OPCODES.has(s)) return true;
      if (s.startsWith('offset=') || s.startsWith('align=')) return true;
      parseF64(s); // inf, nan, nan:0x...
      return numError !== SYNTAX;
    }
    parseIntBits(s, 64);
    if (numError !== SYNTAX) return true;
    parseF64(s);
    return numError !== SYNTAX;
  }

  // --- cursor ---

  kind(i = this.pos): Tok {
    return this.t.kind[i] as Tok;
  }

  /** Whether the cursor is at `(word`. */
  isOpen(word: string, i = this.pos): boolean {
    return this.t.kind[i] === Tok.LParen && this.t.is(i + 1, word);
  }

  expectOpen(word: string): number {
    if (!this.isOpen(word)) throw this.unexpected(this.t.kind[this.pos] === Tok.LParen ? this.pos + 1 : this.pos, `"(${word}"`);
    const at = this.pos;
    this.pos += 2;
    return at;
  }

  expectClose(): void {
    if (this.t.kind[this.pos] !== Tok.RParen) throw this.unexpected(this.pos, '")"');
    this.pos++;
  }

  /** Skips from an opening `(` at `open` to after its `)`. */
  skipList(open: number): void {
    this.pos = this.t.match[open] + 1;
  }

  /** The atom at the cursor if it is a `$id` (consumed), else undefined. */
  optId(): string | undefined {
    const t = this.t;
    const i = this.pos;
    if (t.kind[i] !== Tok.Atom || t.text.charCodeAt(t.start[i]) !== 0x24 || t.end[i] - t.start[i] < 2) return undefined;
    this.pos++;
    return t.str(i);
  }

  isAtom(i = this.pos): boolean {
    return this.t.kind[i] === Tok.Atom;
  }

  /** Whether atom `i` can be an index: `$id` or starts with a digit. */
  isIndex(i = this.pos): boolean {
    const t = this.t;
    if (t.kind[i] !== Tok.Atom) return false;
    const c = t.text.charCodeAt(t.start[i]);
    return c === 0x24 || (c >= 0x30 && c <= 0x39);
  }

  /** The string literal at the cursor, as bytes. */
  bytes(): Uint8Array {
    const t = this.t;
    const i = this.pos;
    if (t.kind[i] !== Tok.String) throw this.unexpected(i, 'a string');
    this.pos++;
    return stringBytes(t.text, t.start[i], t.end[i]);
  }

  /** A name: a string that must be valid UTF-8. */
  name(): string {
    const at = this.pos;
    const s = decodeUtf8(this.bytes());
    if (s === undefined) throw this.err('malformed UTF-8 encoding', at, 'names must be valid UTF-8');
    return s;
  }

  /** A name's bytes, checked to be valid UTF-8. */
  nameBytes(): Uint8Array {
    const at = this.pos;
    const b = this.bytes();
    if (decodeUtf8(b) === undefined) throw this.err('malformed UTF-8 encoding', at, 'names must be valid UTF-8');
    return b;
  }

  /** A `u32` literal at the cursor. */
  u32(what: string): number {
    const i = this.pos;
    if (this.t.kind[i] !== Tok.Atom) throw this.unexpected(i, what);
    const v = parseU32(this.t.str(i));
    if (numError === RANGE) throw this.err('i32 constant out of range', i, `${this.t.describe(i)} does not fit 32 bits`);
    if (numError) throw this.unexpected(i, what);
    this.pos++;
    return v;
  }

  /** An index into `space` at the cursor: `$id` (must be declared) or a number. */
  index(space: Space): number {
    const t = this.t;
    const i = this.pos;
    if (t.kind[i] === Tok.Atom && t.text.charCodeAt(t.start[i]) === 0x24) {
      const v = this.ids[space].get(t.str(i));
      if (v === undefined) throw this.err(`unknown ${SPACE_NAMES[space]}`, i, `${t.describe(i)} is not declared`);
      this.pos++;
      return v;
    }
    return this.u32(`a ${SPACE_NAMES[space]} index or $name`);
  }

  /** Declares the next entry of `space`, named `id` when given; returns its index. */
  declare(space: Space, id: string | undefined, at: number): number {
    const index = this.counts[space]++;
    if (id !== undefined) {
      if (this.ids[space].has(id)) throw this.err(`duplicate ${DUPLICATE_NAMES[space]}`, at, `${id} is already declared`);
      this.ids[space].set(id, index);
    }
    return index;
  }

  /** A value type keyword at the cursor. */
  valType(): number {
    const i = this.pos;
    const v = this.t.kind[i] === Tok.Atom ? VALTYPES[this.t.str(i)] : undefined;
    if (v === undefined) throw this.unexpected(i, 'a value type (i32, i64, f32, f64, v128, funcref, externref)');
    this.pos++;
    return v;
  }

  refType(): number {
    const i = this.pos;
    if (this.t.is(i, 'funcref')) {
      this.pos++;
      return 0x70;
    }
    if (this.t.is(i, 'externref')) {
      this.pos++;
      return 0x6f;
    }
    throw this.unexpected(i, 'a reference type (funcref, externref)');
  }

  // --- types ---

  /** Adds an explicit type definition (explicit types come first, in order). */
  addType(sig: FuncSig): number {
    const index = this.types.length;
    this.types.push(sig);
    const key = sigKey(sig.params, sig.results);
    if (!this.typeIndex.has(key)) this.typeIndex.set(key, index);
    return index;
  }

  /** The first type equal to `sig`, appended at the end when there is none (an inline type). */
  typeOf(params: number[], results: number[]): number {
    const key = sigKey(params, results);
    const found = this.typeIndex.get(key);
    if (found !== undefined) return found;
    const index = this.types.length;
    this.types.push({ params, results });
    this.typeIndex.set(key, index);
    return index;
  }

  /**
   * `(param ...)* (result ...)*` at the cursor, appended to `params` / `results`. With
   * `paramIds`, a parameter may be named (`(param $x i32)`, one type) and its name is recorded
   * there (undefined for unnamed ones); without, a name is an error (block and call_indirect types).
   */
  paramsAndResults(params: number[], results: number[], paramIds?: (string | undefined)[], idAt?: number[]): void {
    while (this.isOpen('param')) {
      this.pos += 2;
      const idTok = this.pos;
      const id = this.optId();
      if (id !== undefined) {
        if (!paramIds) throw this.unexpected(idTok, 'a value type (parameters of a block or call_indirect type are unnamed)');
        params.push(this.valType());
        paramIds.push(id);
        idAt?.push(idTok);
      } else {
        while (this.isAtom()) {
          params.push(this.valType());
          paramIds?.push(undefined);
          idAt?.push(this.pos - 1);
        }
      }
      this.expectClose();
    }
    while (this.isOpen('result')) {
      this.pos += 2;
      while (this.isAtom()) results.push(this.valType());
      this.expectClose();
    }
    if (this.isOpen('param')) throw this.err('unexpected token', this.pos + 1, '(param ...) after (result ...): parameters come first');
    if (this.isOpen('type')) throw this.err('unexpected token', this.pos + 1, '(type ...) after (param ...) or (result ...): it comes first');
  }

  /**
   * A type use at the cursor: `(type x)? (param ...)* (result ...)*`; fills `sig` and returns the
   * type index. A bare `(type n)` that no type has is kept as is: the validator reports it.
   */
  typeUse(sig: FuncSig, paramIds?: (string | undefined)[], idAt?: number[]): number {
    let explicit = -1;
    let explicitTok = -1;
    if (this.isOpen('type')) {
      this.pos += 2;
      explicitTok = this.pos;
      explicit = this.index(Space.Type);
      this.expectClose();
    }
    const start = this.pos;
    this.paramsAndResults(sig.params, sig.results, paramIds, idAt);
    const inline = this.pos !== start;
    if (explicit < 0) return this.typeOf(sig.params, sig.results);
    const def = this.types[explicit];
    if (inline) {
      if (!def) throw this.err('unknown type', explicitTok, `type ${explicit} is not defined, so the inline parameters and results cannot be checked against it`);
      if (sigKey(def.params, def.results) !== sigKey(sig.params, sig.results))
        throw this.err('inline function type', start, `the inline parameters and results differ from type ${this.t.str(explicitTok)}`);
      return explicit;
    }
    if (def) {
      // Loops, not spread arguments: a type may have more parameters than a call has arguments.
      for (const t of def.params) {
        sig.params.push(t);
        paramIds?.push(undefined);
        idAt?.push(explicitTok);
      }
      for (const t of def.results) sig.results.push(t);
    }
    return explicit;
  }
}
