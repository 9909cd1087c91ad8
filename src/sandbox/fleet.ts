import { DateTime } from 'luxon';
import { drive, nextTown, type Place, placeIn, TOWNS, type Town } from './geography';
import { between, hashInts, mulberry32, pick } from './random';

export type { Place } from './geography';

/** A calendar day written `yyyy-MM-dd`. */
type IsoDay = string;

/*
 * The simulator's seeded fleet: invented people, vehicles and trips, the same on every run.
 * Special cases sit at fixed positions so that tests can name them:
 *  - 0: the fleet manager (no vehicle);
 *  - 3 and 4 share one vehicle;
 *  - 7 and 19 have no e-mail; 12 and 25 have no vehicle;
 *  - 1, 2, 5, 8, 10 have recurring private hours (weekday evenings and nights, weekends);
 *  - 6 has an exceptional private period (from the next 24 December to the 27th);
 *  - 16 makes a delivery round: 24 short trips a day, within the town it is based in.
 *  - 9, 14 and 17 have answers seeded in the sandbox (suggestions); they and 16 drive every day,
 *    weekends included (EVERY_DAY_INDEXES), so that the sandbox's walkthrough, which names them,
 *    reads the same on a Sunday or a Monday (the day before is a weekend day) as on a Wednesday.
 *  - 13 is the site manager of Agence Lyon (SITE_MANAGER_INDEX), a driver too.
 * People belong to three entities in turn (the head office, Agence Lyon, Agence Vienne: index
 * modulo 3) and two groups (sales, technicians: index modulo 2); 3 and 4, who share a vehicle,
 * are in two entities.
 * A shared vehicle is assigned to its first driver until 13:00 and to its second from 13:00,
 * every day: its trips follow, and so do its dated assignments (`affectations_chauffeurs`).
 * Each vehicle is based in a town of the area: its day starts there, goes mostly to nearby
 * towns, and some evenings ends with the drive back (geography.ts gives distances and times).
 */

export interface SimDriver {
  index: number;
  individuId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  matricule: string;
  vehicleId: number | null;
  entityId: number;
  groupId: number;
  civilite: number;
}

export interface SimVehicle {
  id: number;
  numeroEmbarque: number;
  codeExploitant: string;
  immatriculation: string;
  marque: string;
  modele: string;
  electric: boolean;
  driverIds: number[];
  /** Ocean's `privacyEnabled` (private mode); tests switch it off. */
  privacyEnabled: boolean;
}

/** A dated driver<->vehicle assignment, as `affectations_chauffeurs` returns them. */
export interface SimAssignmentSpan {
  id: number;
  vehicleId: number;
  individuId: number;
  from: DateTime;
  to: DateTime | null;
  companyCar: boolean;
}

export interface SimTrip {
  /** The `fjRows[].id`, used as `idEtape`. Encodes the day, the vehicle and the position. */
  id: number;
  vehicleId: number;
  driverId: number;
  start: DateTime;
  end: DateTime;
  distanceMeter: number;
  from: Place;
  to: Place;
}

const FIRST_NAMES = [
  'Claire',
  'Julien',
  'Camille',
  'Nicolas',
  'Sophie',
  'Thomas',
  'Émilie',
  'Antoine',
  'Léa',
  'Maxime',
  'Chloé',
  'Hugo',
  'Manon',
  'Lucas',
  'Inès',
  'Louis',
  'Sarah',
  'Mathieu',
  'Pauline',
  'Romain',
  'Élodie',
  'Baptiste',
  'Océane',
  'Guillaume',
  'Margaux',
  'François',
  'Anaïs',
  'Jérôme',
  'Laura',
  'Benoît',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Legrand',
];
const MODELS: [string, string, boolean][] = [
  ['Renault', 'Clio', false],
  ['Peugeot', '208', false],
  ['Renault', 'Mégane E-Tech', true],
  ['Citroën', 'Berlingo', false],
  ['Peugeot', 'e-208', true],
  ['Dacia', 'Sandero', false],
  ['Renault', 'Kangoo', false],
  ['Tesla', 'Model 3', true],
];

