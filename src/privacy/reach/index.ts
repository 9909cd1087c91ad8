export { noteReached, noteUnreachable, UNREACHABLE_REASONS, type UnreachableReason, unreachableReasons } from './reasons';
export { notReachableBlocks, UNREACHABLE_SHOWN, type UnreachableDriver, unreachableDrivers } from './view';
