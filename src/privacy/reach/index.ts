export { Reach, type ReachDeps, type Unreachable } from './drivers';
export { noteReached, noteUnreachable, UNREACHABLE_REASONS, type UnreachableReason, unreachableReasons } from './reasons';
