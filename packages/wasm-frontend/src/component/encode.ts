/**
 * The component binary format, written: `encodeComponent` turns definitions (the decoder's AST
 * shape, without offsets) back into bytes, and `ComponentBuilder` appends definitions while
 * counting the index spaces, for code that makes components (tests, the wast harness's host
 * component). What it writes decodes to the same definitions.
 */
import { ByteWriter } from '../text/writer';
import { PRIM_CODES, type AAlias, type ACanon, type ACanonOpts, type ACoreExtern, type ACoreType, type ADefType, type AExtern, type AValType, type PrimName, type Sort } from './ast';

const PRIM_CODE = Object.fromEntries(Object.entries(PRIM_CODES).map(([c, n]) => [n, Number(c)])) as Record<PrimName, number>;
const CORE_SORT: Partial<Record<Sort, number>> = {
  'core func': 0x00, 'core table': 0x01, 'core memory': 0x02, 'core global': 0x03, 'core type': 0x10, 'core module': 0x11, 'core instance': 0x12,
};
const SORT: Partial<Record<Sort, number>> = { func: 0x01, value: 0x02, type: 0x03, component: 0x04, instance: 0x05 };
const utf8 = new (globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array } }).TextEncoder();

/** A definition to encode (the decoder's `ADef` without byte offsets; core modules as bytes). */
export type EDef =
  | { k: 'core module'; bytes: Uint8Array }
  | { k: 'core instance'; expr: { k: 'instantiate'; module: number; args: { name: string; instance: number }[] } | { k: 'exports'; exports: { name: string; sort: Sort; idx: number }[] } }
  | { k: 'core type'; t: ACoreType }
  | { k: 'component'; defs: EDef[] }
  | { k: 'instance'; expr: { k: 'instantiate'; component: number; args: { name: string; sort: Sort; idx: number }[] } | { k: 'exports'; exports: { name: string; sort: Sort; idx: number }[] } }
  | { k: 'alias'; alias: AAlias }
  | { k: 'type'; t: ADefType }
  | { k: 'canon'; canon: ACanon }
  | { k: 'import'; name: string; ext: AExtern }
  | { k: 'export'; name: string; sort: Sort; idx: number; ext?: AExtern };

const SECTION: Record<EDef['k'], number> = {
  'core module': 1, 'core instance': 2, 'core type': 3, component: 4, instance: 5, alias: 6, type: 7, canon: 8, import: 10, export: 11,
};

class Enc {
  w = new ByteWriter();

