import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, post, sign, slashBody } from '../support/slack-requests';
import { openTestStore } from '../support/test-store';

const FORM = 'application/x-www-form-urlencoded';

function users(t: TestService): void {
  t.slack.addUser({ id: 'U_BOSS', team: 'T_FLEET', email: t.sim.fleet.byIndex(0).email as string, locale: 'en-GB', name: 'Boss' });
  t.slack.addUser({ id: 'U_ALICE', team: 'T_FLEET', email: t.sim.fleet.byIndex(9).email as string, locale: 'fr-FR', name: 'Alice' });
}

async function slash(t: TestService, user: string, command: string, text: string) {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command, text, user, responseUrl });
  const res = await post(t.url, body, FORM, sign(body));
  return { res, responses: () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).map((r) => r.body) };
}

/** The value of a button of the prompt Slack received for `channel`. */
function promptButton(t: TestService, channel: string, suffix: string): { action_id: string; value: string } {
  const dm = t.slack
    .callsTo('chat.postMessage')
    .find((c) => c.args.channel === channel && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'privacy_prompt');
  const blocks = (dm?.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[];
  const found = blocks.flatMap((b) => b.elements ?? []).find((e) => e.value?.endsWith(suffix));
  if (!found) throw new Error(`no button ${suffix} in the prompt sent to ${channel}`);
  return found;
}

describe('work after the acknowledgement', () => {
  it('a graceful stop finishes the work it acknowledged before closing the store', async () => {
    const own = await startTestService({ teams: false });
    try {
      users(own);
      own.sim.setFaults({ latencyMs: 300 });
      const first = await slash(own, 'U_BOSS', '/privacy-report', '2026-10');
      const second = await slash(own, 'U_BOSS', '/privacy-report', '2026-09');
      expect([first.res.status, second.res.status]).toEqual([200, 200]);
      await own.service.stop();
      // Both answered (a "preparing…" line, then the table) by the time stop() returned.
      expect(first.responses().length).toBeGreaterThanOrEqual(2);
      expect(second.responses().length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(second.responses().at(-1))).toContain('Private / professional usage');
    } finally {
      await own.stop();
    }
  });

  it('a click is in the store when its acknowledgement arrives, before any call to Slack or Ocean', async () => {
    const t = await startTestService({ teams: false });
    try {
      addFleetToSlack(t);
      await t.service.core.dailyRun.run(TEST_DAY);
      // Slack and Ocean are slow now: nothing of theirs may stand between the click and its ack.
      t.sim.setFaults({ latencyMs: 2_000 });
      t.slack.latencyMs = 2_000;
      const button = promptButton(t, 'D_U_9', ':0:private');
      const body = blockActionsBody({ user: 'U_9', actionId: button.action_id, value: button.value, responseUrl: t.slack.responseUrl() });
      const started = Date.now();
      expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_500);
      const promptId = Number(button.value.split(':')[1]);
      expect((await t.service.core.store.answers.latest(promptId)).map((a) => [a.choice, a.status])).toEqual([['private', 'pending']]);
      t.slack.latencyMs = 0;
      t.sim.setFaults({ latencyMs: 0 });
      await eventually(async () => (await t.service.core.store.answers.latest(promptId))[0]?.status === 'delivered', 10_000);
    } finally {
      await t.stop();
    }
  });
});

describe('replays', () => {
  it("a click replayed within Slack's window, to this instance or another, does not undo a change of mind", async () => {
    const store = await openTestStore();
    const a = await startTestService({ teams: false, store });
    const b = await startTestService({ teams: false, store, simulator: a.sim, fakeSlack: a.slack });
    try {
      addFleetToSlack(a);
      await a.service.core.dailyRun.run(TEST_DAY);
      const privately = promptButton(a, 'D_U_9', ':0:private');
      const professionally = promptButton(a, 'D_U_9', ':0:professional');
      const promptId = Number(privately.value.split(':')[1]);
      const first = blockActionsBody({ user: 'U_9', actionId: privately.action_id, value: privately.value, responseUrl: a.slack.responseUrl() });
      const firstHeaders = sign(first);
      expect((await post(a.url, first, FORM, firstHeaders)).status).toBe(200);
      const second = blockActionsBody({ user: 'U_9', actionId: professionally.action_id, value: professionally.value, responseUrl: a.slack.responseUrl() });
      expect((await post(a.url, second, FORM, sign(second))).status).toBe(200);
      // The first click's very bytes and signature again, to both instances.
      expect((await post(a.url, first, FORM, firstHeaders)).status).toBe(200);
      expect((await post(b.url, first, FORM, firstHeaders)).status).toBe(200);
      await eventually(() => b.logs.some((l) => l.includes('replayed request ignored')) && a.logs.some((l) => l.includes('replayed request ignored')));
      expect((await store.answers.latest(promptId)).map((r) => r.choice)).toEqual(['professional']);
      await a.service.core.outbox.drain();
      const trip = Number((await store.answers.latest(promptId))[0]!.trip_id);
      await eventually(() => a.sim.state.tripMarks.get(trip) === false);
    } finally {
      await b.stop();
      await a.stop();
      await store.close();
    }
  });
});
