/*
 * privacy/report/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * The reports a manager (or a driver, of their own figures) asks for. Owns the reading of
 * Ocean's analysis (analysis.ts, keys.ts), the rows and totals (rows.ts), their views, CSV and chart
 * (format.ts, csv.ts, chart.ts), the periods (periods.ts), the benefit in kind (benefit-in-kind.ts,
 * benefit-view.ts), the weekly digest (weekly-digest.ts), the non-responders (non-responders.ts,
 * non-responders-view.ts) and a driver's own figures (own-figures.ts).
 * May use: daily, trips, people, scope, reach (and the kernel: ../directory.ts, ../ports.ts).
 */
export { PeriodKeys } from './keys';
export { NonResponders } from './non-responders';
export { nonRespondersView, reminderOutcomeView } from './non-responders-view';
export { OwnFigures } from './own-figures';
export { isPeriodError, isPeriodWord, lastMonth, type Period, parsePeriod } from './periods';
export { ReportService } from './reports';
export { type DigestReport, WeeklyDigest } from './weekly-digest';
