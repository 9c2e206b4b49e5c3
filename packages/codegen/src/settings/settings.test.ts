import { describe, expect, it } from 'vitest';
import { applySetLine, defaultFlags, settingsBuilder, sharedSettings } from './shared';
import { SettingsError, SettingsTemplate } from './template';

describe('shared settings', () => {
  it('start at their documented defaults', () => {
    const f = defaultFlags();
    expect(f.enumValue('opt_level')).toBe('none');
    expect(f.bool('enable_verifier')).toBe(true);
    expect(f.bool('unwind_info')).toBe(true);
    expect(f.bool('is_pic')).toBe(false);
    expect(f.num('probestack_size_log2')).toBe(12);
    expect(f.enumValue('probestack_strategy')).toBe('outline');
    expect(f.changed()).toEqual([]);
  });

  it('are built with set / enable / finish', () => {
    const b = settingsBuilder();
    b.set('opt_level', 'speed');
    b.enable('is_pic');
    b.set('probestack_size_log2', '16');
    b.set('unwind_info', false);
    const flags = b.finish();
    expect(flags.enumValue('opt_level')).toBe('speed');
    expect(flags.bool('is_pic')).toBe(true);
    expect(flags.num('probestack_size_log2')).toBe(16);
    expect(flags.changed()).toEqual(['opt_level=speed', 'is_pic=true', 'unwind_info=false', 'probestack_size_log2=16']);
    // The builder's later changes do not leak into finished flags.
    b.set('opt_level', 'none');
    expect(flags.enumValue('opt_level')).toBe('speed');
  });

  it('parse set lines as the corpus writes them', () => {
    const b = settingsBuilder();
    applySetLine(b, 'set enable_multi_ret_implicit_sret');
    applySetLine(b, 'set regalloc_checker=1');
    applySetLine(b, 'set opt_level=speed_and_size enable_llvm_abi_extensions=true');
    const f = b.finish();
    expect(f.bool('enable_multi_ret_implicit_sret')).toBe(true);
    expect(f.bool('regalloc_checker')).toBe(true);
    expect(f.bool('enable_llvm_abi_extensions')).toBe(true);
    expect(f.enumValue('opt_level')).toBe('speed_and_size');
  });

  it('report unknown names with a suggestion and the location', () => {
    const err = (() => {
      try {
        applySetLine(settingsBuilder(), 'set opt_levle=speed', { line: 3, column: 5 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SettingsError);
    const e = err as SettingsError;
    expect(e.kind).toBe('unknown-setting');
    expect(e.text).toBe('opt_levle=speed');
    expect(e.location.line).toBe(3);
    expect(e.message).toContain("did you mean 'opt_level'");
    expect(e.message.startsWith('3:5: ')).toBe(true);
  });

  it('report bad values with the allowed ones', () => {
    expect(() => settingsBuilder().set('opt_level', 'fastest')).toThrow(/expected one of none, speed, speed_and_size/);
    expect(() => settingsBuilder().set('enable_verifier', 'maybe')).toThrow(SettingsError);
    expect(() => settingsBuilder().set('probestack_size_log2', '-1')).toThrow(/integer from 0 to 31/);
    expect(() => settingsBuilder().set('probestack_size_log2', '40')).toThrow(SettingsError);
    expect(() => settingsBuilder().enable('opt_level')).toThrow(/needs a value/);
  });

  it('cover every setting the corpus uses', () => {
    for (const name of ['opt_level', 'enable_verifier', 'preserve_frame_pointers', 'unwind_info', 'enable_probestack',
      'probestack_strategy', 'probestack_size_log2', 'enable_llvm_abi_extensions', 'enable_multi_ret_implicit_sret',
      'enable_nan_canonicalization', 'enable_pinned_reg', 'enable_heap_access_spectre_mitigation',
      'enable_table_access_spectre_mitigation', 'machine_code_cfg_info', 'regalloc_checker', 'enable_alias_analysis',
      'stack_switch_model', 'libcall_call_conv', 'tls_model', 'enable_jump_tables', 'enable_float', 'is_pic',
      'enable_atomics', 'regalloc_algorithm', 'log2_min_function_alignment', 'bb_padding_log2_minus_one',
      'enable_compact_unwind_abi']) {
      expect(sharedSettings.has(name), name).toBe(true);
    }
  });
});

describe('SettingsTemplate', () => {
  const isa = new SettingsTemplate('toy', [
    { kind: 'bool', name: 'has_a', default: false, doc: 'A.' },
    { kind: 'bool', name: 'has_b', default: false, doc: 'B.' },
    { kind: 'bool', name: 'has_c', default: true, doc: 'C.' },
  ], [
    { name: 'level1', doc: 'A.', enables: ['has_a'] },
    { name: 'level2', doc: 'level1 and B.', enables: ['level1', 'has_b'] },
  ]);

  it('applies presets transitively', () => {
    const f = isa.builder().apply('level2').finish();
    expect([f.bool('has_a'), f.bool('has_b'), f.bool('has_c')]).toEqual([true, true, true]);
    expect(isa.builder().apply('level1=true').finish().bool('has_a')).toBe(true);
    expect(() => isa.builder().apply('level1=false')).toThrow(/can only be enabled/);
  });

  it('tryApply leaves foreign names to the caller', () => {
    const b = isa.builder();
    expect(b.tryApply('has_c=false')).toBe(true);
    expect(b.tryApply('opt_level=speed')).toBe(false);
    expect(b.finish().bool('has_c')).toBe(false);
  });

  it('rejects inconsistent definitions', () => {
    expect(() => new SettingsTemplate('bad', [{ kind: 'enum', name: 'e', default: 'x', values: ['y'], doc: '' }])).toThrow();
    expect(() => new SettingsTemplate('bad', [], [{ name: 'p', doc: '', enables: ['nothing'] }])).toThrow();
  });
});
