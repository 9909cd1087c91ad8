import { FORM_IDS, ACTION_IDS } from '../../src/views/views';
import { startTestService, TEST_DAY, type TestService } from '../support/service';

/** Every action tried as another driver, every manager command tried as a driver: refused, nothing changed. */
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
});
afterAll(() => t.stop());

const actor = (id: string, index: number) => t.service.core.people.identify({ platform: 'web', workspaceId: 'W', chatUserId: id, email: t.sim.fleet.byIndex(index).email });

describe('authorization', () => {
  it('nothing a driver does can touch another driver\'s prompt, hours or periods', async () => {
    const owner = await actor('owner', 9);
    const other = await actor('other', 11);
    await t.service.core.store.linkPerson(owner.person.id, owner.individuId, 'email');
    const prompt = await t.service.core.store.claimPrompt({ individuId: owner.individuId!, day: TEST_DAY, personId: owner.person.id, trips: { asked: [{ id: 1, vehicleId: 5000, numeroEmbarque: 100, start: null, end: null, fromTown: null, toTown: null, distanceMeter: 1, durationSec: 1 }], alreadyPrivate: 0 }, worker: 'w', leaseMs: 1 });
    const before = { requests: t.sim.requests.filter((r) => r.method !== 'GET').length, audit: (await t.service.core.store.auditTrail(1000)).filter((e) => !e.action.endsWith('.refused')).length };
    const router = t.service.core.router;
    const attempts = [
      router.action(other, ACTION_IDS.answer, `ans:${prompt!.id}:0:private`),
      router.action(other, ACTION_IDS.answer, `ans:${prompt!.id}:all:professional`),
      router.action(other, ACTION_IDS.editSchedule, `sch:${owner.person.id}`),
      router.action(other, ACTION_IDS.addPeriod, `sch:${owner.person.id}`),
      router.action(other, ACTION_IDS.deletePeriod, `per:${owner.person.id}:1798153200000`),
      router.submit(other, FORM_IDS.schedule, `sch:${owner.person.id}`, { LUNDI: '', MARDI: '' }),
      router.submit(other, FORM_IDS.period, `sch:${owner.person.id}`, { description: 'x', from: '01/12/2026', to: '02/12/2026' }),
    ];
    const outcomes = await Promise.all(attempts);
    for (const outcome of outcomes) {
      const view = 'done' in outcome ? outcome.done : (outcome as { reply?: unknown }).reply;
      expect(view).toBeDefined();
      expect(JSON.stringify(view)).toMatch(/autre personne|Seul le conducteur/);
      expect((outcome as { update?: unknown }).update).toBeUndefined();
      expect((outcome as { form?: unknown }).form).toBeUndefined();
    }
    expect(await t.service.core.store.latestAnswers(prompt!.id)).toEqual([]);
    expect(t.sim.requests.filter((r) => r.method !== 'GET').length).toBe(before.requests);
    expect((await t.service.core.store.auditTrail(1000)).filter((e) => !e.action.endsWith('.refused')).length).toBe(before.audit);
  });

  it('every manager command is refused to a driver before anything is asked of Ocean', async () => {
    const driver = await actor('driver', 13);
    const target = (await actor('target', 14)).person;
    const before = t.sim.requests.length;
    const period = { first: '2026-11-01', last: '2026-11-24', kind: 'range' as const };
    const commands = [
      { kind: 'report' as const, period, by: 'driver' as const, periodGiven: true },
      { kind: 'report' as const, period, by: 'vehicle' as const, periodGiven: true },
      { kind: 'link' as const, target: { kind: 'email' as const, email: 'x@y.fr' }, who: t.sim.fleet.byIndex(13).email! },
      { kind: 'unlink' as const, target: { kind: 'email' as const, email: 'x@y.fr' } },
      { kind: 'schedule' as const, target: { kind: 'email' as const, email: 'x@y.fr' } },
    ];
    for (const command of commands) {
      expect(t.service.core.router.refused(driver, command)).toBe(true);
      expect((await t.service.core.router.run(driver, command, async () => target)).summary).toContain('réservée aux gestionnaires');
    }
    expect(t.sim.requests.slice(before)).toEqual([]);
    expect((await t.service.core.store.personById(target.id))?.link_source).toBe('email');
  });
});
