// x86-64 ISA flags as target lines write them (`x86_64 has_avx has_bmi2`, `x86_64 haswell`).

import { SettingsTemplate, type Flags } from '@windlass/codegen';
import type { IsaFeatures } from './lower/state';

const FLAGS = [
  'has_sse3', 'has_ssse3', 'has_sse41', 'has_sse42', 'has_popcnt', 'has_avx', 'has_avx2', 'has_fma', 'has_bmi1',
  'has_bmi2', 'has_lzcnt', 'has_avx512bitalg', 'has_avx512dq', 'has_avx512vl', 'has_avx512vbmi', 'has_avx512f',
  'has_avx512vnni', 'has_avx_vnni', 'has_cmpxchg16b',
];

export const x64Settings = new SettingsTemplate('x86_64', FLAGS.map((name) => ({
  kind: 'bool' as const, name, default: false, doc: `CPU supports ${name.slice(4).toUpperCase()}.`,
})), [
  { name: 'baseline', doc: 'SSE2 only.', enables: [] },
  { name: 'sse3', doc: 'SSE3.', enables: ['has_sse3'] },
  { name: 'ssse3', doc: 'SSSE3.', enables: ['sse3', 'has_ssse3'] },
  { name: 'sse41', doc: 'SSE4.1.', enables: ['ssse3', 'has_sse41'] },
  { name: 'sse42', doc: 'SSE4.2 and POPCNT.', enables: ['sse41', 'has_sse42', 'has_popcnt'] },
  { name: 'nehalem', doc: 'Nehalem.', enables: ['sse42', 'has_cmpxchg16b'] },
  { name: 'haswell', doc: 'Haswell.', enables: ['nehalem', 'has_avx', 'has_avx2', 'has_fma', 'has_bmi1', 'has_bmi2', 'has_lzcnt'] },
  { name: 'broadwell', doc: 'Broadwell.', enables: ['haswell'] },
  { name: 'skylake', doc: 'Skylake.', enables: ['broadwell'] },
  { name: 'cannonlake', doc: 'Cannon Lake.', enables: ['skylake', 'has_avx512f', 'has_avx512vl', 'has_avx512dq', 'has_avx512vbmi'] },
  { name: 'icelake-client', doc: 'Ice Lake (client).', enables: ['cannonlake', 'has_avx512bitalg', 'has_avx512vnni'] },
  { name: 'icelake-server', doc: 'Ice Lake (server).', enables: ['icelake-client'] },
  { name: 'icelake', doc: 'Ice Lake.', enables: ['icelake-client'] },
  { name: 'znver1', doc: 'AMD Zen.', enables: ['haswell'] },
  { name: 'x86-64-v2', doc: 'x86-64-v2.', enables: ['sse42', 'has_cmpxchg16b'] },
  { name: 'x86-64-v3', doc: 'x86-64-v3.', enables: ['haswell'] },
]);

export function featuresOf(f: Flags): IsaFeatures {
  return {
    ssse3: f.bool('has_ssse3'),
    sse42: f.bool('has_sse42'),
    sse41: f.bool('has_sse41'),
    avx: f.bool('has_avx'),
    bmi1: f.bool('has_bmi1'),
    bmi2: f.bool('has_bmi2'),
    lzcnt: f.bool('has_lzcnt'),
    popcnt: f.bool('has_popcnt'),
    fma: f.bool('has_fma'),
    cmpxchg16b: f.bool('has_cmpxchg16b'),
  };
}
