/**
 * Binary decoding of components (the component model's binary format, `Binary.md`): the
 * preamble, then every section into `ADef`s in order. Embedded core modules are decoded and
 * validated by the core path (`parseModule`), their errors moved to offsets of the whole
 * binary. Only malformed input is rejected here (`WasmMalformedError`), and the features
 * Windlass does not implement (async, values, gc types, ...) as `WasmUnsupportedError`;
 * everything else is the validator's.
 */
import { COMPONENT_SECTION, WasmError, WasmInvalidError, WasmMalformedError, WasmUnsupportedError, type WasmLocation } from '../errors';
import { parseModule } from '../parse';
import { ByteReader } from '../reader';
import { isValType, type FuncType, type GlobalType, type Limits, type ValType, type WasmFeatures } from '../types';
import {
  PRIM_CODES,
  type AAlias,
  type ACanon,
  type ACanonOpts,
  type AComponent,
  type ACoreExtern,
  type ACoreInstanceExpr,
  type ACoreModuleDecl,
  type ACoreType,
  type ADecl,
  type ADef,
  type ADefType,
  type AExtern,
  type AInstanceExpr,
  type AValType,
  type Sort,
} from './ast';

/** Nesting of components and of component / instance types inside each other. */
export const MAX_COMPONENT_NESTING = 100;

const CORE_SORTS: Record<number, Sort> = {
  0x00: 'core func', 0x01: 'core table', 0x02: 'core memory', 0x03: 'core global',
  0x10: 'core type', 0x11: 'core module', 0x12: 'core instance',
};
const SORTS: Record<number, Sort> = { 0x01: 'func', 0x02: 'value', 0x03: 'type', 0x04: 'component', 0x05: 'instance' };

/** Whether `bytes` start with the component preamble (as opposed to a core module's). */
export function isComponentBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d && bytes[6] === 1 && bytes[7] === 0;
}

class ComponentDecoder {
  readonly r: ByteReader;
  private depth = 0;

  constructor(
    bytes: Uint8Array,
    private readonly features: WasmFeatures,
  ) {
    this.r = new ByteReader(bytes);
  }

  private unsupported(what: string, at = this.r.pos): never {
    throw new WasmUnsupportedError(what, this.loc(at));
  }

  private malformed(rule: string, detail?: string, at = this.r.pos): never {
    this.r.fail(rule, detail, at);
  }

  loc(at: number): WasmLocation {
    return { offset: at, section: this.r.section, func: -1 };
  }

  component(): AComponent {
    const r = this.r;
    const start = r.pos;
    const end = r.end;
    if (++this.depth > MAX_COMPONENT_NESTING) this.unsupported(`components nested more than ${MAX_COMPONENT_NESTING} deep`);
    r.section = COMPONENT_SECTION - 1;
    const b = r.bytes;
    if (end - start < 4 || b[start] !== 0 || b[start + 1] !== 0x61 || b[start + 2] !== 0x73 || b[start + 3] !== 0x6d) this.malformed('magic header not detected', undefined, start);
    if (end - start < 8) this.malformed('unexpected end', 'missing version', start + 4);
    if (b[start + 6] !== 1 || b[start + 7] !== 0) this.malformed('not a component', 'the layer field says core module', start + 6);
    if (b[start + 4] !== 0x0d || b[start + 5] !== 0) this.malformed('unknown binary version', `component version 0x${(b[start + 4] | (b[start + 5] << 8)).toString(16)}, expected 0xd`, start + 4);
    r.pos = start + 8;
    const defs: ADef[] = [];
    while (r.pos < end) {
      r.section = COMPONENT_SECTION - 1;
      r.end = end;
      const idPos = r.pos;
      const id = r.u8();
      if (id > 12) this.malformed('malformed section id', `id ${id}`, idPos);
      r.section = COMPONENT_SECTION + id;
      const size = r.u32();
      if (size > end - r.pos) this.malformed('section size mismatch', `size ${size} exceeds the component`, idPos);
      const sEnd = r.pos + size;
      r.end = sEnd;
      this.section(id, sEnd, defs);
      r.end = sEnd;
      r.section = COMPONENT_SECTION + id;
      if (r.pos !== sEnd) this.malformed('section size mismatch', `${sEnd - r.pos} bytes left`, r.pos);
    }
    r.end = end;
    this.depth--;
    return { start, end, defs };
  }

