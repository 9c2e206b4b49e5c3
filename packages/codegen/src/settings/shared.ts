import {
  type Flags, SettingsBuilder, type SettingDescriptor, SettingsTemplate, type SourceLocation,
} from './template';

const bool = (name: string, dflt: boolean, doc: string): SettingDescriptor => ({ kind: 'bool', name, default: dflt, doc });
const enm = (name: string, values: readonly string[], dflt: string, doc: string): SettingDescriptor =>
  ({ kind: 'enum', name, values, default: dflt, doc });
const num = (name: string, dflt: number, min: number, max: number, doc: string): SettingDescriptor =>
  ({ kind: 'num', name, default: dflt, min, max, doc });

/**
 * The ISA-independent flags, named and defaulted as the CLIF `set` lines of the Cranelift
 * corpus write them.
 */
export const sharedSettings = new SettingsTemplate('shared', [
  enm('regalloc_algorithm', ['backtracking', 'single_pass'], 'backtracking',
    'Register allocator: the optimizing allocator, or a fast single pass one.'),
  enm('opt_level', ['none', 'speed', 'speed_and_size'], 'none', 'Optimization level.'),
  bool('enable_alias_analysis', true, 'Run redundant-load elimination using alias analysis in the mid-end.'),
  bool('enable_verifier', true, 'Verify the IR before and between compilation passes.'),
  bool('enable_pcc', false, 'Check proof-carrying-code facts on memory accesses.'),
  bool('is_pic', false, 'Generate position-independent code.'),
  bool('use_colocated_libcalls', false, 'Libcalls are in the same module: call them directly, not through the PLT/GOT.'),
  bool('enable_float', true, 'Allow floating-point instructions.'),
  bool('enable_nan_canonicalization', false, 'Replace NaN results of float operations by the canonical NaN.'),
  bool('enable_pinned_reg', false, 'Reserve a register for `get_pinned_reg`/`set_pinned_reg`.'),
  bool('enable_atomics', true, 'Allow atomic instructions (otherwise they lower as plain accesses).'),
  bool('enable_safepoints', false, 'Record stack maps at safepoints.'),
  bool('enable_llvm_abi_extensions', false, 'Accept ABI forms LLVM uses beyond the platform ABI (i128 arguments on all conventions ...).'),
  bool('enable_multi_ret_implicit_sret', false, 'Return values that do not fit in return registers through a hidden struct-return pointer.'),
  bool('unwind_info', true, 'Generate unwind information for every function.'),
  bool('preserve_frame_pointers', false, 'Keep a frame pointer chain in every function, leaf or not.'),
  bool('machine_code_cfg_info', false, 'Record basic-block boundaries and edges of the final machine code.'),
  bool('enable_probestack', false, 'Probe the stack in functions whose frame exceeds the probe size.'),
  enm('probestack_strategy', ['outline', 'inline'], 'outline', 'Probe the stack with a call to a probestack function, or inline.'),
  num('probestack_size_log2', 12, 0, 31, 'log2 of the guard-page size that stack probes step by.'),
  bool('enable_jump_tables', true, 'Lower `br_table` to a jump table (otherwise to a chain of compares).'),
  bool('enable_heap_access_spectre_mitigation', true, 'Guard heap bounds checks against speculative out-of-bounds access.'),
  bool('enable_table_access_spectre_mitigation', true, 'Guard table bounds checks against speculative out-of-bounds access.'),
  bool('enable_incremental_compilation_cache_checks', false, 'Check that cached compilation results match a fresh compile.'),
  enm('tls_model', ['none', 'elf_gd', 'macho', 'coff'], 'none', 'How thread-local symbols are accessed.'),
  enm('stack_switch_model', ['none', 'basic', 'update_windows_tib'], 'none', 'How `stack_switch` switches stacks.'),
  enm('libcall_call_conv', ['isa_default', 'fast', 'cold', 'system_v', 'windows_fastcall', 'apple_aarch64', 'probestack'],
    'isa_default', 'Calling convention used for libcalls.'),
  bool('regalloc_checker', false, 'Check every register allocation with the symbolic checker.'),
  bool('regalloc_verbose_logs', false, 'Log the register allocator\'s decisions.'),
  num('bb_padding_log2_minus_one', 0, 0, 31, 'Testing aid: pad each block with 2^(n-1) bytes of no-ops (0: none).'),
  num('log2_min_function_alignment', 0, 0, 16, 'log2 of the minimum alignment of function starts.'),
  bool('enable_compact_unwind_abi', false, 'Follow the compact-unwind frame layout rules (macOS).'),
]);

/** A builder of the shared flags: `settingsBuilder().set('opt_level', 'speed').finish()`. */
export function settingsBuilder(): SettingsBuilder {
  return new SettingsBuilder(sharedSettings);
}

/** The shared flags with every setting at its default. */
export function defaultFlags(): Flags {
  return sharedSettings.defaults();
}

/**
 * Applies the items of one `set` line (`set opt_level=speed enable_verifier`) to a builder.
 * Accepts the line with or without its leading `set`.
 */
export function applySetLine(builder: SettingsBuilder, line: string, location?: SourceLocation): SettingsBuilder {
  const items = line.trim().split(/\s+/).filter((s) => s.length > 0);
  const start = items[0] === 'set' ? 1 : 0;
  for (let i = start; i < items.length; i++) builder.apply(items[i], location);
  return builder;
}
