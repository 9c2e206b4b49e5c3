// Public surface of the AArch64 machine layer: registers, operands, instructions, encoder,
// printer, operand roles and the sink interface.
export * from './regs';
export * from './args';
export * from './errors';
export * from './mod';
export * from './tables';
export * from './neon';
export * from './sink';
export { emitInst } from './emit';
export { printInst, amodeText, type PrintOptions } from './print';
export * from './operands';
export * from './unwind';
