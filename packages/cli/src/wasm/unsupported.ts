/**
 * Thrown by an engine for a case it cannot run (e.g. the native engine for code that needs the
 * wasm runtime): the runner counts the assertion as skipped, with the message as the reason.
 */
export class WastUnsupported extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WastUnsupported';
  }
}
