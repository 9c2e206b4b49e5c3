// Verifier rules over the function preamble: signatures, global values,
// memory regions and the entry block. They run before the layout is checked.

import { NONE } from '../entities';
import type { Block } from '../entities';
import type { Function } from '../function';
import type { Signature } from '../signature';
import { INVALID, type Type, isInt, isVector, typeName } from '../types';
import type { VerifierRule } from './errors';

/** What the rules need from the verifier. */
export interface VerifyContext {
  readonly f: Function;
  /** The target's pointer type (i64 when unknown). */
  readonly ptr: Type;
  /** Whether `ptr` came from a target (pointer-width rules apply only then). */
  readonly pointerKnown: boolean;
  report(entity: string, rule: VerifierRule, reason: string): void;
}

/** `sext` -> `Sext`: extensions as Cranelift's messages spell them. */
function extName(e: string): string {
  return e === 'sext' ? 'Sext' : 'Uext';
}

export function checkSignature(ctx: VerifyContext, sig: Signature, entity: string): void {
  for (let k = 0; k < sig.params.length; k++) {
    const p = sig.params[k];
    if (p.extension !== 'none' && !(isInt(p.type) && !isVector(p.type))) {
      ctx.report(entity, 'signature', `Parameter at position ${k} has invalid extension ${extName(p.extension)}`);
    }
  }
  for (let k = 0; k < sig.returns.length; k++) {
    const p = sig.returns[k];
    if (p.extension !== 'none' && !(isInt(p.type) && !isVector(p.type))) {
      ctx.report(entity, 'signature', `Return value at position ${k} has invalid extension ${extName(p.extension)}`);
    }
  }
  if (sig.callConv === 'preserve_all' && sig.returns.length > 0) {
    ctx.report(entity, 'signature', 'Signature with `preserve_all` ABI cannot have return values');
  }
}

/** Type of a global value (the pointer type for addresses). */
export function globalValueType(ctx: VerifyContext, g: number): Type {
  const d = ctx.f.globalValues[g];
  if (!d) return INVALID;
  return d.kind === 'load' || d.kind === 'iadd_imm' ? d.globalType : ctx.ptr;
}

/** False when a cycle makes later checks meaningless. */
export function checkGlobalValues(ctx: VerifyContext): boolean {
  const gvs = ctx.f.globalValues;
  if (gvs.length === 0) return true;
  let ok = true;
  const inCycle = new Uint8Array(gvs.length);
  for (let g = 0; g < gvs.length; g++) {
    const d = gvs[g];
    if (!d) continue;
    const entity = `gv${g}`;
    if (d.kind === 'vmctx') {
      if (!ctx.f.signature.params.some((p) => p.purpose === 'vmctx')) ctx.report(entity, 'global-value', 'undeclared vmctx reference');
      continue;
    }
    if (d.kind !== 'load' && d.kind !== 'iadd_imm') continue;
    if (!gvs[d.base]) {
      ctx.report(entity, 'entity-reference', `invalid base reference gv${d.base}`);
      ok = false;
      continue;
    }
    // Follow the base chain looking for a cycle through g.
    const path = [g];
    let cur: number = d.base;
    while (true) {
      const at = path.indexOf(cur);
      if (at >= 0) {
        if (at === 0 && !inCycle[g]) {
          for (const x of path) inCycle[x] = 1;
          ctx.report(entity, 'global-value', `global value cycle: [${path.map((x) => `gv${x}`).join(', ')}]`);
        }
        ok = false;
        break;
      }
      path.push(cur);
      const cd = gvs[cur];
      if (!cd || (cd.kind !== 'load' && cd.kind !== 'iadd_imm')) break;
      cur = cd.base;
    }
    if (!ok) continue;
    const baseType = globalValueType(ctx, d.base);
    if (d.kind === 'load' && ctx.pointerKnown && baseType !== ctx.ptr) {
      ctx.report(entity, 'global-value', `base gv${d.base} has type ${typeName(baseType)}, which is not the pointer type ${typeName(ctx.ptr)}`);
    }
    if (d.kind === 'iadd_imm' && baseType !== d.globalType) {
      ctx.report(entity, 'global-value', `iadd_imm type ${typeName(d.globalType)} does not match operand type ${typeName(baseType)}`);
    }
  }
  return ok;
}

export function checkMemoryRegions(ctx: VerifyContext): void {
  if (ctx.f.memoryRegions.length === 0) return;
  const seen = new Set<number>();
  ctx.f.memoryRegions.forEach((r, k) => {
    if (!r) return;
    if (seen.has(r.id)) ctx.report(`region${k}`, 'memory-region', `duplicate alias region user_id ${r.id}`);
    seen.add(r.id);
  });
}

export function checkEntryBlock(ctx: VerifyContext): void {
  const f = ctx.f;
  const entry = f.firstBlock;
  if (entry === NONE) return;
  if (f.isBlockCold(entry as Block)) ctx.report(`block${entry}`, 'entry-block', 'entry block cannot be marked as cold');
  const params = f.blockParams[entry];
  const sig = f.signature.params;
  if (params.length !== sig.length) {
    ctx.report(`block${entry}`, 'entry-block', `entry block parameters (${params.length}) must match function signature (${sig.length})`);
    return;
  }
  for (let k = 0; k < params.length; k++) {
    const v = params[k];
    if (f.valueType[v] !== sig[k].type) {
      ctx.report(`block${entry}`, 'entry-block', `entry block parameter ${k} expected to have type ${typeName(sig[k].type)}, got ${typeName(f.valueType[v] as Type)}`);
    }
  }
}
