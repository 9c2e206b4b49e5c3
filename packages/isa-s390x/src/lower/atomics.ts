import type { RuleTable } from '@windlass/codegen';
import type { S390xLower } from './state';

export function lowerAtomicRules(_r: RuleTable<S390xLower>): void {}
