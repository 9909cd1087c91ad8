/*
 * privacy/reach/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * Whether a driver can be reached in the chat, and why not. Owns the reach of the drivers
 * (drivers.ts), the reasons noted in the store (reasons.ts) and the Teams app installs (teams-installs.ts).
 * May use: nothing but the kernel (../directory.ts, ../ports.ts).
 */
export { Reach, type ReachDeps, type Unreachable } from './drivers';
export { noteReached, noteUnreachable, UNREACHABLE_REASONS, type UnreachableReason, unreachableReasons } from './reasons';

export { TeamsInstaller } from './teams-installs';
