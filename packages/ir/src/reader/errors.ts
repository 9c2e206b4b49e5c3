/** A malformed CLIF text: where (file:line:column) and what was expected. */
export class ParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `file:line:column` */
  readonly location: string;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(file: string, line: number, column: number, reason: string) {
    const location = `${file}:${line}:${column}`;
    super(`${location}: ${reason}`);
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.location = location;
    this.reason = reason;
  }
}
