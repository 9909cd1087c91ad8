import fc from 'fast-check';
import * as S from '../../src/ocean/schemas';
import { readAnalysis } from '../../src/privacy/report/rows';
import { teamsActivity } from '../support/fake-connector';
import { startTestService, TEST_DAY, type TestService } from '../support/service';
import { post, sign, slashBody } from '../support/slack-requests';
import { settled } from '../support/wait';

/*
 * Hostile input at every inbound surface: correctly signed Slack requests around hostile JSON,
 * Teams activities and invokes, slash-command text, and Ocean answers of any shape. The process
 * never crashes and never acts on an invalid input.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({});
  t.slack.addUser({ id: 'U_EVE', team: 'T_FLEET', email: 'eve@elsewhere.example', name: 'Eve' });
  t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: t.sim.fleet.byIndex(9).email!, name: 'Nine' });
  await t.service.core.dailyRun.run(TEST_DAY);
});
afterAll(() => t.stop());

async function writesToOcean(): Promise<number> {
  return t.sim.requests.filter((r) => r.method !== 'GET' && !['auth/authenticate2', 'individus/list', 'analyse/preformattedPrivacy'].includes(r.endpoint))
    .length;
}

const actionIds = ['trip_answer:0', 'trip_answer:1', 'schedule_edit:0', 'schedule_show:0', 'period_add:0', 'period_delete:0'];
const hostileValue = fc.oneof(
  fc.string({ maxLength: 3000 }),
  fc.constantFrom(
    'ans:1:0:private',
    'ans:99999999:0:private',
    'ans:1:all:professional',
    'ans:-1:0:private',
    'sch:1',
    'sch:0',
    'per:1:0',
    'ans:1:0:private\u0000',
    '{"__proto__":{"polluted":1}}',
  ),
  fc.integer().map(String),
);

describe('hostile input', () => {
  it('signed block_actions with hostile values never crash the process or change anything', async () => {
    const answersBefore = await t.service.core.store.db
      .selectFrom('trip_answers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const writesBefore = await writesToOcean();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actionIds),
        hostileValue,
        fc.constantFrom('U_EVE', 'U_NOBODY'),
        fc.anything({ maxDepth: 2 }),
        async (actionId, value, user, junk) => {
          const payload = {
            type: 'block_actions',
            user: { id: user, team_id: 'T_FLEET' },
            team: { id: 'T_FLEET' },
            api_app_id: 'A',
            trigger_id: 't',
            response_url: t.slack.responseUrl(),
            container: { type: 'message', channel_id: 'D_X', message_ts: '1.1' },
            actions: [{ type: 'button', action_id: actionId, value, junk }],
          };
          const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
          const res = await post(t.url, body, 'application/x-www-form-urlencoded', sign(body));
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 120 },
    );
    await settled(t.service);
    const answersAfter = await t.service.core.store.db
      .selectFrom('trip_answers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(answersAfter.n)).toBe(Number(answersBefore.n));
    expect(await writesToOcean()).toBe(writesBefore);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('malformed signed bodies (not a form, not JSON, huge) are refused without a crash', async () => {
    for (const body of [
      'payload=%7Bnot json',
      'payload=',
      '\u0000\u0001',
      'x'.repeat(2_000_000),
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', view: null }))}`,
    ]) {
      const res = await post(t.url, body, 'application/x-www-form-urlencoded', sign(body));
      expect(res.status).toBeLessThan(500);
    }
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('any slash-command text gets an answer and never an error from the service', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/privacy', '/privacy-report'), fc.string({ maxLength: 300 }), async (command, text) => {
        const body = slashBody({ command, text, user: 'U_9', responseUrl: t.slack.responseUrl() });
        expect((await post(t.url, body, 'application/x-www-form-urlencoded', sign(body))).status).toBe(200);
      }),
      { numRuns: 60 },
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('arbitrary Teams activities and invokes never crash the process or write to Ocean', async () => {
    const writesBefore = await writesToOcean();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate', 'event', 'bogus'),
        fc.option(fc.string({ maxLength: 200 })),
        fc.anything({ maxDepth: 3 }),
        fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'weird'),
        async (type, text, value, name) => {
          const activity = teamsActivity(
            t.connector.url,
            { id: '29:eve', name: 'Eve' },
            { type, text, value: type === 'invoke' ? { action: { type: 'Action.Execute', verb: 'trip_answer', data: value } } : value, name },
          );
          const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
          expect(res.status).toBeLessThan(600);
        },
      ),
      { numRuns: 80 },
    );
    expect(await writesToOcean()).toBe(writesBefore);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('Ocean answers of any shape are accepted or refused by the schemas, never thrown on', () => {
    const schemas = [
      S.IndividusListResponse,
      S.VehiclesResponse,
      S.DailyRecordResponse,
      S.RecurringSchedulesResponse,
      S.ExceptionalPeriodsResponse,
      S.AnalysisResponse,
      S.LoginResponse,
      S.BooleanResponse,
      S.EmptyResponse,
    ];
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (json) => {
        for (const schema of schemas) schema.safeParse(json);
      }),
      { numRuns: 2000 },
    );
  });

  it('an analysis tree with arbitrary nodes is read without throwing, keeping only what parses', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 8 }),
          fc.oneof(
            fc.jsonValue({ maxDepth: 4 }),
            fc.record({
              total: fc.record({ distanceInMeterByPeriodMap: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.double(), fc.constant(null))) }),
            }),
          ),
        ),
        (nodes) => {
          const parsed = S.AnalysisResponse.safeParse([{ mode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS', synthesisTreeByDriver: { nodes } }]);
          if (!parsed.success) return;
          const data = readAnalysis(parsed.data, { by: 'driver', drivers: new Map(), vehicles: new Map() });
          for (const row of data.rows) expect(Number.isFinite(row.privateMeters)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
