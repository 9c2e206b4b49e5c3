/**
 * @windlass/codegen: the ISA-independent backend.
 *
 *   ir.Function ──lower (ISA rules)──> VCode ──regalloc──> emit ──> MachBuffer ──finish──> CompiledCode
 *                                                                    (bytes, labels,       (bytes, relocs,
 *                                                                     fix-ups, islands)     traps, unwind)
 *
 * settings/  shared flags and the SettingsTemplate mechanism ISA flags use too
 * isa/       TargetIsa, CompiledCode, the ISA registry and target-line parsing
 * buffer/    MachBuffer: machine code bytes, labels, branch simplification, constant pool, veneers
 * unwind/    ISA-neutral CFI rows and their `.eh_frame` encoding
 */
export * from './settings';
export * from './isa';
export * from './buffer';
export * from './unwind';
// lower/     lowering mechanism (LowerCtx, RuleTable), VCode + regalloc view, compile(), errors
export * from './lower';
// opt/       the mid-end: constant folding, GVN, branch folding, DCE, LICM (`optimize`)
export * from './opt';
// backend/   the compile driver every ISA plugs into (`MachineBackend`, `defineIsa`), shared
//            emission (EmitSink, emitBody, Listing) and lowering-state pieces (slots, traps, constants)
export * from './backend';
