import { parse } from 'csv-parse/sync';
import { cardsOf } from '../support/cards';
import { eventually, startTestService, type TestService } from '../support/service';
import { post, sign, slashBody } from '../support/slack-requests';
import { sendToTeams, teamsMessage } from '../support/teams';

/*
 * Every report splits cost, fuel and electricity between private and professional use, not only
 * totals: from Ocean where its analysis gives that split (`entityTotalByFlag`), otherwise pro
 * rata of the kilometres, and it says which.
 */

const FORM = 'application/x-www-form-urlencoded';
const BOSS = { id: '29:boss', name: 'Claire Teams' };
let t: TestService;

beforeAll(async () => {
  t = await startTestService({});
  const manager = t.sim.fleet.byIndex(0);
  t.slack.addUser({ id: 'U_0', team: 'T_FLEET', email: manager.email!, name: 'Claire Martin', locale: 'fr-FR' });
  t.connector.members.set(BOSS.id, { id: BOSS.id, name: BOSS.name, email: manager.email! });
}, 60_000);
afterAll(() => t.stop());
afterEach(() => {
  t.sim.ctx.analysisSplit = 'periodMaps';
});

const number = (cell: string | undefined) => Number((cell ?? '').replace(',', '.'));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The CSV inside a multipart upload to Slack's upload URL (it starts with its byte-order mark). */
function uploadedCsv(bytes: Buffer): Buffer | undefined {
  const start = bytes.indexOf(BOM);
  if (start < 0) return undefined;
  const end = bytes.indexOf('\r\n------formdata', start);
  return bytes.subarray(start, end < 0 ? undefined : end);
}

it("on Slack, without a split from Ocean: each row's private cost, fuel and electricity are its pro rata of kilometres, and the report says so", async () => {
  const body = slashBody({ command: '/privacy-report', text: 'semaine-derniere', user: 'U_0', responseUrl: t.slack.responseUrl() });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  const upload = await eventually(() => t.slack.uploads.map((u) => uploadedCsv(u.bytes)).find(Boolean), 20_000);
  const report = t.slack.responses.map((r) => JSON.stringify(r.body)).find((r) => r.includes('Coût privé / pro'));
  expect(report).toContain('au prorata des kilomètres privés et professionnels');
  const [header, ...rows] = parse(upload, { delimiter: ';', bom: true }) as string[][];
  const col = (name: string) => header!.indexOf(name);
  expect(
    [
      col('Coût privé (€)'),
      col('Coût pro (€)'),
      col('Carburant privé (L)'),
      col('Électricité privée (kWh)'),
      col('Répartition (coût, carburant, électricité)'),
    ].every((i) => i > 0),
  ).toBe(true);
  const drivers = rows.slice(0, -1);
  expect(drivers.length).toBeGreaterThan(5);
  for (const row of drivers) {
    const [privateKm, proKm, cost, privateCost, proCost] = [row[1], row[2], row[col('Coût (€)')], row[col('Coût privé (€)')], row[col('Coût pro (€)')]].map(
      number,
    ) as number[];
    const share = privateKm! + proKm! > 0 ? privateKm! / (privateKm! + proKm!) : 0;
    expect(Math.abs(privateCost! - cost! * share)).toBeLessThanOrEqual(0.06);
    expect(Math.abs(privateCost! + proCost! - cost!)).toBeLessThanOrEqual(0.011);
    expect(row[col('Répartition (coût, carburant, électricité)')]).toBe('prorata des km');
  }
  // Someone with private trips: their private cost is neither nothing nor everything.
  expect(drivers.some((r) => number(r[col('Coût privé (€)')]) > 0 && number(r[col('Coût pro (€)')]) > 0)).toBe(true);
});

it("on Teams, with Ocean's split by flag: the private cost is Ocean's own figure, and the report says it comes from Ocean", async () => {
  t.sim.ctx.analysisSplit = 'flags';
  t.connector.reset();
  await sendToTeams(t.url, teamsMessage(t.connector.url, BOSS, 'privacy-report semaine-derniere'));
  const card = cardsOf(t.connector.sent().pop()!.body)[0] as { body: unknown[]; actions: { type: string; url: string }[] };
  expect(JSON.stringify(card.body)).toContain('répartition privé / pro donnée par Ocean');
  const link = card.actions.find((a) => a.type === 'Action.OpenUrl')!;
  const csv = Buffer.from(await (await fetch(`${t.url}${new URL(link.url).pathname}`)).arrayBuffer());
  const [header, ...rows] = parse(csv, { delimiter: ';', bom: true }) as string[][];
  const totals = rows.pop()!;
  // The Total is the sum of the rows, to the cent.
  const cents = (i: number) => rows.reduce((s, r) => s + Math.round(number(r[i]) * 100), 0);
  for (const name of ['Coût privé (€)', 'Coût pro (€)']) expect(Math.round(number(totals[header!.indexOf(name)]) * 100)).toBe(cents(header!.indexOf(name)));
  // Ocean's own figures for the same week, by flag: each row rounded to the cent, so within half a cent a row.
  const [result] = await t.service.core.ocean.privacyAnalysis({
    renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
    criteria: 'ALL',
    periode: { debut: '2026-11-15T23:00:00.000Z', fin: '2026-11-22T23:00:00.000Z' },
  });
  const flags = result!.synthesisTreeByDriver!.entityTotalByFlagCumul as Record<string, { cost: number; consoKWh: number }>;
  const within = (cell: string | undefined, ocean: number, unit: number) =>
    expect(Math.abs(number(cell) - ocean)).toBeLessThanOrEqual((unit / 2) * rows.length + 1e-9);
  within(totals[header!.indexOf('Coût privé (€)')], flags.VIE_PRIVEE!.cost, 0.01);
  within(totals[header!.indexOf('Coût pro (€)')], flags.PROFESSIONNEL!.cost, 0.01);
  within(totals[header!.indexOf('Électricité privée (kWh)')], flags.VIE_PRIVEE!.consoKWh, 0.1);
  expect(rows.every((r) => r[header!.indexOf('Répartition (coût, carburant, électricité)')] === 'Ocean')).toBe(true);
});
