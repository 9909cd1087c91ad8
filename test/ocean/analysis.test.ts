import type { Period } from '../../src/privacy/report/periods';
import { user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';

/*
 * The manager report's analysis request, against the simulator's reading of the docs: the body
 * in its documented form (a `filter` whose unwanted lists are left out, never `[0]`), and the
 * private/professional split read wherever Ocean carries it: in the period maps' keys, or in
 * `entityTotalByFlag(Cumul)`.
 */

const ANALYSIS = 'analyse/preformattedPrivacy';
const WEEK: Period = { kind: 'week', first: '2026-11-16', last: '2026-11-22' };

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
}, 60_000);
afterAll(() => t.stop());
afterEach(() => {
  t.sim.ctx.analysisSplit = 'periodMaps';
});

it('sends the documented body: filter present, unwanted lists left out, no [0]', async () => {
  await t.service.core.reports.data(WEEK, 'driver');
  const [request] = t.sim.requestsTo(ANALYSIS).slice(-1);
  expect(request?.status).toBe(200);
  expect(request?.body).toEqual({
    filter: {},
    renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
    criteria: 'ALL',
    periode: { debut: '2026-11-15T23:00:00.000Z', fin: '2026-11-22T23:00:00.000Z' },
  });
  const individuId = t.sim.fleet.byIndex(9).individuId;
  await t.service.core.ocean.privacyAnalysis({
    filter: { persons: [0, individuId], groups: [], vehicleIds: [0] },
    renderMode: 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS',
    criteria: 'ALL',
    periode: { debut: 0, fin: 86_400_000 },
  });
  expect(t.sim.requestsTo(ANALYSIS).slice(-1)[0]?.body).toMatchObject({ filter: { persons: [individuId] } });
  expect(JSON.stringify(t.sim.requestsTo(ANALYSIS).map((r) => r.body))).not.toContain('[0]');
});

it.each(['driver', 'vehicle'] as const)('reads the split by %s from entityTotalByFlag(Cumul) as from the period maps', async (by) => {
  const fromMaps = await t.service.core.reports.data(WEEK, by);
  t.sim.ctx.analysisSplit = 'flags';
  const fromFlags = await t.service.core.reports.data(WEEK, by);
  const pick = (rows: typeof fromMaps.rows) => rows.map((r) => [r.id, r.privateMeters, r.professionalMeters, r.privateSeconds, r.professionalSeconds]).sort();
  expect(fromMaps.rows.length).toBeGreaterThan(5);
  expect(fromMaps.totals.privateMeters).toBeGreaterThan(0);
  expect(fromMaps.totals.professionalMeters).toBeGreaterThan(0);
  expect(pick(fromFlags.rows)).toEqual(pick(fromMaps.rows));
  expect([fromFlags.totals.privateMeters, fromFlags.totals.professionalMeters]).toEqual([fromMaps.totals.privateMeters, fromMaps.totals.professionalMeters]);
  // The flags carried the split; the days under them are not taken for extra columns.
  expect(fromFlags.extraColumns).toEqual([]);
});

it('a name with control characters no longer breaks the manager report', async () => {
  const driver = t.sim.fleet.byIndex(9);
  driver.lastName = 'Du\u0001pont\u0007';
  t.service.core.directory.invalidate();
  const manager = await t.service.core.people.identify(user('boss', { email: t.sim.fleet.byIndex(0).email }));
  const view = await t.service.core.reports.report(manager, WEEK, 'driver');
  const csv = view.blocks.find((b) => b.type === 'file') as { data: Buffer | string } | undefined;
  expect(view.blocks.some((b) => b.type === 'image')).toBe(true);
  expect(String(csv?.data)).toContain(`${driver.firstName} Dupont`);
  expect(JSON.stringify(view)).not.toMatch(/\\u000[17]/);
});