  name(s: string): void {
    this.w.vec(utf8.encode(s));
  }
  externName(s: string): void {
    this.w.u8(0x00);
    this.name(s);
  }
  sort(s: Sort): void {
    const c = CORE_SORT[s];
    if (c !== undefined) {
      this.w.u8(0x00);
      this.w.u8(c);
    } else this.w.u8(SORT[s]!);
  }
  valType(t: AValType): void {
    if ('prim' in t) this.w.u8(PRIM_CODE[t.prim]);
    else if (Number.isInteger(t.idx) && t.idx >= 0) this.w.sleb(t.idx);
    else throw new TypeError(`not a value type: ${JSON.stringify(t)}`);
  }
  optValType(t: AValType | undefined): void {
    if (t === undefined) this.w.u8(0);
    else {
      this.w.u8(1);
      this.valType(t);
    }
  }
  labels(ns: string[]): void {
    this.w.u32(ns.length);
    for (const n of ns) this.name(n);
  }
  externType(e: AExtern): void {
    const w = this.w;
    switch (e.k) {
      case 'module':
        w.u8(0x00);
        w.u8(0x11);
        w.u32(e.idx);
        return;
      case 'func':
        w.u8(0x01);
        w.u32(e.idx);
        return;
      case 'type':
        w.u8(0x03);
        if (e.eq === undefined) w.u8(0x01);
        else {
          w.u8(0x00);
          w.u32(e.eq);
        }
        return;
      case 'component':
        w.u8(0x04);
        w.u32(e.idx);
        return;
      case 'instance':
        w.u8(0x05);
        w.u32(e.idx);
    }
  }
  defType(t: ADefType): void {
    const w = this.w;
    switch (t.k) {
      case 'prim':
        w.u8(PRIM_CODE[t.p]);
        return;
      case 'record':
        w.u8(0x72);
        w.u32(t.fields.length);
        for (const f of t.fields) {
          this.name(f.name);
          this.valType(f.t);
        }
        return;
      case 'variant':
        w.u8(0x71);
        w.u32(t.cases.length);
        for (const c of t.cases) {
          this.name(c.name);
          this.optValType(c.t);
          w.u8(0);
        }
        return;
      case 'list':
        w.u8(0x70);
        this.valType(t.t);
        return;
      case 'tuple':
        w.u8(0x6f);
        w.u32(t.ts.length);
        for (const x of t.ts) this.valType(x);
        return;
      case 'flags':
        w.u8(0x6e);
        this.labels(t.names);
        return;
      case 'enum':
        w.u8(0x6d);
        this.labels(t.names);
        return;
      case 'option':
        w.u8(0x6b);
        this.valType(t.t);
        return;
      case 'result':
        w.u8(0x6a);
        this.optValType(t.ok);
        this.optValType(t.err);
        return;
      case 'own':
        w.u8(0x69);
        w.u32(t.idx);
        return;
      case 'borrow':
        w.u8(0x68);
        w.u32(t.idx);
        return;
      case 'resource':
        w.u8(0x3f);
        w.u8(t.rep);
        if (t.dtor === undefined) w.u8(0);
        else {
          w.u8(1);
          w.u32(t.dtor);
        }
        return;
      case 'func':
        w.u8(0x40);
        w.u32(t.params.length);
        for (const p of t.params) {
          this.name(p.name);
          this.valType(p.t);
        }
        if (t.result === undefined) {
          w.u8(0x01);
          w.u8(0x00);
        } else {
          w.u8(0x00);
          this.valType(t.result);
        }
        return;
      case 'component':
      case 'instance':
        w.u8(t.k === 'component' ? 0x41 : 0x42);
        w.u32(t.decls.length);
        for (const d of t.decls) {
          switch (d.k) {
            case 'core type':
              w.u8(0x00);
              this.coreType(d.t);
              break;
            case 'type':
              w.u8(0x01);
              this.defType(d.t);
              break;
            case 'alias':
              w.u8(0x02);
              this.alias(d.alias);
              break;
            case 'import':
              w.u8(0x03);
              this.externName(d.name);
              this.externType(d.ext);
              break;
            case 'export':
              w.u8(0x04);
              this.externName(d.name);
              this.externType(d.ext);
          }
        }
    }
  }
  coreExtern(e: ACoreExtern): void {
    const w = this.w;
    switch (e.k) {
      case 'func':
        w.u8(0);
        w.u32(e.idx);
        return;
      case 'table':
        w.u8(1);
        w.u8(e.t.elem);
        this.limits(e.t.limits);
        return;
      case 'memory':
        w.u8(2);
        this.limits(e.t.limits);
        return;
      case 'global':
        w.u8(3);
        w.u8(e.t.type);
        w.u8(e.t.mutable ? 1 : 0);
    }
  }
  limits(l: { min: number; max?: number }): void {
    this.w.u8(l.max === undefined ? 0 : 1);
    this.w.u32(l.min);
    if (l.max !== undefined) this.w.u32(l.max);
  }
  coreType(t: ACoreType): void {
    const w = this.w;
    if (t.k === 'func') {
      w.u8(0x60);
      w.u32(t.t.params.length);
      for (const p of t.t.params) w.u8(p);
      w.u32(t.t.results.length);
      for (const r of t.t.results) w.u8(r);
      return;
    }
    w.u8(0x50);
    w.u32(t.decls.length);
    for (const d of t.decls) {
      switch (d.k) {
        case 'import':
          w.u8(0x00);
          this.name(d.module);
          this.name(d.name);
          this.coreExtern(d.ext);
          break;
        case 'type':
          w.u8(0x01);
          this.coreType({ k: 'func', t: d.t });
          break;
        case 'alias':
          w.u8(0x02);
          w.u8(0x10);
          w.u8(0x01);
          w.u32(d.count);
          w.u32(d.idx);
          break;
        case 'export':
          w.u8(0x03);
          this.name(d.name);
          this.coreExtern(d.ext);
      }
    }
  }
  alias(a: AAlias): void {
    const w = this.w;
    this.sort(a.sort);
    if (a.k === 'outer') {
      w.u8(0x02);
      w.u32(a.count);
      w.u32(a.idx);
      return;
    }
    w.u8(a.k === 'export' ? 0x00 : 0x01);
    w.u32(a.instance);
    this.name(a.name);
  }
  opts(o: ACanonOpts): void {
    const w = this.w;
    const items: (() => void)[] = [];
    if (o.encoding) items.push(() => w.u8(o.encoding === 'utf8' ? 0 : o.encoding === 'utf16' ? 1 : 2));
    if (o.memory !== undefined) items.push(() => (w.u8(3), w.u32(o.memory!)));
    if (o.realloc !== undefined) items.push(() => (w.u8(4), w.u32(o.realloc!)));
    if (o.postReturn !== undefined) items.push(() => (w.u8(5), w.u32(o.postReturn!)));
    w.u32(items.length);
    for (const f of items) f();
  }
  canon(c: ACanon): void {
    const w = this.w;
    switch (c.k) {
      case 'lift':
        w.u8(0x00);
        w.u8(0x00);
        w.u32(c.coreFunc);
        this.opts(c.opts);
        w.u32(c.typeIdx);
        return;
      case 'lower':
        w.u8(0x01);
        w.u8(0x00);
        w.u32(c.func);
        this.opts(c.opts);
        return;
      default:
        w.u8(c.k === 'resource.new' ? 0x02 : c.k === 'resource.drop' ? 0x03 : 0x04);
        w.u32(c.typeIdx);
    }
  }
  item(d: EDef): void {
    const w = this.w;
    switch (d.k) {
      case 'core instance':
        if (d.expr.k === 'instantiate') {
          w.u8(0x00);
          w.u32(d.expr.module);
          w.u32(d.expr.args.length);
          for (const a of d.expr.args) {
            this.name(a.name);
            w.u8(0x12);
            w.u32(a.instance);
          }
        } else {
          w.u8(0x01);
          w.u32(d.expr.exports.length);
          for (const e of d.expr.exports) {
            this.name(e.name);
            w.u8(CORE_SORT[e.sort]!);
            w.u32(e.idx);
          }
        }
        return;
      case 'core type':
        this.coreType(d.t);
        return;
      case 'instance':
        if (d.expr.k === 'instantiate') {
          w.u8(0x00);
          w.u32(d.expr.component);
          w.u32(d.expr.args.length);
          for (const a of d.expr.args) {
            this.name(a.name);
            this.sort(a.sort);
            w.u32(a.idx);
          }
        } else {
          w.u8(0x01);
          w.u32(d.expr.exports.length);
          for (const e of d.expr.exports) {
            this.externName(e.name);
            this.sort(e.sort);
            w.u32(e.idx);
          }
        }
        return;
      case 'alias':
        this.alias(d.alias);
        return;
      case 'type':
        this.defType(d.t);
        return;
      case 'canon':
        this.canon(d.canon);
        return;
      case 'import':
        this.externName(d.name);
        this.externType(d.ext);
        return;
      case 'export':
        this.externName(d.name);
        this.sort(d.sort);
        w.u32(d.idx);
        if (d.ext) {
          w.u8(1);
          this.externType(d.ext);
        } else w.u8(0);
        return;
      default:
        throw new Error(`${d.k} is not a vector section item`);
    }
  }
}

