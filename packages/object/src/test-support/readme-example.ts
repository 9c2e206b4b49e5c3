import { ObjectModule } from '@windlass/object';

const m = new ObjectModule({ target: 'x86_64' });
const add = m.declareFunction('add', 'export');
m.defineFunction(add, { bytes: new Uint8Array([0x89, 0xf8, 0x01, 0xf0, 0xc3]) }); // mov eax, edi; add eax, esi; ret
const table = m.declareData('table', 'export');
m.defineData(table, {
  bytes: new Uint8Array(8), align: 8,
  relocs: [{ offset: 0, kind: 'Abs8', target: { kind: 'symbol', name: 'add' }, addend: 0 }],
});
const elf: Uint8Array = m.finish(); // write it to add.o, then: cc main.c add.o
console.log(new TextDecoder().decode(elf.subarray(1, 4))); // ELF
