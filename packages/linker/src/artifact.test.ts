// compileModule -> serialize -> deserialize, and every refusal a loader relies on. Running the
// artifacts is @windlass/runtime's business; here the bytes are read back, by deserialize and by
// binutils.
import '@windlass/isa-x64';
import { phaseTimes, resetPhaseTimes } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { describe, expect, it } from 'vitest';
import { ComponentBuilder, parseWat } from '@windlass/wasm-frontend';
import { CodeKind, DEFAULT_BOUNDS_CHECKS, EF_WINDLASS_MODULE, compileComponent, compileModule, deserialize, lookupOffset, serialize, seal, ArtifactError, type Artifact } from './index';
import { hasTool, onFile, wat } from './test-support/wat';

const haveWabt = hasTool('wat2wasm');

const MODULE = `(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "mem") 1 2)
  (global $g (export "g") (mut i32) (i32.const 7))
  (table 2 funcref)
  (elem (i32.const 0) $add $fac)
  (data (i32.const 16) "hello")
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "logit") (param i32) (call $log (local.get 0)))
)`;

function expectError(f: () => unknown, kind: ArtifactError['kind'], text: RegExp): ArtifactError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ArtifactError);
    const a = e as ArtifactError;
    expect(a.kind).toBe(kind);
    expect(a.message).toMatch(text);
    return a;
  }
  throw new Error('no error');
}