  private section(id: number, end: number, defs: ADef[]): void {
    const r = this.r;
    switch (id) {
      case 0:
        r.name();
        r.pos = end;
        return;
      case 1: {
        const at = r.pos;
        defs.push({ k: 'core module', module: this.coreModule(at, end), at });
        return;
      }
      case 4: {
        const at = r.pos;
        defs.push({ k: 'component', component: this.component(), at });
        return;
      }
      case 9:
        this.unsupported('component start functions (component model values, not implemented)', r.pos);
        return;
      case 12:
        this.unsupported('component values (not implemented)', r.pos);
        return;
    }
    const n = r.count(1);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      switch (id) {
        case 2:
          defs.push({ k: 'core instance', expr: this.coreInstance(), at });
          break;
        case 3:
          defs.push({ k: 'core type', t: this.coreType(), at });
          break;
        case 5:
          defs.push({ k: 'instance', expr: this.instance(), at });
          break;
        case 6:
          defs.push({ k: 'alias', alias: this.alias(), at });
          break;
        case 7:
          defs.push({ k: 'type', t: this.defType(), at });
          break;
        case 8:
          defs.push({ k: 'canon', canon: this.canon(), at });
          break;
        case 10: {
          const name = this.externName();
          defs.push({ k: 'import', name, ext: this.externType(), at });
          break;
        }
        case 11: {
          const name = this.externName();
          const s = this.sortIdx();
          const hasType = r.u8();
          if (hasType > 1) this.malformed('malformed export type flag', `0x${hasType.toString(16)}`, r.pos - 1);
          defs.push({ k: 'export', name, sort: s.sort, idx: s.idx, ext: hasType ? this.externType() : undefined, at });
          break;
        }
      }
    }
  }

  /** An embedded core module: decoded and validated, errors at offsets of the whole binary. */
  private coreModule(at: number, end: number): ReturnType<typeof parseModule> {
    const bytes = this.r.bytes.subarray(at, end);
    try {
      const m = parseModule(bytes, this.features);
      this.r.pos = end;
      return m;
    } catch (e) {
      if (!(e instanceof WasmError)) throw e;
      const loc = { ...e.location, offset: e.location.offset + at };
      const Cls = e.kind === 'malformed' ? WasmMalformedError : e.kind === 'invalid' ? WasmInvalidError : WasmUnsupportedError;
      throw new Cls(e.rule, loc, e.detail);
    }
  }

  private sort(): Sort {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === 0x00) {
      const c = r.u8();
      if (c === 0x04) this.unsupported('core tags (the exception-handling proposal)', at);
      const s = CORE_SORTS[c];
      if (!s) this.malformed('malformed sort', `core sort 0x${c.toString(16)}`, at);
      return s;
    }
    const s = SORTS[b];
    if (!s) this.malformed('malformed sort', `sort 0x${b.toString(16)}`, at);
    if (s === 'value') this.unsupported('component values (not implemented)', at);
    return s;
  }

  private coreSort(): Sort {
    const r = this.r;
    const at = r.pos;
    const c = r.u8();
    if (c === 0x04) this.unsupported('core tags (the exception-handling proposal)', at);
    const s = CORE_SORTS[c];
    if (!s) this.malformed('malformed sort', `core sort 0x${c.toString(16)}`, at);
    return s;
  }

  private sortIdx(): { sort: Sort; idx: number } {
    const sort = this.sort();
    return { sort, idx: this.r.u32() };
  }

  private coreInstance(): ACoreInstanceExpr {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    if (tag === 0x00) {
      const module = r.u32();
      const n = r.count(3);
      const args: { name: string; instance: number }[] = [];
      for (let i = 0; i < n; i++) {
        const name = r.name();
        const sAt = r.pos;
        const s = r.u8();
        if (s !== 0x12) this.malformed('malformed instantiation argument', `core sort 0x${s.toString(16)} (only instances)`, sAt);
        args.push({ name, instance: r.u32() });
      }
      return { k: 'instantiate', module, args };
    }
    if (tag === 0x01) {
      const n = r.count(3);
      const exports: { name: string; sort: Sort; idx: number }[] = [];
      for (let i = 0; i < n; i++) {
        const name = r.name();
        const sort = this.coreSort();
        exports.push({ name, sort, idx: r.u32() });
      }
      return { k: 'exports', exports };
    }
    return this.malformed('malformed core instance', `tag 0x${tag.toString(16)}`, at);
  }

  private instance(): AInstanceExpr {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    if (tag === 0x00) {
      const component = r.u32();
      const n = r.count(3);
      const args: { name: string; sort: Sort; idx: number }[] = [];
      for (let i = 0; i < n; i++) {
        const name = r.name();
        const s = this.sortIdx();
        args.push({ name, sort: s.sort, idx: s.idx });
      }
      return { k: 'instantiate', component, args };
    }
    if (tag === 0x01) {
      const n = r.count(3);
      const exports: { name: string; sort: Sort; idx: number }[] = [];
      for (let i = 0; i < n; i++) {
        const name = this.externName();
        const s = this.sortIdx();
        exports.push({ name, sort: s.sort, idx: s.idx });
      }
      return { k: 'exports', exports };
    }
    return this.malformed('malformed instance', `tag 0x${tag.toString(16)}`, at);
  }

  private alias(): AAlias {
    const r = this.r;
    const sort = this.sort();
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const instance = r.u32();
        return { k: 'export', sort, instance, name: r.name() };
      }
      case 0x01: {
        const instance = r.u32();
        return { k: 'core export', sort, instance, name: r.name() };
      }
      case 0x02: {
        const count = r.u32();
        return { k: 'outer', sort, count, idx: r.u32() };
      }
    }
    return this.malformed('malformed alias', `target 0x${tag.toString(16)}`, at);
  }

  /** `nameattributes`: the name; attributes are decoded, and refused where they need a feature. */
  private externName(): string {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    if (tag > 2) this.malformed('malformed import or export name', `tag 0x${tag.toString(16)}`, at);
    const name = r.name();
    if (tag === 2) {
      const n = r.count(1);
      for (let i = 0; i < n; i++) {
        const aAt = r.pos;
        const kind = r.u8();
        if (kind > 2) this.malformed('malformed name attribute', `kind 0x${kind.toString(16)}`, aAt);
        r.name();
        if (kind === 0 || kind === 2) this.unsupported('the `cm-implements` feature is not active', aAt);
      }
    }
    return name;
  }

  private externType(): AExtern {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const s = r.u8();
        if (s !== 0x11) this.malformed('malformed extern type', `core sort 0x${s.toString(16)} (only core modules)`, at);
        return { k: 'module', idx: r.u32() };
      }
      case 0x01:
        return { k: 'func', idx: r.u32() };
      case 0x02:
        return this.unsupported('component values (not implemented)', at);
      case 0x03: {
        const bAt = r.pos;
        const b = r.u8();
        if (b === 0x00) return { k: 'type', eq: r.u32() };
        if (b === 0x01) return { k: 'type' };
        return this.malformed('malformed type bound', `0x${b.toString(16)}`, bAt);
      }
      case 0x04:
        return { k: 'component', idx: r.u32() };
      case 0x05:
        return { k: 'instance', idx: r.u32() };
    }
    return this.malformed('malformed extern type', `0x${tag.toString(16)}`, at);
  }

  private valType(): AValType {
    const r = this.r;
    const at = r.pos;
    const v = r.sN(33);
    if (v >= 0) return { idx: v, at };
    const code = v + 128;
    const prim = PRIM_CODES[code];
    if (prim) return { prim };
    if (code === 0x64) this.unsupported('error-context (the component-model error-context extension)', at);
    return this.malformed('malformed value type', `0x${code.toString(16)}`, at);
  }

  private optValType(): AValType | undefined {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === 0) return undefined;
    if (b !== 1) this.malformed('malformed optional value type', `0x${b.toString(16)}`, at);
    return this.valType();
  }

  private label(): string {
    return this.r.name();
  }

  private labels(): string[] {
    const n = this.r.count(1);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.label());
    return out;
  }

  defType(): ADefType {
    const r = this.r;
    const at = r.pos;
    const code = r.u8();
    const prim = PRIM_CODES[code];
    if (prim) return { k: 'prim', p: prim };
    switch (code) {
      case 0x72: {
        const n = r.count(2);
        const fields: { name: string; t: AValType }[] = [];
        for (let i = 0; i < n; i++) {
          const name = this.label();
          fields.push({ name, t: this.valType() });
        }
        return { k: 'record', fields };
      }
      case 0x71: {
        const n = r.count(3);
        const cases: { name: string; t?: AValType }[] = [];
        for (let i = 0; i < n; i++) {
          const name = this.label();
          const t = this.optValType();
          const zAt = r.pos;
          if (r.u8() !== 0) this.malformed('malformed variant case', 'refinement byte must be 0', zAt);
          cases.push(t ? { name, t } : { name });
        }
        return { k: 'variant', cases };
      }
      case 0x70:
        return { k: 'list', t: this.valType() };
      case 0x67:
        return this.unsupported('fixed-length lists (the component-model fixed-length-lists extension)', at);
      case 0x6f: {
        const n = r.count(1);
        const ts: AValType[] = [];
        for (let i = 0; i < n; i++) ts.push(this.valType());
        return { k: 'tuple', ts };
      }
      case 0x6e:
        return { k: 'flags', names: this.labels() };
      case 0x6d:
        return { k: 'enum', names: this.labels() };
      case 0x6b:
        return { k: 'option', t: this.valType() };
      case 0x6a: {
        const ok = this.optValType();
        const err = this.optValType();
        return { k: 'result', ...(ok ? { ok } : {}), ...(err ? { err } : {}) };
      }
      case 0x69:
        return { k: 'own', idx: r.u32() };
      case 0x68:
        return { k: 'borrow', idx: r.u32() };
      case 0x66:
      case 0x65:
        return this.unsupported('streams and futures (component-model async)', at);
      case 0x64:
        return this.unsupported('error-context (the component-model error-context extension)', at);
      case 0x63:
        return this.unsupported('maps (the component-model map extension)', at);
      case 0x3f: {
        const rep = this.coreValType();
        const f = r.u8();
        if (f > 1) this.malformed('malformed resource destructor', `0x${f.toString(16)}`, r.pos - 1);
        return f ? { k: 'resource', rep, dtor: r.u32() } : { k: 'resource', rep };
      }
      case 0x40: {
        const n = r.count(2);
        const params: { name: string; t: AValType }[] = [];
        for (let i = 0; i < n; i++) {
          const name = this.label();
          params.push({ name, t: this.valType() });
        }
        const rAt = r.pos;
        const rk = r.u8();
        if (rk === 0x00) return { k: 'func', params, result: this.valType() };
        if (rk === 0x01) {
          const z = r.u8();
          if (z !== 0) this.malformed('malformed function result list', 'named results are not part of the binary format', r.pos - 1);
          return { k: 'func', params };
        }
        return this.malformed('malformed function result list', `0x${rk.toString(16)}`, rAt);
      }
      case 0x43:
        return this.unsupported('async functions (component-model async)', at);
      case 0x41:
      case 0x42: {
        if (++this.depth > MAX_COMPONENT_NESTING) this.unsupported(`component and instance types nested more than ${MAX_COMPONENT_NESTING} deep`, at);
        const n = r.count(1);
        const decls: ADecl[] = [];
        for (let i = 0; i < n; i++) decls.push(this.decl(code === 0x41));
        this.depth--;
        return code === 0x41 ? { k: 'component', decls } : { k: 'instance', decls };
      }
    }
    return this.malformed('malformed type', `0x${code.toString(16)}`, at);
  }

  private decl(inComponent: boolean): ADecl {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00:
        return { k: 'core type', t: this.coreType(), at };
      case 0x01:
        return { k: 'type', t: this.defType(), at };
      case 0x02:
        return { k: 'alias', alias: this.alias(), at };
      case 0x03:
        if (!inComponent) break;
        {
          const name = this.externName();
          return { k: 'import', name, ext: this.externType(), at };
        }
      case 0x04: {
        const name = this.externName();
        return { k: 'export', name, ext: this.externType(), at };
      }
    }
    return this.malformed('malformed declarator', `0x${tag.toString(16)}`, at);
  }

  private coreValType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (!isValType(t)) this.malformed('malformed value type', `0x${t.toString(16)}`, r.pos - 1);
    return t as ValType;
  }

  private coreFuncType(): FuncType {
    const r = this.r;
    const np = r.count(1);
    const params: ValType[] = [];
    for (let j = 0; j < np; j++) params.push(this.coreValType());
    const nr = r.count(1);
    const results: ValType[] = [];
    for (let j = 0; j < nr; j++) results.push(this.coreValType());
    return { params, results };
  }

  coreType(): ACoreType {
    const r = this.r;
    const at = r.pos;
    const form = r.u8();
    if (form === 0x60) return { k: 'func', t: this.coreFuncType() };
    if (form === 0x50) {
      const n = r.count(1);
      const decls: ACoreModuleDecl[] = [];
      for (let i = 0; i < n; i++) decls.push(this.moduleDecl());
      return { k: 'module', decls };
    }
    if (form === 0x00 || form === 0x4e || form === 0x4f || form === 0x5e || form === 0x5f) this.unsupported('gc types (the gc proposal)', at);
    return this.malformed('malformed core type', `0x${form.toString(16)}`, at);
  }

  private limits(max: number): Limits {
    const r = this.r;
    const at = r.pos;
    const flag = r.u8();
    if (flag === 0x03) this.unsupported('shared memory (threads proposal)', at);
    if (flag === 0x04 || flag === 0x05) this.unsupported('64-bit memories (the memory64 proposal)', at);
    if (flag > 1) this.malformed('integer too large', `limits flag 0x${flag.toString(16)}`, at);
    const min = r.u32();
    const l: Limits = { min };
    if (flag === 1) l.max = r.u32();
    if (min > max || (l.max !== undefined && (l.max > max || l.max < min))) {
      throw new WasmInvalidError('invalid limits', this.loc(at), `min ${min}, max ${l.max ?? 'none'}`);
    }
    return l;
  }

  private coreExtern(): ACoreExtern {
    const r = this.r;
    const at = r.pos;
    const kind = r.u8();
    switch (kind) {
      case 0x00:
        return { k: 'func', idx: r.u32() };
      case 0x01: {
        const eAt = r.pos;
        const elem = r.u8();
        if (elem !== 0x70 && elem !== 0x6f) this.malformed('malformed reference type', `0x${elem.toString(16)}`, eAt);
        return { k: 'table', t: { elem: elem as ValType, limits: this.limits(0xffffffff) } };
      }
      case 0x02:
        return { k: 'memory', t: { limits: this.limits(65536) } };
      case 0x03: {
        const type = this.coreValType();
        const m = r.u8();
        if (m > 1) this.malformed('malformed mutability', undefined, r.pos - 1);
        const g: GlobalType = { type, mutable: m === 1 };
        return { k: 'global', t: g };
      }
      case 0x04:
        return this.unsupported('core tags (the exception-handling proposal)', at);
    }
    return this.malformed('malformed import kind', `0x${kind.toString(16)}`, at);
  }

  private moduleDecl(): ACoreModuleDecl {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const module = r.name();
        const name = r.name();
        return { k: 'import', module, name, ext: this.coreExtern(), at };
      }
      case 0x01: {
        const fAt = r.pos;
        const form = r.u8();
        if (form !== 0x60) {
          if (form === 0x50) this.malformed('malformed module type declarator', 'module types cannot declare module types', fAt);
          this.unsupported('gc types (the gc proposal)', fAt);
        }
        return { k: 'type', t: this.coreFuncType(), at };
      }
      case 0x02: {
        const s = r.u8();
        const o = r.u8();
        if (s !== 0x10 || o !== 0x01) this.malformed('malformed module type alias', 'only outer aliases of core types', at);
        const count = r.u32();
        return { k: 'alias', count, idx: r.u32(), at };
      }
      case 0x03: {
        const name = r.name();
        return { k: 'export', name, ext: this.coreExtern(), at };
      }
    }
    return this.malformed('malformed module type declarator', `0x${tag.toString(16)}`, at);
  }

  private canonOpts(): ACanonOpts {
    const r = this.r;
    const n = r.count(1);
    const o: ACanonOpts = {};
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const tag = r.u8();
      const group = tag <= 2 ? 0 : tag;
      if (seen.has(group)) throw new WasmInvalidError(tag <= 2 ? 'canonical encoding option specified more than once' : 'canonical option specified more than once', this.loc(at));
      seen.add(group);
      switch (tag) {
        case 0x00:
          o.encoding = 'utf8';
          break;
        case 0x01:
          o.encoding = 'utf16';
          break;
        case 0x02:
          o.encoding = 'latin1+utf16';
          break;
        case 0x03:
          o.memory = r.u32();
          break;
        case 0x04:
          o.realloc = r.u32();
          break;
        case 0x05:
          o.postReturn = r.u32();
          break;
        case 0x06:
        case 0x07:
          this.unsupported('async canonical options (component-model async)', at);
          break;
        default:
          this.malformed('malformed canonical option', `0x${tag.toString(16)}`, at);
      }
    }
    return o;
  }

  private canon(): ACanon {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const s = r.u8();
        if (s !== 0x00) this.malformed('malformed canon lift', `sort 0x${s.toString(16)}`, r.pos - 1);
        const coreFunc = r.u32();
        const opts = this.canonOpts();
        return { k: 'lift', coreFunc, opts, typeIdx: r.u32() };
      }
      case 0x01: {
        const s = r.u8();
        if (s !== 0x00) this.malformed('malformed canon lower', `sort 0x${s.toString(16)}`, r.pos - 1);
        const func = r.u32();
        return { k: 'lower', func, opts: this.canonOpts() };
      }
      case 0x02:
        return { k: 'resource.new', typeIdx: r.u32() };
      case 0x03:
        return { k: 'resource.drop', typeIdx: r.u32() };
      case 0x07:
        return this.unsupported('async resource.drop (component-model async)', at);
      case 0x04:
        return { k: 'resource.rep', typeIdx: r.u32() };
    }
    if (tag === 0x1c || tag === 0x1d || tag === 0x1e) this.unsupported('error-context built-ins (the component-model error-context extension)', at);
    if (tag === 0x26 || tag === 0x27 || (tag >= 0x28 && tag <= 0x2d) || (tag >= 0x40 && tag <= 0x42)) this.unsupported('thread built-ins (component-model threads)', at);
    if (tag >= 0x05 && tag <= 0x25) this.unsupported('async built-ins (component-model async)', at);
    return this.malformed('malformed canonical definition', `0x${tag.toString(16)}`, at);
  }
}

/**
 * Decodes a component binary into its definitions. Throws `WasmError`: malformed bytes, or
 * `unsupported` for features outside what Windlass implements (component-model async,
 * values and start functions, error-context, fixed-length lists, maps, gc and exception types).
 * Embedded core modules are decoded and validated with `features` (default: multi-memory on,
 * as the component toolchain assumes).
 */
export function decodeComponent(bytes: Uint8Array, features: WasmFeatures = { multiMemory: true }): AComponent {
  const d = new ComponentDecoder(bytes, features);
  const c = d.component();
  if (d.r.pos !== bytes.length) d.r.fail('section size mismatch', 'bytes after the component');
  return c;
}
