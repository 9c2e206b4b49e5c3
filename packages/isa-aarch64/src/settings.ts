// AArch64 ISA flags as target lines write them (`aarch64 has_lse`, `aarch64 sign_return_address
// has_pauth`), and presets for common cores.

import { type Flags, SettingsTemplate } from '@windlass/codegen';

export const aarch64Settings = new SettingsTemplate('aarch64', [
  { kind: 'bool', name: 'has_lse', default: false, doc: 'Large System Extensions (FEAT_LSE): atomics as single instructions.' },
  { kind: 'bool', name: 'has_pauth', default: false, doc: 'Pointer authentication (FEAT_PAuth): non-HINT instructions may be used; no effect on its own.' },
  { kind: 'bool', name: 'has_fp16', default: false, doc: 'Half-precision arithmetic (FEAT_FP16).' },
  { kind: 'bool', name: 'has_dotprod', default: false, doc: 'Dot products (FEAT_DotProd): sdot/udot.' },
  { kind: 'bool', name: 'has_i8mm', default: false, doc: 'Int8 matrix multiplication (FEAT_I8MM).' },
  { kind: 'bool', name: 'sign_return_address_all', default: false, doc: 'With sign_return_address: sign in every function, leaves included.' },
  { kind: 'bool', name: 'sign_return_address', default: false, doc: 'Sign return addresses (paciasp/autiasp, HINT space) in functions that set up a frame.' },
  { kind: 'bool', name: 'sign_return_address_with_bkey', default: false, doc: 'Sign with the B key (pacibsp/autibsp).' },
  { kind: 'bool', name: 'use_bti', default: false, doc: 'Branch Target Identification landing pads (FEAT_BTI): bti c at entries, bti j at jump-table targets.' },
  { kind: 'bool', name: 'use_csdb', default: false, doc: 'Speculation barriers (csdb) after spectre-guarded selects and table bounds.' },
], [
  { name: 'apple_m1', doc: 'Apple M1.', enables: ['has_lse', 'has_pauth', 'has_fp16', 'has_dotprod', 'sign_return_address_all'] },
  { name: 'apple_m2', doc: 'Apple M2.', enables: ['apple_m1', 'has_i8mm'] },
  { name: 'apple_m3', doc: 'Apple M3.', enables: ['apple_m2'] },
  { name: 'apple_m4', doc: 'Apple M4.', enables: ['apple_m3'] },
  { name: 'neoverse_n1', doc: 'Arm Neoverse N1.', enables: ['has_lse', 'has_fp16', 'has_dotprod'] },
]);

/** The target-line part of the rules' features. */
export interface TargetFeatures {
  readonly lse: boolean;
  readonly fp16: boolean;
  readonly pauth: boolean;
  readonly dotprod: boolean;
  readonly signReturn: 'none' | 'nonleaf' | 'all';
  readonly bkey: boolean;
  readonly bti: boolean;
  readonly csdb: boolean;
}

export function targetFeaturesOf(f: Flags): TargetFeatures {
  const sign = f.bool('sign_return_address');
  return {
    lse: f.bool('has_lse'),
    fp16: f.bool('has_fp16'),
    pauth: f.bool('has_pauth'),
    dotprod: f.bool('has_dotprod'),
    signReturn: !sign ? 'none' : f.bool('sign_return_address_all') ? 'all' : 'nonleaf',
    bkey: f.bool('sign_return_address_with_bkey'),
    bti: f.bool('use_bti'),
    csdb: f.bool('use_csdb'),
  };
}
