import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Fleet, type SimDriver } from '../../src/sandbox/fleet';
import { ACTION_IDS } from '../../src/views/views';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { post, sign, slashBody } from '../support/slack-requests';
import { plainJson } from '../support/text';

/*
 * Issue 29, part 2: a site manager (MANAGERS="…=entity:Agence Lyon") sees their site's drivers
 * only, in every view (table, CSV, chart, benefit in kind, unanswered list and its reminder,
 * weekly digest), through the real Slack app and the web chat; what they try outside their
 * site is refused and changes nothing. The fleet manager (MANAGER_EMAILS) sees everyone.
 */

const FORM = 'application/x-www-form-urlencoded';
const WEEK = '16/11/2026-22/11/2026';
const ANALYSIS = 'analyse/preformattedPrivacy';

let t: TestService;
let dataDir: string;
const driver = (index: number) => t.sim.fleet.byIndex(index);
const nameOf = (d: SimDriver) => `${d.firstName} ${d.lastName}`;
const lyon = () => t.sim.fleet.drivers.filter((d) => d.entityId === 11);
const notLyon = () => t.sim.fleet.drivers.filter((d) => d.entityId !== 11);
const FLEET = 0;
const SITE = 13;

interface WebView {
  title?: string;
  summary: string;
  blocks: {
    type: string;
    text?: string;
    rows?: string[][];
    footer?: string[];
    href?: string;
    name?: string;
    alt?: string;
    actions?: { actionId: string; value: string }[];
  }[];
}

