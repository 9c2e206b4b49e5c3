/** Runs of non-blank characters longer than this are shortened when quoted in a message. */
const MAX_RUN = 64;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, 'g');
// C0 and C1 controls, DEL, and the characters that reorder or break a line of text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Untrusted text (a token, a name from a binary) as it may appear in a one-line message: control
 * characters escaped (`\x00`, `\n`, `\u202e`), and every run of more than 64 non-blank
 * characters cut to its first 32, `…`, and its length, so a 5 MB literal costs a few dozen bytes.
 */
export function excerpt(text: string): string {
  const short = text.length <= MAX_RUN ? text : text.replace(LONG_RUN, (run) => `${run.slice(0, 32)}…(${run.length} characters)`);
  return short.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`));
}

/** A malformed CLIF text: where (file:line:column) and what was expected. */
export class ParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `file:line:column` */
  readonly location: string;
  /** The message without the location prefix; quoted input in it goes through `excerpt`. */
  readonly reason: string;

  constructor(file: string, line: number, column: number, reason: string) {
    const location = `${file}:${line}:${column}`;
    const safe = excerpt(reason);
    super(`${location}: ${safe}`);
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.location = location;
    this.reason = safe;
  }
}
