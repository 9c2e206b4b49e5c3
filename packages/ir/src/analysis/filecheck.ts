// A small filecheck for the analysis printers (`test domtree`, `test
// print-cfg`): `check:`, `sameln:`, `nextln:`, `not:`, `unordered:` and
// `regex:` directives, as Cranelift's filetests write them.
//
// Pattern syntax: literal text, where a run of blanks matches one or more
// blanks; `$NAME` is a `regex:` definition or the text an earlier
// `$(NAME=RE)` captured; `$(NAME=RE)` captures; `$(=RE)` is an anonymous
// regex; `$$` is a dollar sign.
//
// With `renameEntities`, value and block names written literally in a pattern
// (`v3`, `block1`) stand for whatever names the checked text uses, renamed
// consistently: the first match binds `v3` to a name of the text, later
// patterns must use that same name, and two pattern names never bind the
// same text name. This checks the shape of IR whose numbering differs from
// the producer the patterns were written against.

export interface CheckLine {
  kind: string;
  text: string;
  line: number;
}

/** Why a check failed (line of the directive). */
export interface CheckFailure {
  line: number;
  message: string;
}

const KINDS = new Set(['check', 'sameln', 'nextln', 'not', 'unordered', 'regex']);

export function isFileCheckDirective(kind: string): boolean {
  return KINDS.has(kind);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Vars {
  regex: Map<string, string>;
  value: Map<string, string>;
  /** Set in renaming mode: pattern entity name -> text entity name, and the reverse. */
  entity?: Map<string, string>;
  entityOf?: Map<string, string>;
}

/** A value or block name at the start of `s` (not inside a longer word). */
const ENTITY = /^(?:v|block)\d+\b/;

/** Expands `$NAME` (regex definitions only) inside a user regex. */
function expandInRegex(re: string, vars: Vars): string {
  return re.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name: string) => {
    const r = vars.regex.get(name);
    if (r !== undefined) return `(?:${r})`;
    const v = vars.value.get(name);
    return v !== undefined ? escapeRe(v) : m;
  });
}

function compile(pattern: string, vars: Vars, line: number): { re: RegExp; names: string[] } {
  let src = '';
  const names: string[] = [];
  const p = pattern.trim();
  let k = 0;
  while (k < p.length) {
    const c = p[k];
    if (vars.entity && (c === 'v' || c === 'b') && (k === 0 || !/[A-Za-z0-9_]/.test(p[k - 1]))) {
      const m = ENTITY.exec(p.slice(k));
      if (m) {
        const bound = vars.entity.get(m[0]);
        if (bound !== undefined) src += `${escapeRe(bound)}\\b`;
        else {
          // A fresh name: any entity of the same kind not bound to another pattern name.
          const kind = m[0].startsWith('v') ? 'v' : 'block';
          const taken = [...vars.entityOf!.keys()].filter((t) => t.startsWith(kind) && /\d/.test(t[kind.length]));
          names.push(`\u0000${m[0]}`);
          src += `${taken.length ? `(?!(?:${taken.map(escapeRe).join('|')})\\b)` : ''}(${kind}\\d+)\\b`;
        }
        k += m[0].length;
        continue;
      }
    }
    if (c === '$') {
      if (p[k + 1] === '$') {
        src += '\\$';
        k += 2;
        continue;
      }
      if (p[k + 1] === '(') {
        let depth = 0;
        let end = -1;
        for (let j = k + 1; j < p.length; j++) {
          if (p[j] === '(') depth++;
          else if (p[j] === ')' && --depth === 0) {
            end = j;
            break;
          }
        }
        if (end < 0) throw new FileCheckError(line, `unterminated $( in pattern: ${pattern}`);
        const body = p.slice(k + 2, end);
        const eq = body.indexOf('=');
        const name = eq >= 0 ? body.slice(0, eq) : '';
        const re = expandInRegex(eq >= 0 ? body.slice(eq + 1) : body, vars);
        if (name) {
          names.push(name);
          src += `(${re})`;
        } else {
          src += `(?:${re})`;
        }
        k = end + 1;
        continue;
      }
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(p.slice(k + 1));
      if (m) {
        const r = vars.regex.get(m[0]);
        const v = vars.value.get(m[0]);
        if (r !== undefined) src += `(?:${r})`;
        else if (v !== undefined) src += escapeRe(v);
        else throw new FileCheckError(line, `undefined variable $${m[0]}`);
        k += 1 + m[0].length;
        continue;
      }
    }
    if (c === ' ' || c === '\t') {
      while (k < p.length && (p[k] === ' ' || p[k] === '\t')) k++;
      src += '[ \\t]+';
      continue;
    }
    src += escapeRe(c);
    k++;
  }
  try {
    return { re: new RegExp(src, 'g'), names };
  } catch (e) {
    throw new FileCheckError(line, `bad pattern ${pattern}: ${(e as Error).message}`);
  }
}