async function web(pathname: string, body: Record<string, unknown>): Promise<{ messages: { view?: WebView }[] }> {
  const res = await fetch(`${t.url}/web/api/${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: { view?: WebView }[] };
}

/** The last view the web chat showed `index` for a typed line. */
async function webSays(index: number, text: string): Promise<WebView> {
  const { messages } = await web('command', { as: driver(index).email, text });
  return JSON.parse(plainJson(messages.filter((m) => m.view).pop()!.view!)) as WebView;
}

async function csvOf(view: WebView): Promise<{ name: string; rows: string[][] }> {
  const file = view.blocks.find((b) => b.type === 'file')!;
  const res = await fetch(`${t.url}${file.href}`);
  const rows = parse(Buffer.from(await res.arrayBuffer()), { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][];
  return { name: file.name!, rows };
}

/** A slash command on Slack; what its response_url got, once `done` says it is all there. */
async function slack(user: string, command: string, text: string, done: (texts: string) => boolean): Promise<string> {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command, text, user, responseUrl });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  const id = responseUrl.split('/').pop();
  return eventually(() => {
    const texts = plainJson(t.slack.responses.filter((r) => r.id === id).map((r) => r.body));
    return done(texts) ? texts : undefined;
  }, 20_000);
}

const tenths = (cell: string) => Math.round(Number(cell.replace(',', '.')) * 10);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scope-'));
  const fleet = new Fleet();
  // The fleet manager by MANAGER_EMAILS; the site manager by MANAGERS, their entity by its name.
  t = await startTestService({
    web: true,
    config: {
      dataDir,
      managerEmails: [fleet.byIndex(FLEET).email!],
      managers: [{ email: fleet.byIndex(SITE).email!, scope: [{ kind: 'entity', name: 'Agence Lyon' }] }],
    },
  });
  addFleetToSlack(t);
}, 60_000);

afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a site manager's report", () => {
  it("by driver holds Agence Lyon's drivers only, in the table, the CSV and the chart, with the fleet report's very figures", async () => {
    const before = t.sim.requestsTo(ANALYSIS).length;
    const site = await webSays(SITE, `privacy-report ${WEEK}`);
    expect(site.title).toContain('Agence Lyon');
    expect(
      t.sim
        .requestsTo(ANALYSIS)
        .slice(before)
        .map((r) => (r.body as { filter: unknown }).filter),
    ).toEqual([{ entities: [11] }]);
    const table = site.blocks.find((b) => b.type === 'table')!;
    const lyonNames = new Set(lyon().map(nameOf));
    for (const row of table.rows!) expect(lyonNames.has(row[0]!)).toBe(true);
    const { name, rows } = await csvOf(site);
    expect(name).toBe('vie-privee-2026-11-16_2026-11-22-agence-lyon-par-conducteur.csv');
    const [, ...body] = rows;
    const total = body.pop()!;
    const withVehicles = lyon().filter((d) => d.vehicleId);
    expect(body.map((r) => r[0]).sort()).toEqual(withVehicles.map(nameOf).sort());
    for (const column of [1, 2]) expect(tenths(total[column]!)).toBe(body.reduce((s, r) => s + tenths(r[column]!), 0));
    const chart = site.blocks.find((b) => b.type === 'image')!;
    expect(chart.alt).not.toContain('sur');

    // The fleet manager's report has everyone; its Lyon rows are the site manager's, figure for figure.
    const fleet = await csvOf(await webSays(FLEET, `privacy-report ${WEEK}`));
    expect(fleet.name).toBe('vie-privee-2026-11-16_2026-11-22-par-conducteur.csv');
    const fleetRows = fleet.rows.slice(1, -1);
    expect(fleetRows.length).toBe(t.sim.fleet.drivers.filter((d) => d.vehicleId).length);
    expect(fleetRows.filter((r) => lyonNames.has(r[0]!))).toEqual(body);
  }, 60_000);

  it('on Slack too: the table names Lyon drivers only, and the files are named after the site', async () => {
    const texts = await slack(`U_${SITE}`, '/privacy-report', WEEK, (x) => x.includes('Agence Lyon') && x.includes('Total'));
    for (const d of notLyon()) expect(texts).not.toContain(nameOf(d));
    expect(texts).toContain(nameOf(driver(4)));
    const files = await eventually(() => {
      const names = t.slack.callsTo('files.getUploadURLExternal').map((c) => String(c.args.filename));
      return names.some((n) => n.endsWith('agence-lyon-par-conducteur.csv')) ? names : undefined;
    });
    expect(files).toContain('vie-privee-2026-11-16_2026-11-22-agence-lyon-par-conducteur.png');
  }, 60_000);

  it('narrowed by the fleet manager to "Agence Lyon" is the site manager\'s; narrowed by the site manager to a group stays within the site', async () => {
    const fleet = await csvOf(await webSays(FLEET, `privacy-report ${WEEK} entité "Agence Lyon"`));
    const site = await csvOf(await webSays(SITE, `privacy-report ${WEEK}`));
    expect(fleet.name).toBe(site.name);
    expect(fleet.rows).toEqual(site.rows);

    const before = t.sim.requestsTo(ANALYSIS).length;
    const sales = await webSays(SITE, `privacy-report ${WEEK} groupe Commerciaux`);
    expect(sales.title).toContain('Agence Lyon / Commerciaux');
    const salesLyon = lyon().filter((d) => d.groupId === 20 && d.vehicleId);
    const persons = (t.sim.requestsTo(ANALYSIS).slice(before)[0]!.body as { filter: { persons: number[] } }).filter.persons;
    expect(persons.sort()).toEqual(
      lyon()
        .filter((d) => d.groupId === 20)
        .map((d) => d.individuId)
        .sort(),
    );
    expect(
      (await csvOf(sales)).rows
        .slice(1, -1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(salesLyon.map(nameOf).sort());
  }, 60_000);

  it('a unit outside the scope, or unknown to Ocean, is refused before Ocean is asked', async () => {
    const before = t.sim.requestsTo(ANALYSIS).length;
    expect((await webSays(SITE, `privacy-report ${WEEK} entity "Agence Vienne"`)).summary).toBe(
      'Agence Vienne n’est pas dans votre périmètre (Agence Lyon) : rien n’a été fait.',
    );
    expect((await webSays(SITE, `privacy-report ${WEEK} entité Siège`)).summary).toContain('pas dans votre périmètre');
    expect((await webSays(FLEET, `privacy-report ${WEEK} entité Agence Paris`)).summary).toContain('Ocean n’a pas d’entité « Agence Paris »');
    expect((await webSays(FLEET, `privacy-report ${WEEK} entité`)).summary).toContain('Argument « entité » non reconnu');
    expect(t.sim.requestsTo(ANALYSIS).length).toBe(before);
  });
});

describe("a site manager's benefit in kind", () => {
  it("holds their drivers' vehicles, and of a vehicle shared with another site, their driver's part only", async () => {
    const site = await csvOf(await webSays(SITE, 'privacy-report 2026 par véhicule'));
    expect(site.name).toBe('avantage-en-nature-2026-01-01_2026-11-24-agence-lyon-par-vehicule.csv');
    const lines = site.rows.slice(1, -1);
    const parts = lines.filter((r) => r[0] === 'Part d’un conducteur' || r[0] === "Part d'un conducteur");
    const vehicles = lines.filter((r) => r[0] === 'Véhicule');
    expect(parts.map((r) => r[2]).sort()).toEqual(
      lyon()
        .filter((d) => d.vehicleId)
        .map(nameOf)
        .sort(),
    );
    expect(vehicles).toHaveLength(lyon().filter((d) => d.vehicleId).length);
    // Drivers 3 (Siège) and 4 (Agence Lyon) share a vehicle: the site sees driver 4's part, as the fleet's report gives it.
    const shared = parts.find((r) => r[2] === nameOf(driver(4)))!;
    const sharedVehicle = vehicles.find((r) => r[1] === shared[1])!;
    expect(sharedVehicle.slice(3, 5)).toEqual(shared.slice(3, 5));
    expect(parts.filter((r) => r[1] === shared[1])).toHaveLength(1);
    const fleet = await csvOf(await webSays(FLEET, 'privacy-report 2026 par véhicule'));
    const fleetParts = fleet.rows.filter((r) => r[1] === shared[1] && r[0] !== 'Véhicule');
    expect(fleetParts.map((r) => r[2]).sort()).toEqual([nameOf(driver(3)), nameOf(driver(4))].sort());
    expect(fleetParts.find((r) => r[2] === nameOf(driver(4)))!.slice(3, 5)).toEqual(shared.slice(3, 5));
    const total = site.rows.at(-1)!;
    expect(tenths(total[3]!)).toBe(vehicles.reduce((s, r) => s + tenths(r[3]!), 0));
  }, 120_000);
});

describe('the unanswered list, its reminder and the weekly digest', () => {
  it("keep to the site: the site manager lists and reminds Lyon's drivers only, and each manager's digest holds their own scope", async () => {
    const { store } = t.service.core;
    t.clock.set(`${TEST_DAY}T23:30:00Z`);
    await t.service.core.dailyRun.run(TEST_DAY);
    const prompts = await store.prompts.sentBetween(TEST_DAY, TEST_DAY);
    const lyonIds = new Set(lyon().map((d) => d.individuId));
    const inLyon = prompts.filter((p) => lyonIds.has(p.individu_id));
    expect(inLyon.length).toBeGreaterThan(2);
    expect(prompts.length).toBeGreaterThan(inLyon.length + 2);

    const list = await webSays(SITE, 'privacy-report 24/11/2026-24/11/2026 sans-reponse');
    expect(list.title).toBe('Trajets sans réponse — mar. 24/11 — Agence Lyon');
    const listed = list.blocks.find((b) => b.type === 'table')!.rows!.map((r) => r[0]);
    expect(listed.sort()).toEqual(inLyon.map((p) => nameOf(t.sim.fleet.driver(p.individu_id)!)).sort());

    // The button reminds the site's drivers, whoever else waits.
    const button = list.blocks.find((b) => b.type === 'actions')!.actions![0]!;
    expect(button.actionId).toBe(ACTION_IDS.remind);
    const clicked = await web('action', { as: driver(SITE).email, actionId: button.actionId, value: button.value });
    expect(JSON.stringify(clicked.messages)).toContain(`${inLyon.length} conducteur`);
    const after = await store.prompts.sentBetween(TEST_DAY, TEST_DAY);
    for (const p of after) expect([p.individu_id, Boolean(p.reminded_at)]).toEqual([p.individu_id, lyonIds.has(p.individu_id)]);

    // The fleet manager still sees everyone, and can remind the others.
    const all = await webSays(FLEET, 'privacy-report 24/11/2026-24/11/2026 sans-reponse');
    expect(all.title).toBe('Trajets sans réponse — mar. 24/11');
    expect(all.blocks.find((b) => b.type === 'table')!.rows!).toHaveLength(Math.min(prompts.length, 25));
    expect(JSON.stringify(all.blocks.find((b) => b.type === 'actions'))).toContain(`(${prompts.length - inLyon.length} conducteurs)`);

    // Monday's digest: each manager their own scope, on every platform they use.
    const run = await t.service.core.digest.run(new Date('2026-11-30T08:00:00Z'));
    expect(run.sent).toEqual(
      expect.arrayContaining([`person:web:sandbox:${driver(SITE).email}`, `person:web:sandbox:${driver(FLEET).email}`, `person:slack:T_FLEET:U_${SITE}`]),
    );
    const digest = (index: number) =>
      t.service
        .web!.conversation(driver(index).email!)
        .filter((m) => m.view?.title?.startsWith('Rapport hebdomadaire') || m.view?.title?.startsWith('Trajets sans réponse — 23/11'));
    const [siteReport, siteList] = digest(SITE)
      .slice(-2)
      .map((m) => m.view!);
    expect(siteReport!.title).toContain('Agence Lyon');
    const siteText = JSON.stringify([siteReport, siteList]);
    for (const d of notLyon()) expect(siteText).not.toContain(nameOf(d));
    expect(siteText).toContain(nameOf(driver(4)));
    const fleetText = JSON.stringify(
      digest(FLEET)
        .slice(-2)
        .map((m) => m.view),
    );
    expect(fleetText).not.toContain('Agence Lyon');
    expect(fleetText).toContain(nameOf(driver(2)));
    const slackDigest = t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D_U_${SITE}`);
    expect(slackDigest.map((c) => String(c.args.text))).toEqual(expect.arrayContaining([expect.stringContaining('Agence Lyon')]));
    for (const d of notLyon()) expect(JSON.stringify(slackDigest.map((c) => c.args.blocks))).not.toContain(nameOf(d));
  }, 120_000);
});

