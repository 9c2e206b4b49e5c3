/**
 * The Windlass IR: CLIF types, instruction set, Function, reader, writer.
 *
 * ```
 *  CLIF text --parseClif--> ClifFile { testCommands, settings, targets, functions[] }
 *                                                                       |
 *  code ---- Function API (makeBlock, makeInst, appendInst...) ---> Function
 *                                                                       |
 *                            printFunction <----------------------------+
 * ```
 *
 * `Function` = data-flow graph (instructions, values, block params, aliases)
 * + layout (block order, instruction order) + preamble (signature, stack slots,
 * global values, func/sig refs, constants, jump tables, exception tables).
 * Everything is dense tables indexed by entity numbers.
 */
export * from './types';
export * from './entities';
export * from './immediates';
export * from './opcodes';
export * from './signature';
export * from './function';
export * from './typing';
export * from './ieee';
export * from './reader/errors';
export * from './reader/parser';
export * from './writer';
export * from './equal';
export * from './analysis';
export * from './verifier';
export * from './builder';
