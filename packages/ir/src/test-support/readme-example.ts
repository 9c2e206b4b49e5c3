import { parseFunction, printFunction, verifyFunction, opcodeName } from '@windlass/ir';

const f = parseFunction(`
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}`);
console.log(verifyFunction(f).length); // 0: no verifier errors
for (const block of f.blocks()) {
  for (const inst of f.blockInsts(block)) console.log(opcodeName(f.opcode(inst)), f.instArgs(inst).join(' '));
}
// iadd 0 1
// return 2
console.log(printFunction(f)); // the same text, in Cranelift's layout