describe.runIf(haveWabt)('artifacts', () => {
  const bytes = haveWabt ? wat(MODULE) : new Uint8Array();
  const artifact = haveWabt ? compileModule(bytes, { target: 'x86_64' }) : (undefined as unknown as Artifact);

  it('holds every function and one trampoline per signature in one .text', () => {
    const a = artifact;
    expect(a.kind).toBe('module');
    const fns = a.code.filter((c) => c.kind === CodeKind.Function).map((c) => c.index);
    expect(fns).toEqual([1, 2, 3, 4, 5]);
    // Signatures: (i32), (i32 i32)->i32, (i64)->i64, (i32)->i32; entries for all, an exit for the import's.
    expect(a.signatures.map((s) => [s.params.length, s.results.length])).toEqual([[1, 0], [2, 1], [1, 1], [1, 1]]);
    expect(a.signatures.every((s) => s.entry >= 0)).toBe(true);
    expect(a.signatures.filter((s) => s.exit >= 0)).toHaveLength(1);
    // The recursive call of fac is resolved in .text; memory.grow is left for the loader.
    expect(a.relocations.map((r) => r.symbol)).toEqual(['wasm_memory_grow']);
    expect(a.rodata).toEqual(new TextEncoder().encode('hello'));
    expect(a.traps.offsets.length).toBeGreaterThan(0);
  });

  it('maps machine code back to wasm bytecode offsets', () => {
    const a = artifact;
    const load = a.code.find((c) => c.kind === CodeKind.Function && c.index === 3)!;
    const trap = a.traps.offsets.find((t) => t >= load.offset && t < load.offset + load.size)!;
    const entry = a.addressMap.values[lookupOffset(a.addressMap, trap)];
    // The i32.load of function 3 in the module bytes: 0x28 followed by its memarg (2, 0).
    let at = -1;
    for (let i = 0; i < bytes.length - 2; i++) if (bytes[i] === 0x20 && bytes[i + 2] === 0x28) at = i + 2;
    expect(entry).toBe(at);
  });

  it('round-trips through serialize / deserialize', () => {
    const b = serialize(artifact);
    expect(deserialize(b, { isa: 'x86_64' })).toEqual(artifact);
    expect(deserialize(b, { isa: 'x86_64', settings: [], wasm: { boundsChecks: DEFAULT_BOUNDS_CHECKS } })).toEqual(artifact);
    expect(new DataView(b.buffer).getUint32(48, true)).toBe(EF_WINDLASS_MODULE);
  });

  it.runIf(hasTool('readelf') && hasTool('objdump'))('is read by readelf and objdump without warnings', () => {
    const b = serialize(artifact);
    const r = onFile('readelf', ['-a', '-W'], b);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Flags:\s+0x1000000/);
    expect(r.stdout).toContain('.windlass.module');
    expect(r.stdout).toMatch(/R_X86_64_PLT32\s+0+\s+wasm_memory_grow - 4/);
    const d = onFile('objdump', ['-d'], b);
    expect(d.stderr).toBe('');
    expect(d.stdout).toContain('<f2>:');
    expect(d.stdout).toContain('<entry_trampoline_sig1>:');
    expect(d.stdout).toContain('<exit_trampoline_sig0>:');
  });

  it('does not verify the translated IR unless the settings ask for it', () => {
    resetPhaseTimes();
    compileModule(bytes, { target: 'x86_64' });
    expect(phaseTimes.verify).toBe(0);
    const verified = compileModule(bytes, { target: 'x86_64', settings: ['enable_verifier=true'] });
    expect(phaseTimes.verify).toBeGreaterThan(0);
    // The verifier does not change the code (the compatibility record lists the setting, and
    // `deserialize` does not compare it).
    expect(verified.text).toEqual(artifact.text);
    expect(deserialize(serialize(verified), { isa: 'x86_64', settings: [] }).text).toEqual(artifact.text);
  });

  it('refuses an artifact for another target, naming both', () => {
    // x86-64 code relabelled: the check must not depend on the bytes being aarch64 code.
    const other = serialize({
      ...artifact,
      compat: { ...artifact.compat, isa: 'aarch64', triple: 'aarch64-unknown-unknown-unknown' },
      relocations: artifact.relocations.map((r) => ({ ...r, kind: 'Arm64Call' as const })),
    });
    expectError(() => deserialize(other, { isa: 'x86_64' }), 'target', /the artifact is for aarch64 \(aarch64-unknown-unknown-unknown\), expected x86_64/);
  });

  it('refuses an artifact made with other settings, naming the setting and both values', () => {
    const fast = serialize(compileModule(bytes, { target: 'x86_64', settings: ['opt_level=speed'] }));
    expectError(() => deserialize(fast, { isa: 'x86_64', settings: [] }), 'settings', /setting opt_level: artifact has speed, expected none/);
    expect(deserialize(fast, { isa: 'x86_64', settings: ['opt_level=speed'] }).compat.settings).toContainEqual(['opt_level', 'speed']);
    const guard = serialize(compileModule(bytes, { target: 'x86_64', boundsChecks: 'guard' }));
    expectError(() => deserialize(guard, { isa: 'x86_64', wasm: { boundsChecks: 'explicit' } }), 'settings', /bounds_checks: artifact has guard, expected explicit/);
    expectError(() => deserialize(serialize(artifact), { isa: 'x86_64', isaFlags: ['has_avx'] }), 'target', /ISA flag has_avx: artifact has false, expected true/);
  });

  it('refuses a relocatable object written from CLIF', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    m.defineFunction(m.declareFunction('add', 'export'), { bytes: new Uint8Array([0x89, 0xf8, 0x01, 0xf0, 0xc3]) });
    expectError(() => deserialize(m.finish(), { isa: 'x86_64' }), 'not-artifact', /not a Windlass artifact/);
  });

  it('refuses a component where a module is expected, and the other way round', () => {
    const c = new ComponentBuilder();
    c.coreModule(parseWat('(module)'));
    const comp = serialize(compileComponent(c.finish(), { target: 'x86_64' }));
    expectError(() => deserialize(comp, { isa: 'x86_64' }), 'kind', /holds a component, expected a module/);
    expectError(() => deserialize(serialize(artifact), { isa: 'x86_64', kind: 'component' }), 'kind', /holds a module, expected a component/);
  });

  it('refuses damaged bytes: the hash, then every structure behind it', () => {
    const b = serialize(artifact);
    expectError(() => deserialize(b.subarray(0, 40), { isa: 'x86_64' }), 'not-artifact', /too short/);
    expectError(() => deserialize(b.subarray(0, b.length - 100), { isa: 'x86_64' }), 'malformed', /section headers/);
    const flipped = b.slice();
    flipped[0x50] ^= 1;
    expectError(() => deserialize(flipped, { isa: 'x86_64' }), 'corrupt', /integrity hash/);
    // Re-sealed after the edit, the structural checks answer: a code range past .text.
    const funcs = new DataView(b.buffer.slice(0));
    const resealed = new Uint8Array(funcs.buffer);
    const at = findSection(resealed, '.windlass.funcs');
    funcs.setUint32(at + 4 + 4, 0x7fffffff, true); // size of code range 0
    expect(seal(resealed)).toBe(true);
    const e = expectError(() => deserialize(resealed, { isa: 'x86_64' }), 'malformed', /code range 0 .* leaves \.text/);
    expect(e.section).toBe('.windlass.funcs');
    expect(e.offset).toBe(at + 4);
  });
});

/** File offset of a section's contents (test helper over the little-endian x86-64 ELF). */
function findSection(b: Uint8Array, name: string): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shnum = dv.getUint16(60, true);
  const strOff = Number(dv.getBigUint64(shoff + 64 * dv.getUint16(62, true) + 24, true));
  for (let i = 0; i < shnum; i++) {
    const h = shoff + 64 * i;
    let s = '';
    for (let k = strOff + dv.getUint32(h, true); b[k] !== 0; k++) s += String.fromCharCode(b[k]);
    if (s === name) return Number(dv.getBigUint64(h + 24, true));
  }
  throw new Error(`no section ${name}`);
}
