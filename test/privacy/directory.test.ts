import { ManualClock } from '../../src/clock';
import { OceanDirectory } from '../../src/privacy/directory';
import { startOcean } from '../support/ocean';
import { startTestService, TEST_NOW } from '../support/service';
import { eventually } from '../support/wait';

/*
 * Ocean's directory (1,000 drivers in a morning's fleet) is never what a request waits for once
 * there is a copy (issue 30): an old copy serves while the next is fetched in the background, a
 * manager's change is waited for, and a start loads it before its port opens.
 */
const TTL_MS = 60_000;

describe("Ocean's directory, refreshed behind the requests", () => {
  let ocean: Awaited<ReturnType<typeof startOcean>>;
  let clock: ManualClock;
  let directory: OceanDirectory;

  beforeEach(async () => {
    clock = new ManualClock(TEST_NOW);
    ocean = await startOcean({ clock }, { clock, timeoutMs: 10_000 });
    directory = new OceanDirectory(ocean.client, clock, TTL_MS);
  });
  afterEach(() => ocean.stop());

  const lists = () => ocean.sim.requestsTo('individus/list').length;

  it('a copy past its age serves at once while Ocean, slow now, sends the next; the next serves once it has come', async () => {
    const driver = ocean.sim.fleet.byIndex(9);
    expect((await directory.byId(driver.individuId))?.firstName).toBe(driver.firstName);
    expect(lists()).toBe(1);
    driver.firstName = 'Renommé';
    clock.advance(TTL_MS + 1);
    ocean.sim.setFaults({ latencyMs: 1_500 });
    // Ocean answers in 1.5 s: the old copy comes back first, and the refresh is on its way.
    expect((await directory.byId(driver.individuId))?.firstName).not.toBe('Renommé');
    await eventually(() => lists() === 2);
    // Other reads meanwhile join the same refresh rather than starting their own.
    await directory.byEmail(driver.email as string);
    expect(lists()).toBe(2);
    await eventually(async () => (await directory.byId(driver.individuId))?.firstName === 'Renommé', 10_000);
    expect(lists()).toBe(2);
  });

  it('after invalidate (a manager changed something), the next read waits for the fresh copy', async () => {
    const driver = ocean.sim.fleet.byIndex(11);
    await directory.byId(driver.individuId);
    driver.firstName = 'Changé';
    directory.invalidate();
    expect((await directory.byId(driver.individuId))?.firstName).toBe('Changé');
  });

  it('Ocean failing on a refresh: the last good copy keeps serving, and nothing is thrown', async () => {
    const driver = ocean.sim.fleet.byIndex(9);
    await directory.byId(driver.individuId);
    clock.advance(TTL_MS + 1);
    ocean.sim.setFaults({ failNext: { status: 500, count: 50 } });
    expect((await directory.byId(driver.individuId))?.individuId).toBe(driver.individuId);
    await directory.warm();
    expect((await directory.all()).length).toBeGreaterThan(0);
  });
});

it('a service opens its port once the directory is loaded: its first request finds it there', async () => {
  const t = await startTestService({ teams: false, jobs: true });
  try {
    // No waiting: the lists were asked and answered before startService returned.
    expect(t.sim.requestsTo('individus/list').length).toBe(1);
    expect(t.sim.requestsTo('vehicule_engin/vehicles').length).toBe(1);
    await t.service.core.directory.all();
    expect(t.sim.requestsTo('individus/list').length).toBe(1);
  } finally {
    await t.stop();
  }
});
