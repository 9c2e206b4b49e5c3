// CLIF tokenizer. The whole text is tokenized up front into parallel typed
// arrays (kind, start, end, line, column) so the parser can look ahead freely
// without allocating token objects. Comments go to a side list.

import { ParseError } from './errors';

export enum Tok {
  Eof = 0,
  /** identifier, keyword, entity name, type name, opcode: [A-Za-z_][A-Za-z0-9_]* */
  Word,
  /** integer or float literal, possibly signed: 12, -3, 0x1f, 0x1.8p3, +Inf, -NaN:0x1 */
  Number,
  /** %name */
  Name,
  /** "text" */
  String,
  /** @0012 source location */
  SrcLoc,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
  Comma, Equal, Colon, Dot, Arrow, Star, Less, Greater, At, Plus, Minus, Bang,
}

export const TOK_TEXT: Record<number, string> = {
  [Tok.Eof]: 'end of file', [Tok.Word]: 'identifier', [Tok.Number]: 'number', [Tok.Name]: '%name',
  [Tok.String]: 'string', [Tok.SrcLoc]: 'source location', [Tok.LParen]: "'('", [Tok.RParen]: "')'",
  [Tok.LBracket]: "'['", [Tok.RBracket]: "']'", [Tok.LBrace]: "'{'", [Tok.RBrace]: "'}'",
  [Tok.Comma]: "','", [Tok.Equal]: "'='", [Tok.Colon]: "':'", [Tok.Dot]: "'.'", [Tok.Arrow]: "'->'",
  [Tok.Star]: "'*'", [Tok.Less]: "'<'", [Tok.Greater]: "'>'", [Tok.At]: "'@'", [Tok.Plus]: "'+'",
  [Tok.Minus]: "'-'", [Tok.Bang]: "'!'",
};

export interface Comment {
  /** Text after the ';' (leading ';' characters stripped). */
  text: string;
  line: number;
  column: number;
  /** Index of the first token after the comment. */
  tokenIndex: number;
}

export interface Tokens {
  count: number;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  col: Int32Array;
  comments: Comment[];
}

// Character classes of ASCII, by table lookup (the tokenizer's inner loop).
const WORD_START = 1;
const WORD_CHAR = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  CLASS[c] = (letter ? WORD_START | WORD_CHAR : 0) | (c >= 48 && c <= 57 ? WORD_CHAR : 0);
}

