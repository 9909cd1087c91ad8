import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PAGE } from '../../adapters/web/page';
import { MANAGER_INDEX, NO_EMAIL_INDEXES } from '../../src/sandbox/fleet';
import type { View } from '../../src/views/views';
import { startTestService, TEST_DAY, type TestService } from '../support/service';
import { plainJson } from '../support/text';

/*
 * Drivers the bot cannot reach (issue 27, item 4) are listed apart in `privacy-report
 * unanswered`, with the reason and what the manager can do; the sandbox page's hint to link
 * Antoine Fournier, who has no e-mail in Ocean, works as written.
 */

let t: TestService;
let dataDir: string;
const manager = () => t.sim.fleet.byIndex(MANAGER_INDEX).email!;

async function web(text: string): Promise<View[]> {
  const res = await fetch(`${t.url}/web/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as: manager(), text }),
  });
  return ((await res.json()) as { messages: { view?: View }[] }).messages.flatMap((m) => (m.view ? [m.view] : []));
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unreachable-'));
  t = await startTestService({ web: true, slack: false, teams: false, config: { dataDir } });
  await t.service.core.dailyRun.run(TEST_DAY);
}, 60_000);
afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('lists the drivers without an e-mail in Ocean apart, with why and what to do, and the page hint links one of them', async () => {
  const [report] = await web('privacy-report sans-réponse');
  const text = plainJson(report);
  expect(text).toContain('Injoignables par le bot (2)');
  for (const index of NO_EMAIL_INDEXES) {
    const driver = t.sim.fleet.byIndex(index);
    expect(text).toContain(
      `${driver.firstName} ${driver.lastName} (n° Ocean ${driver.individuId}) — pas d’e-mail dans Ocean : ajoutez son e-mail à sa fiche Ocean, ou reliez son compte avec « privacy link @personne ${driver.individuId} »`,
    );
  }
  const hint = /<code>(privacy link [^<]+)<\/code>/.exec(PAGE)![1]!;
  const [linked] = await web(hint);
  expect(linked!.summary).toContain('Antoine Fournier');
  expect(linked!.blocks[0]).toMatchObject({ tone: 'success' });
  const [after] = await web('privacy-report sans-réponse');
  expect(plainJson(after)).toContain('Injoignable par le bot (1)');
  expect(plainJson(after)).not.toContain('Antoine Fournier');
});
