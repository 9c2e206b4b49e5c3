// The IR verifier: `verifyFunction(func) : VerifierError[]`, the throwing
// `assertVerified`, and `checkVerifierFile` for `test verifier` files.
export * from './errors';
export * from './verify';
export * from './filetests';
