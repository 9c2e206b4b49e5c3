// The machine-layer names the frame code uses, in one place.
export {
  type Amode, type CodeSink, type LabelUse, type MInst, AluOp, Op as InstOp, RegClass, aluRI, amBase, dwarfReg, emitInst,
  genMove, genReload, genSpill, movRR, pop, printInst, push, rbp, ret, rsp, setReg, type PReg,
} from '../inst';
