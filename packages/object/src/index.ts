/**
 * @windlass/object: relocatable ELF objects from compiled functions and data.
 *
 *   CompiledCode / bytes ──ObjectModule──> sections (.text .rodata .data.rel.ro .data .bss)
 *   + relocations + symbols + .eh_frame (from UnwindInfo) ──writeElfRelocatable──> Uint8Array
 */
export * from './errors';
export * from './module';
export * from './elf/machines';
export * from './elf/writer';
export * as elf from './elf/constants';
