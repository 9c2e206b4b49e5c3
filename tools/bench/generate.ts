// The generated functions the compile benchmarks use: straight-line blocks of integer and
// memory operations chained by brif, about `n` IR instructions in all.

/** A function of about `n` instructions: blocks of 20 integer/memory ops chained by brif. */
export function generate(n: number): string {
  const lines = ['function %gen(i64, i64) -> i64 {', 'block0(v0: i64, v1: i64):', '    jump block1(v1)'];
  let v = 2;
  const blocks = Math.max(1, Math.floor(n / 20));
  for (let b = 1; b <= blocks; b++) {
    const p = v++;
    lines.push(`block${b}(v${p}: i64):`);
    const a = v++; lines.push(`    v${a} = iadd v${p}, v0`);
    const c = v++; lines.push(`    v${c} = imul_imm v${a}, 7`);
    const d = v++; lines.push(`    v${d} = load.i64 v0+${(b % 64) * 8}`);
    const e = v++; lines.push(`    v${e} = bxor v${c}, v${d}`);
    const f = v++; lines.push(`    v${f} = ishl_imm v${e}, 3`);
    const g = v++; lines.push(`    v${g} = isub v${f}, v${p}`);
    const h = v++; lines.push(`    v${h} = band_imm v${g}, 0xffff`);
    const i = v++; lines.push(`    v${i} = iadd v${h}, v${a}`);
    const j = v++; lines.push(`    v${j} = ireduce.i32 v${i}`);
    const k = v++; lines.push(`    v${k} = iadd_imm v${j}, 1`);
    const l = v++; lines.push(`    v${l} = uextend.i64 v${k}`);
    lines.push(`    store v${l}, v0+${(b % 32) * 8}`);
    const m = v++; lines.push(`    v${m} = ushr_imm v${l}, 1`);
    const o = v++; lines.push(`    v${o} = bor v${m}, v${c}`);
    const q = v++; lines.push(`    v${q} = iadd v${o}, v${e}`);
    const r = v++; lines.push(`    v${r} = imul v${q}, v${g}`);
    const s = v++; lines.push(`    v${s} = select v${h}, v${r}, v${q}`);
    const t = v++; lines.push(`    v${t} = icmp_imm ult v${s}, 1000`);
    if (b < blocks) lines.push(`    brif v${t}, block${b + 1}(v${s}), block${b + 1}(v${r})`);
    else lines.push(`    return v${s}`);
  }
  lines.push('}');
  return lines.join('\n');
}
