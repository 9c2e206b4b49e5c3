import type { RuleTable } from '@windlass/codegen';
import type { S390xLower } from './state';

export function lowerI128Rules(_r: RuleTable<S390xLower>): void {}
