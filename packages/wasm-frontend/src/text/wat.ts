/**
 * The text format's module entry points: `.wat` text in, binary module out (`parseWat`), or
 * decoded and validated (`parseWatModule`), with every error located in the text.
 */
import { WasmError } from '../errors';
import type { Module } from '../types';
import { parseModule } from '../parse';
import { WatError } from './errors';
import { Tok, tokenize, type Tokens } from './lexer';
import { encodeModule, type EncodeOptions, type EncodedModule } from './module';
import { decodeUtf8 } from './strings';
import { textOffsetOf } from './writer';

/** Text given as a string, or as bytes that must be UTF-8. */
export type WatSource = string | Uint8Array;

export interface WatOptions {
  /**
   * Also write a `name` section with the module's, functions' and locals' `$names` (so
   * printed IR and errors can use them). Off by default, as in `wat2wasm`.
   */
  names?: boolean;
}

/** The text of `source`; bytes that are not UTF-8 are a located error. */
export function sourceText(source: WatSource, file: string): string {
  if (typeof source === 'string') return source;
  const text = decodeUtf8(source);
  if (text !== undefined) return text;
  const bad = firstInvalidUtf8(source);
  const prefix = decodeUtf8(source.subarray(0, bad)) ?? '';
  throw new WatError('malformed', 'malformed UTF-8 encoding', file, prefix, prefix.length, `byte 0x${source[bad].toString(16)} at offset ${bad} is not UTF-8 text`);
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length || decodeUtf8(b.subarray(i, i + n)) === undefined) return i;
    i += n;
  }
  return b.length;
}

/**
 * Encodes the module of tokens `t`: `(module $id? field*)` alone, or a bare sequence of fields
 * (the abbreviation the spec allows for a module on its own).
 */
export function encodeTokens(t: Tokens, options: WatOptions = {}): EncodedModule {
  let encoded: EncodedModule;
  const encodeOptions: EncodeOptions = { names: options.names };
  if (t.kind[0] === Tok.LParen && t.is(1, 'module')) {
    const end = t.match[0];
    let from = 2;
    if (t.kind[from] === Tok.Atom && t.text.charCodeAt(t.start[from]) === 0x24) encodeOptions.moduleName = t.str(from++);
    if (t.is(from, 'binary') || t.is(from, 'quote'))
      throw t.error('unexpected token', from, `(module ${t.str(from)} ...) is a script form (.wast), not a module`);
    encoded = encodeModule(t, from, end, encodeOptions);
    if (end + 1 < t.count && t.kind[end + 1] !== Tok.Eof) throw t.error('unexpected token', end + 1, `${t.describe(end + 1)} after the module; a .wat file holds one module`);
  } else encoded = encodeModule(t, 0, t.count - 1, encodeOptions);
  // Everything read fine up to an unbalanced ")": that is the error.
  if (t.deferred) throw t.deferred;
  return encoded;
}

/**
 * Reads a WebAssembly text module and returns its binary encoding. The module is not
 * validated (see `parseWatModule`). Throws only `WatError` (kind `malformed`, with
 * `file:line:column`).
 */
export function parseWat(source: WatSource, filename = 'input.wat', options: WatOptions = {}): Uint8Array {
  return guard(filename, () => encodeTokens(tokenize(sourceText(source, filename), filename), options).bytes);
}

/**
 * Reads, decodes and validates a text module. Errors of the decoder and validator are reported
 * at the text that produced the offending bytes (`WatError`, kind `malformed`, `invalid` or
 * `unsupported`; `location` keeps the byte offset).
 */
export function parseWatModule(source: WatSource, filename = 'input.wat', options: WatOptions = {}): { module: Module; bytes: Uint8Array } {
  return guard(filename, () => {
    const text = sourceText(source, filename);
    const encoded = encodeTokens(tokenize(text, filename), options);
    return { module: checkEncoded(encoded, text, filename), bytes: encoded.bytes };
  });
}

/** Decodes and validates an encoded text module; errors point into `text`. */
export function checkEncoded(encoded: EncodedModule, text: string, filename: string): Module {
  try {
    return parseModule(encoded.bytes);
  } catch (e) {
    if (!(e instanceof WasmError)) throw e;
    const at = Math.max(0, textOffsetOf(encoded.marks, e.location.offset));
    throw new WatError(e.kind, e.rule, filename, text, at, e.detail, e.location);
  }
}

/** Runs `body`; anything but a `WasmError` escaping it is a reader bug, reported typed. */
export function guard<T>(filename: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof WasmError) throw e;
    if (e instanceof RangeError) throw new WatError('unsupported', 'input too large', filename, '', 0, String(e.message));
    throw new WatError('malformed', 'internal text reader error', filename, '', 0, e instanceof Error ? e.message : String(e));
  }
}
