/**
 * Import and export names of components (Explainer.md, "Import and Export Definitions"): kebab
 * case labels, `[constructor]` / `[method]` / `[static]` annotations, interface names, and the
 * canonical form that strong uniqueness compares.
 */

const WORD = /^[a-z][0-9a-z]*$/;
const ACRONYM = /^[A-Z][0-9A-Z]*$/;
const LATER_WORD = /^[0-9a-z]+$/;
const LATER_ACRONYM = /^[0-9A-Z]+$/;

/** A kebab-case label: `a`, `a-b-c`, `A1-2-3`, `m1x3d-4CR0NYMS`. */
export function isLabel(s: string): boolean {
  if (s.length === 0) return false;
  const parts = s.split('-');
  if (!(WORD.test(parts[0]) || ACRONYM.test(parts[0]))) return false;
  for (let i = 1; i < parts.length; i++) if (!(LATER_WORD.test(parts[i]) || LATER_ACRONYM.test(parts[i]))) return false;
  return true;
}

function isWords(s: string): boolean {
  const parts = s.split('-');
  return WORD.test(parts[0]) && parts.slice(1).every((p) => LATER_WORD.test(p));
}

/** `ns:pkg/iface@version` (nested namespaces and projections allowed; the version is not checked beyond its characters). */
function isInterfaceName(s: string): boolean {
  const at = s.indexOf('@');
  const body = at < 0 ? s : s.slice(0, at);
  if (at >= 0 && !/^[0-9A-Za-z.+-]+$/.test(s.slice(at + 1))) return false;
  const slash = body.indexOf('/');
  if (slash < 0) return false;
  const head = body.slice(0, slash).split(':');
  if (head.length < 2 || !head.every(isWords)) return false;
  return body.slice(slash + 1).split('/').every(isLabel);
}

export type ParsedName =
  | { k: 'plain'; label: string }
  | { k: 'constructor'; resource: string }
  | { k: 'method' | 'static'; resource: string; name: string }
  | { k: 'interface' };

/** A component import or export name, or undefined when it is not one. */
export function parseExternName(s: string): ParsedName | undefined {
  if (s.startsWith('[constructor]')) {
    const r = s.slice(13);
    return isLabel(r) ? { k: 'constructor', resource: r } : undefined;
  }
  for (const k of ['method', 'static'] as const) {
    const prefix = `[${k}]`;
    if (s.startsWith(prefix)) {
      const rest = s.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot < 0) return undefined;
      const resource = rest.slice(0, dot);
      const name = rest.slice(dot + 1);
      return isLabel(resource) && isLabel(name) ? { k, resource, name } : undefined;
    }
  }
  if (isLabel(s)) return { k: 'plain', label: s };
  if (isInterfaceName(s)) return { k: 'interface' };
  return undefined;
}

/** The canonical form of a name for strong uniqueness. */
export function canonicalName(s: string): string {
  const lower = s.toLowerCase();
  const p = parseExternName(s);
  if (p && (p.k === 'method' || p.k === 'static')) {
    const r = p.resource.toLowerCase();
    const n = p.name.toLowerCase();
    return r === n ? r : `${r}.${n}`;
  }
  return lower;
}
