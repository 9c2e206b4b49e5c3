// Reading the files named on the command line.

import { readFileSync } from 'node:fs';
import { CommandError } from '../command';

/** The text of `file`; a missing or unreadable file is a `CommandError` saying why. */
export function readInput(file: string): string {
  return decode(readBytes(file));
}

/** The bytes of `file`. */
export function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CommandError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message}`);
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
