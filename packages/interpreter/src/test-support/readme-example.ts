import { parseFunction } from '@windlass/ir';
import { interpret, parseValue, formatValue } from '@windlass/interpreter';

const f = parseFunction(`
function %mulhi(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = smulhi v0, v1
    return v2
}`);
const [a, b] = f.signature.params.map((p, k) => parseValue(['-1', '0x7fff_ffff_ffff_ffff'][k], p.type));
const r = interpret(f, [a, b], { fuel: 1000 }); // fuel: instructions before 'out-of-fuel'
if (r.kind === 'return') console.log(formatValue(r.values[0], f.signature.returns[0].type)); // -1 (0xffffffffffffffff)