describe('what a site manager tries outside their site', () => {
  it('link, unlink, forget and looking at hours are refused, in a sentence, and change nothing; inside the site they work', async () => {
    const { store } = t.service.core;
    for (const index of [2, 4]) await slack(`U_${index}`, '/privacy', 'help', (x) => x.includes('privacy'));
    const two = (await store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_2' }))!;
    expect(two.individu_id).toBe(driver(2).individuId);
    const writes = () => t.sim.requests.filter((r) => r.method !== 'GET').length;
    const before = { writes: writes(), audit: (await store.auditLog.trail(1000)).length };
    const refused = [
      ['/privacy', 'forget <@U_2>'],
      ['/privacy', 'unlink <@U_2>'],
      ['/privacy', `link <@U_2> ${driver(1).email}`],
      ['/privacy', `link <@U_4> ${driver(2).email}`],
      ['/privacy', 'schedule <@U_2>'],
    ] as const;
    for (const [command, text] of refused) {
      const said = await slack(`U_${SITE}`, command, text, (x) => x.includes('périmètre'));
      expect(said).toContain('pas dans votre périmètre (Agence Lyon) : rien n’a été fait');
    }
    expect(await store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_2' })).toEqual(two);
    expect((await store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_4' }))!.individu_id).toBe(driver(4).individuId);
    expect(writes()).toBe(before.writes);
    expect((await store.auditLog.trail(1000)).length).toBe(before.audit);
    expect(await store.prompts.of(driver(2).individuId, TEST_DAY)).toBeDefined();

    // Inside the site: driver 4's hours are shown.
    const hours = await slack(`U_${SITE}`, '/privacy', 'schedule <@U_4>', (x) => x.includes('Horaires') || x.includes('horaires'));
    expect(hours).not.toContain('périmètre');
  }, 60_000);
});
