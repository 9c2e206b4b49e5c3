// FunctionBuilder: build functions from code, with SSA variables, typed
// instruction constructors and a Switch helper.
export * from './errors';
export * from './builder';
export * from './ins';
export * from './switch';
