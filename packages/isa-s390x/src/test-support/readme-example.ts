import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseFunction } from '@windlass/ir';
import { buildIsa } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '@windlass/isa-s390x'; // registers the s390x backend with @windlass/codegen

// 1. A function: the dot product of two i32x4 vectors (lanes in memory order, big-endian).
const f = parseFunction(`function %dot(i64, i64) -> i32 {
block0(v0: i64, v1: i64):
    v2 = load.i32x4 v0
    v3 = load.i32x4 v1
    v4 = imul v2, v3
    v5 = extractlane v4, 0
    v6 = extractlane v4, 1
    v7 = extractlane v4, 2
    v8 = extractlane v4, 3
    v9 = iadd v5, v6
    v10 = iadd v7, v8
    v11 = iadd v9, v10
    return v11
}`);

// 2. Compile it for s390x (z14 and later; `s390x arch13` would add the z15 facilities).
const code = buildIsa('s390x').compileFunction(f);

// 3. Write a big-endian relocatable ELF object exporting it.
const obj = new ObjectModule({ target: 's390x' });
obj.defineFunction(obj.declareFunction('dot', 'export'), code);
writeFileSync('dot.o', obj.finish());

// 4. Link it with a C program and run it under qemu-user.
writeFileSync('main.c', '#include <stdio.h>\nint dot(const int *, const int *);\n'
  + 'int main(void) { int a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}; printf("%d\\n", dot(a, b)); return 0; }\n');
execFileSync('s390x-linux-gnu-gcc', ['main.c', 'dot.o', '-o', 'dot']);
console.log(execFileSync('qemu-s390x', ['-L', '/usr/s390x-linux-gnu', './dot'], { encoding: 'utf8' }).trim()); // 70
