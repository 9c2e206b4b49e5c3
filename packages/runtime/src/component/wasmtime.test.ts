// Differential: the same components, called with the same arguments, on Windlass (compiled into
// artifacts, run by the loader) and on wasmtime (the PyPI package's `wasmtime.component`, through
// tools/wasmtime/component_invoke.py); results and traps must agree. Skipped where python3 or
// the wasmtime package is missing.
/// <reference types="node" />
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@windlass/isa-x64';
import { compileComponent, serialize } from '@windlass/linker';
import { ComponentBuilder, parseWat, type AValType, type FuncT, type StringEncoding, type ValT } from '@windlass/wasm-frontend';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Trap, type ComponentValue } from '../index';
import { canRun } from '../test-support/artifacts';
import { CASES, PADDING, echoes } from '../test-support/components';

const script = join(__dirname, '../../../../tools/wasmtime/component_invoke.py');
const haveWasmtime = spawnSync('python3', ['-c', 'import wasmtime.component'], { encoding: 'utf8' }).status === 0;

/** A value as the script's tagged JSON: u64 / s64 as decimal strings, non-finite floats as words. */
function toJson(v: ComponentValue): unknown {
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/** The script's tagged JSON back into a value of type `t`. */
function fromJson(x: unknown, t: ValT): ComponentValue {
  switch (t.k) {
    case 'u64':
    case 's64':
      return BigInt(x as string);
    case 'f32':
    case 'f64':
      return x === 'nan' ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : (x as number);
    case 'list':
      return (x as unknown[]).map((e) => fromJson(e, t.t));
    case 'tuple':
      return (x as unknown[]).map((e, i) => fromJson(e, t.ts[i]));
    case 'record':
      return Object.fromEntries(t.fields.map((f) => [f.name, fromJson((x as Record<string, unknown>)[f.name], f.t)]));
    case 'variant':
    case 'option':
    case 'result': {
      const { tag, value } = x as { tag: string; value?: unknown };
      const pt = t.k === 'variant' ? t.cases.find((c) => c.name === tag)?.t : t.k === 'option' ? (tag === 'some' ? t.t : undefined) : tag === 'ok' ? t.ok : t.err;
      return pt ? { tag, value: fromJson(value, pt) } : { tag };
    }
    default:
      return x as ComponentValue;
  }
}

interface Call {
  component: string;
  func: string;
  t: FuncT;
  args: ComponentValue[];
}

type Outcome = { ok: ComponentValue | undefined } | { trap: string };

/** Every call on wasmtime, in one python process. */
function onWasmtime(calls: Call[]): Outcome[] {
  const input = JSON.stringify({ calls: calls.map((c) => ({ component: c.component, func: c.func, args: c.args.map(toJson) })) });
  const r = spawnSync('python3', [script], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`component_invoke.py: exit ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line, i) => {
    const o = JSON.parse(line) as { ok?: unknown; trap?: string; error?: string };
    if (o.error !== undefined) throw new Error(`wasmtime: ${calls[i].func}: ${o.error}`);
    if (o.trap !== undefined) return { trap: o.trap };
    return { ok: calls[i].t.result ? fromJson(o.ok, calls[i].t.result) : undefined };
  });
}

const CORE = `(module
  (memory (export "mem") 1)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "bad-char") (param i32) (result i32) (local.get 0)))`;

/** Functions with semantics of their own, and results the canonical ABI must reject. */
function misc(): Uint8Array {
  const c = new ComponentBuilder();
  const i = c.coreInstantiate(c.coreModule(parseWat(CORE)));
  const s32: AValType = { prim: 's32' };
  const lift = (name: string, params: { name: string; t: AValType }[], result: AValType): void => {
    c.export(name, 'func', c.canonLift(c.aliasCoreExport(i, 'core func', name), c.type({ k: 'func', params, result })));
  };
  lift('div', [{ name: 'a', t: s32 }, { name: 'b', t: s32 }], s32);
  lift('bad-char', [{ name: 'x', t: { prim: 'u32' } }], { prim: 'char' });
  return c.finish();
}

/**
 * Whether `t` holds a record, variant, enum or flags type: wasmtime refuses a component whose
 * exported function uses one that the component does not export by name ("func not valid to be
 * used as export"), and the echo components leave them anonymous (Windlass accepts them).
 */
function hasNamedType(t: ValT): boolean {
  switch (t.k) {
    case 'record':
    case 'variant':
    case 'enum':
    case 'flags':
      return true;
    case 'list':
    case 'option':
      return hasNamedType(t.t);
    case 'tuple':
      return t.ts.some(hasNamedType);
    case 'result':
      return (t.ok !== undefined && hasNamedType(t.ok)) || (t.err !== undefined && hasNamedType(t.err));
    default:
      return false;
  }
}

/**
 * Wasmtime's words for a trap where the host lifts a value: an invalid char is "converted
 * integer out of range for `char`" there (Windlass says what its adapters say).
 */
const WASMTIME_WORDS: [RegExp, string][] = [[/^invalid `char` bit pattern/, 'converted integer out of range for `char`']];

function valueText(v: ComponentValue | undefined): string {
  return v === undefined ? 'nothing' : JSON.stringify(toJson(v));
}

function sameTrap(ours: string, theirs: string): boolean {
  return theirs.includes(ours) || WASMTIME_WORDS.some(([re, words]) => re.test(ours) && theirs.includes(words));
}

describe.runIf(canRun && haveWasmtime)('components on Windlass and on wasmtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-wasmtime-'));
  const rt = new Runtime();
  afterAll(() => {
    rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('return the same values and the same traps', () => {
    const calls: Call[] = [];
    const onWindlass: Outcome[] = [];
    const add = (name: string, bytes: Uint8Array, funcs: [string, ComponentValue[]][]): void => {
      const file = join(dir, `${name}.wasm`);
      writeFileSync(file, bytes);
      const inst = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(bytes, { target: 'x86_64' }))));
      for (const [func, args] of funcs) {
        calls.push({ component: file, func, t: inst.func(func).t, args });
        try {
          onWindlass.push({ ok: inst.invoke(func, args) });
        } catch (e) {
          if (!(e instanceof Trap)) throw e;
          onWindlass.push({ trap: e.trapMessage });
        }
      }
    };
    const encodings: [StringEncoding, StringEncoding][] = [['utf8', 'utf16'], ['latin1+utf16', 'utf8']];
    CASES.forEach(({ t, values }, k) => {
      if (hasNamedType(t)) return;
      for (const [encA, encB] of encodings) {
        const args = (v: ComponentValue): ComponentValue[] => [...PADDING.map((_, i) => i * 7), v];
        add(`echo-${k}-${encA}-${encB}`, echoes(t, encA, encB), values.flatMap((v) => [['a', args(v)], ['b', args(v)]] as [string, ComponentValue[]][]));
      }
    });
    add('misc', misc(), [
      ['div', [7, -2]],
      ['div', [-2147483648, -1]],
      ['div', [1, 0]],
      ['bad-char', [0x41]],
      ['bad-char', [0xd800]],
      ['bad-char', [0x110000]],
    ]);
    expect(calls.length).toBeGreaterThan(100);
    const theirs = onWasmtime(calls);
    const diffs: string[] = [];
    calls.forEach((c, i) => {
      const ours = onWindlass[i];
      const other = theirs[i];
      const same = 'trap' in ours || 'trap' in other ? 'trap' in ours && 'trap' in other && sameTrap(ours.trap, other.trap) : valueText(ours.ok) === valueText(other.ok);
      if (!same) diffs.push(`${c.component.split('/').pop()} ${c.func}(${JSON.stringify(toJson(c.args.at(-1)!))}): windlass ${JSON.stringify(ours, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}, wasmtime ${JSON.stringify(theirs[i], (_k, x) => (typeof x === 'bigint' ? String(x) : x))}`);
    });
    expect(diffs).toEqual([]);
  }, 300_000);
});

