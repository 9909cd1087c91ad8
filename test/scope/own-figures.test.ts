import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { addFleetToSlack, eventually, startTestService, type TestService } from '../support/service';
import { post, sign, slashBody } from '../support/slack-requests';

/*
 * Issue 29, part 3: `privacy me 2026` (`moi`) gives a driver their own private and professional
 * kilometres and hours for the period, from Ocean's analysis filtered to them, and a CSV sent to
 * them alone; their line matches the manager's yearly report, on a shared vehicle too.
 */

const FORM = 'application/x-www-form-urlencoded';
const ANALYSIS = 'analyse/preformattedPrivacy';
/** Drivers 3 and 4 share a vehicle. */
const SHARED = 4;

let t: TestService;
let dataDir: string;
const driver = (index: number) => t.sim.fleet.byIndex(index);
const nameOf = (index: number) => `${driver(index).firstName} ${driver(index).lastName}`;

interface WebView {
  title?: string;
  summary: string;
  blocks: { type: string; text?: string; href?: string; name?: string; fields?: { label: string; value: string }[] }[];
}

async function webSays(index: number, text: string): Promise<WebView> {
  const res = await fetch(`${t.url}/web/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as: driver(index).email, text }),
  });
  const { messages } = (await res.json()) as { messages: { view?: WebView }[] };
  return messages.filter((m) => m.view).pop()!.view!;
}

async function csvOf(view: WebView): Promise<{ name: string; rows: string[][] }> {
  const file = view.blocks.find((b) => b.type === 'file')!;
  const res = await fetch(`${t.url}${file.href}`);
  return { name: file.name!, rows: parse(Buffer.from(await res.arrayBuffer()), { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][] };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-figures-'));
  t = await startTestService({ web: true, config: { dataDir } });
  addFleetToSlack(t);
}, 60_000);
afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a driver's own year", () => {
  it("matches their line in the manager's yearly report, their part only on a shared vehicle, from an analysis of them alone", async () => {
    const before = t.sim.requestsTo(ANALYSIS).length;
    const own = await webSays(SHARED, 'privacy me 2026');
    expect(own.title).toBe('Votre usage privé — 2026 (jusqu’au 24/11/2026)');
    expect(
      t.sim
        .requestsTo(ANALYSIS)
        .slice(before)
        .map((r) => (r.body as { filter: unknown }).filter),
    ).toEqual([{ persons: [driver(SHARED).individuId] }]);
    const mine = await csvOf(own);
    expect(mine.name).toBe('ma-vie-privee-2026-01-01_2026-11-24.csv');
    // Their own line and its Total, nobody else's.
    expect(mine.rows.map((r) => r[0])).toEqual(['Conducteur', nameOf(SHARED), 'Total']);
    const manager = await csvOf(await webSays(0, 'privacy-report 2026'));
    const theirs = manager.rows.find((r) => r[0] === nameOf(SHARED))!;
    const other = manager.rows.find((r) => r[0] === nameOf(3))!;
    const header = manager.rows[0]!;
    const columns = ['Privé (km)', 'Pro (km)', 'Part privée (%)', 'Durée privée (h)', 'Durée pro (h)'].map((c) => header.indexOf(c));
    expect(columns.every((c) => c >= 0)).toBe(true);
    const figures = (row: string[]) => columns.map((c) => row[c]);
    expect(figures(mine.rows[1]!)).toEqual(figures(theirs));
    expect(figures(mine.rows[1]!)).not.toEqual(figures(other));
    // The screen says the same figures.
    const fields = own.blocks.find((b) => b.type === 'fields')!.fields!;
    const number = (text: string) => Number(text.replace(/\s/g, '').replace(',', '.'));
    expect(number(fields.find((f) => f.label === 'Privé (km)')!.value)).toBe(number(theirs[1]!));
    expect(number(fields.find((f) => f.label === 'Pro (km)')!.value)).toBe(number(theirs[2]!));
    expect(number(fields.find((f) => f.label.startsWith('Part privée'))!.value)).toBe(number(theirs[header.indexOf('Part privée (%)')]!));
  }, 120_000);

  it('on Slack, in French or English (`moi`, `me`): the CSV goes to their own direct chat only', async () => {
    const responseUrl = t.slack.responseUrl();
    const body = slashBody({ command: '/privacy', text: 'moi mois-dernier', user: `U_${SHARED}`, responseUrl });
    expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
    const id = responseUrl.split('/').pop();
    // Driver 4's Slack locale is English.
    await eventually(() => JSON.stringify(t.slack.responses.filter((r) => r.id === id)).includes('Your private use — October 2026'), 20_000);
    await eventually(() => t.slack.callsTo('files.getUploadURLExternal').some((c) => c.args.filename === 'my-privacy-2026-10.csv'));
    const complete = await eventually(() => t.slack.callsTo('files.completeUploadExternal').slice(-1)[0]);
    expect(complete.args.channel_id).toBe(`D_U_${SHARED}`);
  }, 60_000);

  it("takes a period or nothing (the year so far), never someone else's name, and tells an unlinked person why", async () => {
    expect((await webSays(SHARED, 'privacy moi')).title).toBe('Votre usage privé — 2026 (jusqu’au 24/11/2026)');
    expect((await webSays(SHARED, `privacy me ${driver(3).email}`)).summary).toContain('non reconnue');
    expect((await webSays(SHARED, 'privacy me 2026 Nicolas')).summary).toContain('Trop d’arguments');
    const noVehicle = await webSays(12, 'privacy me 2026');
    expect(noVehicle.summary).toBe('Votre usage privé — 2026 (jusqu’au 24/11/2026)');
    expect(noVehicle.blocks[0]!.text).toContain('aucun trajet à votre nom');
  }, 60_000);
});
