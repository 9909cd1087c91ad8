import type { CallContext } from '../../ocean/client';
import { type Driver, driverName, type OceanDirectory } from '../directory';
import type { Scope } from '../scope';
import type { AnalysisQuery } from './analysis';
import type { Period } from './periods';
import { byPrivateShare, prorate, type ReadOptions, type ReportData, type ReportRow, sumRows } from './rows';

/** A vehicle's year and, within it, each driver's part of it. */
export interface VehicleBenefit {
  vehicle: ReportRow;
  drivers: ReportRow[];
}

export interface Benefit {
  /** In the order every view shows them (byPrivateShare), each vehicle's drivers too. */
  vehicles: VehicleBenefit[];
  /** The sum of the vehicles' rows (their drivers' parts are within them). */
  totals: ReportRow;
  /** Columns of unknown keys and the keys read, for the lines every view of a report carries. */
  extraColumns: string[];
  keysUsed: ReportData['keysUsed'];
}

/** What the benefit reads of the reports (ReportService is one): kept here so that this file does not import reports.ts. */
export interface Analyses {
  data(
    period: Period,
    by: 'driver' | 'vehicle',
    context?: CallContext,
    filter?: AnalysisQuery['filter'],
    options?: ReadOptions,
    scope?: Scope,
  ): Promise<ReportData>;
  readOptions(by: 'driver' | 'vehicle'): Promise<ReadOptions>;
}

export interface BenefitDeps {
  reports: Analyses;
  directory: Pick<OceanDirectory, 'all'>;
  /** Analyses of single vehicles asked at once (Ocean's client bounds its own calls too). */
  concurrency?: number;
}

/** Vehicles per analysis filtered by vehicle (a request body of a few kilobytes). */
const VEHICLES_PER_ANALYSIS = 200;
/** Metres the drivers' parts may differ from their vehicle's by: Ocean's roundings (10 m), and ours, half of 100 m a row. */
const tolerance = (rows: number) => 10 + 50 * rows;

/**
 * The benefit in kind of a company car: per vehicle and, within it, per driver (the benefit is
 * the employee's), the year's private and total kilometres, and its cost, fuel and energy
 * split in the same proportion. Always a pro-rata by distance, whatever Ocean's analysis splits
 * itself: that is the formula the CSV states. The split is made per vehicle (and per driver's
 * part) and the totals are the sums of the vehicles: a vehicle with no private kilometre has no
 * private fuel, whatever the rest of the fleet does. A vehicle with unclassified distance gets no
 * share at all (see keys.ts).
 *
 * Ocean analyses by vehicle or by driver, never both. A vehicle Ocean's directory gives one
 * driver is that driver's. The others (shared, or with no driver) are analysed by driver, all
 * together: a driver known on one of them alone gets their figures there. Where the parts do not
 * add up to the vehicle (someone drove a vehicle they are not assigned to), that vehicle is
 * analysed again by driver alone, which is exact.
 */
export class BenefitInKind {
  constructor(private readonly deps: BenefitDeps) {}

  /**
   * With a scope, every analysis is of that part of the fleet: a vehicle's year is what the
   * scope's people drove of it, and its drivers are theirs only.
   */
  async of(period: Period, context: CallContext = {}, scope?: Scope): Promise<Benefit> {
    const [byVehicle, everyone, options] = await Promise.all([
      this.deps.reports.data(period, 'vehicle', context, undefined, undefined, scope),
      this.deps.directory.all().catch(() => [] as Driver[]),
      this.deps.reports.readOptions('driver'),
    ]);
    const drivers = scope ? everyone.filter((d) => scope.includes(d)) : everyone;
    const known = new Map<number, Driver[]>();
    for (const driver of drivers) for (const vehicle of driver.vehicles) known.set(vehicle.id, [...(known.get(vehicle.id) ?? []), driver]);
    const vehicles = byVehicle.rows.map((row): VehicleBenefit => ({ vehicle: prorate({ ...row }), drivers: [] }));
    const others = new Map<number, VehicleBenefit>();
    for (const entry of vehicles) {
      const id = Number(entry.vehicle.id);
      const assigned = known.get(id) ?? [];
      if (assigned.length === 1) entry.drivers = [{ ...entry.vehicle, id: String(assigned[0]!.individuId), name: driverName(assigned[0]!) }];
      else if (Number.isSafeInteger(id) && id > 0) others.set(id, entry);
    }
    await this.together(period, context, options, others, drivers, scope);
    const wrong = [...others.values()].filter((entry) => !addsUp(entry));
    await this.oneByOne(period, context, options, wrong, scope);
    for (const entry of vehicles) entry.drivers.sort(byPrivateShare);
    vehicles.sort((a, b) => byPrivateShare(a.vehicle, b.vehicle));
    return {
      vehicles,
      totals: sumRows(vehicles.map((v) => v.vehicle)),
      extraColumns: byVehicle.extraColumns,
      keysUsed: byVehicle.keysUsed,
    };
  }

  /** The shared vehicles' drivers, from analyses of all of them at once: each driver where the directory puts them. */
  private async together(
    period: Period,
    context: CallContext,
    options: ReadOptions,
    others: Map<number, VehicleBenefit>,
    drivers: Driver[],
    scope: Scope | undefined,
  ): Promise<void> {
    const ids = [...others.keys()];
    const where = new Map<number, number[]>();
    for (const driver of drivers)
      where.set(
        driver.individuId,
        driver.vehicles.map((v) => v.id).filter((id) => others.has(id)),
      );
    for (let i = 0; i < ids.length; i += VEHICLES_PER_ANALYSIS) {
      const data = await this.deps.reports.data(period, 'driver', context, { vehicleIds: ids.slice(i, i + VEHICLES_PER_ANALYSIS) }, options, scope);
      for (const row of data.rows) {
        const vehicles = where.get(Number(row.id)) ?? [];
        if (vehicles.length === 1) others.get(vehicles[0]!)!.drivers.push(prorate({ ...row }));
      }
    }
  }

  /** Vehicles analysed by driver one at a time: exact, one analysis each. */
  private async oneByOne(period: Period, context: CallContext, options: ReadOptions, entries: VehicleBenefit[], scope: Scope | undefined): Promise<void> {
    let next = 0;
    const work = async () => {
      while (next < entries.length) {
        const entry = entries[next++] as VehicleBenefit;
        const data = await this.deps.reports.data(period, 'driver', context, { vehicleIds: [Number(entry.vehicle.id)] }, options, scope);
        entry.drivers = data.rows.map((row) => prorate({ ...row }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 8, entries.length) }, work));
  }
}

/** Whether a vehicle's drivers' kilometres add up to the vehicle's. */
function addsUp(entry: VehicleBenefit): boolean {
  const meters = (row: ReportRow) => row.privateMeters + row.professionalMeters + row.unclassifiedMeters;
  const drivers = entry.drivers.reduce((sum, row) => sum + meters(row), 0);
  const privateMeters = entry.drivers.reduce((sum, row) => sum + row.privateMeters, 0);
  const allowed = tolerance(entry.drivers.length + 1);
  return Math.abs(drivers - meters(entry.vehicle)) <= allowed && Math.abs(privateMeters - entry.vehicle.privateMeters) <= allowed;
}
