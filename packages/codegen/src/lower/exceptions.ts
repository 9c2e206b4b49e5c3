// What every backend reads of a `try_call` / `try_call_indirect`: its exception table and the
// order in which its handlers match.
import { type ExceptionTableData, type Function as IrFunction, type Inst, Format, OPCODES } from '@windlass/ir';

/** The exception table of try_call `inst`, or undefined when the instruction names none. */
export function tryCallTable(f: IrFunction, inst: Inst): ExceptionTableData | undefined {
  const fmt = OPCODES[f.instOpcode[inst]].format;
  return f.exceptionTables[fmt === Format.TryCallIndirect ? f.instImm0[inst] : f.instImm1[inst]];
}

/** The handlers of a table in match order (context items dropped): a tag, or null for the default. */
export function handlerTags(et: ExceptionTableData): (number | null)[] {
  const out: (number | null)[] = [];
  for (const it of et.items) {
    if (it.kind === 'tag') out.push(it.tag);
    else if (it.kind === 'default') out.push(null);
  }
  return out;
}
