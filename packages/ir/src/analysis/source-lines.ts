// Source lines of a parsed function's entities, recovered from its text: the
// reader keeps entity numbers and text order, so the k-th instruction line of
// the body is the k-th instruction of the layout. Used to put verifier errors
// and analysis annotations on the line they belong to.

import { NONE } from '../entities';
import type { Function } from '../function';

/** Entity names (`inst3`, `block2`, `gv0`, `fn1`, `sig0`, `function`) to 1-based source lines. */
export type SourceLines = Map<string, number>;

const PREAMBLE_RE = /^(ss|dss|gv|fn|sig|jt|const|dt|region|extable)(\d+)\s*=/;
const BLOCK_RE = /^(block\d+)\s*(\(.*\))?\s*(cold)?\s*:/;

/** The text of a line without its comment and without leading debug tags (`<0, 1>`). */
export function stripLine(line: string): string {
  let out = line;
  let inString = false;
  for (let k = 0; k < out.length; k++) {
    const c = out[k];
    if (c === '"') inString = !inString;
    else if (c === ';' && !inString) {
      out = out.slice(0, k);
      break;
    }
  }
  out = out.trim();
  if (out.startsWith('<')) {
    const close = out.indexOf('>');
    if (close > 0) out = out.slice(close + 1).trim();
  }
  return out;
}

/**
 * Map the entities of `func`, parsed from `source` whose first line is line
 * `startLine`, to their lines. Signatures the reader created implicitly for a
 * `fnN = %name(...)` declaration get the line of that declaration.
 */
export function sourceLines(func: Function, source: string, startLine: number): SourceLines {
  const map: SourceLines = new Map();
  map.set('function', startLine);
  const insts: number[] = [];
  for (let b: number = func.firstBlock; b !== NONE; b = func.blockNext[b]) {
    for (let i = func.blockFirstInst[b]; i !== NONE; i = func.instNext[i]) insts.push(i);
  }
  const lines = source.split('\n');
  let inBody = false;
  let next = 0;
  for (let k = 1; k < lines.length; k++) {
    const text = stripLine(lines[k]);
    if (text === '' || text === '{' || text === '}') continue;
    const line = startLine + k;
    const blk = BLOCK_RE.exec(text);
    if (blk) {
      inBody = true;
      if (!map.has(blk[1])) map.set(blk[1], line);
      continue;
    }
    const pre = PREAMBLE_RE.exec(text);
    if (pre && !inBody) {
      map.set(`${pre[1]}${pre[2]}`, line);
      continue;
    }
    if (!inBody) continue;
    if (next < insts.length) map.set(`inst${insts[next++]}`, line);
  }
  for (let r = 0; r < func.funcRefs.length; r++) {
    const fr = func.funcRefs[r];
    const l = map.get(`fn${r}`);
    if (fr && l !== undefined && !map.has(`sig${fr.signature}`)) map.set(`sig${fr.signature}`, l);
  }
  return map;
}

/**
 * The line an annotation comment on `line` refers to: the line itself when it
 * holds code, else the nearest line above it that does (a comment-only line
 * annotates the entity before it).
 */
export function annotatedLine(source: string, startLine: number, line: number): number {
  const lines = source.split('\n');
  for (let l = line; l >= startLine; l--) {
    const text = lines[l - startLine];
    if (text !== undefined && stripLine(text) !== '') return l;
  }
  return line;
}
