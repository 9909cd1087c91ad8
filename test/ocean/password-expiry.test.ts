import { startTestService } from '../support/service';

/*
 * Ocean's login says how many days the API password has left. Under 14 the operator hears of
 * it: a warning in the log, in /readyz's detail (the service stays ready) and, always, a gauge.
 */

it.each([
  [9, true],
  [87, false],
])(
  'with %i days left on the API password, the operator is warned: %s',
  async (days, warned) => {
    const t = await startTestService({ slack: false, teams: false, simulatorOptions: { passwordExpirationRemainingDays: days } });
    try {
      expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/ocean_password_expiration_remaining_days nan/i);
      await t.service.core.ocean.listVehicles();
      expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(new RegExp(`ocean_password_expiration_remaining_days ${days}\\b`));
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
      const detail = ((await ready.json()) as { detail?: string[] }).detail;
      const logged = t.logs.some((l) => l.includes('"level":"warn"') && l.includes('OCEAN_PASSWORD'));
      if (warned) {
        expect(detail).toEqual([`the Ocean API password expires in ${days} day(s): change it in Ocean, then OCEAN_PASSWORD`]);
        expect(logged).toBe(true);
      } else {
        expect(detail).toBeUndefined();
        expect(logged).toBe(false);
      }
    } finally {
      await t.stop();
    }
  },
  60_000,
);
