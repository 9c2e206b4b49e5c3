/**
 * Tokens of the WebAssembly text format, in dense arrays: kind, start and end offset, and for
 * every `(` the index of its matching `)` (so a reader can skip a whole list in O(1)).
 *
 * Following the spec's lexical rules: a token is a parenthesis, or a maximal run of characters
 * up to white space, a parenthesis or a comment. A run of `idchar`s is an atom (keyword, id,
 * number); a run that is exactly one string is a string; anything else (`$l"a"`, `0"x"`, `{`)
 * is a reserved token that no rule accepts. Comments (`;;`, nested `(; ;)`) and annotations
 * (`(@name ...)`) are dropped. Everything is iterative: nesting depth costs no JS stack.
 */
import { WatError, excerpt, textPosition } from './errors';

export const enum Tok {
  Eof = 0,
  LParen = 1,
  RParen = 2,
  /** A run of idchars: keyword, `$id`, number, `offset=4`, ... */
  Atom = 3,
  String = 4,
  Reserved = 5,
}

/** idchar: 0-9 A-Z a-z ! # $ % & ' * + - . / : < = > ? @ \ ^ _ ` | ~ */
const IDCHAR = new Uint8Array(128);
for (const ch of "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&'*+-./:<=>?@\\^_`|~") IDCHAR[ch.charCodeAt(0)] = 1;

export function isIdChar(c: number): boolean {
  return c < 128 && IDCHAR[c] === 1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export class Tokens {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  /** For `(`: the index of the matching `)` (the end-of-input token when unclosed). */
  match: Int32Array;
  count = 0;
  /**
   * An unbalanced parenthesis ends the tokens early; its error is reported when a reader
   * reaches that end, so errors earlier in the text still come first (as a streaming reader
   * would report them).
   */
  deferred: WatError | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.kind = this.start = this.end = this.match = undefined!;
    this.allocate(Math.max(16, text.length >> 3));
  }

  /** The four columns as views of one buffer: one allocation (small inputs are many). */
  private allocate(cap: number): void {
    const buf = new ArrayBuffer(cap * 13);
    const kind = new Uint8Array(buf, cap * 12, cap);
    const start = new Int32Array(buf, 0, cap);
    const end = new Int32Array(buf, cap * 4, cap);
    const match = new Int32Array(buf, cap * 8, cap);
    if (this.kind) {
      kind.set(this.kind);
      start.set(this.start);
      end.set(this.end);
      match.set(this.match);
    }
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.match = match;
  }

  push(kind: Tok, start: number, end: number): number {
    if (this.count === this.kind.length) this.allocate(this.kind.length * 2);
    const i = this.count++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    return i;
  }

  /** The token's text (allocates: for messages and keyword look-ups). */
  str(i: number): string {
    return this.text.slice(this.start[i], this.end[i]);
  }

  /** Whether token `i` is exactly the atom `word`, without allocating. */
  is(i: number, word: string): boolean {
    const s = this.start[i];
    return this.kind[i] === Tok.Atom && this.end[i] - s === word.length && this.text.startsWith(word, s);
  }

  /** How token `i` reads in a message. */
  describe(i: number): string {
    switch (this.kind[i] as Tok) {
      case Tok.Eof:
        return 'end of input';
      case Tok.LParen:
        return '"("';
      case Tok.RParen:
        return '")"';
      default:
        return excerpt(this.str(i));
    }
  }

  error(rule: string, i: number, detail?: string): WatError {
    return new WatError('malformed', rule, this.file, this.text, this.start[Math.min(i, this.count - 1)], detail);
  }
}

function fail(text: string, file: string, rule: string, at: number, detail?: string): never {
  throw new WatError('malformed', rule, file, text, at, detail);
}

/** Skips a string literal starting at the `"` at `i`; returns the offset after its closing `"`. */
function skipString(text: string, file: string, i: number): number {
  const n = text.length;
  const open = i;
  i++;
  for (;;) {
    if (i >= n) fail(text, file, 'unclosed string', open, 'a string runs to the end of the input; close it with "');
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x0a) fail(text, file, 'unclosed string', open, 'a string ends at the end of its line; write a line break as \\n');
    if (c < 0x20 || c === 0x7f) fail(text, file, 'illegal character in string', i, `control character U+${c.toString(16).padStart(4, '0')}; write it as an escape such as \\${c.toString(16).padStart(2, '0')}`);
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const d = text.charCodeAt(i + 1);
    if (d === 0x74 || d === 0x6e || d === 0x72 || d === 0x22 || d === 0x27 || d === 0x5c) i += 2;
    else if (d === 0x75 && text.charCodeAt(i + 2) === 0x7b) {
      let j = i + 3;
      let v = 0;
      while (j < n && (isHex(text.charCodeAt(j)) || (text.charCodeAt(j) === 0x5f && j > i + 3))) {
        if (text.charCodeAt(j) !== 0x5f) v = v * 16 + parseInt(text[j], 16);
        if (v > 0x10ffff) break;
        j++;
      }
      if (j === i + 3 || text.charCodeAt(j) !== 0x7d || text.charCodeAt(j - 1) === 0x5f)
        fail(text, file, 'illegal escape', i, 'a \\u{...} escape holds 1 or more hex digits of a Unicode code point');
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) fail(text, file, 'illegal escape', i, `\\u{${text.slice(i + 3, j)}} is not a Unicode scalar value`);
      i = j + 1;
    } else if (isHex(d) && isHex(text.charCodeAt(i + 2))) i += 3;
    else fail(text, file, 'illegal escape', i, 'escapes are \\t \\n \\r \\" \\\' \\\\, \\hh (two hex digits) and \\u{hex}');
  }
}