export const MANAGER_INDEX = 0;
/** A driver who manages their site: Agence Lyon's people only (the sandbox's MANAGERS). */
export const SITE_MANAGER_INDEX = 13;
/** The fleet's entities and groups, by Ocean id (`individus/list` gives each person one of each). */
export const ENTITIES: Record<number, string> = { 10: 'Siège', 11: 'Agence Lyon', 12: 'Agence Vienne' };
export const GROUPS: Record<number, string> = { 20: 'Commerciaux', 21: 'Techniciens' };
export const SHARED_VEHICLE_INDEXES = [3, 4] as const;
export const NO_EMAIL_INDEXES = [7, 19];
export const NO_VEHICLE_INDEXES = [MANAGER_INDEX, 12, 25];
export const RECURRING_PRIVATE_INDEXES = [1, 2, 5, 8, 10];
export const EXCEPTIONAL_PRIVATE_INDEX = 6;
/** A delivery round: every day has more trips than one message shows (paging). */
export const LONG_DAY_INDEX = 16;
export const LONG_DAY_TRIPS = 24;
/** Drivers whose last weeks of answers the sandbox seeds, so that suggestions show (privacy/daily/sandbox-history.ts). */
export const SEEDED_HISTORY_INDEXES = [9, 14, 17];
/** People whose vehicle drives a working day every day, weekends included (see the header). */
export const EVERY_DAY_INDEXES = [LONG_DAY_INDEX, ...SEEDED_HISTORY_INDEXES];
export const FLEET_EMAIL_DOMAIN = 'transports-exemple.fr';
export const INDIVIDU_ID_BASE = 1110000400;
export const VEHICLE_ID_BASE = 5000;
/** The fleet's recorded history starts here (private hours, company-car assignments). */
export const FLEET_FIRST_DAY = '2026-01-01';

export interface FleetOptions {
  /** Number of people; the special cases above apply to the first 30. */
  size?: number;
}

export class Fleet {
  readonly drivers: SimDriver[] = [];
  readonly vehicles: SimVehicle[] = [];
  private readonly driversById = new Map<number, SimDriver>();
  private readonly vehiclesById = new Map<number, SimVehicle>();
  private readonly vehicleIndex = new Map<number, number>();

  constructor(options: FleetOptions = {}) {
    const size = options.size ?? 30;
    const rng = mulberry32(42);
    for (let index = 0; index < size; index += 1) {
      const firstName = FIRST_NAMES[index % FIRST_NAMES.length] as string;
      const lastName = LAST_NAMES[(index * 7 + Math.floor(index / LAST_NAMES.length)) % LAST_NAMES.length] as string;
      const suffix = index >= FIRST_NAMES.length ? String(index) : '';
      const email = NO_EMAIL_INDEXES.includes(index) ? null : `${ascii(firstName)}.${ascii(lastName)}${suffix}@${FLEET_EMAIL_DOMAIN}`;
      const driver: SimDriver = {
        index,
        individuId: INDIVIDU_ID_BASE + index,
        firstName,
        lastName,
        email,
        matricule: `M${String(index + 1).padStart(4, '0')}`,
        vehicleId: null,
        entityId: 10 + (index % 3),
        groupId: 20 + (index % 2),
        civilite: index % 2 === 0 ? 2 : 1,
      };
      this.drivers.push(driver);
      this.driversById.set(driver.individuId, driver);
    }
    for (const driver of this.drivers) {
      if (NO_VEHICLE_INDEXES.includes(driver.index)) continue;
      if (driver.index === SHARED_VEHICLE_INDEXES[1]) {
        const shared = this.drivers[SHARED_VEHICLE_INDEXES[0]];
        const vehicle = shared?.vehicleId ? this.vehiclesById.get(shared.vehicleId) : undefined;
        if (vehicle) {
          driver.vehicleId = vehicle.id;
          vehicle.driverIds.push(driver.individuId);
          continue;
        }
      }
      const n = this.vehicles.length;
      const [marque, modele, electric] = MODELS[n % MODELS.length] as [string, string, boolean];
      const vehicle: SimVehicle = {
        id: VEHICLE_ID_BASE + n,
        numeroEmbarque: 100 + n,
        codeExploitant: String(1110000001 + (n % 3)),
        immatriculation: plate(rng),
        marque,
        modele,
        electric,
        driverIds: [driver.individuId],
        privacyEnabled: true,
      };
      this.vehicleIndex.set(vehicle.id, n);
      this.vehicles.push(vehicle);
      this.vehiclesById.set(vehicle.id, vehicle);
      driver.vehicleId = vehicle.id;
    }
  }

  driver(individuId: number): SimDriver | undefined {
    return this.driversById.get(individuId);
  }

  vehicle(id: number): SimVehicle | undefined {
    return this.vehiclesById.get(id);
  }

  byIndex(index: number): SimDriver {
    const driver = this.drivers[index];
    if (!driver) throw new RangeError(`no driver #${index}`);
    return driver;
  }

  private readonly tripCache = new Map<string, SimTrip[]>();
  private readonly added = new Map<string, SimTrip[]>();

