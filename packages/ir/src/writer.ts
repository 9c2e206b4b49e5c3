// CLIF writer: Function -> text, in Cranelift's layout. The output reads back
// with `parseFunction` into a structurally equal function.

import { type Block, type Inst, type Value, blockArgToString } from './entities';
import { type BlockCall, type ExceptionTableItem, type Function, ValueKind } from './function';
import { IEEE16, IEEE32, IEEE64, formatIeee } from './ieee';
import { ATOMIC_RMW_OPS, FLOAT_CC_NAMES, INT_CC_NAMES, memFlagsToString, trapCodeName } from './immediates';
import { Format, OPCODES } from './opcodes';
import { joinI64 } from './pool';
import { type AbiParam, type GlobalValueData, type Signature, externalNameToString } from './signature';
import { type Type, dynamicBase, isDynamicVector, laneBits, typeName } from './types';

const SRCLOC_COLUMN = 36;
/** typeName cache: types are small numbers. */
const TYPE_NAMES: string[] = [];
/** memFlagsToString cache (with a leading space): programs use few distinct flag sets. */
const MEMFLAG_TEXT = new Map<number, string>();

/** Print one function. */
export function printFunction(f: Function): string {
  return new Writer(f).write();
}

/** Print a signature: `(i32, i64 sext) -> i32 system_v`. */
export function printSignature(sig: Signature, typeStr: (t: Type) => string = typeName): string {
  const p = (a: AbiParam) => {
    let s = typeStr(a.type);
    if (a.extension !== 'none') s += ` ${a.extension}`;
    if (a.purpose !== 'normal') s += ` ${a.purpose}`;
    return s;
  };
  let s = `(${sig.params.map(p).join(', ')})`;
  if (sig.returns.length > 0) s += ` -> ${sig.returns.map(p).join(', ')}`;
  return `${s} ${sig.callConv}`;
}

/** Cranelift's Imm64 style: small values in decimal, others as grouped hex. */
export function formatImm64(v: bigint): string {
  if (v < 10000n) return v.toString();
  return formatHexGrouped(BigInt.asUintN(64, v));
}

/** formatImm64 of the value held in two 32-bit halves, without bigint for 32-bit values. */
function formatImm64Halves(lo: number, hi: number): string {
  if ((hi === 0 && lo >= 0) || (hi === -1 && lo < 0)) {
    if (lo < 10000) return String(lo);
  }
  return formatImm64(joinI64(lo, hi));
}

function formatHexGrouped(u: bigint): string {
  const hex = u.toString(16);
  const groups: string[] = [];
  for (let e = hex.length; e > 0; e -= 4) groups.unshift(hex.slice(Math.max(0, e - 4), e).padStart(4, '0'));
  return `0x${groups.join('_')}`;
}

/** Cranelift's Offset32 style: `+12`, `-72`, `+0x0001_0000`; empty for 0. */
function formatOffset(off: number): string {
  if (off === 0) return '';
  const sign = off > 0 ? '+' : '-';
  const mag = Math.abs(off);
  return mag > 10000 ? `${sign}${formatHexGrouped(BigInt(mag))}` : `${sign}${mag}`;
}

function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = b.length - 1; i >= 0; i--) s += b[i].toString(16).padStart(2, '0');
  return `0x${s}`;
}

class Writer {
  private readonly out: string[] = [];
  private readonly aliasesOf = new Map<number, Value[]>();
  private readonly hasSrcLocs: boolean;
  private readonly dynTypeName = new Map<number, string>();
  private readonly names: (string | undefined)[];
  /** Block whose printed part defines each value so far (-1: not yet). */
  private readonly definedInBlock: Int32Array;

  constructor(private readonly f: Function) {
    for (let v = 0; v < f.valueCount; v++) {
      if (f.valueKind[v] === ValueKind.Alias) {
        const t = f.valueDef[v];
        let list = this.aliasesOf.get(t);
        if (!list) this.aliasesOf.set(t, (list = []));
        list.push(v as Value);
      }
    }
    this.definedInBlock = new Int32Array(f.valueCount).fill(-1);
    this.names = new Array<string | undefined>(f.valueCount).fill(undefined);
    // With source locations or debug tags, Cranelift prints them in a left column
    // and indents everything else past it.
    let srclocs = f.debugTags.size > 0;
    for (let i = 0; i < f.instCount && !srclocs; i++) if (f.instSrcLoc[i] !== -1) srclocs = true;
    this.hasSrcLocs = srclocs;
    f.dynamicTypes.forEach((d, n) => {
      if (d && !this.dynTypeName.has(d.baseVectorType)) this.dynTypeName.set(d.baseVectorType, `dt${n}`);
    });
  }

