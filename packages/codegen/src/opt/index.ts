// The mid-end: ISA-independent IR optimization for opt_level=speed (see README "Mid-end").
export { optimize, eliminateDeadCode, type OptimizeOptions, type OptimizeStats } from './optimize';
export { simplifyInst, Simplified, foldBinary, foldUnary, evalIntCC, intWidth } from './simplify';
export { simplifyBlockParams } from './params';
export { hoistLoopInvariants } from './licm';
export { isPureOpcode, isRemovableOpcode } from './purity';
export { eliminateRedundantLoads, type AliasStats } from './alias';
