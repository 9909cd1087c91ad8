import type { Store } from '../../store';

/**
 * Why the bot cannot reach a driver, as a manager can act on it:
 * - `noEmail`: Ocean has no e-mail for them, so no chat account can be matched;
 * - `notInTenant`: Microsoft Graph found no user with that e-mail in the fleet's tenants;
 * - `installRefused`: the tenant refused to install the Teams app for them (policy, consent, catalogue);
 * - `blocked`: they blocked the bot in Teams (403 `MessageWritesBlocked`);
 * - `notInChat`: no chat account found with the driver's Ocean e-mail (not in Slack, never wrote on Teams);
 * - `notInstalled`: known on Teams, but the app is not installed for them (or was removed).
 * Each reason has its words under `unreachable.reason.<reason>` and what a manager can do under
 * `unreachable.fix.<reason>` (fr.ts, en.ts).
 */
export type UnreachableReason = 'noEmail' | 'notInTenant' | 'installRefused' | 'blocked' | 'notInChat' | 'notInstalled';

export const UNREACHABLE_REASONS: readonly UnreachableReason[] = ['noEmail', 'notInTenant', 'installRefused', 'blocked', 'notInChat', 'notInstalled'];

function isReason(value: string): value is UnreachableReason {
  return (UNREACHABLE_REASONS as readonly string[]).includes(value);
}

/** Why each of these drivers (Ocean individu ids) cannot be reached; drivers who can are absent. */
export async function unreachableReasons(store: Store, individuIds: number[]): Promise<Map<number, UnreachableReason>> {
  const found = new Map<number, UnreachableReason>();
  for (const [id, problem] of await store.reach.problems(individuIds)) if (isReason(problem.reason)) found.set(id, problem.reason);
  return found;
}

/** Records why a driver cannot be reached (the latest reason found wins). `detail` is for operators. */
export function noteUnreachable(store: Store, individuId: number, reason: UnreachableReason, detail?: string): Promise<void> {
  return store.reach.noteProblem(individuId, reason, detail ?? null);
}

/** The driver was reached: nothing to report any more. */
export function noteReached(store: Store, individuId: number): Promise<void> {
  return store.reach.clearProblem(individuId);
}
