import { DateTime } from 'luxon';
import { ManualClock } from '../../src/clock';
import type { TimedRow } from '../../src/ocean';
import { startOcean } from '../support/ocean';

const ZONE = 'Europe/Paris';
const NOW = '2026-11-25T09:00:00Z';
const DAYS = 14;

/** Great-circle distance in km, written here again so that the test does not trust the simulator's own. */
function crowFliesKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

interface Drive {
  from: string;
  to: string;
  km: number;
  straightKm: number;
  minutes: number;
}

/** Every trip of the fleet over two weeks, as the real client reads it from the simulator over HTTP. */
async function fleetDrives(): Promise<Drive[]> {
  const ocean = await startOcean({ clock: new ManualClock(NOW) });
  try {
    const drives: Drive[] = [];
    const last = DateTime.fromISO('2026-11-24', { zone: ZONE });
    for (let day = last.minus({ days: DAYS - 1 }); day <= last; day = day.plus({ days: 1 })) {
      for (const vehicle of ocean.sim.fleet.vehicles) {
        const rows = await ocean.client.dailyRecordForLocalDay(vehicle.id, day.toISODate()!, ZONE);
        for (const row of rows.filter((r) => r.type === 'T')) drives.push(toDrive(row));
      }
    }
    return drives;
  } finally {
    await ocean.stop();
  }
}

function toDrive(row: TimedRow): Drive {
  const at = (p: TimedRow['posDeb']) => ({ lat: p?.latitudeY ?? NaN, lon: p?.longitudeX ?? NaN });
  return {
    from: row.posDeb?.fullAddress?.town ?? '?',
    to: row.posFin?.fullAddress?.town ?? '?',
    km: (row.distanceMeter ?? 0) / 1000,
    straightKm: crowFliesKm(at(row.posDeb), at(row.posFin)),
    minutes: (row.dureeMs ?? 0) / 60_000,
  };
}

describe("the simulator's geography", () => {
  let drives: Drive[];
  beforeAll(async () => {
    drives = await fleetDrives();
  }, 60_000);

  it('a trip between two towns is longer by road than in a straight line, without a wild detour', () => {
    const between = drives.filter((d) => d.from !== d.to);
    expect(between.length).toBeGreaterThan(200);
    const wrong = between.filter((d) => d.km < d.straightKm * 1.15 || d.km > d.straightKm * 1.5 + 5);
    expect(wrong.map((d) => `${d.from} → ${d.to}: ${d.km.toFixed(1)} km for ${d.straightKm.toFixed(1)} km in a straight line`)).toEqual([]);
  });

  it('a trip takes the time its distance needs: town speeds for short trips, main-road speeds for long ones', () => {
    const speed = (d: Drive) => d.km / (d.minutes / 60);
    const wrong = drives.filter((d) => speed(d) < 15 || speed(d) > 90 || (d.km < 10 && speed(d) > 45) || (d.km > 30 && speed(d) < 45));
    expect(wrong.map((d) => `${d.from} → ${d.to}: ${d.km.toFixed(1)} km in ${d.minutes} min`)).toEqual([]);
    // Villefranche-sur-Saône and Bron are 32 km apart as the crow flies: about 40 km, over half an hour.
    const far = drives.filter((d) => [d.from, d.to].includes('Villefranche-sur-Saône') && [d.from, d.to].includes('Bron'));
    for (const d of far) {
      expect(d.km).toBeGreaterThan(38);
      expect(d.minutes).toBeGreaterThan(30);
    }
  });

  it('a trip within one town stays short, and a vehicle leaves from where its previous trip ended', async () => {
    const within = drives.filter((d) => d.from === d.to);
    expect(within.length).toBeGreaterThan(20);
    expect(within.filter((d) => d.km < 1 || d.km > 12)).toEqual([]);
    const ocean = await startOcean({ clock: new ManualClock(NOW) });
    try {
      for (const vehicle of ocean.sim.fleet.vehicles) {
        const rows = (await ocean.client.dailyRecordForLocalDay(vehicle.id, '2026-11-24', ZONE)).filter((r) => r.type === 'T');
        for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.posDeb?.fullAddress).toEqual(rows[i - 1]!.posFin?.fullAddress);
      }
    } finally {
      await ocean.stop();
    }
  });

  it('is the same on every run: the seed decides every trip', async () => {
    const again = await fleetDrives();
    expect(again).toEqual(drives);
  }, 60_000);
});
