/**
 * A small `.wast` rewriter for scripts Debian's wabt 1.0.32 cannot read: it parses the script
 * into s-expressions (the project's own reading of the text) and rewrites the few newer
 * text-format forms that wabt predates into equivalent older ones:
 *
 * - `table.get/set/size/grow/fill` without a table index get the default index `0`;
 * - a folded `(if ...)` with several condition expressions gets them hoisted in front of it
 *   (folded operands are evaluated in order before the `if` either way);
 * - comments are dropped;
 * - a top-level `(module quote "...")` (not one under `assert_malformed`) is inlined as
 *   `(module ...)` with its text, line ends normalized to line feeds: wabt aborts on some
 *   quoted modules with line comments.
 *
 * Line numbers are kept, so wast2json's command lines still point into the original script.
 */

interface Atom {
  kind: 'atom';
  text: string;
  line: number;
}
interface List {
  kind: 'list';
  items: Node[];
  line: number;
  endLine: number;
}
type Node = Atom | List;

export class WastSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'WastSyntaxError';
  }
}

function parse(text: string): Node[] {
  const root: List = { kind: 'list', items: [], line: 1, endLine: 1 };
  const stack: List[] = [root];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === ';' && text[i + 1] === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '\n') line++;
        if (text[i] === '(' && text[i + 1] === ';') {
          depth++;
          i += 2;
        } else if (text[i] === ';' && text[i + 1] === ')') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) throw new WastSyntaxError('unterminated block comment', line);
    } else if (c === '(') {
      const l: List = { kind: 'list', items: [], line, endLine: line };
      stack[stack.length - 1].items.push(l);
      stack.push(l);
      i++;
    } else if (c === ')') {
      if (stack.length === 1) throw new WastSyntaxError('unbalanced )', line);
      stack.pop()!.endLine = line;
      i++;
    } else if (c === '"') {
      const start = i;
      const startLine = line;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\n') line++;
        i += text[i] === '\\' ? 2 : 1;
      }
      if (i >= n) throw new WastSyntaxError('unterminated string', startLine);
      i++;
      stack[stack.length - 1].items.push({ kind: 'atom', text: text.slice(start, i), line: startLine });
    } else {
      const start = i;
      while (i < n && !/[\s()";]/.test(text[i])) i++;
      if (i === start) i++;
      stack[stack.length - 1].items.push({ kind: 'atom', text: text.slice(start, i), line });
    }
  }
  if (stack.length !== 1) throw new WastSyntaxError('unbalanced (', line);
  return root.items;
}

const TABLE_OPS = new Set(['table.get', 'table.set', 'table.size', 'table.grow', 'table.fill']);
const BLOCK_TYPE_HEADS = new Set(['type', 'param', 'result']);

function head(n: Node): string | undefined {
  return n.kind === 'list' && n.items[0]?.kind === 'atom' ? n.items[0].text : undefined;
}

function isIndex(n: Node | undefined): boolean {
  return n !== undefined && n.kind === 'atom' && /^(\$|[0-9])/.test(n.text);
}

/** Inserts `xs` into `a` before index `k` (no spread: `xs` may be long). */
function insertAt<T>(a: T[], k: number, xs: readonly T[]): void {
  const n = a.length;
  a.length = n + xs.length;
  for (let i = n - 1; i >= k; i--) a[i + xs.length] = a[i];
  for (let i = 0; i < xs.length; i++) a[k + i] = xs[i];
}

/**
 * Rewrites a sequence in place, inner lists before the list holding them; returns the number of
 * rewrites. Iterative (an explicit stack): the script's nesting depth is the input's to choose.
 */