function isWordStart(c: number): boolean {
  return c < 128 && (CLASS[c] & WORD_START) !== 0;
}
function isWordChar(c: number): boolean {
  return c < 128 && (CLASS[c] & WORD_CHAR) !== 0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

const PUNCT: Record<number, Tok> = {
  40: Tok.LParen, 41: Tok.RParen, 91: Tok.LBracket, 93: Tok.RBracket, 123: Tok.LBrace, 125: Tok.RBrace,
  44: Tok.Comma, 61: Tok.Equal, 58: Tok.Colon, 46: Tok.Dot, 42: Tok.Star, 60: Tok.Less, 62: Tok.Greater,
  33: Tok.Bang,
};

export function tokenize(text: string, file: string): Tokens {
  let cap = Math.max(64, text.length >> 2);
  let kind = new Uint8Array(cap);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let lineA = new Int32Array(cap);
  let colA = new Int32Array(cap);
  const comments: Comment[] = [];
  let n = 0;
  let line = 1;
  let lineStart = 0;
  const len = text.length;
  let p = 0;

  const push = (k: Tok, s: number, e: number) => {
    if (n === cap) {
      cap *= 2;
      const k2 = new Uint8Array(cap); k2.set(kind); kind = k2;
      const s2 = new Int32Array(cap); s2.set(start); start = s2;
      const e2 = new Int32Array(cap); e2.set(end); end = e2;
      const l2 = new Int32Array(cap); l2.set(lineA); lineA = l2;
      const c2 = new Int32Array(cap); c2.set(colA); colA = c2;
    }
    kind[n] = k;
    start[n] = s;
    end[n] = e;
    lineA[n] = line;
    colA[n] = s - lineStart + 1;
    n++;
  };

  // Consume the body of a numeric literal starting at p (after any sign).
  const scanNumber = (q: number): number => {
    const hex = text.charCodeAt(q) === 48 && (text.charCodeAt(q + 1) | 32) === 120;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (isWordChar(c) || c === 46) {
        const lower = c | 32;
        q++;
        // Exponent signs: p-3 in hex floats, e-3 in decimal ones.
        if ((hex ? lower === 112 : lower === 101 && c !== 95) && (text.charCodeAt(q) === 43 || text.charCodeAt(q) === 45) && isDigit(text.charCodeAt(q + 1))) q++;
        continue;
      }
      break;
    }
    return q;
  };

  // NaN payloads: NaN:0x1, sNaN:0x1.
  const scanNanPayload = (q: number, wordStart: number): number => {
    const w = text.slice(wordStart, q);
    if ((w === 'NaN' || w === 'sNaN') && text.charCodeAt(q) === 58 && isDigit(text.charCodeAt(q + 1))) {
      q++;
      while (q < len && isWordChar(text.charCodeAt(q))) q++;
    }
    return q;
  };

  while (p < len) {
    const c = text.charCodeAt(p);
    if (c === 10) {
      line++;
      p++;
      lineStart = p;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      p++;
      continue;
    }
    if (c === 59) {
      // ';' comment to end of line
      let e = p;
      while (e < len && text.charCodeAt(e) !== 10) e++;
      const end = e > p && text.charCodeAt(e - 1) === 13 ? e - 1 : e; // CRLF files
      comments.push({ text: text.slice(p, end), line, column: p - lineStart + 1, tokenIndex: n });
      p = e;
      continue;
    }
    if (isWordStart(c)) {
      let q = p + 1;
      while (q < len && isWordChar(text.charCodeAt(q))) q++;
      const q2 = scanNanPayload(q, p);
      if (q2 !== q) {
        push(Tok.Number, p, q2);
        p = q2;
      } else {
        push(Tok.Word, p, q);
        p = q;
      }
      continue;
    }
    if (isDigit(c)) {
      const q = scanNumber(p);
      push(Tok.Number, p, q);
      p = q;
      continue;
    }
    if (c === 43 || c === 45) {
      // '+' / '-': a signed number, '->' or a lone sign.
      const d = text.charCodeAt(p + 1);
      if (c === 45 && d === 62) {
        push(Tok.Arrow, p, p + 2);
        p += 2;
        continue;
      }
      if (isDigit(d)) {
        const q = scanNumber(p + 1);
        push(Tok.Number, p, q);
        p = q;
        continue;
      }
      if (isWordStart(d)) {
        let q = p + 2;
        while (q < len && isWordChar(text.charCodeAt(q))) q++;
        const w = text.slice(p + 1, q);
        if (w === 'Inf' || w === 'NaN' || w === 'sNaN') {
          q = scanNanPayload(q, p + 1);
          push(Tok.Number, p, q);
          p = q;
          continue;
        }
      }
      push(c === 43 ? Tok.Plus : Tok.Minus, p, p + 1);
      p++;
      continue;
    }
    if (c === 37) {
      // %name: letters, digits, '_', and the punctuation some symbol names use.
      let q = p + 1;
      while (q < len) {
        const d = text.charCodeAt(q);
        if (isWordChar(d) || d === 46 || d === 36) q++;
        else break;
      }
      // A bare '%' is the empty test-case name (`function %(i32)` is valid CLIF).
      push(Tok.Name, p, q);
      p = q;
      continue;
    }
    if (c === 64) {
      // '@' followed by hex digits is a source location; otherwise a plain '@'.
      let q = p + 1;
      while (q < len && isHexDigit(text.charCodeAt(q))) q++;
      if (q > p + 1) push(Tok.SrcLoc, p, q);
      else push(Tok.At, p, p + 1);
      p = q > p + 1 ? q : p + 1;
      continue;
    }
    if (c === 34) {
      let q = p + 1;
      while (q < len && text.charCodeAt(q) !== 34 && text.charCodeAt(q) !== 10) {
        if (text.charCodeAt(q) === 92) q++;
        q++;
      }
      if (q >= len || text.charCodeAt(q) !== 34) throw new ParseError(file, line, p - lineStart + 1, 'unterminated string literal');
      push(Tok.String, p, q + 1);
      p = q + 1;
      continue;
    }
    const k = PUNCT[c];
    if (k !== undefined) {
      push(k, p, p + 1);
      p++;
      continue;
    }
    throw new ParseError(file, line, p - lineStart + 1, `unexpected character '${String.fromCharCode(c)}'`);
  }
  // Eof token carries the position of the end of text.
  push(Tok.Eof, len, len);
  return { count: n, kind, start, end, line: lineA, col: colA, comments };
}
