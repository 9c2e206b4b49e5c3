/** Misuse of the FunctionBuilder (branching to a sealed block, emitting after a terminator, ...). */
export class BuilderError extends Error {
  /** `%name, block3` (where the builder was). */
  readonly location: string;
  constructor(location: string, message: string) {
    super(`${location}: ${message}`);
    this.name = 'BuilderError';
    this.location = location;
  }
}
