// Robustness fuzzing of the WebAssembly text reader:
//
//   spec .wast forms ──mutateWat──┐
//   random token soup ────────────┴──> parseWast ──> each module's bytes ──> parseModule
//                                      parseWatModule (forms that are one module)
//
// The reader must return a result or throw a `WatError`: one line, with `file:line:column`, a
// short message, within the time budget. And a module it accepts must decode: text the reader
// takes as well formed must not encode to malformed bytes (the decoder may only call it invalid).
import { WasmError, WatError, checkModule, parseWast, parseWatModule } from '@windlass/wasm-frontend';
import type { Finding, RunOptions } from './clif';
import type { Rng } from './rng';

const KEYWORDS = [
  'module', 'func', 'param', 'result', 'local', 'type', 'import', 'export', 'table', 'memory', 'global', 'elem', 'data',
  'start', 'offset', 'item', 'declare', 'mut', 'then', 'else', 'end', 'block', 'loop', 'if', 'br', 'br_if', 'br_table',
  'call', 'call_indirect', 'return', 'drop', 'select', 'local.get', 'local.set', 'global.get', 'i32.const', 'i64.const',
  'f32.const', 'f64.const', 'v128.const', 'i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4', 'f64x2', 'i8x16.shuffle',
  'i32.load', 'i64.store', 'v128.load8_lane', 'memory.init', 'data.drop', 'table.init', 'table.copy', 'elem.drop',
  'ref.null', 'ref.func', 'ref.extern', 'funcref', 'externref', 'extern', 'i32', 'i64', 'f32', 'f64', 'v128',
  'binary', 'quote', 'register', 'invoke', 'get', 'assert_return', 'assert_trap', 'assert_malformed', 'assert_invalid',
  'nan:canonical', 'nan:arithmetic', 'offset=4', 'align=8', 'align=3', 'offset=0x1_0000_0000',
];
const ATOMS = [
  '0', '-0', '1', '-1', '0x7fffffff', '0xffffffff', '4294967296', '-0x80000000', '0x1p-149', '0x1.fffffep127', '1e39',
  'inf', '-nan', 'nan:0x1', 'nan:0x7fffff', '1_000', '1__0', '0x', '$x', '$', '$l', '$0', '0$l', '"a"', '"\\ff"',
  '"\\u{1F600}"', '"\\u{d800}"', '"\\', '"', '(;', ';)', ';;', '(@a', '9'.repeat(400), '0.' + '0'.repeat(300) + '1',
];
/** Instruction names swapped for one another: mostly well-formed text that may not validate. */
const INSTRUCTIONS = [
  'nop', 'unreachable', 'drop', 'select', 'return', 'i32.add', 'i32.sub', 'i32.eqz', 'i64.mul', 'f32.sqrt', 'f64.add',
  'i32.wrap_i64', 'i64.extend_i32_s', 'f32.convert_i64_u', 'i32.trunc_sat_f64_u', 'memory.size', 'memory.grow',
  'memory.copy', 'memory.fill', 'table.size', 'table.grow', 'ref.is_null', 'v128.not', 'i8x16.add', 'f32x4.mul',
  'i16x8.extract_lane_s', 'v128.any_true', 'i32.load', 'i64.load8_u', 'f64.store', 'v128.load64_splat', 'local.get 0',
  'global.get 0', 'call 0', 'br 0', 'br_if 1', 'br_table 0 1', 'ref.func 0', 'i32.const 7', 'f64.const -0x1p-1074',
];
const CHARS = ['(', ')', '"', ';', '$', '\\', '_', '.', '@', ' ', '\n', '\r', '\t', '\u0000', '\u00e9', '\ud800', '\u{1F600}', 'x', '0', '9', '=', ','];