function section(out: ByteWriter, id: number, body: ByteWriter): void {
  out.u8(id);
  out.u32(body.length);
  out.append(body);
}

/** The bytes of a component of definitions `defs` (runs of one kind share a section). */
export function encodeComponent(defs: readonly EDef[]): Uint8Array {
  const out = new ByteWriter();
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]) out.u8(b);
  let i = 0;
  while (i < defs.length) {
    const d = defs[i];
    if (d.k === 'core module' || d.k === 'component') {
      const body = new ByteWriter();
      body.bytes(d.k === 'core module' ? d.bytes : encodeComponent(d.defs));
      section(out, SECTION[d.k], body);
      i++;
      continue;
    }
    let j = i;
    while (j < defs.length && defs[j].k === d.k) j++;
    const e = new Enc();
    e.w.u32(j - i);
    for (let k = i; k < j; k++) e.item(defs[k]);
    section(out, SECTION[d.k], e.w);
    i = j;
  }
  return out.toBytes();
}

/**
 * Builds a component definition by definition; each method returns the index the definition
 * takes in its index space.
 *
 * ```ts
 * const c = new ComponentBuilder();
 * const m = c.coreModule(parseWat('(module (func (export "f") (result i32) i32.const 42))'));
 * const i = c.coreInstantiate(m, []);
 * const f = c.aliasCoreExport(i, 'core func', 'f');
 * const t = c.type({ k: 'func', params: [], result: { prim: 'u32' } });
 * c.export('f', 'func', c.canonLift(f, t));
 * const bytes = c.finish();
 * ```
 */
