/**
 * Instruction names of the text format (WebAssembly 2.0 with SIMD), their opcodes in the
 * frontend's numbering (`0xFC n` = `OP_FC + n`, `0xFD n` = `OP_FD + n`), and the shape of their
 * text immediates. Memory alignments and lane counts come from the frontend's operator tables,
 * so the reader and the validator cannot disagree about them.
 */
import { LANES, NATURAL_ALIGN, OP_FC, OP_FD } from '../operators';

export const enum Imm {
  None = 0,
  Block,
  Loop,
  If,
  Else,
  End,
  Label,
  BrTable,
  Func,
  CallIndirect,
  Local,
  Global,
  /** table.get/set/size/grow/fill: an optional table index (default 0). */
  TableOpt,
  MemArg,
  /** memory.size / memory.grow / memory.fill: one reserved 0x00 byte. */
  MemZero,
  /** memory.copy: two reserved 0x00 bytes. */
  MemCopy,
  I32,
  I64,
  F32,
  F64,
  V128,
  Shuffle,
  Lane,
  MemArgLane,
  Select,
  RefNull,
  MemInit,
  Data,
  Elem,
  TableInit,
  TableCopy,
}

// One `opcode name` per entry; opcodes in hex, `fcNN` / `fdNN` for the prefixed ones.
const TABLE = `
00 unreachable|01 nop|02 block|03 loop|04 if|05 else|0b end|0c br|0d br_if|0e br_table|0f return
10 call|11 call_indirect|1a drop|1b select|20 local.get|21 local.set|22 local.tee|23 global.get
24 global.set|25 table.get|26 table.set
28 i32.load|29 i64.load|2a f32.load|2b f64.load|2c i32.load8_s|2d i32.load8_u|2e i32.load16_s
2f i32.load16_u|30 i64.load8_s|31 i64.load8_u|32 i64.load16_s|33 i64.load16_u|34 i64.load32_s
35 i64.load32_u|36 i32.store|37 i64.store|38 f32.store|39 f64.store|3a i32.store8|3b i32.store16
3c i64.store8|3d i64.store16|3e i64.store32|3f memory.size|40 memory.grow
41 i32.const|42 i64.const|43 f32.const|44 f64.const
45 i32.eqz|46 i32.eq|47 i32.ne|48 i32.lt_s|49 i32.lt_u|4a i32.gt_s|4b i32.gt_u|4c i32.le_s
4d i32.le_u|4e i32.ge_s|4f i32.ge_u|50 i64.eqz|51 i64.eq|52 i64.ne|53 i64.lt_s|54 i64.lt_u
55 i64.gt_s|56 i64.gt_u|57 i64.le_s|58 i64.le_u|59 i64.ge_s|5a i64.ge_u
5b f32.eq|5c f32.ne|5d f32.lt|5e f32.gt|5f f32.le|60 f32.ge
61 f64.eq|62 f64.ne|63 f64.lt|64 f64.gt|65 f64.le|66 f64.ge
67 i32.clz|68 i32.ctz|69 i32.popcnt|6a i32.add|6b i32.sub|6c i32.mul|6d i32.div_s|6e i32.div_u
6f i32.rem_s|70 i32.rem_u|71 i32.and|72 i32.or|73 i32.xor|74 i32.shl|75 i32.shr_s|76 i32.shr_u
77 i32.rotl|78 i32.rotr
79 i64.clz|7a i64.ctz|7b i64.popcnt|7c i64.add|7d i64.sub|7e i64.mul|7f i64.div_s|80 i64.div_u
81 i64.rem_s|82 i64.rem_u|83 i64.and|84 i64.or|85 i64.xor|86 i64.shl|87 i64.shr_s|88 i64.shr_u
89 i64.rotl|8a i64.rotr
8b f32.abs|8c f32.neg|8d f32.ceil|8e f32.floor|8f f32.trunc|90 f32.nearest|91 f32.sqrt|92 f32.add
93 f32.sub|94 f32.mul|95 f32.div|96 f32.min|97 f32.max|98 f32.copysign
99 f64.abs|9a f64.neg|9b f64.ceil|9c f64.floor|9d f64.trunc|9e f64.nearest|9f f64.sqrt|a0 f64.add
a1 f64.sub|a2 f64.mul|a3 f64.div|a4 f64.min|a5 f64.max|a6 f64.copysign
a7 i32.wrap_i64|a8 i32.trunc_f32_s|a9 i32.trunc_f32_u|aa i32.trunc_f64_s|ab i32.trunc_f64_u
ac i64.extend_i32_s|ad i64.extend_i32_u|ae i64.trunc_f32_s|af i64.trunc_f32_u|b0 i64.trunc_f64_s
b1 i64.trunc_f64_u|b2 f32.convert_i32_s|b3 f32.convert_i32_u|b4 f32.convert_i64_s
b5 f32.convert_i64_u|b6 f32.demote_f64|b7 f64.convert_i32_s|b8 f64.convert_i32_u
b9 f64.convert_i64_s|ba f64.convert_i64_u|bb f64.promote_f32|bc i32.reinterpret_f32
bd i64.reinterpret_f64|be f32.reinterpret_i32|bf f64.reinterpret_i64
c0 i32.extend8_s|c1 i32.extend16_s|c2 i64.extend8_s|c3 i64.extend16_s|c4 i64.extend32_s
d0 ref.null|d1 ref.is_null|d2 ref.func
fc00 i32.trunc_sat_f32_s|fc01 i32.trunc_sat_f32_u|fc02 i32.trunc_sat_f64_s|fc03 i32.trunc_sat_f64_u
fc04 i64.trunc_sat_f32_s|fc05 i64.trunc_sat_f32_u|fc06 i64.trunc_sat_f64_s|fc07 i64.trunc_sat_f64_u
fc08 memory.init|fc09 data.drop|fc0a memory.copy|fc0b memory.fill|fc0c table.init|fc0d elem.drop
fc0e table.copy|fc0f table.grow|fc10 table.size|fc11 table.fill
fd00 v128.load|fd01 v128.load8x8_s|fd02 v128.load8x8_u|fd03 v128.load16x4_s|fd04 v128.load16x4_u
fd05 v128.load32x2_s|fd06 v128.load32x2_u|fd07 v128.load8_splat|fd08 v128.load16_splat
fd09 v128.load32_splat|fd0a v128.load64_splat|fd0b v128.store|fd0c v128.const|fd0d i8x16.shuffle
fd0e i8x16.swizzle|fd0f i8x16.splat|fd10 i16x8.splat|fd11 i32x4.splat|fd12 i64x2.splat
fd13 f32x4.splat|fd14 f64x2.splat
fd15 i8x16.extract_lane_s|fd16 i8x16.extract_lane_u|fd17 i8x16.replace_lane
fd18 i16x8.extract_lane_s|fd19 i16x8.extract_lane_u|fd1a i16x8.replace_lane
fd1b i32x4.extract_lane|fd1c i32x4.replace_lane|fd1d i64x2.extract_lane|fd1e i64x2.replace_lane
fd1f f32x4.extract_lane|fd20 f32x4.replace_lane|fd21 f64x2.extract_lane|fd22 f64x2.replace_lane
fd23 i8x16.eq|fd24 i8x16.ne|fd25 i8x16.lt_s|fd26 i8x16.lt_u|fd27 i8x16.gt_s|fd28 i8x16.gt_u
fd29 i8x16.le_s|fd2a i8x16.le_u|fd2b i8x16.ge_s|fd2c i8x16.ge_u
fd2d i16x8.eq|fd2e i16x8.ne|fd2f i16x8.lt_s|fd30 i16x8.lt_u|fd31 i16x8.gt_s|fd32 i16x8.gt_u
fd33 i16x8.le_s|fd34 i16x8.le_u|fd35 i16x8.ge_s|fd36 i16x8.ge_u
fd37 i32x4.eq|fd38 i32x4.ne|fd39 i32x4.lt_s|fd3a i32x4.lt_u|fd3b i32x4.gt_s|fd3c i32x4.gt_u
fd3d i32x4.le_s|fd3e i32x4.le_u|fd3f i32x4.ge_s|fd40 i32x4.ge_u
fd41 f32x4.eq|fd42 f32x4.ne|fd43 f32x4.lt|fd44 f32x4.gt|fd45 f32x4.le|fd46 f32x4.ge
fd47 f64x2.eq|fd48 f64x2.ne|fd49 f64x2.lt|fd4a f64x2.gt|fd4b f64x2.le|fd4c f64x2.ge
fd4d v128.not|fd4e v128.and|fd4f v128.andnot|fd50 v128.or|fd51 v128.xor|fd52 v128.bitselect
fd53 v128.any_true
fd54 v128.load8_lane|fd55 v128.load16_lane|fd56 v128.load32_lane|fd57 v128.load64_lane
fd58 v128.store8_lane|fd59 v128.store16_lane|fd5a v128.store32_lane|fd5b v128.store64_lane
fd5c v128.load32_zero|fd5d v128.load64_zero
fd5e f32x4.demote_f64x2_zero|fd5f f64x2.promote_low_f32x4
fd60 i8x16.abs|fd61 i8x16.neg|fd62 i8x16.popcnt|fd63 i8x16.all_true|fd64 i8x16.bitmask
fd65 i8x16.narrow_i16x8_s|fd66 i8x16.narrow_i16x8_u
fd67 f32x4.ceil|fd68 f32x4.floor|fd69 f32x4.trunc|fd6a f32x4.nearest
fd6b i8x16.shl|fd6c i8x16.shr_s|fd6d i8x16.shr_u|fd6e i8x16.add|fd6f i8x16.add_sat_s
fd70 i8x16.add_sat_u|fd71 i8x16.sub|fd72 i8x16.sub_sat_s|fd73 i8x16.sub_sat_u
fd74 f64x2.ceil|fd75 f64x2.floor|fd76 i8x16.min_s|fd77 i8x16.min_u|fd78 i8x16.max_s
fd79 i8x16.max_u|fd7a f64x2.trunc|fd7b i8x16.avgr_u
fd7c i16x8.extadd_pairwise_i8x16_s|fd7d i16x8.extadd_pairwise_i8x16_u
fd7e i32x4.extadd_pairwise_i16x8_s|fd7f i32x4.extadd_pairwise_i16x8_u
fd80 i16x8.abs|fd81 i16x8.neg|fd82 i16x8.q15mulr_sat_s|fd83 i16x8.all_true|fd84 i16x8.bitmask
fd85 i16x8.narrow_i32x4_s|fd86 i16x8.narrow_i32x4_u|fd87 i16x8.extend_low_i8x16_s
fd88 i16x8.extend_high_i8x16_s|fd89 i16x8.extend_low_i8x16_u|fd8a i16x8.extend_high_i8x16_u
fd8b i16x8.shl|fd8c i16x8.shr_s|fd8d i16x8.shr_u|fd8e i16x8.add|fd8f i16x8.add_sat_s
fd90 i16x8.add_sat_u|fd91 i16x8.sub|fd92 i16x8.sub_sat_s|fd93 i16x8.sub_sat_u|fd94 f64x2.nearest
fd95 i16x8.mul|fd96 i16x8.min_s|fd97 i16x8.min_u|fd98 i16x8.max_s|fd99 i16x8.max_u
fd9b i16x8.avgr_u|fd9c i16x8.extmul_low_i8x16_s|fd9d i16x8.extmul_high_i8x16_s
fd9e i16x8.extmul_low_i8x16_u|fd9f i16x8.extmul_high_i8x16_u
fda0 i32x4.abs|fda1 i32x4.neg|fda3 i32x4.all_true|fda4 i32x4.bitmask
fda7 i32x4.extend_low_i16x8_s|fda8 i32x4.extend_high_i16x8_s|fda9 i32x4.extend_low_i16x8_u
fdaa i32x4.extend_high_i16x8_u|fdab i32x4.shl|fdac i32x4.shr_s|fdad i32x4.shr_u|fdae i32x4.add
fdb1 i32x4.sub|fdb5 i32x4.mul|fdb6 i32x4.min_s|fdb7 i32x4.min_u|fdb8 i32x4.max_s|fdb9 i32x4.max_u
fdba i32x4.dot_i16x8_s|fdbc i32x4.extmul_low_i16x8_s|fdbd i32x4.extmul_high_i16x8_s
fdbe i32x4.extmul_low_i16x8_u|fdbf i32x4.extmul_high_i16x8_u
fdc0 i64x2.abs|fdc1 i64x2.neg|fdc3 i64x2.all_true|fdc4 i64x2.bitmask
fdc7 i64x2.extend_low_i32x4_s|fdc8 i64x2.extend_high_i32x4_s|fdc9 i64x2.extend_low_i32x4_u
fdca i64x2.extend_high_i32x4_u|fdcb i64x2.shl|fdcc i64x2.shr_s|fdcd i64x2.shr_u|fdce i64x2.add
fdd1 i64x2.sub|fdd5 i64x2.mul|fdd6 i64x2.eq|fdd7 i64x2.ne|fdd8 i64x2.lt_s|fdd9 i64x2.gt_s
fdda i64x2.le_s|fddb i64x2.ge_s|fddc i64x2.extmul_low_i32x4_s|fddd i64x2.extmul_high_i32x4_s
fdde i64x2.extmul_low_i32x4_u|fddf i64x2.extmul_high_i32x4_u
fde0 f32x4.abs|fde1 f32x4.neg|fde3 f32x4.sqrt|fde4 f32x4.add|fde5 f32x4.sub|fde6 f32x4.mul
fde7 f32x4.div|fde8 f32x4.min|fde9 f32x4.max|fdea f32x4.pmin|fdeb f32x4.pmax
fdec f64x2.abs|fded f64x2.neg|fdef f64x2.sqrt|fdf0 f64x2.add|fdf1 f64x2.sub|fdf2 f64x2.mul
fdf3 f64x2.div|fdf4 f64x2.min|fdf5 f64x2.max|fdf6 f64x2.pmin|fdf7 f64x2.pmax
fdf8 i32x4.trunc_sat_f32x4_s|fdf9 i32x4.trunc_sat_f32x4_u|fdfa f32x4.convert_i32x4_s
fdfb f32x4.convert_i32x4_u|fdfc i32x4.trunc_sat_f64x2_s_zero|fdfd i32x4.trunc_sat_f64x2_u_zero
fdfe f64x2.convert_low_i32x4_s|fdff f64x2.convert_low_i32x4_u
`;