  /** `vN`, cached: each value is named at its definition and again at every use. */
  private name(v: number): string {
    const cached = this.names[v];
    if (cached !== undefined) return cached;
    const s = `v${v}`;
    if (v >= 0 && v < this.names.length) this.names[v] = s;
    return s;
  }

  private type(t: Type): string {
    if (isDynamicVector(t)) return this.dynTypeName.get(dynamicBase(t)) ?? typeName(t);
    return TYPE_NAMES[t] ?? (TYPE_NAMES[t] = typeName(t));
  }

  write(): string {
    const f = this.f;
    this.out.push(`function ${externalNameToString(f.name)}${printSignature(f.signature, (t) => this.type(t))} {\n`);
    const preambleLines = this.preamble();
    for (const l of preambleLines) this.out.push(`    ${l}\n`);
    let first = true;
    for (const b of f.blocks()) {
      if (!first || preambleLines.length > 0) this.out.push('\n');
      first = false;
      this.block(b);
    }
    this.out.push('}\n');
    return this.out.join('');
  }

  private preamble(): string[] {
    const f = this.f;
    const lines: string[] = [];
    f.stackSlots.forEach((s, n) => {
      if (!s) return;
      let l = `ss${n} = ${s.kind} ${s.size}`;
      if (s.align) l += `, align = ${s.align}`;
      if (s.key !== null) l += `, key = ${s.key}`;
      lines.push(l);
    });
    f.dynamicStackSlots.forEach((s, n) => {
      if (s) lines.push(`dss${n} = ${s.kind} dt${s.dynamicType}`);
    });
    f.globalValues.forEach((g, n) => {
      if (g) lines.push(`gv${n} = ${this.globalValue(g)}`);
    });
    f.dynamicTypes.forEach((d, n) => {
      if (d) lines.push(`dt${n} = ${typeName(d.baseVectorType)}*gv${d.scale}`);
    });
    f.memoryRegions.forEach((r, n) => {
      if (r) lines.push(`region${n} = ${r.id} ${JSON.stringify(r.name)}`);
    });
    f.sigRefs.forEach((s, n) => {
      if (s) lines.push(`sig${n} = ${printSignature(s, (t) => this.type(t))}`);
    });
    f.funcRefs.forEach((r, n) => {
      if (!r) return;
      let l = `fn${n} = `;
      if (r.colocated) l += 'colocated ';
      if (r.patchable) l += 'patchable ';
      lines.push(`${l}${externalNameToString(r.name)} sig${r.signature}`);
    });
    f.constants.forEach((c, n) => {
      if (c.length > 0) lines.push(`const${n} = ${bytesToHex(c)}`);
    });
    if (f.stackLimit !== -1) lines.push(`stack_limit = gv${f.stackLimit}`);
    return lines;
  }

  private globalValue(g: GlobalValueData): string {
    switch (g.kind) {
      case 'vmctx': return 'vmctx';
      case 'load': {
        const flags = memFlagsToString(g.flags);
        return `load.${typeName(g.globalType)} ${flags ? flags + ' ' : ''}gv${g.base}${formatOffset(g.offset)}`;
      }
      case 'iadd_imm': return `iadd_imm.${typeName(g.globalType)} gv${g.base}, ${formatImm64(g.offset)}`;
      case 'symbol': {
        let s = 'symbol ';
        if (g.colocated) s += 'colocated ';
        if (g.tls) s += 'tls ';
        s += externalNameToString(g.name);
        if (g.offset !== 0n) s += g.offset > 0n ? `+${g.offset}` : `${g.offset}`;
        return s;
      }
      case 'dyn_scale_target_const': return `dyn_scale_target_const.${typeName(g.vectorType)}`;
    }
  }

  private block(b: Block): void {
    const f = this.f;
    const params = f.blockParams[b];
    let head = `block${b}`;
    if (params.length > 0) head += `(${params.map((v) => `${this.name(v)}: ${this.type(f.valueType[v] as Type)}`).join(', ')})`;
    if (f.blockCold[b]) head += ' cold';
    this.out.push(`${this.hasSrcLocs ? ' '.repeat(SRCLOC_COLUMN - 4) : ''}${head}:\n`);
    for (const v of params) {
      this.definedInBlock[v] = b;
      this.aliases(v);
    }
    for (let i = f.blockFirstInst[b]; i !== -1; i = f.instNext[i]) this.inst(i as Inst);
  }

