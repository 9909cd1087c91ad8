import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MANAGER_INDEX } from '../../src/sandbox/fleet';
import type { View } from '../../src/views/views';
import { typed, user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';
import { plain, plainJson } from '../support/text';

/*
 * What people type besides commands (issue 27, item 7): a greeting or a thank-you is answered
 * politely with the help for the person's role; a word not understood is not a red error;
 * `horaires` alone is the schedule; `privacy suggestions` alone says where they stand;
 * `privacy forget` alone says how to use it; a first name that one person has names them.
 */

let t: TestService;
let dataDir: string;
const as = (index: number) => {
  const d = t.sim.fleet.byIndex(index);
  return user(d.email!, { email: d.email, displayName: `${d.firstName} ${d.lastName}` }, 'web', 'sandbox');
};
const text = (views: View[]) => plainJson(views);
const tones = (views: View[]) => views.flatMap((v) => v.blocks.map((b) => ('tone' in b ? b.tone : undefined)));

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'small-talk-'));
  t = await startTestService({ web: true, slack: false, teams: false, config: { dataDir } });
}, 60_000);
afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('small talk', () => {
  it('"bonjour" greets a driver by name with the drivers\u2019 help only, French forms shown', async () => {
    const views = await typed(t, as(9), 'Bonjour');
    expect(views).toHaveLength(1);
    expect(plain(views[0]!.summary)).toBe('Bonjour Maxime ! Voici ce que je sais faire.');
    expect(text(views)).toContain('privacy horaires (ou schedule)');
    expect(text(views)).not.toContain('privacy-report');
    expect(text(views)).not.toContain('forget');
  });

  it('"merci !" is thanked, and a manager\u2019s help has the manager commands', async () => {
    const driver = await typed(t, as(9), 'merci !');
    expect(plain(driver[0]!.summary)).toBe('Avec plaisir ! Voici ce que je sais faire, si besoin.');
    const manager = await typed(t, as(MANAGER_INDEX), 'bonjour');
    expect(text(manager)).toContain('privacy-report [période]');
    expect(text(manager)).toContain('privacy oublier @personne (ou forget)');
  });

  it('a word not understood ("privé") is said so politely, with the help, never as an error', async () => {
    const views = await typed(t, as(9), 'privé');
    expect(plain(views[0]!.summary)).toContain('Je n’ai pas compris « privé »');
    expect(tones(views)).not.toContain('error');
  });

  it('"horaires" alone shows the private hours', async () => {
    const [view] = await typed(t, as(9), 'horaires');
    expect(view!.title).toBe('Horaires de vie privée');
  });

  it('"privacy suggestions" alone says whether they are on', async () => {
    expect(plain((await typed(t, as(9), 'privacy suggestions'))[0]!.summary)).toContain('Les suggestions sont activées');
    await typed(t, as(9), 'privacy suggestions off');
    expect(plain((await typed(t, as(9), 'privacy suggestions'))[0]!.summary)).toContain('Les suggestions sont désactivées');
  });

  it('"privacy forget" alone says how to use it', async () => {
    const [view] = await typed(t, as(MANAGER_INDEX), 'privacy forget');
    expect(plain(view!.summary)).toBe(
      'Pour effacer une personne du bot : privacy forget @personne (ou son adresse e-mail, ou son nom). Je vous montrerai ce qui sera effacé avant de vous demander de confirmer.',
    );
  });

  it('a first name that matches one person only is that person', async () => {
    const julien = t.sim.fleet.byIndex(1);
    const [view] = await typed(t, as(MANAGER_INDEX), `privacy schedule ${julien.firstName.toLowerCase()}`);
    expect(view!.title).toBe(`Horaires de vie privée de ${julien.firstName} ${julien.lastName}`);
  });
});