const SPECIAL: Record<string, Imm> = {
  block: Imm.Block,
  loop: Imm.Loop,
  if: Imm.If,
  else: Imm.Else,
  end: Imm.End,
  br: Imm.Label,
  br_if: Imm.Label,
  br_table: Imm.BrTable,
  call: Imm.Func,
  'ref.func': Imm.Func,
  call_indirect: Imm.CallIndirect,
  'local.get': Imm.Local,
  'local.set': Imm.Local,
  'local.tee': Imm.Local,
  'global.get': Imm.Global,
  'global.set': Imm.Global,
  'table.get': Imm.TableOpt,
  'table.set': Imm.TableOpt,
  'table.size': Imm.TableOpt,
  'table.grow': Imm.TableOpt,
  'table.fill': Imm.TableOpt,
  'memory.size': Imm.MemZero,
  'memory.grow': Imm.MemZero,
  'memory.fill': Imm.MemZero,
  'memory.copy': Imm.MemCopy,
  'i32.const': Imm.I32,
  'i64.const': Imm.I64,
  'f32.const': Imm.F32,
  'f64.const': Imm.F64,
  'v128.const': Imm.V128,
  'i8x16.shuffle': Imm.Shuffle,
  select: Imm.Select,
  'ref.null': Imm.RefNull,
  'memory.init': Imm.MemInit,
  'data.drop': Imm.Data,
  'elem.drop': Imm.Elem,
  'table.init': Imm.TableInit,
  'table.copy': Imm.TableCopy,
};

export interface OpInfo {
  /** Operator number (frontend numbering). */
  op: number;
  imm: Imm;
}

/** Instruction name -> opcode and immediate shape. */
export const OPCODES = new Map<string, OpInfo>();

for (const entry of TABLE.split(/[|\n]/)) {
  const e = entry.trim();
  if (!e) continue;
  const [code, name] = e.split(' ');
  const op = code.length === 2 ? parseInt(code, 16) : (code.startsWith('fc') ? OP_FC : OP_FD) + parseInt(code.slice(2), 16);
  let imm = SPECIAL[name];
  if (imm === undefined) {
    if (LANES[op] > 0) imm = NATURAL_ALIGN[op] >= 0 ? Imm.MemArgLane : Imm.Lane;
    else if (NATURAL_ALIGN[op] >= 0) imm = Imm.MemArg;
    else imm = Imm.None;
  }
  OPCODES.set(name, { op, imm });
}
