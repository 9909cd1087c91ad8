import { DateTime } from 'luxon';
import type { OceanClient } from '../ocean';
import type { CallContext } from '../ocean/client';
import { localDayBounds, type IsoDay } from '../ocean/dates';
import type { DailyRecordRow, Position } from '../ocean/schemas';
import type { Driver, DriverVehicle, OceanDirectory } from './directory';
import { PrivateHours } from './hours';

/** A trip as shown to its driver: times, towns (never street addresses), distance, duration. */
export interface Trip {
  /** `fjRows[].id`, the `idEtape` of the retroactive request (REFERENCE §4, an inference). */
  id: number;
  vehicleId: number;
  numeroEmbarque: number | null;
  start: string | null;
  end: string | null;
  fromTown: string | null;
  toTown: string | null;
  distanceMeter: number;
  durationSec: number;
}

export interface DriverDay {
  day: IsoDay;
  /** Trips to ask about. */
  trips: Trip[];
  /** Trips inside private hours: already private, mentioned but not asked. */
  alreadyPrivate: Trip[];
}

/**
 * Which trips a driver had on a day: the daily record of each of their vehicles, on a shared
 * vehicle only the rows driven by them, minus the trips inside their private hours.
 */
export class TripsService {
  constructor(
    private readonly ocean: OceanClient,
    private readonly directory: OceanDirectory,
    private readonly zone: string,
  ) {}

  async privateHours(individuId: number, around?: { from: Date; to: Date }, context: CallContext = {}): Promise<PrivateHours> {
    const [recurring, exceptional] = await Promise.all([this.ocean.recurringSchedules(individuId, context), this.ocean.exceptionalPeriods(individuId, around ?? {}, context)]);
    return PrivateHours.fromOcean(recurring, exceptional);
  }

  async driverDay(driver: Driver, day: IsoDay, context: CallContext = {}): Promise<DriverDay> {
    const trips: Trip[] = [];
    for (const vehicle of driver.vehicles) {
      const rows = await this.ocean.dailyRecord(vehicle.id, day, context);
      const shared = (await this.directory.vehicle(vehicle.id))?.driverIds.length ?? 1;
      for (const row of rows) {
        if (!isTrip(row)) continue;
        if (shared > 1 && !drivenBy(row, driver)) continue;
        trips.push(toTrip(row, vehicle, this.zone));
      }
    }
    trips.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.id - b.id);
    if (!trips.length) return { day, trips, alreadyPrivate: [] };
    const bounds = localDayBounds(day, this.zone);
    const hours = await this.privateHours(driver.individuId, { from: bounds.start, to: bounds.end }, context);
    const asked: Trip[] = [];
    const alreadyPrivate: Trip[] = [];
    for (const trip of trips) {
      const inside = trip.start && trip.end && hours.containsTrip(new Date(trip.start), new Date(trip.end), this.zone);
      (inside ? alreadyPrivate : asked).push(trip);
    }
    return { day, trips: asked, alreadyPrivate };
  }
}

/** Rows typed `T` are trips; the docs show no other value, a missing type is read as a trip. */
function isTrip(row: DailyRecordRow): boolean {
  return row.type === undefined || row.type === null || row.type === 'T';
}

function drivenBy(row: DailyRecordRow, driver: Driver): boolean {
  const who = row.posDeb?.driver;
  if (!who) return false;
  if (who.matricule && driver.matricule) return who.matricule === driver.matricule;
  const same = (a?: string | null, b?: string | null) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
  return same(who.nom, driver.lastName) && same(who.prenom, driver.firstName);
}

function toTrip(row: DailyRecordRow, vehicle: DriverVehicle, zone: string): Trip {
  const start = readInstant(row.posDeb, zone);
  let end = readInstant(row.posFin, zone);
  const durationSec = row.dureeMs != null ? Math.round(row.dureeMs / 1000) : start && end ? Math.round((end.getTime() - start.getTime()) / 1000) : 0;
  if (!end && start) end = new Date(start.getTime() + durationSec * 1000);
  return {
    id: row.id,
    vehicleId: vehicle.id,
    numeroEmbarque: vehicle.numeroEmbarque,
    start: start?.toISOString() ?? null,
    end: end?.toISOString() ?? null,
    fromTown: row.posDeb?.fullAddress?.town ?? null,
    toTown: row.posFin?.fullAddress?.town ?? null,
    distanceMeter: row.distanceMeter ?? 0,
    durationSec,
  };
}

/**
 * `date` and `heure` formats are undocumented (REFERENCE §4). We read `dd/MM/yyyy` or ISO days,
 * `HH:mm[:ss]` times in the fleet's zone, ISO date-times and epoch milliseconds.
 */
export function readInstant(position: Position | null | undefined, zone: string): Date | null {
  if (!position) return null;
  const { date, heure } = position;
  if (typeof heure === 'number') return new Date(heure);
  if (typeof date === 'number' && heure == null) return new Date(date);
  if (typeof heure === 'string' && /T/.test(heure)) {
    const iso = DateTime.fromISO(heure, { zone });
    if (iso.isValid) return iso.toJSDate();
  }
  if (typeof date !== 'string') return null;
  const day = DateTime.fromFormat(date.trim(), 'dd/MM/yyyy', { zone }).isValid
    ? DateTime.fromFormat(date.trim(), 'dd/MM/yyyy', { zone })
    : DateTime.fromISO(date.trim(), { zone });
  if (!day.isValid) return null;
  if (typeof heure !== 'string') return /T/.test(date) ? day.toJSDate() : null;
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(heure.trim());
  if (!time) return null;
  const at = day.set({ hour: Number(time[1]), minute: Number(time[2]), second: Number(time[3] ?? 0), millisecond: 0 });
  return at.isValid ? at.toJSDate() : null;
}
