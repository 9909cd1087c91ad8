import { typed, user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';
import { eventually } from '../support/wait';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
});
afterAll(() => t.stop());

const seen = (chatUserId: string, email: string | null, locale?: string) => t.service.core.people.identify(user(chatUserId, { email, locale }));
const say = async (chatUserId: string, email: string | null, text: string) =>
  (await typed(t, user(chatUserId, { email }), text)).map((v) => v.summary).join('\n');

describe('who is who', () => {
  it("a chat user becomes an Ocean driver by e-mail, whatever its case; Ocean's list is fetched once and cached", async () => {
    const driver = t.sim.fleet.byIndex(9);
    const before = t.sim.requestsTo('individus/list').length;
    const a = await seen('a', driver.email!.toUpperCase());
    const b = await seen('b', t.sim.fleet.byIndex(11).email);
    expect(a.individuId).toBe(driver.individuId);
    expect(a.person.link_source).toBe('email');
    expect(b.individuId).toBe(t.sim.fleet.byIndex(11).individuId);
    expect(t.sim.requestsTo('individus/list').length - before).toBeLessThanOrEqual(1);
  });

  it('the cache is refreshed after its lifetime', async () => {
    const before = t.sim.requestsTo('individus/list').length;
    t.clock.advance(11 * 60_000);
    await seen('a', t.sim.fleet.byIndex(9).email);
    // Fetched behind the request, which the old copy served (test/privacy/directory.test.ts).
    await eventually(() => t.sim.requestsTo('individus/list').length === before + 1);
  });

  it('someone with no match, or no e-mail, is told in one sentence why and whom to ask', async () => {
    const [overview] = await typed(t, user('s', { email: 'nobody@elsewhere.example' }), 'privacy');
    expect(overview!.blocks).toEqual([{ type: 'text', text: expect.stringMatching(/nobody@elsewhere\.example.*gestionnaire de flotte/), tone: 'warning' }]);
    const [anonymous] = await typed(t, user('n', { email: null, locale: 'en-US' }), 'privacy');
    expect(anonymous!.summary).toMatch(/doesn't give me an e-mail address.*fleet manager/);
  });

  it('a manager links someone by hand when e-mails differ, and can unlink them; it is audited and sticks', async () => {
    const manager = t.sim.fleet.byIndex(0).email;
    expect((await seen('boss', manager)).role).toBe('manager');
    await seen('s2', 'private.address@elsewhere.example');
    const linked = await say('boss', manager, `privacy link private.address@elsewhere.example ${t.sim.fleet.byIndex(15).email!}`);
    expect(linked).toContain(t.sim.fleet.byIndex(15).lastName);
    const again = await seen('s2', 'private.address@elsewhere.example');
    expect(again.individuId).toBe(t.sim.fleet.byIndex(15).individuId);
    expect(again.person.link_source).toBe('manual');
    await say('boss', manager, 'privacy unlink private.address@elsewhere.example');
    expect((await seen('s2', 'private.address@elsewhere.example')).individuId).toBeNull();
    const trail = await t.service.core.store.auditLog.trail();
    expect(trail.slice(0, 2).map((e) => e.action)).toEqual(['unlink', 'link']);
    expect(await say('boss', manager, 'privacy link private.address@elsewhere.example ghost@nowhere.example')).toContain('ghost@nowhere.example');
  });

  it('a driver cannot link anyone', async () => {
    const target = (await seen('victim', 'v@elsewhere.example')).person;
    expect(await say('d', t.sim.fleet.byIndex(9).email, `privacy link v@elsewhere.example ${t.sim.fleet.byIndex(9).email!}`)).toContain(
      'réservée aux gestionnaires',
    );
    expect((await t.service.core.store.people.byId(target.id))?.individu_id).toBeNull();
  });

  it('managers are MANAGER_EMAILS plus whoever the store marks as manager', async () => {
    const driver = await seen('promoted', t.sim.fleet.byIndex(20).email);
    expect(driver.role).toBe('driver');
    await t.service.core.store.people.setRole(driver.person.id, 'manager');
    expect((await seen('promoted', t.sim.fleet.byIndex(20).email)).role).toBe('manager');
  });

  it("speaks the platform's language, the default otherwise, and the one chosen with /privacy language above both", async () => {
    expect((await seen('l1', null, 'en-GB')).locale).toBe('en');
    expect((await seen('l2', null, 'de-DE')).locale).toBe('fr');
    await seen('l3', null, 'fr-FR');
    const [answer] = await typed(t, user('l3', { email: null, locale: 'fr-FR' }), 'privacy language en');
    expect(answer!.summary).toBe('Language: English.');
    expect((await seen('l3', null, 'fr-FR')).locale).toBe('en');
  });

  it('when Ocean is down, a known driver keeps their link', async () => {
    await seen('kept', t.sim.fleet.byIndex(16).email);
    t.clock.advance(11 * 60_000);
    t.sim.setFaults({ failNext: { status: 503, count: 50 }, only: 'individus' });
    const actor = await seen('kept', t.sim.fleet.byIndex(16).email);
    expect(actor.individuId).toBe(t.sim.fleet.byIndex(16).individuId);
    t.sim.faults.reset();
  });
});
