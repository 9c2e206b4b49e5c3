// Types of tools/packages.mjs for the TypeScript tools that use it.
import type { SpawnSyncReturns } from 'node:child_process';

export interface WorkspacePackage {
  dir: string;
  name: string;
  pkg: { name: string; private?: boolean; bin?: Record<string, string>; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; [key: string]: unknown };
}
export interface Tarball {
  tarball: string;
  files: string[];
}
export function workspacePackages(root: string): WorkspacePackage[];
export function packPackages(root: string, packages: readonly WorkspacePackage[], outDir: string): Map<string, Tarball>;
export function distImports(dir: string): { packages: Set<string>; builtins: Set<string> };
export function installProject(dir: string, tarballs: ReadonlyMap<string, Tarball>, names: readonly string[], extra?: Record<string, unknown>): SpawnSyncReturns<string>;
