// Text forms of the analyses, as Cranelift's `test domtree` and `test
// print-cfg` show them.

import { type Block, type Inst, NONE } from '../entities';
import type { Function } from '../function';
import { OPCODES } from '../opcodes';
import { externalNameToString } from '../signature';
import { printFunction } from '../writer';
import type { ControlFlowGraph } from './cfg';
import type { DominatorTree } from './domtree';

/** Printed text of every block header (`block0(v0: i32)`) and instruction, keyed `blockN` / `instN`. */
export function printedEntities(f: Function): Map<string, string> {
  const out = new Map<string, string>();
  const insts: number[] = [];
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) insts.push(i);
  }
  let next = 0;
  let inBody = false;
  for (const raw of printFunction(f).split('\n')) {
    const line = raw.trim();
    const m = /^(block\d+)\b.*:$/.exec(line);
    if (m) {
      out.set(m[1], line.slice(0, -1));
      inBody = true;
      continue;
    }
    if (!inBody || line === '' || line === '}') continue;
    // The writer appends `  ; v4 = 0` notes about constant operands.
    const note = line.indexOf('  ; ');
    if (next < insts.length) out.set(`inst${insts[next++]}`, note >= 0 ? line.slice(0, note) : line);
  }
  return out;
}

/** The text of one instruction as the writer prints it. */
export function instText(f: Function, inst: Inst): string {
  return printedEntities(f).get(`inst${inst}`) ?? `inst${inst}`;
}

/**
 * `cfg_postorder: block3 block2 ...` then the dominator tree in preorder,
 * one block per line with its children in reverse postorder.
 */
export function printDomtree(domtree: DominatorTree): string {
  const lines: string[] = [];
  lines.push(`cfg_postorder: ${Array.from(domtree.postorder, (b) => `block${b}`).join(' ')}`);
  lines.push('domtree_preorder {');
  const po = domtree.postorder;
  if (po.length > 0) {
    const stack: number[] = [po[po.length - 1]];
    while (stack.length > 0) {
      const b = stack.pop() as number;
      const kids = domtree.childrenOf(b as Block);
      lines.push(`    block${b}:${kids.map((c) => ` block${c}`).join('')}`);
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** A Graphviz digraph of the CFG: one record per block listing its branch instructions, then the edges. */
export function printCfg(f: Function, cfg: ControlFlowGraph): string {
  const text = printedEntities(f);
  const name = f.name.kind === 'testcase' ? `%${f.name.name}` : externalNameToString(f.name);
  const lines: string[] = [`digraph "${name}" {`];
  if (f.firstBlock !== NONE) lines.push(`    {rank=min; block${f.firstBlock}}`);
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    let rec = `    block${b} [shape=record, label="{${text.get(`block${b}`) ?? `block${b}`}:`;
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
      const info = OPCODES[f.instOpcode[i]];
      if (info.isBranch || info.isTerminator) rec += `\n | <inst${i}>${text.get(`inst${i}`) ?? ''}`;
    }
    lines.push(`${rec}\n}"]`);
  }
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let k = cfg.succOff[b]; k < cfg.succOff[b + 1]; k++) {
      lines.push(`    block${b}:inst${f.blockLastInst[b]} -> block${cfg.succs[k]}`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
