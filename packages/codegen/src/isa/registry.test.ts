import { afterEach, describe, expect, it } from 'vitest';
import { defaultFlags, SettingsError, SettingsTemplate } from '../settings';
import { X86_64_CIE } from '../unwind';
import { parseIsaSpec } from './spec';
import { buildIsa, defaultCallConv, IsaError, lookupIsa, parseTargetLine, parseTriple, registerIsa, unregisterIsa } from './registry';
import type { CompiledCode, IrFunction, IsaDescriptor, TargetIsa } from './types';

// A stand-in backend: the real ones live in the isa-* packages and register themselves.
const toySettings = new SettingsTemplate('toy64', [
  { kind: 'bool', name: 'has_avx', default: false, doc: 'AVX.' },
  { kind: 'bool', name: 'has_bmi2', default: false, doc: 'BMI2.' },
], [{ name: 'haswell', doc: 'Haswell.', enables: ['has_avx', 'has_bmi2'] }]);

const toy: IsaDescriptor = {
  name: 'toy64',
  aliases: ['toy64gc'],
  pointerBytes: 8,
  endianness: 'little',
  settings: toySettings,
  create(triple, flags, isaFlags): TargetIsa {
    return {
      name: 'toy64', triple, pointerBytes: 8, endianness: 'little', flags, isaFlags, cie: X86_64_CIE,
      compileFunction(): CompiledCode {
        return {
          bytes: new Uint8Array([0xc3]), relocations: [], traps: [], callSites: [], srclocs: [],
          frameSize: 0, unwind: undefined, alignment: 1, listing: '0: ret',
        };
      },
    };
  },
};

const stubFunction: IrFunction = { name: '%f' };

describe('ISA registry', () => {
  afterEach(() => unregisterIsa('toy64'));

  it('maps a target line to the ISA and its flags', () => {
    registerIsa(toy);
    const t = parseTargetLine('target toy64 has_avx has_bmi2=false');
    expect(t.isa).toBe(toy);
    expect(t.flags.bool('has_avx')).toBe(true);
    expect(t.flags.bool('has_bmi2')).toBe(false);
    expect(parseTargetLine('toy64 haswell').flags.bool('has_bmi2')).toBe(true);
  });

  it('accepts triples and aliases', () => {
    registerIsa(toy);
    const { isa, triple } = parseTriple('toy64-unknown-linux-gnu');
    expect(isa.name).toBe('toy64');
    expect(triple).toEqual({ architecture: 'toy64', vendor: 'unknown', os: 'linux', environment: 'gnu', binaryFormat: 'elf' });
    expect(lookupIsa('toy64gc')).toBe(toy);
    const built = buildIsa('toy64-pc-windows-msvc has_avx', defaultFlags());
    expect(built.triple.binaryFormat).toBe('coff');
    expect(built.isaFlags.bool('has_avx')).toBe(true);
    expect(built.compileFunction(stubFunction).bytes).toEqual(new Uint8Array([0xc3]));
    expect(defaultCallConv(built.triple)).toBe('windows_fastcall');
    expect(defaultCallConv(parseTriple('toy64-unknown-linux-gnu').triple)).toBe('system_v');
  });

  it('reports unknown ISAs, unsupported ones and unknown flags as typed errors', () => {
    registerIsa(toy);
    expect(() => lookupIsa('sparc64')).toThrow(IsaError);
    expect(() => lookupIsa('pulley64')).toThrow(expect.objectContaining({ kind: 'unsupported-isa' }));
    expect(() => parseTargetLine('toy64 has_avx9', { line: 2 })).toThrow(SettingsError);
    expect(() => parseTargetLine('toy64 has_avx9')).toThrow(/did you mean 'has_avx'/);
    expect(() => parseTriple('toy64-')).toThrow(/malformed target triple/);
    expect(() => lookupIsa('sparc64', { file: 'x.clif', line: 4 })).toThrow(/^x\.clif:4: unknown ISA 'sparc64'/);
    expect(() => parseTargetLine('target')).toThrow(IsaError);
  });

  it('names the package to import when a known ISA has no backend yet', () => {
    if (lookupIsaSafe('s390x')) return; // a real backend is registered in this process
    expect(() => lookupIsa('s390x')).toThrow(/import '@windlass\/isa-s390x'/);
  });

  it('refuses a second, different backend for the same ISA', () => {
    registerIsa(toy);
    registerIsa(toy); // idempotent
    expect(() => registerIsa({ ...toy })).toThrow(IsaError);
  });
});

function lookupIsaSafe(name: string): boolean {
  try {
    lookupIsa(name);
    return true;
  } catch {
    return false;
  }
}

describe('parseIsaSpec', () => {
  afterEach(() => unregisterIsa('toy64'));

  it('applies set lines to the targets that follow them', () => {
    registerIsa(toy);
    const spec = parseIsaSpec([
      'test run',
      'set opt_level=speed',
      'target toy64',
      'set enable_llvm_abi_extensions ; a comment',
      'target toy64 has_avx',
      'target pulley64',
      'function %f() {',
    ], { skipUnsupported: true });
    expect(spec.targets.map((t) => t.line)).toEqual([3, 5]);
    expect(spec.targets[0].flags.enumValue('opt_level')).toBe('speed');
    expect(spec.targets[0].flags.bool('enable_llvm_abi_extensions')).toBe(false);
    expect(spec.targets[1].flags.bool('enable_llvm_abi_extensions')).toBe(true);
    expect(spec.targets[1].build().isaFlags.bool('has_avx')).toBe(true);
    expect(spec.unsupported.map((e) => e.text)).toEqual(['pulley64']);
    expect(() => parseIsaSpec(['target pulley64'])).toThrow(IsaError);
    expect(() => parseIsaSpec(['set opt_level=fast'], { file: 'a.clif' })).toThrow(/^a\.clif:1: /);
  });
});
