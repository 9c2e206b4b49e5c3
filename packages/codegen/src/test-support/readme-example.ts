import { parseFunction, printFunction } from '@windlass/ir';
import { optimize, settingsBuilder } from '@windlass/codegen';

// Shared settings: what `set` lines say in CLIF files, and what every ISA's compile takes.
const flags = settingsBuilder().set('opt_level', 'speed').enable('is_pic').finish();
console.log(flags.enumValue('opt_level')); // speed

// The mid-end (opt_level=speed runs it before lowering): folding, GVN, DCE, LICM.
const f = parseFunction(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 2
    v2 = iconst.i32 3
    v3 = imul v1, v2
    v4 = iadd v0, v3
    return v4
}`);
const stats = optimize(f);
console.log(stats.instsBefore, '->', stats.instsAfter); // 5 -> 3
console.log(printFunction(f)); // v3 = iconst.i32 6; v4 = iadd v0, v3; return v4

// Machine code comes from an ISA package, which registers itself here: see the quick start of
// @windlass/isa-x64 (buildIsa('x86_64', flags).compileFunction(f)).