function rewrite(top: Node[]): number {
  let count = 0;
  const stack: { items: Node[]; k: number; descended: boolean }[] = [{ items: top, k: 0, descended: false }];
  while (stack.length > 0) {
    const fr = stack[stack.length - 1];
    const items = fr.items;
    if (fr.k >= items.length) {
      stack.pop();
      continue;
    }
    const it = items[fr.k];
    if (it.kind === 'atom') {
      if (TABLE_OPS.has(it.text) && !isIndex(items[fr.k + 1])) {
        items.splice(fr.k + 1, 0, { kind: 'atom', text: '0', line: it.line });
        count++;
      }
      fr.k++;
      continue;
    }
    if (!fr.descended) {
      fr.descended = true;
      stack.push({ items: it.items, k: 0, descended: false });
      continue;
    }
    fr.descended = false;
    if (head(it) === 'if') {
      let p = 1;
      if (isIndex(it.items[p]) && (it.items[p] as Atom).text.startsWith('$')) p++;
      while (p < it.items.length && BLOCK_TYPE_HEADS.has(head(it.items[p]) ?? '')) p++;
      let q = p;
      while (q < it.items.length && head(it.items[q]) !== 'then') q++;
      if (q - p >= 2 && q < it.items.length) {
        const conds = it.items.splice(p, q - p);
        insertAt(items, fr.k, conds);
        fr.k += conds.length;
        count++;
      }
    }
    fr.k++;
  }
  return count;
}

function print(nodes: Node[]): string {
  const out: string[] = [];
  let line = 1;
  const emit = (s: string, l: number): void => {
    while (line < l) {
      out.push('\n');
      line++;
    }
    out.push(s, ' ');
  };
  // Iterative, like `rewrite`: each open list waits on the stack for its next item.
  const stack: { list: List; next: number }[] = [{ list: { kind: 'list', items: nodes, line: 1, endLine: 1 }, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.list.items.length) {
      stack.pop();
      if (stack.length > 0) emit(')', Math.max(top.list.endLine, line));
      continue;
    }
    const n = top.list.items[top.next++];
    if (n.kind === 'atom') {
      emit(n.text, n.line);
      // Strings may span lines: keep the count right.
      for (const ch of n.text) if (ch === '\n') line++;
      continue;
    }
    emit('(', n.line);
    stack.push({ list: n, next: 0 });
  }
  out.push('\n');
  return out.join('');
}

/** The bytes of a wast string literal (with its quotes), as UTF-8 text. */
function decodeString(lit: string): string {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 1; i < lit.length - 1; i++) {
    const c = lit[i];
    if (c !== '\\') {
      out.push(...enc.encode(c));
      continue;
    }
    const d = lit[++i];
    if (d === 'n') out.push(10);
    else if (d === 't') out.push(9);
    else if (d === 'r') out.push(13);
    else if (d === '\\' || d === "'" || d === '"') out.push(d.charCodeAt(0));
    else if (d === 'u') {
      const end = lit.indexOf('}', i);
      out.push(...enc.encode(String.fromCodePoint(parseInt(lit.slice(i + 2, end), 16))));
      i = end;
    } else {
      out.push(parseInt(lit.slice(i, i + 2), 16));
      i++;
    }
  }
  return new TextDecoder().decode(Uint8Array.from(out));
}

function inlineQuote(n: List): boolean {
  let k = 1;
  if (n.items[k]?.kind === 'atom' && (n.items[k] as Atom).text.startsWith('$')) k++;
  const q = n.items[k];
  if (!q || q.kind !== 'atom' || q.text !== 'quote') return false;
  const parts = n.items.slice(k + 1);
  if (parts.some((p) => p.kind !== 'atom' || !p.text.startsWith('"'))) return false;
  const text = parts
    .map((p) => decodeString((p as Atom).text))
    .join(' ')
    .replace(/\r\n?/g, '\n');
  n.items.splice(k, n.items.length - k, { kind: 'atom', text, line: q.line });
  return true;
}

/** The script rewritten for wabt, and how many rewrites were made. */
export function normalizeWast(text: string): { text: string; rewrites: number } {
  const nodes = parse(text);
  let rewrites = 0;
  for (const n of nodes) {
    if (n.kind !== 'list') continue;
    rewrites += rewrite(n.items);
    if (head(n) === 'module' && inlineQuote(n)) rewrites++;
  }
  return { text: print(nodes), rewrites };
}
