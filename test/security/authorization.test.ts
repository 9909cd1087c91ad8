import { ACTION_IDS, FORM_IDS } from '../../src/views/views';
import { clicked, typed, user } from '../support/chat';
import { startTestService, TEST_DAY, type TestService } from '../support/service';

/** Every action tried as another driver, every manager command tried as a driver: refused, nothing changed. */
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
});
afterAll(() => t.stop());

const as = (id: string, index: number) => user(id, { email: t.sim.fleet.byIndex(index).email });
const actor = (id: string, index: number) => t.service.core.people.identify(as(id, index));

describe('authorization', () => {
  it("nothing a driver does can touch another driver's prompt, hours or periods", async () => {
    const owner = await actor('owner', 9);
    const other = await actor('other', 11);
    await t.service.core.store.people.link(owner.person.id, owner.individuId, 'email');
    const prompt = await t.service.core.store.prompts.claim({
      individuId: owner.individuId!,
      day: TEST_DAY,
      personId: owner.person.id,
      trips: {
        asked: [{ id: 1, vehicleId: 5000, numeroEmbarque: 100, start: null, end: null, fromTown: null, toTown: null, distanceMeter: 1, durationSec: 1 }],
        alreadyPrivate: 0,
      },
      worker: 'w',
      leaseMs: 1,
    });
    const before = {
      requests: t.sim.requests.filter((r) => r.method !== 'GET').length,
      audit: (await t.service.core.store.auditLog.trail(1000)).filter((e) => !e.action.endsWith('.refused')).length,
    };
    expect(other.individuId).not.toBeNull();
    const router = t.service.core.router;
    const intruder = as('other', 11);
    const attempts = [
      clicked(t, intruder, ACTION_IDS.answer, `ans:${prompt!.id}:0:private`),
      clicked(t, intruder, ACTION_IDS.answer, `ans:${prompt!.id}:all:professional`),
      clicked(t, intruder, ACTION_IDS.editSchedule, `sch:${owner.person.id}`),
      clicked(t, intruder, ACTION_IDS.addPeriod, `sch:${owner.person.id}`),
      clicked(t, intruder, ACTION_IDS.deletePeriod, `per:${owner.person.id}:1798153200000`),
      clicked(t, intruder, ACTION_IDS.confirmDeletePeriod, `per:${owner.person.id}:1798153200000`),
      router.submitted(intruder, FORM_IDS.schedule, `sch:${owner.person.id}`, { LUNDI: '', MARDI: '' }),
      router.submitted(intruder, FORM_IDS.period, `sch:${owner.person.id}`, { description: 'x', from: '01/12/2026', to: '02/12/2026' }),
    ];
    const outcomes = await Promise.all(attempts);
    for (const outcome of outcomes) {
      const view = 'done' in outcome ? outcome.done : (outcome as { reply?: unknown }).reply;
      expect(view).toBeDefined();
      expect(JSON.stringify(view)).toMatch(/autre personne|Seul le conducteur/);
      expect((outcome as { update?: unknown }).update).toBeUndefined();
      expect((outcome as { form?: unknown }).form).toBeUndefined();
    }
    expect(await t.service.core.store.answers.latest(prompt!.id)).toEqual([]);
    expect(t.sim.requests.filter((r) => r.method !== 'GET').length).toBe(before.requests);
    expect((await t.service.core.store.auditLog.trail(1000)).filter((e) => !e.action.endsWith('.refused')).length).toBe(before.audit);
  });

  it('every manager command is refused to a driver before anything is asked of Ocean', async () => {
    await actor('driver', 13);
    const target = (await actor('target', 14)).person;
    const before = t.sim.requests.length;
    const email = t.sim.fleet.byIndex(14).email!;
    const lines = [
      'privacy-report 01/11/2026-24/11/2026',
      'privacy-report 01/11/2026-24/11/2026 by vehicle',
      `privacy link ${email} ${t.sim.fleet.byIndex(13).email!}`,
      `privacy unlink ${email}`,
      `privacy forget ${email}`,
      `privacy schedule ${email}`,
      'privacy link @Someone Else',
    ];
    for (const line of lines) {
      const views = await typed(t, as('driver', 13), line);
      expect(views.map((v) => v.summary)).toEqual([expect.stringContaining('réservée aux gestionnaires')]);
    }
    expect(t.sim.requests.slice(before)).toEqual([]);
    expect((await t.service.core.store.people.byId(target.id))?.link_source).toBe('email');
  });
});
