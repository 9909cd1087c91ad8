import type { Clock } from '../clock';
import type { OceanClient } from '../ocean';
import type { IndividuEntry, VehicleEntry } from '../ocean/schemas';

/** What the bot needs to know about an Ocean individu. */
export interface Driver {
  individuId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  matricule: string | null;
  vehicles: DriverVehicle[];
  /** Ocean's `entite` and `groupe` of the person: what a manager's scope is made of. */
  entity: OrgUnit | null;
  group: OrgUnit | null;
}

/** An Ocean entity or group, as `individus/list` names it. */
export interface OrgUnit {
  id: number;
  name: string;
}

export interface DriverVehicle {
  id: number;
  numeroEmbarque: number | null;
  plate: string | null;
  label: string;
  /** Ocean's `privacyEnabled`: false when the vehicle's private mode is off (nothing to declare). Unknown counts as on. */
  privateMode: boolean;
}

/**
 * Why a driver gets no daily prompt although they have vehicles: every one of them has its
 * private mode switched off in Ocean. `/privacy` tells them so.
 */
export function privateModeOff(driver: Pick<Driver, 'vehicles'>): boolean {
  return driver.vehicles.length > 0 && driver.vehicles.every((v) => !v.privateMode);
}

export function driverName(driver: Pick<Driver, 'firstName' | 'lastName' | 'individuId'>): string {
  return `${driver.firstName} ${driver.lastName}`.trim() || `#${driver.individuId}`;
}

interface Snapshot {
  loadedAt: number;
  byId: Map<number, Driver>;
  byEmail: Map<string, Driver>;
  vehicles: Map<number, DriverVehicle & { driverIds: number[] }>;
}

/**
 * Ocean's people and vehicles, cached: `individus/list` and `vehicule_engin/vehicles` are
 * fetched together, one refresh at a time. A copy older than `ttlMs` keeps serving while the
 * next one is fetched in the background: a request never waits for Ocean's whole directory once
 * there is one (the first load, and a read after `invalidate`, do wait). When Ocean fails, the
 * last good copy keeps serving (and the failure is thrown only when there is none).
 */
export class OceanDirectory {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  /** A manager changed something in Ocean: the next read waits for a fresh copy. */
  private stale = false;

  constructor(
    private readonly ocean: OceanClient,
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async byEmail(email: string): Promise<Driver | undefined> {
    return (await this.current()).byEmail.get(email.trim().toLowerCase());
  }

  async byId(individuId: number): Promise<Driver | undefined> {
    return (await this.current()).byId.get(individuId);
  }

  async all(): Promise<Driver[]> {
    return [...(await this.current()).byId.values()];
  }

  async vehicle(id: number): Promise<(DriverVehicle & { driverIds: number[] }) | undefined> {
    return (await this.current()).vehicles.get(id);
  }

  /** Drops the cache so the next read goes to Ocean (a manager just changed something). */
  invalidate(): void {
    this.stale = true;
  }

  /** The directory's first load, started now if it is not under way; settles (never rejects) when it is done or failed. */
  async warm(): Promise<void> {
    await this.current().catch(() => undefined);
  }

  private async current(): Promise<Snapshot> {
    const now = this.clock.now().getTime();
    const { snapshot, stale } = this;
    if (snapshot && !stale && now - snapshot.loadedAt < this.ttlMs) return snapshot;
    const loading = this.refresh();
    // Old by age only: served while its successor is fetched (should that fetch fail, the copy serves on).
    if (snapshot && !stale) {
      loading.catch(() => undefined);
      return snapshot;
    }
    try {
      return await loading;
    } catch (error) {
      if (snapshot) return snapshot;
      throw error;
    }
  }

  /** The load under way, or a new one. */
  private refresh(): Promise<Snapshot> {
    if (!this.loading) {
      this.stale = false;
      this.loading = this.load()
        .then((snapshot) => {
          this.snapshot = snapshot;
          return snapshot;
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const [people, fleet] = await Promise.all([this.ocean.listIndividus(), this.ocean.listVehicles()]);
    return buildSnapshot(people, fleet, this.clock.now().getTime());
  }
}

export function buildSnapshot(people: IndividuEntry[], fleet: VehicleEntry[], loadedAt: number): Snapshot {
  const vehicles = new Map<number, DriverVehicle & { driverIds: number[] }>();
  const addVehicle = (
    v: {
      id: number;
      numeroEmbarque?: number | null;
      immatriculation?: string | null;
      marque?: string | null;
      modele?: string | null;
      description?: string | null;
      privacyEnabled?: boolean | null;
    },
    driverId?: number,
  ) => {
    let known = vehicles.get(v.id);
    if (!known) {
      const label = [v.immatriculation, v.description ?? [v.marque, v.modele].filter(Boolean).join(' ')].filter(Boolean).join(' · ') || `#${v.id}`;
      known = {
        id: v.id,
        numeroEmbarque: v.numeroEmbarque ?? null,
        plate: v.immatriculation ?? null,
        label,
        privateMode: v.privacyEnabled !== false,
        driverIds: [],
      };
      vehicles.set(v.id, known);
    }
    if (known.numeroEmbarque === null && v.numeroEmbarque != null) known.numeroEmbarque = v.numeroEmbarque;
    if (driverId !== undefined && !known.driverIds.includes(driverId)) known.driverIds.push(driverId);
  };
  // The vehicles list first: it is the fuller record, a person's copy of a vehicle only fills gaps.
  for (const entry of fleet) addVehicle(entry.vehicle, entry.chauffeur?.id);
  const byId = new Map<number, Driver>();
  const byEmail = new Map<string, Driver>();
  for (const entry of people) {
    const ind = entry.individu;
    if (ind.suppressionLogique) continue;
    if (entry.vehicleFieldsDTO) addVehicle(entry.vehicleFieldsDTO, ind.id);
    // The individu's own e-mail first, then the Ocean user account's (REFERENCE §2).
    const email = (ind.email ?? entry.utilisateur?.emailUti ?? null)?.trim().toLowerCase() || null;
    const driver: Driver = {
      individuId: ind.id,
      firstName: ind.prenomInd ?? '',
      lastName: ind.nomInd ?? '',
      email,
      matricule: ind.matriculeInd ?? null,
      vehicles: [],
      entity: orgUnit(entry.entite?.id, entry.entite?.nom),
      group: orgUnit(entry.groupe?.id, entry.groupe?.descriptionGrp),
    };
    byId.set(ind.id, driver);
    if (email && !byEmail.has(email)) byEmail.set(email, driver);
  }
  for (const vehicle of vehicles.values()) {
    for (const driverId of vehicle.driverIds) byId.get(driverId)?.vehicles.push(vehicle);
  }
  return { loadedAt, byId, byEmail, vehicles };
}

function orgUnit(id: number | null | undefined, name: string | null | undefined): OrgUnit | null {
  return typeof id === 'number' && id > 0 ? { id, name: name?.trim() || `#${id}` } : null;
}

/** A name as people type it: case, accents and spacing do not matter. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/^@/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
