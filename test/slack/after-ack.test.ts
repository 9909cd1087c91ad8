import { startTestService, eventually, type TestService } from '../support/service';
import { Store } from '../../src/store';
import { post, sign, slashBody } from '../support/slack-requests';

const FORM = 'application/x-www-form-urlencoded';

function users(t: TestService): void {
  t.slack.addUser({ id: 'U_BOSS', team: 'T_FLEET', email: t.sim.fleet.byIndex(0).email as string, locale: 'en-GB', name: 'Boss' });
  t.slack.addUser({ id: 'U_ALICE', team: 'T_FLEET', email: t.sim.fleet.byIndex(9).email as string, locale: 'fr-FR', name: 'Alice' });
}

async function slash(t: TestService, user: string, command: string, text: string, headers?: Record<string, string>) {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command, text, user, responseUrl });
  const signed = headers ?? sign(body);
  const res = await post(t.url, body, FORM, signed);
  return { res, body, headers: signed, responses: () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).map((r) => r.body) };
}

async function shed(t: TestService): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return Number(/^chat_requests_shed_total (\d+)/m.exec(text)?.[1]);
}

describe('work after the acknowledgement', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false, afterAck: { concurrency: 1, capacity: 1 } });
    users(t);
  });
  afterAll(() => t.stop());

  it('when the queue is full, the acknowledgement itself says "busy" in the user\'s language, and nothing is done', async () => {
    // Each user once, so the bot knows their language.
    for (const user of ['U_BOSS', 'U_ALICE']) {
      const { responses } = await slash(t, user, '/privacy', 'help');
      await eventually(() => responses().length === 1);
    }
    t.sim.setFaults({ latencyMs: 800 });
    const before = t.sim.requestsTo('analyse/preformattedPrivacy').length;
    const running = await slash(t, 'U_BOSS', '/privacy-report', '2026-10');
    // Its work has started ("preparing…" sent): the next request waits in the queue.
    await eventually(() => running.responses().length >= 1);
    const waiting = await slash(t, 'U_BOSS', '/privacy-report', '2026-09');
    const french = await slash(t, 'U_ALICE', '/privacy', '');
    const english = await slash(t, 'U_BOSS', '/privacy-report', '2026-08');
    for (const accepted of [running, waiting]) {
      expect(accepted.res.status).toBe(200);
      expect(accepted.res.text).toBe('');
    }
    expect(french.res.status).toBe(200);
    expect(JSON.parse(french.res.text)).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('trop de demandes') });
    expect(JSON.parse(english.res.text)).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('too many requests') });
    expect(await shed(t)).toBe(2);
    // The two accepted reports are done; the two refused requests did nothing.
    await eventually(() => running.responses().length >= 2 && waiting.responses().length >= 2, 15_000);
    t.sim.setFaults({ latencyMs: 0 });
    const periods = t.sim
      .requestsTo('analyse/preformattedPrivacy')
      .slice(before)
      .map((r) => (r.body as { periode: { debut: string } }).periode.debut);
    expect(periods).toEqual(['2026-09-30T22:00:00.000Z', '2026-08-31T22:00:00.000Z']);
    await new Promise((r) => setTimeout(r, 200));
    expect(french.responses()).toEqual([]);
    expect(english.responses()).toEqual([]);
  });

  it('a graceful stop finishes the work it acknowledged before closing the store', async () => {
    const own = await startTestService({ teams: false, afterAck: { concurrency: 1, capacity: 10 } });
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
});

describe('replays across instances', () => {
  it('a signed request replayed to another instance is acknowledged there but not acted on', async () => {
    // Two instances on one store; each remembers only what it saw itself.
    const store = await Store.open({});
    const a = await startTestService({ teams: false, store });
    const b = await startTestService({ teams: false, store, simulator: a.sim, fakeSlack: a.slack });
    try {
      users(a);
      const before = a.sim.requestsTo('analyse/preformattedPrivacy').length;
      const original = await slash(a, 'U_BOSS', '/privacy-report', '2026-10');
      expect(original.res.status).toBe(200);
      await eventually(() => original.responses().length >= 2, 10_000);
      // The same bytes and signature, to the other instance, which has not seen them.
      const replay = await post(b.url, original.body, FORM, original.headers);
      expect(replay.status).toBe(200);
      // The first instance refuses its own replay at the door.
      expect((await post(a.url, original.body, FORM, original.headers)).status).toBe(401);
      await eventually(() => b.logs.some((l) => l.includes('replayed Slack request ignored')));
      expect(a.sim.requestsTo('analyse/preformattedPrivacy').length - before).toBe(1);
      expect(original.responses().length).toBe(2);
    } finally {
      await b.stop();
      await a.stop();
      await store.close();
    }
  });
});