  /** The trips of a vehicle on a local day, generated from (vehicle, day) alone (and remembered), with those added by tests. */
  trips(vehicleId: number, day: IsoDay, zone: string): SimTrip[] {
    const key = `${vehicleId}:${day}:${zone}`;
    let trips = this.tripCache.get(key);
    if (!trips) {
      trips = this.generate(vehicleId, day, zone);
      const extra = this.added.get(key);
      if (extra) trips = [...trips, ...extra].sort((a, b) => a.start.toMillis() - b.start.toMillis());
      if (this.tripCache.size > 50_000) this.tripCache.clear();
      this.tripCache.set(key, trips);
    }
    return trips;
  }

  /**
   * Adds a trip starting at `start` (tests of trips near midnight): it belongs to the local day
   * it starts on, and to whoever the vehicle is assigned to then. Across one town of the area,
   * or between the towns named (`towns`, names of TOWNS: tests of suggestions by route).
   */
  addTrip(vehicleId: number, start: DateTime, minutes: number, zone: string, towns?: { from: string; to: string }): SimTrip {
    const vehicle = this.vehiclesById.get(vehicleId);
    const vehicleIndex = this.vehicleIndex.get(vehicleId);
    if (!vehicle || vehicleIndex === undefined) throw new RangeError(`no vehicle ${vehicleId}`);
    const local = start.setZone(zone);
    const day = local.toISODate() as IsoDay;
    const key = `${vehicleId}:${day}:${zone}`;
    const extra = this.added.get(key) ?? [];
    const dayNumber = Math.floor(DateTime.fromISO(day, { zone: 'utc' }).toSeconds() / 86400);
    const rng = mulberry32(hashInts(vehicleId, dayNumber, 7 + extra.length));
    // A drive across one town, at a town's speed.
    const town = pick(rng, TOWNS);
    const named = (name: string) => {
      const found = TOWNS.find((t) => t.town === name);
      if (!found) throw new RangeError(`no town ${name} in the area`);
      return found;
    };
    const trip: SimTrip = {
      // Positions 40 to 49: above any generated trip, below the stop rows (+50).
      id: tripId(dayNumber, vehicleIndex, 40 + extra.length),
      vehicleId,
      driverId: this.driverAt(vehicle, local),
      start: local,
      end: local.plus({ minutes }),
      distanceMeter: Math.round((minutes / 60) * TOWN_SPEED_KMH * 1000),
      from: placeIn(rng, towns ? named(towns.from) : town),
      to: placeIn(rng, towns ? named(towns.to) : town),
    };
    extra.push(trip);
    this.added.set(key, extra);
    this.tripCache.delete(key);
    return trip;
  }

  /** Who drives a vehicle at a local time: a shared vehicle changes hands at 13:00. */
  driverAt(vehicle: SimVehicle, local: DateTime): number {
    return (vehicle.driverIds.length > 1 && local.hour >= 13 ? vehicle.driverIds[1] : vehicle.driverIds[0]) as number;
  }

  /**
   * The dated assignments of a vehicle: a vehicle of one driver is their company car since
   * the fleet's first day, open-ended; a shared vehicle has one assignment per driver and half
   * day, from `days` days before `now` to the day after.
   */
  assignments(vehicle: SimVehicle, now: Date, zone: string, days = 35): SimAssignmentSpan[] {
    const index = this.vehicleIndex.get(vehicle.id) ?? 0;
    const base = 900_000_000 + index * 10_000;
    if (vehicle.driverIds.length < 2) {
      return [
        {
          id: base,
          vehicleId: vehicle.id,
          individuId: vehicle.driverIds[0] as number,
          from: DateTime.fromISO(FLEET_FIRST_DAY, { zone }),
          to: null,
          companyCar: true,
        },
      ];
    }
    const spans: SimAssignmentSpan[] = [];
    const today = DateTime.fromJSDate(now, { zone }).startOf('day');
    for (let day = today.minus({ days }); day <= today.plus({ days: 1 }); day = day.plus({ days: 1 })) {
      const noon = day.set({ hour: 13 });
      const n = Math.floor(day.toMillis() / 86_400_000) % 4000;
      spans.push({ id: base + n * 2, vehicleId: vehicle.id, individuId: vehicle.driverIds[0] as number, from: day, to: noon, companyCar: false });
      spans.push({
        id: base + n * 2 + 1,
        vehicleId: vehicle.id,
        individuId: vehicle.driverIds[1] as number,
        from: noon,
        to: day.plus({ days: 1 }),
        companyCar: false,
      });
    }
    return spans;
  }

