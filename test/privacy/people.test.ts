import { startTestService, type TestService } from '../support/service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
});
afterAll(() => t.stop());

const seen = (chatUserId: string, email: string | null, locale?: string) => t.service.core.people.identify({ platform: 'web', workspaceId: 'W', chatUserId, email, locale });

describe('who is who', () => {
  it('a chat user becomes an Ocean driver by e-mail, whatever its case; Ocean\'s list is fetched once and cached', async () => {
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
    expect(t.sim.requestsTo('individus/list').length).toBe(before + 1);
  });

  it('someone with no match, or no e-mail, is told in one sentence why and whom to ask', async () => {
    const stranger = await seen('s', 'nobody@elsewhere.example');
    const overview = await t.service.core.router.run(stranger, { kind: 'overview' }, async () => undefined);
    expect(overview.blocks).toEqual([{ type: 'text', text: expect.stringMatching(/nobody@elsewhere\.example.*gestionnaire de flotte/), tone: 'warning' }]);
    const anonymous = await seen('n', null, 'en-US');
    expect((await t.service.core.router.run(anonymous, { kind: 'overview' }, async () => undefined)).summary).toMatch(/doesn't give me an e-mail address.*fleet manager/);
  });

  it('a manager links someone by hand when e-mails differ, and can unlink them; it is audited and sticks', async () => {
    const boss = await seen('boss', t.sim.fleet.byIndex(0).email);
    expect(boss.role).toBe('manager');
    const stranger = await seen('s2', 'private.address@elsewhere.example');
    const target = stranger.person;
    const linked = await t.service.core.router.run(boss, { kind: 'link', target: { kind: 'email', email: 'private.address@elsewhere.example' }, who: t.sim.fleet.byIndex(15).email! }, async () => target);
    expect(linked.summary).toContain(t.sim.fleet.byIndex(15).lastName);
    const again = await seen('s2', 'private.address@elsewhere.example');
    expect(again.individuId).toBe(t.sim.fleet.byIndex(15).individuId);
    expect(again.person.link_source).toBe('manual');
    await t.service.core.router.run(boss, { kind: 'unlink', target: { kind: 'email', email: 'x@y.fr' } }, async () => target);
    expect((await seen('s2', 'private.address@elsewhere.example')).individuId).toBeNull();
    const trail = await t.service.core.store.auditTrail();
    expect(trail.slice(0, 2).map((e) => e.action)).toEqual(['unlink', 'link']);
    const unknown = await t.service.core.router.run(boss, { kind: 'link', target: { kind: 'email', email: 'x@y.fr' }, who: 'ghost@nowhere.example' }, async () => target);
    expect(unknown.summary).toContain('ghost@nowhere.example');
  });

  it('a driver cannot link anyone', async () => {
    const driver = await seen('d', t.sim.fleet.byIndex(9).email);
    const target = (await seen('victim', 'v@elsewhere.example')).person;
    const view = await t.service.core.router.run(driver, { kind: 'link', target: { kind: 'email', email: 'v@elsewhere.example' }, who: t.sim.fleet.byIndex(9).email! }, async () => target);
    expect(view.summary).toContain('réservée aux gestionnaires');
    expect((await t.service.core.store.personById(target.id))?.individu_id).toBeNull();
  });

  it('managers are MANAGER_EMAILS plus whoever the store marks as manager', async () => {
    const driver = await seen('promoted', t.sim.fleet.byIndex(20).email);
    expect(driver.role).toBe('driver');
    await t.service.core.store.setRole(driver.person.id, 'manager');
    expect((await seen('promoted', t.sim.fleet.byIndex(20).email)).role).toBe('manager');
  });

  it('speaks the platform\'s language, the default otherwise, and the one chosen with /privacy language above both', async () => {
    expect((await seen('l1', null, 'en-GB')).locale).toBe('en');
    expect((await seen('l2', null, 'de-DE')).locale).toBe('fr');
    const chooser = await seen('l3', null, 'fr-FR');
    const answer = await t.service.core.router.run(chooser, { kind: 'language', locale: 'en' }, async () => undefined);
    expect(answer.summary).toBe('Language: English.');
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
