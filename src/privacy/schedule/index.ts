/*
 * privacy/schedule/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * A driver's private hours as the chat edits them. Owns the schedule service (schedules.ts)
 * and its form (form.ts).
 * May use: trips, people (and the kernel: ../directory.ts).
 */
export { ScheduleService } from './schedules';