  private generate(vehicleId: number, day: IsoDay, zone: string): SimTrip[] {
    const vehicle = this.vehiclesById.get(vehicleId);
    const vehicleIndex = this.vehicleIndex.get(vehicleId);
    if (!vehicle || vehicleIndex === undefined) return [];
    const midnight = DateTime.fromISO(day, { zone }).startOf('day');
    const dayNumber = Math.floor(DateTime.fromISO(day, { zone: 'utc' }).toSeconds() / 86400);
    const rng = mulberry32(hashInts(vehicleId, dayNumber));
    const weekend = midnight.weekday >= 6 && !EVERY_DAY_INDEXES.some((index) => vehicle.driverIds.includes(INDIVIDU_ID_BASE + index));
    const round = vehicle.driverIds.includes(INDIVIDU_ID_BASE + LONG_DAY_INDEX);
    const home = this.home(vehicleIndex);
    if (round) return this.round(vehicle, vehicleIndex, midnight, dayNumber, rng, home);
    const count = weekend ? between(rng, 0, 2) : between(rng, 2, 5);
    const trips: SimTrip[] = [];
    let cursor: DateTime = midnight.plus({ minutes: weekend ? between(rng, 600, 660) : between(rng, 465, 540) });
    let place = home;
    const add = (start: DateTime, town: Town, driverId: number) => {
      const leg = drive(rng, place, town);
      const end = start.plus({ minutes: leg.minutes });
      trips.push({
        id: tripId(dayNumber, vehicleIndex, trips.length),
        vehicleId,
        driverId,
        start,
        end,
        distanceMeter: leg.distanceMeter,
        from: place,
        to: leg.to,
      });
      place = leg.to;
      return end;
    };
    // The working day's trips start before 18:00.
    while (trips.length < count && cursor.hour < 18) {
      const end = add(cursor, nextTown(rng, place), this.driverAt(vehicle, cursor));
      cursor = end.plus({ minutes: between(rng, 30, 150) });
    }
    // Some working days end with the drive back to base in the evening, inside private hours for some drivers.
    if (!weekend && rng() < 0.5 && trips.length) {
      const evening = midnight.plus({ minutes: between(rng, 1140, 1230) });
      add(evening > cursor ? evening : cursor, home, vehicle.driverIds[vehicle.driverIds.length - 1] as number);
    }
    return trips;
  }

  /** A delivery round: LONG_DAY_TRIPS short drives across the vehicle's own town, from 07:30 on. */
  private round(vehicle: SimVehicle, vehicleIndex: number, midnight: DateTime, dayNumber: number, rng: () => number, home: Place): SimTrip[] {
    const trips: SimTrip[] = [];
    let cursor = midnight.plus({ minutes: 450 + between(rng, 0, 15) });
    let place = home;
    while (trips.length < LONG_DAY_TRIPS) {
      const leg = drive(rng, place, home);
      const end = cursor.plus({ minutes: leg.minutes });
      trips.push({
        id: tripId(dayNumber, vehicleIndex, trips.length),
        vehicleId: vehicle.id,
        driverId: this.driverAt(vehicle, cursor),
        start: cursor,
        end,
        distanceMeter: leg.distanceMeter,
        from: place,
        to: leg.to,
      });
      place = leg.to;
      cursor = end.plus({ minutes: between(rng, 8, 15) });
    }
    return trips;
  }

  /** Where a vehicle is based: the same address every day. */
  private home(vehicleIndex: number): Place {
    return placeIn(mulberry32(hashInts(vehicleIndex, 0x40e)), TOWNS[vehicleIndex % TOWNS.length] as Town);
  }

  /** Finds a trip back from its id (the id encodes the day, the vehicle and the position). */
  tripById(id: number, zone: string): SimTrip | undefined {
    const decoded = decodeTripId(id);
    if (!decoded) return undefined;
    const vehicle = this.vehicles[decoded.vehicleIndex];
    if (!vehicle) return undefined;
    const day = DateTime.fromSeconds(decoded.dayNumber * 86400, { zone: 'utc' }).toISODate() as IsoDay;
    return this.trips(vehicle.id, day, zone).find((trip) => trip.id === id);
  }
}

const TRIP_ID_BASE = 1_000_000_000_000;
/** Trips added by tests cross one town at this speed. */
const TOWN_SPEED_KMH = 25;

function tripId(dayNumber: number, vehicleIndex: number, position: number): number {
  return TRIP_ID_BASE + dayNumber * 10_000_000 + vehicleIndex * 100 + position;
}

function decodeTripId(id: number): { dayNumber: number; vehicleIndex: number; position: number } | undefined {
  if (!Number.isSafeInteger(id) || id < TRIP_ID_BASE) return undefined;
  const rest = id - TRIP_ID_BASE;
  return { dayNumber: Math.floor(rest / 10_000_000), vehicleIndex: Math.floor((rest % 10_000_000) / 100), position: rest % 100 };
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function plate(rng: () => number): string {
  const letters = 'ABCDEFGHJKLMNPQRSTVWXYZ';
  const l = () => letters[Math.floor(rng() * letters.length)];
  return `${l()}${l()}-${between(rng, 100, 999)}-${l()}${l()}`;
}
