import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Function, FunctionBuilder, I64, abiParam } from '@windlass/ir';
import { buildIsa, settingsBuilder } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '@windlass/isa-aarch64'; // registers the aarch64 backend with @windlass/codegen

// 1. Build sum(n) = 0 + 1 + ... + (n - 1) with the FunctionBuilder (variables become SSA values).
const f = new Function();
f.name = { kind: 'testcase', name: 'sum' };
f.signature = { params: [abiParam(I64)], returns: [abiParam(I64)], callConv: 'system_v' };
const b = new FunctionBuilder(f);
const [entry, header, body, exit] = [b.createBlock(), b.createBlock(), b.createBlock(), b.createBlock()];
const [n] = b.appendBlockParamsForFunctionParams(entry);
const i = b.declareVar(I64);
const total = b.declareVar(I64);
b.switchToBlock(entry);
b.sealBlock(entry);
b.defVar(i, b.ins.iconst(I64, 0));
b.defVar(total, b.ins.iconst(I64, 0));
b.ins.jump(header);
b.switchToBlock(header);
b.ins.brif(b.ins.icmp('slt', b.useVar(i), n), body, [], exit, []);
b.switchToBlock(body);
b.sealBlock(body);
b.defVar(total, b.ins.iadd(b.useVar(total), b.useVar(i)));
b.defVar(i, b.ins.iadd_imm(b.useVar(i), 1));
b.ins.jump(header);
b.sealBlock(header);
b.switchToBlock(exit);
b.sealBlock(exit);
b.ins.return([b.useVar(total)]);
b.finalize();

// 2. Compile it for AArch64 with shared settings (opt_level=speed runs the mid-end) and ISA flags.
const flags = settingsBuilder().set('opt_level', 'speed').finish();
const code = buildIsa('aarch64 has_lse', flags).compileFunction(f);

// 3. Write a relocatable ELF object exporting it.
const obj = new ObjectModule({ target: 'aarch64' });
obj.defineFunction(obj.declareFunction('sum', 'export'), code);
writeFileSync('sum.o', obj.finish());

// 4. Link it with a C program by the cross compiler and run it under qemu-user.
writeFileSync('main.c', '#include <stdio.h>\nlong sum(long);\nint main(void) { printf("%ld\\n", sum(100)); return 0; }\n');
execFileSync('aarch64-linux-gnu-gcc', ['main.c', 'sum.o', '-o', 'sum']);
console.log(execFileSync('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', './sum'], { encoding: 'utf8' }).trim()); // 4950
