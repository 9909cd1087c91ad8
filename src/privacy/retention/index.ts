/*
 * privacy/retention/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * Forgetting. Owns the erasure of a person on request and the deletion of old data (retention.ts).
 * May use: people, daily, scope (and the kernel: ../directory.ts).
 */
export { RetentionService } from './retention';