/** Token boundaries of `text`: runs of non-space characters and single parentheses. */
function tokens(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /[()]|[^\s()]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** One to four edits of `src`: characters, tokens, duplicated or dropped ranges, deep nests. */
export function mutateWat(src: string, rng: Rng): string {
  let s = src;
  // Half the mutants get one gentle edit, so that many stay well formed and reach the encoder.
  const gentle = rng.chance(0.5);
  const edits = gentle ? 1 : 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const toks = tokens(s);
    if (toks.length === 0) return s + rng.pick(CHARS);
    const [a, b] = rng.pick(toks);
    if (gentle) {
      // Swap an instruction name, or replace a number by another.
      const word = s.slice(a, b);
      if (/^[a-z][a-z0-9_]*\.[a-z0-9_.]+$|^(nop|drop|select|unreachable|return)$/.test(word)) s = s.slice(0, a) + rng.pick(INSTRUCTIONS) + s.slice(b);
      else if (/^[-+]?[0-9]/.test(word)) s = s.slice(0, a) + rng.pick(ATOMS.slice(0, 15)) + s.slice(b);
      else s = s.slice(0, a) + ' ' + s.slice(a);
      continue;
    }
    switch (rng.int(9)) {
      case 0: // a character somewhere
        {
          const at = rng.int(s.length + 1);
          s = s.slice(0, at) + rng.pick(CHARS) + s.slice(at);
        }
        break;
      case 1: // delete a character
        {
          const at = rng.int(s.length);
          s = s.slice(0, at) + s.slice(at + 1);
        }
        break;
      case 2: // replace a token by a keyword or an atom
        s = s.slice(0, a) + rng.pick(rng.chance(0.5) ? KEYWORDS : ATOMS) + s.slice(b);
        break;
      case 3: // delete a token
        s = s.slice(0, a) + s.slice(b);
        break;
      case 4: // duplicate a range of tokens
        {
          const [c] = rng.pick(toks);
          const from = Math.min(a, c);
          const to = Math.max(b, c + 1);
          s = s.slice(0, to) + ' ' + s.slice(from, to) + s.slice(to);
        }
        break;
      case 5: // swap two tokens
        {
          const [c, d] = rng.pick(toks);
          if (c >= b) s = s.slice(0, a) + s.slice(c, d) + s.slice(b, c) + s.slice(a, b) + s.slice(d);
        }
        break;
      case 6: // wrap a token in parentheses, or open a deep nest
        if (rng.chance(0.8)) s = s.slice(0, a) + '(' + s.slice(a, b) + ')' + s.slice(b);
        else {
          const n = 1 + rng.int(20_000);
          s = s.slice(0, a) + (rng.chance(0.5) ? '(block '.repeat(n) + ')'.repeat(n) : '('.repeat(n)) + s.slice(a);
        }
        break;
      case 7: // a number token's neighbour: digits, sign, underscore, exponent
        s = s.slice(0, b) + rng.pick(['0', '_', 'e', 'p', '.', '-', 'x', 'f', '999999999999']) + s.slice(b);
        break;
      default: // truncate
        s = s.slice(0, rng.int(s.length + 1));
    }
  }
  return s;
}

/** A script of random tokens (balanced or not). */
export function randomWat(rng: Rng): string {
  const parts: string[] = [];
  let depth = 0;
  const n = 1 + rng.int(80);
  for (let i = 0; i < n; i++) {
    const r = rng.int(10);
    if (r < 3) {
      parts.push('(' + rng.pick(KEYWORDS));
      depth++;
    } else if (r < 5 && depth > 0) {
      parts.push(')');
      depth--;
    } else parts.push(rng.chance(0.5) ? rng.pick(ATOMS) : rng.pick(KEYWORDS));
  }
  if (rng.chance(0.8)) parts.push(')'.repeat(depth));
  return parts.join(' ');
}

/** Whether `e` is an acceptable rejection: a one-line, located, short `WatError`. */
function badError(e: unknown): string | undefined {
  if (!(e instanceof WatError)) return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (e.message.includes('\n')) return `multi-line message: ${JSON.stringify(e.message.slice(0, 200))}`;
  if (e.message.length > 400) return `message of ${e.message.length} characters`;
  if (!/^[^\n]*:\d+:\d+: /.test(e.message)) return `no line:column: ${e.message}`;
  if (/internal text reader error/.test(e.message)) return e.message;
  return undefined;
}

/**
 * Reads `text` as a script (and, if it is one module, as a `.wat` module); returns the findings.
 * Counts go to `opts.counts.text` (inputs read) and `opts.counts.decode` (modules decoded).
 */
export function runWat(text: string, opts: RunOptions): Finding[] {
  const out: Finding[] = [];
  const input = text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  const timed = <T>(body: () => T): T => {
    const t0 = performance.now();
    try {
      return body();
    } finally {
      const dt = performance.now() - t0;
      if (opts.slowMs > 0 && dt > opts.slowMs) out.push({ stage: 'text', kind: 'slow', message: `the text reader took ${dt.toFixed(0)} ms`, input });
    }
  };
  opts.counts.text++;
  try {
    const script = timed(() => parseWast(text, 'fuzz.wast'));
    for (const c of script.commands) {
      if (c.error) {
        const bad = badError(c.error);
        if (bad) out.push({ stage: 'text', kind: 'bad-error', message: bad, input, stack: c.error.stack });
      }
      // `module binary` bytes are the script's own: only what the reader encoded must decode.
      if (!c.bytes || c.form === 'binary') continue;
      opts.counts.decode++;
      const r = checkModule(c.bytes);
      if (r instanceof WasmError && r.kind === 'malformed')
        out.push({ stage: 'text', kind: 'malformed-encoding', message: `the reader accepted a module whose encoding does not decode: ${r.message}`, input });
    }
  } catch (e) {
    const bad = badError(e);
    if (bad) out.push({ stage: 'text', kind: e instanceof WatError ? 'bad-error' : 'crash', message: bad, input, stack: (e as Error).stack });
  }
  if (/^\s*\(module\b/.test(text)) {
    opts.counts.text++;
    try {
      timed(() => parseWatModule(text, 'fuzz.wat'));
    } catch (e) {
      const bad = badError(e);
      if (bad) out.push({ stage: 'text', kind: e instanceof WatError ? 'bad-error' : 'crash', message: bad, input, stack: (e as Error).stack });
    }
  }
  return out;
}
