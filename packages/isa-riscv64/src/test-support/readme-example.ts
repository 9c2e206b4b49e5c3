import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseFunction } from '@windlass/ir';
import { buildIsa } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '@windlass/isa-riscv64'; // registers the riscv64 backend with @windlass/codegen

// 1. A function in CLIF text: sum(n) = 0 + 1 + ... + (n - 1).
const f = parseFunction(`function %sum(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v1, v1)
block1(v2: i64, v3: i64):
    v4 = icmp slt v2, v0
    brif v4, block2, block3
block2:
    v5 = iadd v3, v2
    v6 = iadd_imm v2, 1
    jump block1(v6, v5)
block3:
    return v3
}`);

// 2. Compile it for RV64GC with the bit-manipulation extension Zbb.
const code = buildIsa('riscv64 has_c has_zbb').compileFunction(f);

// 3. Write a relocatable ELF object exporting it.
const obj = new ObjectModule({ target: 'riscv64' });
obj.defineFunction(obj.declareFunction('sum', 'export'), code);
writeFileSync('sum.o', obj.finish());

// 4. Link it with a C program by the cross compiler and run it under qemu-user.
writeFileSync('main.c', '#include <stdio.h>\nlong sum(long);\nint main(void) { printf("%ld\\n", sum(100)); return 0; }\n');
execFileSync('riscv64-linux-gnu-gcc', ['main.c', 'sum.o', '-o', 'sum']);
console.log(execFileSync('qemu-riscv64', ['-L', '/usr/riscv64-linux-gnu', './sum'], { encoding: 'utf8' }).trim()); // 4950
