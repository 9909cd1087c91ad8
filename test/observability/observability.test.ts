import { Writable } from 'node:stream';
import { createLogger, REDACTED_PATHS } from '../../src/log';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, post, SIGNING_SECRET, sign, slashBody, viewSubmissionBody } from '../support/slack-requests';

const FORM = 'application/x-www-form-urlencoded';

describe('observability', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false, logLevel: 'debug' });
    addFleetToSlack(t);
  });
  afterAll(() => t.stop());

  it('a full run of the product logs no token, password, secret or trip address', async () => {
    await t.service.core.dailyRun.run(TEST_DAY);
    const prompt = (await t.service.core.store.prompts.forDay(TEST_DAY))[0]!;
    const person = await t.service.core.store.people.byId(prompt.person_id!);
    const click = blockActionsBody({
      user: person!.chat_user_id,
      actionId: 'trip_answer:0',
      value: `ans:${prompt.id}:all:private`,
      responseUrl: t.slack.responseUrl(),
    });
    await post(t.url, click, FORM, sign(click));
    await eventually(async () => (await t.service.core.store.answers.latest(prompt.id)).every((a) => a.status === 'delivered'));
    t.sim.expireTokens(); // forces a 401 and a fresh login
    const report = slashBody({ command: '/privacy-report', text: 'last-week', user: 'U_0', responseUrl: t.slack.responseUrl() });
    await post(t.url, report, FORM, sign(report));
    const schedule = viewSubmissionBody({
      user: person!.chat_user_id,
      callbackId: 'schedule_form',
      state: `sch:${person!.id}`,
      values: { LUNDI: '18:00-23:59' },
    });
    await post(t.url, schedule, FORM, sign(schedule));
    await eventually(() => t.slack.callsTo('files.completeUploadExternal').length > 0, 15_000);
    await eventually(() => t.slack.callsTo('views.update').some((c) => JSON.stringify(c.args.view).includes('Ocean contient')), 10_000);
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain('"msg":"ocean call"'); // the logs were there to scan
    const secrets = [...t.sim.issuedTokens(), t.sim.password, 'xoxb-test-token', SIGNING_SECRET];
    expect(t.sim.issuedTokens().length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    const addresses = t.sim.fleet.vehicles.flatMap((v) =>
      t.sim.fleet.trips(v.id, TEST_DAY, 'Europe/Paris').flatMap((trip) => [trip.from.address, trip.to.address]),
    );
    for (const address of addresses) expect(logs).not.toContain(address);
    // At debug level too: no driver's e-mail, and no town of a trip (the Slack SDK's debug lines carry whole bodies).
    for (const driver of t.sim.fleet.drivers) if (driver.email) expect(logs).not.toContain(driver.email);
    const towns = new Set(
      t.sim.fleet.vehicles.flatMap((v) => t.sim.fleet.trips(v.id, TEST_DAY, 'Europe/Paris').flatMap((trip) => [trip.from.town, trip.to.town])),
    );
    for (const town of towns) expect(logs).not.toContain(town);
  });

  it('the redaction list covers the secrets the logger could be handed', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write: (chunk: Buffer, _e, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    logger.info(
      {
        token: 't0k3n',
        headers: { 'x-auth-token': 'h34d3r', authorization: 'Bearer b34r3r' },
        slack: { botToken: 'xoxb-1', signingSecret: 's3cr3t' },
        posDeb: { fullAddress: { address: '12 rue X' } },
        ocean: { password: 'pw0rd' },
      },
      'test',
    );
    const text = lines.join('');
    for (const leaked of ['t0k3n', 'h34d3r', 'b34r3r', 'xoxb-1', 's3cr3t', '12 rue X', 'pw0rd']) expect(text).not.toContain(leaked);
    expect(REDACTED_PATHS.length).toBeGreaterThan(10);
  });

  it("a request id given on the way in follows the work into Ocean's requests", async () => {
    const body = slashBody({ command: '/privacy-report', text: 'yesterday', user: 'U_0', responseUrl: t.slack.responseUrl() });
    const res = await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM, 'x-request-id': 'req-test-4242', ...sign(body) },
      body,
    });
    expect(res.headers.get('x-request-id')).toBe('req-test-4242');
    await eventually(() => t.sim.requests.some((r) => r.endpoint === 'analyse/preformattedPrivacy' && r.requestId === 'req-test-4242'), 10_000);
    await eventually(() => t.logs.some((l) => l.includes('"requestId":"req-test-4242"') && l.includes('ocean call')));
  });

  it("a modal submission's request id goes with each Ocean call it makes (reads and writes of private hours)", async () => {
    const driver = t.sim.fleet.byIndex(9);
    const person = await t.service.core.store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_9', email: driver.email });
    const body = viewSubmissionBody({ user: 'U_9', callbackId: 'schedule_form', state: `sch:${person.id}`, values: { MARDI: '19:00-23:00' } });
    const res = await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM, 'x-request-id': 'req-modal-77', ...sign(body) },
      body,
    });
    expect(res.status).toBe(200);
    await eventually(() => t.sim.requests.some((r) => r.endpoint.startsWith('vieprivee/') && r.method === 'POST' && r.requestId === 'req-modal-77'), 10_000);
    const calls = t.sim.requests.filter((r) => r.requestId === 'req-modal-77').map((r) => `${r.method} ${r.endpoint}`);
    expect(calls).toEqual(
      expect.arrayContaining(['GET vieprivee/v1/horairesViePriveeRecurrentesIndividu', 'POST vieprivee/v1/horairesViePriveeRecurrentesIndividu']),
    );
  });

  it('/metrics exposes prompts, answers, the outbox, Ocean durations, rate limits, cron runs and the work waiting after acknowledgements', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    for (const name of [
      'privacy_prompts_sent_total',
      'privacy_prompts_failed_total',
      'privacy_answers_delivered_total',
      'privacy_answers_refused_total',
      'privacy_answers_pending',
      'privacy_outbox_oldest_pending_seconds',
      'ocean_request_duration_seconds_bucket',
      'chat_rate_limited_total',
      'cron_runs_total',
      'privacy_after_ack_waiting',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/privacy_prompts_sent_total\{platform="slack"\} [1-9]/);
    expect(text).toMatch(/ocean_request_duration_seconds_count\{endpoint="mobility\/v1\/ficheJour",status="200"\} [1-9]/);
    expect(text).toMatch(/privacy_answers_delivered_total [1-9]/);
    expect(text).toMatch(/privacy_after_ack_waiting 0/);
  });

  it('/healthz is always ok; /readyz follows the store and Ocean', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    t.sim.setFaults({ failNext: { status: 503, count: 100 }, only: 'vehicule' });
    await t.service.core.ocean.listVehicles().catch(() => undefined);
    const down = await fetch(`${t.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ store: true, ocean: false });
    t.sim.faults.reset();
    await t.service.core.ocean.listVehicles();
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
