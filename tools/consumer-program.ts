// The consumer program of `npm test` (tools/package-checks.mjs): a fresh project installs every
// published package from its tarball, type checks this file strictly against their `.d.ts`
// (skipLibCheck off, so the declarations are checked too) and runs it with Node. It uses each
// package the way its README shows; any wrong result throws.
import { parseFunction, printFunction, verifyFunction } from '@windlass/ir';
import { FunctionBuilder, Op, RegClass, allocate, type MachineEnv } from '@windlass/regalloc';
import { buildIsa, settingsBuilder, type CompiledCode } from '@windlass/codegen';
import '@windlass/isa-x64';
import { ObjectModule } from '@windlass/object';
import { formatValue, interpret } from '@windlass/interpreter';
import { parseModule, parseWat } from '@windlass/wasm-frontend';
import { compileModule, deserialize, serialize } from '@windlass/linker';
import { Runtime, i32 } from '@windlass/runtime';
import { main, type Io } from '@windlass/cli';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`consumer program: ${what}`);
}

// ir: read, verify, print.
const f = parseFunction(`
function %mul_add(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = imul v0, v1
    v4 = iadd v3, v2
    return v4
}`);
check(verifyFunction(f).length === 0, 'the function verifies');
check(printFunction(f).includes('v4 = iadd v3, v2'), 'the function prints');

// interpreter: run it.
const r = interpret(f, [6n, 7n, 0n]);
check(r.kind === 'return' && formatValue(r.values[0], f.signature.returns[0].type) === '42', 'the interpreter computes 42');

// codegen + isa-x64 + object: compile with shared settings, write an object.
const flags = settingsBuilder().set('opt_level', 'speed').finish();
const code: CompiledCode = buildIsa('x86_64', flags).compileFunction(f);
check(code.bytes.length > 0, 'x86_64 code');
const obj = new ObjectModule({ target: 'x86_64' });
obj.defineFunction(obj.declareFunction('mul_add', 'export'), code);
const elf = obj.finish();
check(elf[0] === 0x7f && elf[1] === 0x45, 'an ELF object');

// regalloc: allocate a two-instruction function.
const env: MachineEnv = { preferred: [[0, 1, 2], [], []], nonPreferred: [[3], [], []], scratch: [undefined, undefined, undefined] };
const rb = new FunctionBuilder();
rb.switchTo(rb.block());
const v = rb.vreg(RegClass.Int);
rb.inst([Op.def(v)]);
rb.ret([Op.fixedUse(v, 0)]);
const out = allocate(rb.finish(), env, { mode: 'optimizing', check: true });
check(out.stats.spills === 0, 'an allocation without spills');

// wasm-frontend + linker + runtime: text to binary, an artifact, run natively (Linux x86-64).
const wasm = parseWat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
check(parseModule(wasm).exports.length === 1, 'the module decodes');
const artifact = serialize(compileModule(wasm, { target: 'x86_64' }));
check(deserialize(artifact, { isa: 'x86_64', settings: [] }).modules.length === 1, 'the artifact reads back');
if (process.platform === 'linux' && process.arch === 'x64') {
  const runtime = new Runtime();
  try {
    const sum = runtime.instantiate(runtime.load(artifact)).invoke('add', [i32(40), i32(2)]);
    check(JSON.stringify(sum) === JSON.stringify([{ type: 'i32', value: 42 }]), 'the runtime adds');
  } finally {
    runtime.close();
  }
}

// cli: a command line in-process.
let printed = '';
const io: Io = { out: (s) => void (printed += s), err: (s) => void (printed += s), errIsTTY: false };
check((await main(['--help'], io)) === 0 && printed.includes('Usage: windlass COMMAND'), 'windlass --help');

console.log('consumer program: every package works');