  /** Print the aliases of `v` (and their aliases, depth first) after its definition. */
  private aliases(v: number): void {
    if (!this.aliasesOf.has(v)) return;
    const indent = this.hasSrcLocs ? ' '.repeat(SRCLOC_COLUMN) : '    ';
    // Explicit stack of [alias, target] pairs: alias chains can be long.
    const stack: number[] = [];
    const pushAliases = (t: number) => {
      const list = this.aliasesOf.get(t);
      if (list) for (let k = list.length - 1; k >= 0; k--) stack.push(list[k], t);
    };
    pushAliases(v);
    while (stack.length > 0) {
      const target = stack.pop()!;
      const a = stack.pop()!;
      this.out.push(`${indent}v${a} -> v${target}\n`);
      pushAliases(a);
    }
  }

  private inst(i: Inst): void {
    const f = this.f;
    let prefix = '';
    const tags = f.debugTags.get(i);
    if (tags) prefix += `<${tags.map((t) => (t.kind === 'stack_slot' ? `ss${t.slot}` : `${t.value}`)).join(', ')}> `;
    if (this.hasSrcLocs) {
      const loc = f.instSrcLoc[i];
      if (loc !== -1) prefix += `@${(loc >>> 0).toString(16).padStart(4, '0')} `;
      prefix = prefix.length >= SRCLOC_COLUMN ? prefix : prefix.padEnd(SRCLOC_COLUMN, ' ');
    } else {
      prefix = `    ${prefix}`;
    }
    let line = prefix;
    const nres = f.instResLen[i];
    if (nres > 0) {
      const off = f.instResOff[i];
      for (let k = 0; k < nres; k++) line += k ? `, ${this.name(f.pool[off + k])}` : this.name(f.pool[off + k]);
      line += ' = ';
    }
    const info = OPCODES[f.instOpcode[i]];
    line += info.name;
    const suffix = this.typeSuffix(i);
    if (suffix) line += `.${suffix}`;
    line += this.operands(i);
    const sm = f.userStackMaps.get(i);
    if (sm) line += `, stack_map=[${sm.map((e) => `${typeName(e.type)} @ ss${e.slot}+${e.offset}`).join(', ')}]`;
    line += this.constantComment(i);
    this.out.push(line, '\n');
    for (let k = 0; k < nres; k++) {
      const r = f.pool[f.instResOff[i] + k];
      this.definedInBlock[r] = f.instBlock[i];
      this.aliases(r);
    }
  }

  /** `  ; v3 = 0, v4 = const0`: the values of constant arguments, as Cranelift annotates them. */
  private constantComment(i: Inst): string {
    const f = this.f;
    let out = '';
    const off = f.instArgOff[i];
    for (let k = 0; k < f.instArgLen[i]; k++) out = this.constantNote(out, f.pool[off + k]);
    const fmt = OPCODES[f.instOpcode[i]].format;
    if (fmt === Format.Jump || fmt === Format.Brif || fmt === Format.BranchTable) {
      for (const bc of f.branchDestinations(i)) {
      const boff = f.bcArgOff[bc];
      for (let k = 0; k < f.bcArgLen[bc]; k++) out = this.constantNote(out, f.pool[boff + k]);
    }
    } else if (fmt === Format.TryCall || fmt === Format.TryCallIndirect) {
      // Cranelift's order: handler arguments, then the normal-return arguments, then contexts.
      const et = f.exceptionTables[fmt === Format.TryCall ? f.instImm1[i] : f.instImm0[i]];
      for (const it of et.items) if (it.kind !== 'context') for (const a of f.blockCallArgs(it.call)) out = this.constantNote(out, a);
      for (const a of f.blockCallArgs(et.normalReturn)) out = this.constantNote(out, a);
      for (const it of et.items) if (it.kind === 'context') out = this.constantNote(out, it.value);
    }
    return out;
  }

