import { ManualClock } from '../../src/clock';
import { unreachableReasons } from '../../src/privacy/reach';
import type { Store } from '../../src/store';
import { storeTargets } from '../support/stores';

describe.each(storeTargets())('how drivers are reached, in the store on $name', (target) => {
  const clock = new ManualClock('2026-11-25T07:30:00Z');
  let store: Store;

  beforeAll(async () => {
    store = await target.open(clock);
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(() => store.truncateAll());

  it('keeps the latest reason per driver, forgets it once they are reached, and reads only the drivers asked', async () => {
    await store.reach.noteProblem(1, 'notInTenant');
    await store.reach.noteProblem(1, 'installRefused', 'Forbidden');
    await store.reach.noteProblem(2, 'noEmail');
    await store.reach.noteProblem(3, 'not a reason of ours');
    expect(await unreachableReasons(store, [1, 2, 3, 4])).toEqual(
      new Map([
        [1, 'installRefused'],
        [2, 'noEmail'],
      ]),
    );
    expect((await store.reach.problems([1])).get(1)?.detail).toBe('Forbidden');
    await store.reach.clearProblem(1);
    expect(await unreachableReasons(store, [1, 2])).toEqual(new Map([[2, 'noEmail']]));
    expect(await unreachableReasons(store, [])).toEqual(new Map());
  });

  it('an install is recorded once per driver; its installation id, once known, is not lost', async () => {
    await store.reach.recordInstall({ individuId: 7, tenantId: 'T', userId: 'aad-7', installationId: null });
    await store.reach.recordInstall({ individuId: 7, tenantId: 'T', userId: 'aad-7', installationId: 'inst-7' });
    await store.reach.recordInstall({ individuId: 7, tenantId: 'T', userId: 'aad-7', installationId: null });
    const installs = await store.reach.installs([7, 8]);
    expect([...installs.keys()]).toEqual([7]);
    expect(installs.get(7)).toMatchObject({ tenant_id: 'T', user_id: 'aad-7', installation_id: 'inst-7' });
  });

  it('a person gets one welcome however many activities race for it', async () => {
    const person = await store.people.see({ platform: 'teams', workspaceId: 'T', chatUserId: 'aad-1' });
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.reach.claimWelcome(person.id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('forgetting a driver forgets how they were reached', async () => {
    await store.reach.noteProblem(9, 'blocked');
    await store.reach.recordInstall({ individuId: 9, tenantId: 'T', userId: 'aad-9', installationId: 'i' });
    await store.once(undefined, (tx) => tx.erasure.erase(9, [], []).then(() => undefined));
    expect(await store.reach.problems([9])).toEqual(new Map());
    expect(await store.reach.installs([9])).toEqual(new Map());
  });
});
