// Public surface of the x86-64 machine layer: registers, operands, instructions, encoder,
// printer and the sink interface.
export * from './regs';
export * from './args';
export * from './errors';
export * from './mod';
export * from './sink';
export { emitInst, emitNops, avxReadsDst, invertedBranchBytes } from './emit';
export { printInst, amodeText, immText, ccName, type PrintOptions } from './print';
export * from './operands';
export * from './unwind';
