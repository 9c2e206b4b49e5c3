// riscv64 ISA flags as target lines write them (`riscv64 has_v has_c has_zcb`, `riscv64 has_zbb`).
//
// The baseline is RV64GC minus C: M, A, F, D, Zicsr and Zifencei are on by default (Cranelift's
// `riscv64`); `has_c` is a preset for Zca + Zcd; `zvl<N>b` presets raise the minimum vector
// length. Extensions the toolchain this project checks against (binutils 2.40, qemu 7.2) does
// not know -- Zicond, Zfa, Zca's Zcb additions, Zvfh, Zvbb -- are accepted on target lines but
// not used: code is generated without them (`unusedExtensions` names them).

import { type Flags, SettingsTemplate, type SharedFacts, UnsupportedError } from '@windlass/codegen';

const DEFAULT_ON = ['has_m', 'has_a', 'has_f', 'has_d', 'has_zicsr', 'has_zifencei'];
const DEFAULT_OFF = [
  'has_v', 'has_zca', 'has_zcd', 'has_zcb', 'has_zbkb', 'has_zba', 'has_zbb', 'has_zbc', 'has_zbs', 'has_zicond',
  'has_zfa', 'has_zfh', 'has_zfhmin', 'has_zvfh', 'has_zvbb',
];
const ZVL = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];

/** Extensions accepted on target lines but never used (see the file comment). */
export const UNCHECKED_EXTENSIONS: readonly string[] = ['zicond', 'zfa', 'zcb', 'zvfh', 'zvbb'];

export const riscv64Settings = new SettingsTemplate('riscv64', [
  ...DEFAULT_ON.map((name) => ({ kind: 'bool' as const, name, default: true, doc: `Has the ${name.slice(4).toUpperCase()} extension.` })),
  ...DEFAULT_OFF.map((name) => ({ kind: 'bool' as const, name, default: false, doc: `Has the ${name.slice(4).toUpperCase()} extension.` })),
  ...ZVL.map((n) => ({ kind: 'bool' as const, name: `has_zvl${n}b`, default: false, doc: `Vector registers have at least ${n} bits.` })),
], [
  { name: 'has_c', doc: 'Compressed instructions (Zca and Zcd).', enables: ['has_zca', 'has_zcd'] },
  ...ZVL.map((n, k) => ({
    name: `zvl${n}b`, doc: `Vector registers have at least ${n} bits.`, enables: [`has_zvl${n}b`, ...(k > 0 ? [`zvl${ZVL[k - 1]}b`] : [])],
  })),
]);

/** What the riscv64 rules and emitter consult: the target line's extensions and the shared settings they read. */
export interface RvFeatures {
  readonly v: boolean;
  /** Compressed instructions (Zca); `zcd` adds the double-precision loads and stores. */
  readonly c: boolean;
  readonly zcd: boolean;
  readonly zba: boolean;
  readonly zbb: boolean;
  readonly zbc: boolean;
  readonly zbs: boolean;
  readonly zbkb: boolean;
  /** Half-precision arithmetic (Zfh) and its moves and conversions (Zfhmin, implied by Zfh). */
  readonly zfh: boolean;
  readonly zfhmin: boolean;
  /** Minimum vector register length in bits (128 with V unless a zvl flag says more). */
  readonly vlen: number;
  /** Extensions the target line asks for that code is generated without. */
  readonly unused: readonly string[];
  /** Shared settings. */
  readonly pinnedReg: boolean;
  readonly tlsModel: string;
  readonly isPic: boolean;
  readonly probestack: boolean;
  readonly probestackInline: boolean;
  readonly probestackSizeLog2: number;
  readonly preserveFramePointers: boolean;
  readonly unwindInfo: boolean;
  readonly colocatedLibcalls: boolean;
  /** `stack_switch_model`: `none`, `basic`, `update_windows_tib`. */
  readonly stackSwitchModel: string;
}

/** The features of a target line's riscv64 flags (with the shared settings the backend reads). */
export function featuresOf(f: Flags, facts: SharedFacts): RvFeatures {
  for (const base of ['has_m', 'has_a', 'has_f', 'has_d']) {
    if (!f.bool(base)) throw new UnsupportedError(`riscv64 without the ${base.slice(4).toUpperCase()} extension (the backend needs RV64G)`);
  }
  let vlen = 0;
  for (const n of ZVL) if (f.bool(`has_zvl${n}b`)) vlen = Math.max(vlen, n);
  const v = f.bool('has_v');
  if (v) vlen = Math.max(vlen, 128);
  return Object.freeze({
    v,
    c: f.bool('has_zca'),
    zcd: f.bool('has_zca') && f.bool('has_zcd'),
    zba: f.bool('has_zba'),
    zbb: f.bool('has_zbb'),
    zbc: f.bool('has_zbc'),
    zbs: f.bool('has_zbs'),
    zbkb: f.bool('has_zbkb'),
    zfh: f.bool('has_zfh'),
    zfhmin: f.bool('has_zfh') || f.bool('has_zfhmin'),
    vlen,
    unused: UNCHECKED_EXTENSIONS.filter((e) => f.bool(`has_${e}`)),
    pinnedReg: facts.pinnedReg,
    tlsModel: facts.tlsModel,
    isPic: facts.isPic,
    probestack: facts.probestack,
    probestackInline: facts.probestackStrategy === 'inline',
    probestackSizeLog2: facts.probestackSizeLog2,
    preserveFramePointers: facts.preserveFramePointers,
    unwindInfo: facts.unwindInfo,
    colocatedLibcalls: facts.colocatedLibcalls,
    stackSwitchModel: facts.stackSwitchModel,
  });
}