  /** Append `v = <constant>` to a constant comment when `v` is defined by a constant instruction. */
  private constantNote(out: string, v: number): string {
    const f = this.f;
    if (v < 0) return out;
    const r = f.resolveAliases(v as Value);
    if (f.valueKind[r] !== ValueKind.Result) return out;
    const src = f.valueDef[r] as Inst;
    let imm: string;
    switch (OPCODES[f.instOpcode[src]].format) {
      case Format.UnaryImm: {
        const bitsN = Math.min(64, laneBits(f.instType[src] as Type) || 64);
        const lo = f.instImm1[src];
        const hi = f.instImm2[src];
        // Small non-negative constants need no sign extension (and no bigint).
        imm = hi === 0 && lo >= 0 && lo < 128 ? String(lo) : formatImm64(BigInt.asIntN(bitsN, f.imm64(src)));
        break;
      }
      case Format.UnaryIeee16:
      case Format.UnaryIeee32:
      case Format.UnaryIeee64:
      case Format.UnaryConst:
        imm = this.operands(src).slice(1);
        break;
      default:
        return out;
    }
    return `${out}${out ? ', ' : '  ; '}v${v} = ${imm}`;
  }

  /**
   * Cranelift prints the type suffix of a polymorphic instruction unless the
   * controlling operand is defined in the same block (so a reader going in
   * order always knows its type).
   */
  private typeSuffix(i: Inst): string | null {
    const f = this.f;
    const info = OPCODES[f.instOpcode[i]];
    if (info.ctrl === 'none') return null;
    // Also printed when the operand is defined later in the block or its type
    // disagrees with the controlling type, so that the text always reads back.
    if (info.ctrl === 'operand' && info.ctrlOperand < f.instArgLen[i]) {
      const v = f.resolveAliases(f.arg(i, info.ctrlOperand));
      if (this.definedInBlock[v] === f.instBlock[i] && f.valueType[v] === f.instType[i]) return null;
    }
    return this.type(f.instType[i] as Type);
  }

  private v(i: Inst, k: number): string {
    return this.name(this.f.pool[this.f.instArgOff[i] + k]);
  }

  private blockCall(bc: BlockCall): string {
    const f = this.f;
    const b = `block${f.bcBlock[bc]}`;
    const n = f.bcArgLen[bc];
    if (n === 0) return b;
    const off = f.bcArgOff[bc];
    let s = `${b}(`;
    for (let k = 0; k < n; k++) s += `${k ? ', ' : ''}${blockArgToString(f.pool[off + k])}`;
    return `${s})`;
  }

  private argList(i: Inst, from: number): string {
    const f = this.f;
    const parts: string[] = [];
    for (let k = from; k < f.instArgLen[i]; k++) parts.push(this.v(i, k));
    return `(${parts.join(', ')})`;
  }

  private memFlags(i: Inst): string {
    const flags = this.f.instImm0[i];
    let s = MEMFLAG_TEXT.get(flags);
    if (s === undefined) {
      s = memFlagsToString(flags);
      s = s ? ` ${s}` : '';
      MEMFLAG_TEXT.set(flags, s);
    }
    return s;
  }

  private exceptionItem(it: ExceptionTableItem): string {
    switch (it.kind) {
      case 'context': return `context v${it.value}`;
      case 'default': return `default: ${this.blockCall(it.call)}`;
      case 'tag': return `tag${it.tag}: ${this.blockCall(it.call)}`;
    }
  }

