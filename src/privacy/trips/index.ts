/*
 * privacy/trips/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * A driver's trips and private hours as Ocean has them. Owns the trip of a prompt (trip.ts),
 * the reading of a day's trips from Ocean (trips.ts) and the weekly private hours (hours.ts).
 * May use: nothing but the kernel (../directory.ts).
 */
export { END_OF_DAY, formatMinutes, PrivateHours, type WeeklyRange } from './hours';
export { promptTrip, promptTrips, type Trip } from './trip';
export { TripsService } from './trips';
