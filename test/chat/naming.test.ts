import { parseLine } from '../../src/chat/commands';
import { translator } from '../../src/i18n';
import { typed, user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';
import { plain } from '../support/text';

/** Each platform names people its own way; the web chat by name or by its sandbox key. */
describe("naming someone in a manager's command", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false, teams: false, web: true });
  });
  afterAll(() => t.stop());

  const web = (key: string) => user(key, {}, 'web', 'sandbox');
  const boss = () => ({
    ...web(t.sim.fleet.byIndex(0).email!),
    profile: async (id: string) => ({ chatUserId: id, email: t.sim.fleet.byIndex(0).email, displayName: 'Claire Martin' }),
  });

  it('links a driver without an e-mail, named by their full name, to their Ocean record by id', async () => {
    const antoine = t.sim.fleet.byIndex(7);
    expect(`${antoine.firstName} ${antoine.lastName}`).toBe('Antoine Fournier');
    const [answer] = await typed(t, boss(), `privacy link @Antoine Fournier ${antoine.individuId}`);
    expect(plain(answer!.summary)).toContain('Lien fait : Antoine Fournier reçoit désormais les trajets de la fiche Ocean « Antoine Fournier ».');
    const person = await t.service.core.store.people.find({ platform: 'web', workspaceId: 'sandbox', chatUserId: 'sans-email-7' });
    expect(person?.individu_id).toBe(antoine.individuId);
    // Named by the sandbox's key as well, or without the @, and case or accents do not matter.
    const [hours] = await typed(t, boss(), 'privacy schedule @sans-email-7');
    expect(hours!.title).toContain('Antoine Fournier');
    const [again] = await typed(t, boss(), 'privacy schedule antoine fournier');
    expect(again!.title).toContain('Antoine Fournier');
  });

  it("someone nobody by that name is told so, in the manager's words", async () => {
    const [answer] = await typed(t, boss(), 'privacy schedule @Personne Inconnue');
    expect(answer!.summary).toContain('Je ne connais pas Personne Inconnue');
  });
});

describe('the words a user is answered with', () => {
  const ctx = { now: new Date('2026-11-25T07:30:00Z'), zone: 'Europe/Paris' };

  it('an unknown command quotes what was typed, as typed, and lists the commands whole', () => {
    const parsed = parseLine('pirvacy schedule please now', ctx);
    expect(parsed).toMatchObject({
      ok: false,
      error: { key: 'errors.unknownCommand', params: { input: 'pirvacy schedule please now' }, accepted: 'commands' },
    });
    const t = translator('fr');
    const text = t.t('errors.unknownCommand', {
      input: 'pirvacy schedule please now',
      accepted: t.t('accepted.commands', { cmd: 'privacy', reportCmd: 'privacy-report' }),
    });
    expect(plain(text)).toBe(
      'Commande inconnue « pirvacy schedule please now ». Commandes acceptées : privacy, privacy schedule, privacy help, privacy-report [période] [par conducteur|par véhicule].',
    );
  });

  it('a long input is quoted cut at a word, never mid-word', () => {
    const typedLine = `pirvacy ${'horaires-du-lundi '.repeat(10)}`.trim();
    const parsed = parseLine(typedLine, ctx);
    expect(parsed.ok).toBe(false);
    const quoted = !parsed.ok ? String(parsed.error.params.input) : '';
    expect(quoted.length).toBeLessThanOrEqual(80);
    expect(quoted.endsWith('…')).toBe(true);
    const kept = quoted.slice(0, -1);
    expect(typedLine.startsWith(kept)).toBe(true);
    expect(typedLine[kept.length]).toBe(' ');
  });

  it('French help speaks French: the report\u2019s words, @personne, qu\u2019Ocean', () => {
    const t = translator('fr');
    expect(t.t('help.report', { reportCmd: 'privacy-report' })).toContain('[par conducteur|par véhicule]');
    expect(t.t('accepted.target')).toContain('@personne');
    expect(t.t('schedule.saved')).toContain('qu’Ocean');
  });
});
