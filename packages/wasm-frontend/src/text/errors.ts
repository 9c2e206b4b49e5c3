/**
 * Typed errors of the text-format reader. A `WatError` is a `WasmError` (so code that handles
 * the binary frontend's errors handles these too) that also says where in the text it happened:
 * `file:line:column`, with a short, escaped excerpt of the offending token.
 */
import { WasmError, type WasmErrorKind, type WasmLocation } from '../errors';

/** Where a text position is: 1-based line and column (in UTF-16 code units, as editors count). */
export interface TextPosition {
  line: number;
  column: number;
}

/** Line and column of `offset` in `text`. */
export function textPosition(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

const EXCERPT = 32;

/**
 * `s` quoted for a message: at most `EXCERPT` characters (longer ones end in `...`), control
 * characters and quotes escaped, so an error line stays one short line whatever the input.
 */
export function excerpt(s: string): string {
  const cut = s.length > EXCERPT;
  let out = '"';
  for (const ch of cut ? s.slice(0, EXCERPT) : s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0xfffd) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + (cut ? '..."' : '"');
}

/** The binary location given to text errors: there are no module bytes (yet). */
const NO_BYTES: WasmLocation = { offset: -1, section: -1, func: -1 };

export class WatError extends WasmError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Offset into the text. */
  readonly textOffset: number;
  /** The message without the `file:line:column: ` prefix. */
  readonly reason: string;

  /**
   * `rule` is the broken rule in the spec test suite's words ("unknown operator", "unexpected
   * token", "constant out of range", ...); `detail` says what was found and what would fit.
   * `binary` is the module-byte location when the error came from decoding or validating the
   * module the text encodes.
   */
  constructor(kind: WasmErrorKind, rule: string, file: string, text: string, textOffset: number, detail?: string, binary: WasmLocation = NO_BYTES) {
    super(kind, rule, binary, detail);
    const { line, column } = textPosition(text, textOffset);
    const what = kind === 'malformed' ? '' : `${kind} module: `;
    this.reason = `${what}${rule}${detail ? `: ${detail}` : ''}`;
    this.message = `${file}:${line}:${column}: ${this.reason}`;
    this.name = 'WatError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.textOffset = textOffset;
  }
}
