import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WasmError } from '../errors';
import { parseWat } from '../text/index';
import type { AComponent, ADef } from './ast';
import { decodeComponent, isComponentBinary } from './decode';
import { ComponentBuilder, encodeComponent, type EDef } from './encode';
import { parseComponent } from './parse';

const wat = (s: string): Uint8Array => parseWat(s);

/** A component exporting `add: func(a: u32, b: u32) -> u32` lifted from a core module. */
function adder(): ComponentBuilder {
  const c = new ComponentBuilder();
  const m = c.coreModule(wat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'));
  const i = c.coreInstantiate(m);
  const f = c.aliasCoreExport(i, 'core func', 'add');
  const t = c.type({ k: 'func', params: [{ name: 'a', t: { prim: 'u32' } }, { name: 'b', t: { prim: 'u32' } }], result: { prim: 'u32' } });
  c.export('add', 'func', c.canonLift(f, t));
  return c;
}

function rejection(bytes: Uint8Array): WasmError {
  try {
    parseComponent(bytes);
  } catch (e) {
    if (e instanceof WasmError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('components', () => {
  it('decodes, validates and flattens a component', () => {
    const bytes = adder().finish();
    expect(isComponentBinary(bytes)).toBe(true);
    const { flat, type } = parseComponent(bytes);
    expect(flat.instances).toEqual([{ module: { k: 'static', index: 0 }, component: 0, args: [] }]);
    expect(flat.exports.map((e) => e.name)).toEqual(['add']);
    const add = flat.exports[0].item;
    expect(add.k === 'func' && add.f.k === 'lift' && add.f.t.params.map((p) => p.name)).toEqual(['a', 'b']);
    expect([...type.exports.keys()]).toEqual(['add']);
  });

  it('inlines nested instantiations, one component instance each', () => {
    const outer = new ComponentBuilder();
    const inner = outer.component(adder());
    outer.instantiate(inner);
    outer.instantiate(inner);
    const { flat } = parseComponent(outer.finish());
    expect(flat.components).toEqual([{ parent: -1 }, { parent: 0 }, { parent: 0 }]);
    // One module, instantiated twice.
    expect(flat.modules.length).toBe(1);
    expect(flat.instances.map((i) => i.component)).toEqual([1, 2]);
  });

  it('rejects a lift whose core function does not have the flattened type, at its offset', () => {
    const c = new ComponentBuilder();
    const m = c.coreModule(wat('(module (func (export "f") (param i64)))'));
    const f = c.aliasCoreExport(c.coreInstantiate(m), 'core func', 'f');
    const t = c.type({ k: 'func', params: [{ name: 'a', t: { prim: 'u32' } }] });
    c.canonLift(f, t);
    const e = rejection(c.finish());
    expect(e.kind).toBe('invalid');
    expect(e.message).toMatch(/invalid component: type mismatch in lifted function .*needs \(func \(param i32\)/);
    expect(e.message).toMatch(/component canon section/);
  });

  it('requires memory and realloc where values travel through memory', () => {
    const c = new ComponentBuilder();
    const m = c.coreModule(wat('(module (func (export "f") (param i32 i32)))'));
    const f = c.aliasCoreExport(c.coreInstantiate(m), 'core func', 'f');
    c.canonLift(f, c.type({ k: 'func', params: [{ name: 's', t: { prim: 'string' } }] }));
    expect(rejection(c.finish()).rule).toBe('canonical option `memory` is required');
  });

  it('checks instantiation arguments against the imports, resources included', () => {
    const outer = new ComponentBuilder();
    const innerB = new ComponentBuilder();
    innerB.import('f', { k: 'func', idx: innerB.type({ k: 'func', params: [], result: { prim: 'u32' } }) });
    const inner = outer.component(innerB);
    const m = outer.coreModule(wat('(module (func (export "g") (result i64) i64.const 1))'));
    const g = outer.aliasCoreExport(outer.coreInstantiate(m), 'core func', 'g');
    const lifted = outer.canonLift(g, outer.type({ k: 'func', params: [], result: { prim: 'u64' } }));
    outer.instantiate(inner, [{ name: 'f', sort: 'func', idx: lifted }]);
    const e = rejection(outer.finish());
    expect(e.rule).toBe('type mismatch in component instantiation argument');
  });

  it('reports type nesting too deep, unsupported root imports, and malformed bytes', () => {
    const deep = new ComponentBuilder();
    let t = deep.type({ k: 'prim', p: 'string' });
    for (let i = 0; i < 101; i++) t = deep.type({ k: 'list', t: { idx: t, at: 0 } });
    expect(rejection(deep.finish()).rule).toBe('type nesting is too deep');

    const imp = new ComponentBuilder();
    imp.import('x', { k: 'component', idx: imp.type({ k: 'component', decls: [] }) });
    const e = rejection(imp.finish());
    expect([e.kind, e.rule]).toEqual(['unsupported', 'root-level component imports are not supported']);

    const bytes = adder().finish();
    expect(rejection(bytes.subarray(0, bytes.length - 3)).kind).toBe('malformed');
  });

  it('keeps resource built-ins to resources the component defines', () => {
    const c = new ComponentBuilder();
    const r = c.import('r', { k: 'type' });
    c.canonResource('resource.drop', r); // any resource may be dropped
    c.canonResource('resource.rep', r);
    expect(rejection(c.finish()).rule).toBe('`resource.rep` requires a resource defined by this component');
  });
});

/** The decoder's definitions in the encoder's shape. */
function toEDefs(c: AComponent): EDef[] {
  return c.defs.map((d: ADef): EDef => {
    switch (d.k) {
      case 'core module':
        return { k: 'core module', bytes: d.module.bytes };
      case 'component':
        return { k: 'component', defs: toEDefs(d.component) };
      default: {
        const { at: _at, ...rest } = d;
        return rest as EDef;
      }
    }
  });
}

const CORPUS = join(__dirname, '../../../../../shared/corpus/component-model/json');

describe.skipIf(!existsSync(CORPUS))('the component-model corpus', () => {
  it('encodes every decodable component back to bytes that decode the same', () => {
    let n = 0;
    for (const dir of readdirSync(CORPUS)) {
      for (const f of readdirSync(join(CORPUS, dir)).filter((x) => x.endsWith('.wasm'))) {
        const bytes = new Uint8Array(readFileSync(join(CORPUS, dir, f)));
        if (!isComponentBinary(bytes)) continue;
        let ast: AComponent;
        try {
          ast = decodeComponent(bytes);
        } catch {
          continue;
        }
        const again = decodeComponent(encodeComponent(toEDefs(ast)));
        expect(JSON.parse(JSON.stringify(toEDefs(again), strip))).toEqual(JSON.parse(JSON.stringify(toEDefs(ast), strip)));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});

function strip(key: string, v: unknown): unknown {
  if (key === 'at') return undefined;
  if (v instanceof Uint8Array) return Array.from(v).join(',');
  return v;
}
