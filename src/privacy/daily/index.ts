/*
 * privacy/daily/ — this file is the room's door: other rooms, src/chat, src/app.ts and the
 * adapters import the room through it only (test/boundary.test.ts checks).
 *
 * The daily question, from the run to Ocean. Owns the daily run (run.ts: whom to ask, when),
 * the prompt's view and its messages (prompt-view.ts, prompt-messages.ts, overview.ts, day-distances.ts),
 * the answers to a click (answers.ts, answer-window.ts, answer-status.ts), the suggestions from a driver's
 * own history (suggestions.ts, suggestion-rule.ts, sandbox-history.ts), and the outbox that carries every
 * answer to Ocean (outbox.ts).
 * May use: trips, people, reach (and the kernel: ../directory.ts, ../ports.ts).
 */
export { AnswerWindow, dayToRun } from './answer-window';
export { AnswerService, type RecordedClick } from './answers';
export { Outbox } from './outbox';
export { OverviewService, type OverviewSubject } from './overview';
export { PromptMessages } from './prompt-messages';
export { pageOfTrip } from './prompt-view';
export { DailyRun } from './run';
export { seedSandboxHistory } from './sandbox-history';
export { Suggestions } from './suggestions';