  private operands(i: Inst): string {
    const f = this.f;
    const imm0 = f.instImm0[i];
    const imm1 = f.instImm1[i];
    switch (OPCODES[f.instOpcode[i]].format) {
      // Cranelift writes a space after operand-less opcodes (`fence `); kept for identical text.
      case Format.NullAry: return ' ';
      case Format.Unary: return ` ${this.v(i, 0)}`;
      case Format.UnaryImm: return ` ${formatImm64Halves(imm1, f.instImm2[i])}`;
      case Format.UnaryIeee16: return ` ${formatIeee(BigInt(imm0 & 0xffff), IEEE16)}`;
      case Format.UnaryIeee32: return ` ${formatIeee(BigInt(imm0 >>> 0), IEEE32)}`;
      case Format.UnaryIeee64: return ` ${formatIeee(BigInt.asUintN(64, joinI64(imm1, f.instImm2[i])), IEEE64)}`;
      case Format.UnaryConst: return ` const${imm0}`;
      case Format.UnaryGlobalValue: return ` gv${imm0}`;
      case Format.Binary: return ` ${this.v(i, 0)}, ${this.v(i, 1)}`;
      case Format.BinaryImm8: return ` ${this.v(i, 0)}, ${imm0}`;
      case Format.BinaryImm64: return ` ${this.v(i, 0)}, ${formatImm64Halves(imm1, f.instImm2[i])}`;
      case Format.Ternary: return ` ${this.v(i, 0)}, ${this.v(i, 1)}, ${this.v(i, 2)}`;
      case Format.TernaryImm8: return ` ${this.v(i, 0)}, ${this.v(i, 1)}, ${imm0}`;
      case Format.MultiAry: {
        const parts: string[] = [];
        for (let k = 0; k < f.instArgLen[i]; k++) parts.push(this.v(i, k));
        return parts.length ? ` ${parts.join(', ')}` : '';
      }
      case Format.Shuffle: return ` ${this.v(i, 0)}, ${this.v(i, 1)}, ${bytesToHex(f.immediates[imm0])}`;
      case Format.IntCompare: return ` ${INT_CC_NAMES[imm0]} ${this.v(i, 0)}, ${this.v(i, 1)}`;
      case Format.IntCompareImm: return ` ${INT_CC_NAMES[imm0]} ${this.v(i, 0)}, ${formatImm64Halves(imm1, f.instImm2[i])}`;
      case Format.FloatCompare: return ` ${FLOAT_CC_NAMES[imm0]} ${this.v(i, 0)}, ${this.v(i, 1)}`;
      case Format.IntAddTrap: return ` ${this.v(i, 0)}, ${this.v(i, 1)}, ${trapCodeName(imm0)}`;
      case Format.Jump: return ` ${this.blockCall(imm0 as BlockCall)}`;
      case Format.Brif: return ` ${this.v(i, 0)}, ${this.blockCall(imm0 as BlockCall)}, ${this.blockCall(imm1 as BlockCall)}`;
      case Format.BranchTable: {
        const jt = f.jumpTables[imm0];
        return ` ${this.v(i, 0)}, ${this.blockCall(jt.defaultCall)}, [${jt.entries.map((bc) => this.blockCall(bc)).join(', ')}]`;
      }
      case Format.Trap: return ` ${trapCodeName(imm0)}`;
      case Format.CondTrap: return ` ${this.v(i, 0)}, ${trapCodeName(imm0)}`;
      case Format.Call: return ` fn${imm0}${this.argList(i, 0)}`;
      case Format.CallIndirect: return ` sig${imm0}, ${this.v(i, 0)}${this.argList(i, 1)}`;
      case Format.FuncAddr: return ` fn${imm0}`;
      case Format.TryCall:
      case Format.TryCallIndirect: {
        const direct = OPCODES[f.instOpcode[i]].format === Format.TryCall;
        const et = f.exceptionTables[direct ? imm1 : imm0];
        const callee = direct ? `fn${imm0}${this.argList(i, 0)}` : `${this.v(i, 0)}${this.argList(i, 1)}`;
        const items = et.items.map((it) => this.exceptionItem(it));
        return ` ${callee}, sig${et.signature}, ${this.blockCall(et.normalReturn)}, ${items.length ? `[ ${items.join(', ')} ]` : '[]'}`;
      }
      case Format.ExceptionHandlerAddress: return ` block${imm0}, ${f.imm64(i)}`;
      case Format.Load: return `${this.memFlags(i)} ${this.v(i, 0)}${formatOffset(imm1)}`;
      case Format.LoadNoOffset: return `${this.memFlags(i)} ${this.v(i, 0)}`;
      case Format.Store: return `${this.memFlags(i)} ${this.v(i, 0)}, ${this.v(i, 1)}${formatOffset(imm1)}`;
      case Format.StoreNoOffset: return `${this.memFlags(i)} ${this.v(i, 0)}, ${this.v(i, 1)}`;
      case Format.AtomicRmw: return `${this.memFlags(i)} ${ATOMIC_RMW_OPS[imm1]} ${this.v(i, 0)}, ${this.v(i, 1)}`;
      case Format.AtomicCas: return `${this.memFlags(i)} ${this.v(i, 0)}, ${this.v(i, 1)}, ${this.v(i, 2)}`;
      case Format.StackLoad: return ` ss${imm0}${formatOffset(imm1)}`;
      case Format.StackStore: return ` ${this.v(i, 0)}, ss${imm0}${formatOffset(imm1)}`;
      case Format.DynamicStackLoad: return ` dss${imm0}`;
      case Format.DynamicStackStore: return ` ${this.v(i, 0)}, dss${imm0}`;
    }
  }
}