export class FileCheckError extends Error {
  readonly line: number;
  readonly location: string;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'FileCheckError';
    this.line = line;
    this.location = `line ${line}`;
  }
}

function lineEnd(text: string, pos: number): number {
  const e = text.indexOf('\n', pos);
  return e < 0 ? text.length : e;
}

export interface FileCheckOptions {
  /** Match value and block names up to a consistent renaming (see the file comment). */
  renameEntities?: boolean;
}

/**
 * Match `directives` against `text`; null when every directive holds, else the
 * first failure. Non-filecheck directives are ignored.
 */
export function fileCheck(text: string, directives: readonly CheckLine[], opts: FileCheckOptions = {}): CheckFailure | null {
  try {
    return run(text, directives, opts);
  } catch (e) {
    if (e instanceof FileCheckError) return { line: e.line, message: e.message };
    throw e;
  }
}

function run(text: string, directives: readonly CheckLine[], opts: FileCheckOptions): CheckFailure | null {
  const vars: Vars = { regex: new Map(), value: new Map() };
  if (opts.renameEntities) {
    vars.entity = new Map();
    vars.entityOf = new Map();
  }
  let pos = 0;
  let pendingNot: CheckLine[] = [];
  const find = (d: CheckLine, from: number, to: number): { start: number; end: number } | null => {
    const { re, names } = compile(d.text, vars, d.line);
    re.lastIndex = from;
    for (;;) {
      const m = re.exec(text);
      if (!m || m.index + m[0].length > to) return null;
      // Two fresh pattern names of one pattern must bind different text names.
      const fresh = new Map<string, string>();
      let clash = false;
      names.forEach((n, i) => {
        if (!n.startsWith('\u0000')) return;
        const got = m[i + 1];
        const prev = [...fresh].find(([pn, t]) => t === got && pn !== n.slice(1));
        if (prev || (fresh.has(n.slice(1)) && fresh.get(n.slice(1)) !== got)) clash = true;
        fresh.set(n.slice(1), got);
      });
      if (clash) {
        re.lastIndex = m.index + 1;
        continue;
      }
      names.forEach((n, i) => {
        if (n.startsWith('\u0000')) {
          vars.entity!.set(n.slice(1), m[i + 1]);
          vars.entityOf!.set(m[i + 1], n.slice(1));
        } else vars.value.set(n, m[i + 1]);
      });
      return { start: m.index, end: m.index + m[0].length };
    }
  };
  const checkNots = (from: number, to: number): CheckFailure | null => {
    for (const d of pendingNot) {
      if (find(d, from, to)) return { line: d.line, message: `not: "${d.text}" matched` };
    }
    pendingNot = [];
    return null;
  };
  for (let k = 0; k < directives.length; k++) {
    const d = directives[k];
    switch (d.kind) {
      case 'regex': {
        const eq = d.text.indexOf('=');
        if (eq <= 0) return { line: d.line, message: `regex: expects NAME=RE, got ${d.text}` };
        vars.regex.set(d.text.slice(0, eq).trim(), d.text.slice(eq + 1).trim());
        break;
      }
      case 'not':
        pendingNot.push(d);
        break;
      case 'check': {
        const m = find(d, pos, text.length);
        if (!m) return { line: d.line, message: `check: "${d.text}" not found` };
        const bad = checkNots(pos, m.start);
        if (bad) return bad;
        pos = m.end;
        break;
      }
      case 'sameln': {
        const m = find(d, pos, lineEnd(text, pos));
        if (!m) return { line: d.line, message: `sameln: "${d.text}" not found on the same line` };
        const bad = checkNots(pos, m.start);
        if (bad) return bad;
        pos = m.end;
        break;
      }
      case 'nextln': {
        const eol = lineEnd(text, pos);
        if (eol >= text.length) return { line: d.line, message: `nextln: "${d.text}": no next line` };
        const m = find(d, eol + 1, lineEnd(text, eol + 1));
        if (!m) return { line: d.line, message: `nextln: "${d.text}" not found on the next line` };
        const bad = checkNots(pos, m.start);
        if (bad) return bad;
        pos = m.end;
        break;
      }
      case 'unordered': {
        // A run of unordered directives matches anywhere after the last ordered match, in any order.
        const group: CheckLine[] = [];
        while (k < directives.length && directives[k].kind === 'unordered') group.push(directives[k++]);
        k--;
        const used: { start: number; end: number }[] = [];
        let furthest = pos;
        for (const g of group) {
          let from = pos;
          let m = find(g, from, text.length);
          while (m && used.some((u) => m!.start < u.end && u.start < m!.end)) {
            from = m.start + 1;
            m = find(g, from, text.length);
          }
          if (!m) return { line: g.line, message: `unordered: "${g.text}" not found` };
          used.push(m);
          furthest = Math.max(furthest, m.end);
        }
        pos = furthest;
        break;
      }
      default:
        break;
    }
  }
  return checkNots(pos, text.length);
}