/** The end of a line comment starting at `i`: the next line feed or carriage return (spec: both end a line). */
function lineEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
    i++;
  }
  return n;
}

/** Skips a nested block comment starting at the `(;` at `i`. */
function skipBlockComment(text: string, file: string, i: number): number {
  const n = text.length;
  const open = i;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x28 && text.charCodeAt(i + 1) === 0x3b) {
      depth++;
      i += 2;
    } else if (c === 0x3b && text.charCodeAt(i + 1) === 0x29) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return fail(text, file, 'unclosed comment', open, 'a block comment "(;" needs its ";)"');
}

/** Ends of a run (atom, string or reserved) starting at `i`, and whether it is pure idchars / one string. */
function scanRun(text: string, file: string, i: number, out: { end: number; kind: Tok }): void {
  const n = text.length;
  const start = i;
  let ids = 0;
  let strings = 0;
  let other = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = skipString(text, file, i);
      strings++;
    } else if (c < 128 && IDCHAR[c] === 1) {
      i++;
      ids++;
    } else if (isSpace(c) || c === 0x28 || c === 0x29 || (c === 0x3b && text.charCodeAt(i + 1) === 0x3b)) break;
    else {
      i++;
      other++;
    }
  }
  out.end = i;
  out.kind = other === 0 && strings === 0 ? Tok.Atom : other === 0 && ids === 0 && strings === 1 ? Tok.String : Tok.Reserved;
  if (i === start) out.end = i + 1; // cannot happen (the caller checked the first character), but never loop
}

/** Tokenizes `text`; throws `WatError` on unclosed strings, comments and parentheses. */
export function tokenize(text: string, file: string): Tokens {
  const toks = new Tokens(text, file);
  const open: number[] = [];
  const run = { end: 0, kind: Tok.Atom };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 0x28) {
      const d = text.charCodeAt(i + 1);
      if (d === 0x3b) i = skipBlockComment(text, file, i);
      else if (d === 0x40 && isIdChar(text.charCodeAt(i + 2))) i = skipAnnotation(text, file, i);
      else {
        open.push(toks.push(Tok.LParen, i, i + 1));
        i++;
      }
    } else if (c === 0x29) {
      if (open.length === 0) {
        toks.deferred = new WatError('malformed', 'unexpected token', file, text, i, 'this ")" closes nothing');
        break;
      }
      const close = toks.push(Tok.RParen, i, i + 1); // (push may replace the arrays)
      toks.match[open.pop()!] = close;
      i++;
    } else if (c === 0x3b && text.charCodeAt(i + 1) === 0x3b) {
      i = lineEnd(text, i);
    } else {
      scanRun(text, file, i, run);
      toks.push(run.kind, i, run.end);
      i = run.end;
    }
  }
  const eof = toks.push(Tok.Eof, i, i);
  // A second end token past `count`: a reader that steps over an unclosed list lands on it.
  toks.push(Tok.Eof, i, i);
  toks.count--;
  if (open.length > 0) {
    const at = textPosition(text, toks.start[open[open.length - 1]]);
    toks.deferred ??= toks.error('unexpected end', eof, `the "(" at ${at.line}:${at.column} is never closed`);
    for (const o of open) toks.match[o] = eof;
  }
  return toks;
}

/** Skips an annotation `(@id ...)`: balanced parentheses, strings and comments inside. */
function skipAnnotation(text: string, file: string, i: number): number {
  const n = text.length;
  const open = i;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = skipString(text, file, i);
    else if (c === 0x28 && text.charCodeAt(i + 1) === 0x3b) i = skipBlockComment(text, file, i);
    else if (c === 0x3b && text.charCodeAt(i + 1) === 0x3b) i = lineEnd(text, i);
    else if (c === 0x28) {
      depth++;
      i++;
    } else if (c === 0x29) {
      i++;
      if (--depth === 0) return i;
    } else i++;
  }
  return fail(text, file, 'unexpected end', open, 'an annotation "(@..." is never closed');
}
