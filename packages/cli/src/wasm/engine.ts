/**
 * What the `.wast` runner needs from an execution engine. Engines report outcomes with the
 * error classes below; anything else thrown is a harness failure.
 */
import type { Module } from '@windlass/wasm-frontend';
import type { WastValue } from './values';

export class WastTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WastTrap';
  }
}
export class WastExhaustion extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WastExhaustion';
  }
}
export class WastLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WastLinkError';
  }
}

export interface WastInstance {
  readonly module: Module;
}

export interface WastEngine {
  readonly name: string;
  /**
   * Trap messages are the spec's (from the frontend's trap codes), so `assert_trap` also checks
   * the message. Node's engine reports V8's own wording: only "it trapped" is checked there.
   */
  readonly specTrapMessages?: boolean;
  /** Instantiates a validated module against the registered modules (and `spectest`). */
  instantiate(bytes: Uint8Array, module: Module): WastInstance;
  /** Makes an instance's exports importable under `name`. */
  register(name: string, inst: WastInstance): void;
  invoke(inst: WastInstance, field: string, args: WastValue[]): WastValue[];
  get(inst: WastInstance, field: string): WastValue;
  /** Releases what the engine holds (a loader process) once the script is done. */
  dispose?(): void;
}
