import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { AnswerWindow, dayToRun } from '../../src/privacy/daily/answer-window';
import { LONG_DAY_INDEX, LONG_DAY_TRIPS, SEEDED_HISTORY_INDEXES } from '../../src/sandbox/fleet';
import type { View } from '../../src/views/views';
import { startTestService, TEST_NOW, type TestService } from '../support/service';
import { plainJson } from '../support/text';

/*
 * The sandbox's quick start shows suggestions and paging (issue 27, item 6): a few weeks of
 * answers are seeded for some drivers, one driver makes a long delivery round; and
 * `npm run daily -- --date` refuses a closed day and warns for today.
 */

const ROOT = path.resolve(__dirname, '../..');
let t: TestService;
let dataDir: string;

async function conversation(as: string): Promise<View[]> {
  const messages = (await fetch(`${t.url}/web/api/conversation?as=${encodeURIComponent(as)}`).then((r) => r.json())) as { view?: View }[];
  return messages.flatMap((m) => (m.view ? [m.view] : []));
}

// The walkthrough reads the same whatever the day: the day before a Sunday or a Monday is a weekend day.
describe.each([
  ['a Wednesday', TEST_NOW],
  ['a Sunday', '2026-12-06T07:30:00Z'],
  ['a Monday', '2026-12-07T07:30:00Z'],
])('on %s', (_day, now) => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
    t = await startTestService({ web: true, slack: false, teams: false, clock: new ManualClock(now), config: { dataDir } });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('"Envoyer les messages du jour" shows suggestions to the seeded drivers and a paged long day', async () => {
    const sent = await fetch(`${t.url}/web/api/send-prompts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(sent.status).toBe(200);
    const seeded = await Promise.all(SEEDED_HISTORY_INDEXES.map((i) => conversation(t.sim.fleet.byIndex(i).email!)));
    for (const views of seeded) {
      const text = plainJson(views);
      expect(text).toContain('Suggestion : ');
      expect(text).toContain('Accepter les suggestions');
    }
    const [round] = await conversation(t.sim.fleet.byIndex(LONG_DAY_INDEX).email!);
    expect(plainJson(round)).toContain(`Ces ${LONG_DAY_TRIPS} trajets étaient-ils privés ou professionnels`);
    expect(plainJson(round)).toContain('Page 1/2');
    expect(round!.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : [])).map((a) => a.label)).toContain('Suivant');
  });
});

describe('npm run daily -- --date', () => {
  const zone = 'Europe/Paris';
  const clock = new ManualClock(TEST_NOW);
  const window = new AnswerWindow(zone, 7, clock);

  it('refuses a day past its deadline, and a day to come, and warns for today', () => {
    expect(dayToRun('2026-11-17', window, zone, clock.now())).toEqual({
      refuse:
        '2026-11-17 is closed: its answers were taken until 2026-11-24 (ANSWER_DEADLINE_DAYS=7), so no prompt is sent for it. Run a day from 2026-11-18 to 2026-11-25.',
    });
    expect(dayToRun('2026-11-18', window, zone, clock.now())).toEqual({ ok: true });
    expect(dayToRun('2026-11-25', window, zone, clock.now())).toMatchObject({ warn: expect.stringContaining('2026-11-25 is today') });
    expect(dayToRun('2026-11-26', window, zone, clock.now())).toMatchObject({ refuse: expect.stringContaining('has not happened yet') });
  });

  it('exits with 2 and says why for a closed day, before touching anything', () => {
    const cli = path.join(ROOT, 'dist/src/cli.js');
    if (!fs.existsSync(cli)) throw new Error('run npm run build first');
    const run = spawnSync(process.execPath, [cli, 'daily', '--date', '2020-01-06'], {
      env: { PATH: process.env.PATH, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-cli-')), PORT: '0', LOG_LEVEL: 'warn', ENV_FILE: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('2020-01-06 is closed: its answers were taken until 2020-01-13 (ANSWER_DEADLINE_DAYS=7)');
    expect(run.stdout).toBe('');
  });
});
