import { ManualClock } from '../../src/clock';
import { Store } from '../../src/store';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, TEST_NOW, type TestService } from '../support/service';
import { blockActionsBody, post, sign, slashBody } from '../support/slack-requests';

/*
 * What a `/privacy` costs (issue 30): the platform is asked who someone is only when the store
 * does not know them or its copy is a day old, and a known person costs no write of the
 * forgotten list. The store's statements are observed through its statement log.
 */
const FORM = 'application/x-www-form-urlencoded';
const statements: string[] = [];
let t: TestService;
let store: Store;
let clock: ManualClock;

/** What went through Node's own fetch (the Web API client takes it when it is built). */
const fetched: string[] = [];
const nodeFetch = globalThis.fetch;

beforeAll(async () => {
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return nodeFetch(input, init);
  }) as typeof fetch;
  clock = new ManualClock(TEST_NOW);
  store = await Store.open({ clock, onStatement: (sql) => statements.push(sql) });
  t = await startTestService({ teams: false, store, clock });
  addFleetToSlack(t);
  t.slack.addUser({ id: 'U_STRANGER', team: 'T_FLEET', email: 'stranger@elsewhere.example', locale: 'fr-FR', name: 'Stranger' });
  t.slack.addUser({ id: 'U_STRANGER_2', team: 'T_FLEET', email: 'stranger2@elsewhere.example', locale: 'fr-FR', name: 'Stranger 2' });
  // Three open days for the drivers: the overview shows them all.
  for (const day of ['2026-11-20', '2026-11-23', TEST_DAY]) await t.service.core.dailyRun.run(day);
});
afterAll(async () => {
  await t.stop();
  await store.close();
  globalThis.fetch = nodeFetch;
});

/** `/privacy` from `user`, until its answer holds `until`; the statements it cost. */
async function privacy(user: string, until: RegExp): Promise<string[]> {
  statements.length = 0;
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command: '/privacy', text: '', user, responseUrl });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  await eventually(() => t.slack.responses.some((r) => responseUrl.endsWith(r.id) && until.test(JSON.stringify(r.body))), 10_000);
  return [...statements];
}

const usersInfo = (user: string) => t.slack.callsTo('users.info').filter((c) => c.args.user === user).length;
const writes = (sql: string[], table: string) => sql.filter((s) => new RegExp(`^\\s*(insert into|update|delete from) "?${table}"?\\b`, 'i').test(s));

describe('one HTTP client for Slack', () => {
  it("Web API calls and response_url answers go through undici's pool, not Node's own fetch", async () => {
    const calls = t.slack.calls.length;
    fetched.length = 0;
    await privacy('U_STRANGER_2', /./);
    expect(t.slack.calls.slice(calls).map((c) => c.method)).toContain('users.info');
    expect(fetched.filter((url) => url.startsWith(t.slack.url))).toEqual([]);
  });
});

describe('who is asking, at the cost of a statement', () => {
  it('a driver the daily run found is not looked up again: no users.info, no upsert of their row, no write of the forgotten list', async () => {
    const sql = await privacy('U_9', /"ans:/);
    expect(usersInfo('U_9')).toBe(0);
    expect(writes(sql, 'people')).toEqual([]);
    expect(writes(sql, 'forgotten')).toEqual([]);
  });

  it('a /privacy of a known driver is two statements, whatever the open days: who is asking with the request claimed and their prompts with their answers, then the history suggestions come from', async () => {
    expect((await store.prompts.recent(t.sim.fleet.byIndex(9).individuId, '2026-11-01')).length).toBeGreaterThanOrEqual(2);
    const sql = await privacy('U_9', /"ans:/);
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/from people[\s\S]*insert into handled_requests[\s\S]*from daily_prompts/);
    expect(sql[1]).toMatch(/answered_trips/);
  });

  it('someone the store does not know is looked up once, then not again until their profile is a day old', async () => {
    await privacy('U_STRANGER', /stranger@elsewhere\.example/);
    expect(usersInfo('U_STRANGER')).toBe(1);
    await privacy('U_STRANGER', /stranger@elsewhere\.example/);
    expect(usersInfo('U_STRANGER')).toBe(1);
    clock.advance(25 * 60 * 60_000);
    await privacy('U_STRANGER', /stranger@elsewhere\.example/);
    expect(usersInfo('U_STRANGER')).toBe(2);
  });

  it("a known person whose driver had been forgotten is remembered when they write (a manager's link after the forget)", async () => {
    const driver = t.sim.fleet.byIndex(11);
    await store.db.insertInto('forgotten').values({ individu_id: driver.individuId, forgotten_at: clock.now() }).execute();
    expect(await store.erasure.forgotten([driver.individuId])).toEqual(new Set([driver.individuId]));
    const sql = await privacy('U_11', /Bonjour|Hello/);
    expect(writes(sql, 'forgotten')).toHaveLength(1);
    expect(await store.erasure.forgotten([driver.individuId])).toEqual(new Set());
  });
});

describe('what a click costs', () => {
  it('the click and its delivery read the prompt, its answers and its messages in one statement a drawing, and claim the delivery without a transaction', async () => {
    const dm = t.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'D_U_9' && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'privacy_prompt');
    const buttons = ((dm?.args.blocks ?? []) as { elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);
    const button = buttons.find((e) => e.value?.endsWith(':0:professional'));
    if (!dm || !button) throw new Error('no prompt sent to U_9');
    statements.length = 0;
    const updates = t.slack.callsTo('chat.update').length;
    const body = blockActionsBody({
      user: 'U_9',
      actionId: button.action_id,
      value: button.value,
      responseUrl: t.slack.responseUrl(),
      ts: String(dm.result?.ts),
    });
    expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
    // Drawn "saving", then "saved at" once Ocean has it.
    await eventually(
      () =>
        t.slack
          .callsTo('chat.update')
          .slice(updates)
          .some((c) => /enregistré à|saved at/.test(JSON.stringify(c.args.blocks))),
      10_000,
    );
    const sql = [...statements];
    const reads = (table: string) => sql.filter((s) => new RegExp(`^\\s*select \\* from "${table}" where`, 'i').test(s));
    expect(reads('trip_answers')).toEqual([]);
    expect(reads('prompt_messages')).toEqual([]);
    expect(sql.filter((s) => /json_agg\(m order by m.id\)/.test(s))).toHaveLength(2);
    // One transaction: the answer's own, before the acknowledgement.
    expect(sql.filter((s) => /^\s*begin/i.test(s))).toHaveLength(1);
    // In it, three statements: the request claimed with the trip locked, the trip's latest answer, every write (answer, history, audit).
    const begin = sql.findIndex((s) => /^\s*begin/i.test(s));
    const commit = sql.findIndex((s) => /^\s*commit/i.test(s));
    expect(sql.slice(begin + 1, commit)).toHaveLength(3);
    expect(sql[commit - 1]).toMatch(/insert into "trip_answers"[\s\S]*insert into "answered_trips"[\s\S]*insert into "audit_log"/);
    // Where the click was is remembered in one statement (what the message showed before forgotten with it).
    expect(sql.filter((s) => /prompt_messages/.test(s) && /^\s*(with|insert|update|delete)/i.test(s))).toHaveLength(1);
  });
});

describe('a service that starts', () => {
  it("loads Ocean's directory before its first request, so that request does not wait for it", async () => {
    const own = await startTestService({ teams: false, jobs: true });
    try {
      await eventually(() => own.sim.requestsTo('individus/list').length > 0 && own.sim.requestsTo('vehicule_engin/vehicles').length > 0, 10_000);
    } finally {
      await own.stop();
    }
  });
});