export class ComponentBuilder {
  readonly defs: EDef[] = [];
  private readonly counts = new Map<Sort, number>();

  private next(sort: Sort): number {
    const n = this.counts.get(sort) ?? 0;
    this.counts.set(sort, n + 1);
    return n;
  }

  /** How many items the index space of `sort` has. */
  count(sort: Sort): number {
    return this.counts.get(sort) ?? 0;
  }

  coreModule(bytes: Uint8Array): number {
    this.defs.push({ k: 'core module', bytes });
    return this.next('core module');
  }
  coreInstantiate(module: number, args: { name: string; instance: number }[] = []): number {
    this.defs.push({ k: 'core instance', expr: { k: 'instantiate', module, args } });
    return this.next('core instance');
  }
  coreInstanceOf(exports: { name: string; sort: Sort; idx: number }[]): number {
    this.defs.push({ k: 'core instance', expr: { k: 'exports', exports } });
    return this.next('core instance');
  }
  coreType(t: ACoreType): number {
    this.defs.push({ k: 'core type', t });
    return this.next('core type');
  }
  component(b: ComponentBuilder): number {
    this.defs.push({ k: 'component', defs: b.defs });
    return this.next('component');
  }
  instantiate(component: number, args: { name: string; sort: Sort; idx: number }[] = []): number {
    this.defs.push({ k: 'instance', expr: { k: 'instantiate', component, args } });
    return this.next('instance');
  }
  instanceOf(exports: { name: string; sort: Sort; idx: number }[]): number {
    this.defs.push({ k: 'instance', expr: { k: 'exports', exports } });
    return this.next('instance');
  }
  aliasCoreExport(instance: number, sort: Sort, name: string): number {
    this.defs.push({ k: 'alias', alias: { k: 'core export', sort, instance, name } });
    return this.next(sort);
  }
  aliasExport(instance: number, sort: Sort, name: string): number {
    this.defs.push({ k: 'alias', alias: { k: 'export', sort, instance, name } });
    return this.next(sort);
  }
  aliasOuter(sort: Sort, count: number, idx: number): number {
    this.defs.push({ k: 'alias', alias: { k: 'outer', sort, count, idx } });
    return this.next(sort);
  }
  type(t: ADefType): number {
    this.defs.push({ k: 'type', t });
    return this.next('type');
  }
  canonLift(coreFunc: number, typeIdx: number, opts: ACanonOpts = {}): number {
    this.defs.push({ k: 'canon', canon: { k: 'lift', coreFunc, opts, typeIdx } });
    return this.next('func');
  }
  canonLower(func: number, opts: ACanonOpts = {}): number {
    this.defs.push({ k: 'canon', canon: { k: 'lower', func, opts } });
    return this.next('core func');
  }
  canonResource(k: 'resource.new' | 'resource.drop' | 'resource.rep', typeIdx: number): number {
    this.defs.push({ k: 'canon', canon: { k, typeIdx } });
    return this.next('core func');
  }
  import(name: string, ext: AExtern): number {
    this.defs.push({ k: 'import', name, ext });
    const sort: Sort = ext.k === 'module' ? 'core module' : ext.k;
    return this.next(sort);
  }
  export(name: string, sort: Sort, idx: number, ext?: AExtern): number {
    this.defs.push(ext ? { k: 'export', name, sort, idx, ext } : { k: 'export', name, sort, idx });
    return this.next(sort);
  }
  finish(): Uint8Array {
    return encodeComponent(this.defs);
  }
}
