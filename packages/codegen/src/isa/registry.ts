import { defaultFlags, type Flags, formatLocation, type SourceLocation } from '../settings';
import type { IsaDescriptor, TargetIsa, Triple } from './types';

export type IsaErrorKind = 'unknown-isa' | 'unsupported-isa' | 'bad-target' | 'duplicate-isa';

export class IsaError extends Error {
  override readonly name = 'IsaError';
  constructor(
    readonly kind: IsaErrorKind,
    /** The offending text (`sparc64`, `x86_64-`, ...). */
    readonly text: string,
    message: string,
    readonly location: SourceLocation = {},
  ) {
    super(formatLocation(location) + message);
  }
}

const registry = new Map<string, IsaDescriptor>();
const byArchitecture = new Map<string, IsaDescriptor>();

/**
 * Architectures Windlass or Cranelift know of: a target line naming one of these without a
 * registered backend is "unsupported" (import the ISA package), anything else is "unknown".
 */
const KNOWN_ARCHITECTURES = new Map<string, string>([
  ['x86_64', '@windlass/isa-x64'], ['aarch64', '@windlass/isa-aarch64'], ['arm64', '@windlass/isa-aarch64'],
  ['riscv64', '@windlass/isa-riscv64'], ['riscv64gc', '@windlass/isa-riscv64'], ['s390x', '@windlass/isa-s390x'],
  ['i686', ''], ['i386', ''], ['x86', ''], ['arm', ''], ['armv7', ''], ['riscv32', ''],
  ['pulley32', ''], ['pulley64', ''], ['pulley32be', ''], ['pulley64be', ''],
]);

export function registerIsa(descriptor: IsaDescriptor): void {
  const existing = registry.get(descriptor.name);
  if (existing !== undefined && existing !== descriptor) {
    throw new IsaError('duplicate-isa', descriptor.name, `another backend is already registered for ISA ${descriptor.name}`);
  }
  registry.set(descriptor.name, descriptor);
  byArchitecture.set(descriptor.name, descriptor);
  for (const a of descriptor.aliases ?? []) byArchitecture.set(a, descriptor);
}

/** Removes a registration (tests use this to register fakes without leaking them). */
export function unregisterIsa(name: string): void {
  const d = registry.get(name);
  if (d === undefined) return;
  registry.delete(name);
  for (const [k, v] of byArchitecture) if (v === d) byArchitecture.delete(k);
}

export function registeredIsas(): IsaDescriptor[] {
  return [...registry.values()];
}

/** The descriptor for an ISA name or triple architecture; throws `IsaError` if none. */
export function lookupIsa(name: string, location?: SourceLocation): IsaDescriptor {
  const d = byArchitecture.get(name);
  if (d !== undefined) return d;
  const pkg = KNOWN_ARCHITECTURES.get(name);
  if (pkg === undefined) {
    const known = [...new Set([...byArchitecture.keys(), 'x86_64', 'aarch64', 'riscv64', 's390x'])].sort().join(', ');
    throw new IsaError('unknown-isa', name, `unknown ISA '${name}' (known: ${known})`, location);
  }
  throw new IsaError('unsupported-isa', name, pkg === ''
    ? `ISA '${name}' is not supported by Windlass`
    : `no backend registered for ISA '${name}': import '${pkg}' to register it`, location);
}

const OS_FORMATS: Record<string, Triple['binaryFormat']> = {
  linux: 'elf', unknown: 'elf', none: 'elf', freebsd: 'elf', netbsd: 'elf', openbsd: 'elf',
  darwin: 'macho', macos: 'macho', ios: 'macho', windows: 'coff',
};

/**
 * Parses `arch`, `arch-vendor-os` or `arch-vendor-os-env` (`x86_64-unknown-linux-gnu`).
 * The architecture must name a registered ISA.
 */
export function parseTriple(text: string, location?: SourceLocation): { isa: IsaDescriptor; triple: Triple } {
  const parts = text.split('-');
  if (parts.some((p) => p.length === 0) || parts.length > 4 || parts.length === 2) {
    throw new IsaError('bad-target', text,
      `malformed target triple '${text}': expected arch, arch-vendor-os or arch-vendor-os-env`, location);
  }
  const isa = lookupIsa(parts[0], location);
  const os = parts[2] ?? 'unknown';
  const triple: Triple = {
    architecture: parts[0],
    vendor: parts[1] ?? 'unknown',
    os,
    environment: parts[3] ?? 'unknown',
    binaryFormat: OS_FORMATS[os] ?? 'unknown',
  };
  return { isa, triple };
}

/** The platform calling convention of a triple: what `call_conv=isa_default` resolves to. */
export function defaultCallConv(triple: Triple): 'system_v' | 'windows_fastcall' | 'apple_aarch64' {
  if (triple.os === 'windows') return 'windows_fastcall';
  if (triple.architecture === 'aarch64' && triple.binaryFormat === 'macho') return 'apple_aarch64';
  return 'system_v';
}

export interface ParsedTarget {
  readonly isa: IsaDescriptor;
  readonly triple: Triple;
  /** The ISA flags with the line's items applied. */
  readonly flags: Flags;
}

/**
 * Parses a CLIF `target` line: `x86_64 has_avx has_bmi2`, `s390x arch13`,
 * `x86_64-unknown-linux-gnu haswell`, `riscv64 has_zbb=false` (with or without `target`).
 * Unknown ISAs and flags throw `IsaError` / `SettingsError`.
 */
export function parseTargetLine(line: string, location?: SourceLocation): ParsedTarget {
  const items = line.trim().split(/\s+/).filter((s) => s.length > 0);
  const start = items[0] === 'target' ? 1 : 0;
  if (items.length <= start) {
    throw new IsaError('bad-target', line, 'target line names no ISA', location);
  }
  const { isa, triple } = parseTriple(items[start], location);
  const b = isa.settings.builder();
  for (let i = start + 1; i < items.length; i++) b.apply(items[i], location);
  return { isa, triple, flags: b.finish() };
}

/** Builds a configured `TargetIsa` from a target line and the shared flags (default: all defaults). */
export function buildIsa(targetLine: string, flags: Flags = defaultFlags(), location?: SourceLocation): TargetIsa {
  const t = parseTargetLine(targetLine, location);
  return t.isa.create(t.triple, flags, t.flags);
}
