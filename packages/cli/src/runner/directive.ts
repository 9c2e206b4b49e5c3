// `; run:` directives.
//
//   ; run                              call the preceding function with no arguments; it must
//                                      return a non-zero value
//   ; run: %f(1, 2) == 3               compare the results
//   ; run: %f(1, 2) != 3
//   ; run: %f(1) == [1, 2]             several results, comma-separated
//   ; run: %f([1 2 3 4]) == [2 3 4 5]  vector literals, lanes separated by spaces
//   ; run: %f(0x1.8p3, -NaN, +sNaN:0x1, 0xffff_ffff_ffff_ffff_ffff)
//
// This module only splits the text; the literals are typed against the callee's signature by
// `@windlass/interpreter`'s `parseValue`.

export class DirectiveError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'DirectiveError';
  }
}

export interface RunDirective {
  /** Callee name without `%`; null for a bare `; run` (the function it follows). */
  readonly fn: string | null;
  readonly args: string[];
  /** `==`, `!=`, or null when there is no comparison (bare `; run` or a call only). */
  readonly cmp: '==' | '!=' | null;
  /** Expected results: one entry per result, or a single bracketed/plain text. */
  readonly expected: string | null;
  readonly line: number;
  readonly text: string;
}

/** Split `s` on `sep` at bracket depth 0. */
export function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/**
 * Parse the text after `; run` (the part after the colon, or '' for a bare `; run`).
 * `line` is the 1-based file line, used in errors.
 */
export function parseRunDirective(body: string, line: number): RunDirective {
  const text = body.trim();
  if (text === '') return { fn: null, args: [], cmp: null, expected: null, line, text };
  const m = /^%([A-Za-z0-9_.$]+)\s*\(/.exec(text);
  if (!m) throw new DirectiveError(`expected '%name(args)' after 'run:', found '${text}'`, line, 1);
  let depth = 0;
  let close = -1;
  for (let i = m[0].length - 1; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  if (close < 0) throw new DirectiveError(`unbalanced parentheses in '${text}'`, line, m[0].length);
  const inner = text.slice(m[0].length, close);
  const args = inner.trim() === '' ? [] : splitTopLevel(inner, ',');
  if (args.some((a) => a === '')) throw new DirectiveError(`empty argument in '${text}'`, line, m[0].length + 1);
  const rest = text.slice(close + 1).trim();
  if (rest === '') return { fn: m[1], args, cmp: null, expected: null, line, text };
  const c = /^(==|!=)\s*(.*)$/.exec(rest);
  if (!c) throw new DirectiveError(`expected '==' or '!=' after the call, found '${rest}'`, line, close + 2);
  if (c[2].trim() === '') throw new DirectiveError(`missing expected value after '${c[1]}'`, line, close + 2);
  return { fn: m[1], args, cmp: c[1] as '==' | '!=', expected: c[2].trim(), line, text };
}

/**
 * The expected results as one literal per result. With several results the text is
 * `[a, b, ...]`; a single vector result keeps its brackets (`[1 2 3 4]`).
 */
export function splitExpected(expected: string, resultCount: number): string[] {
  if (resultCount === 1) {
    const s = expected.trim();
    // `[x]` around a single scalar result, or `[[1 2], ...]` style: unwrap one level when the
    // bracket holds exactly one comma-separated item that is itself bracketed.
    if (s.startsWith('[') && s.endsWith(']')) {
      const parts = splitTopLevel(s.slice(1, -1), ',');
      if (parts.length === 1 && parts[0].startsWith('[')) return [parts[0]];
    }
    return [s];
  }
  const s = expected.trim();
  if (!(s.startsWith('[') && s.endsWith(']'))) return [s];
  const inner = s.slice(1, -1);
  const parts = splitTopLevel(inner, ',');
  if (parts.length === resultCount) return parts;
  // `[0 1]` for two scalar results is also seen.
  const spaced = inner.trim().split(/\s+/);
  if (spaced.length === resultCount && !inner.includes('[')) return spaced;
  return parts;
}
