import { DateTime } from 'luxon';
import type { Fleet, SimDriver, SimVehicle } from './fleet';
import type { PrivacyState } from './schedules';
import type { WireAnalysis } from './wire';

/**
 * Builds the `preformattedPrivacy` answer from the fleet's trips. Ocean's documentation leaves
 * unknown where the private/professional split lives. By default the simulator keys the
 * `*ByPeriodMap` maps `VIE_PRIVEE` and `PROFESSIONNEL` (plus any extra keys a test asks for)
 * and keys `nodes` by driver or vehicle id, each a total. With `split: 'flags'`, the period
 * maps are keyed by day and the split is in `entityTotalByFlagCumul` (one total per flag),
 * each node then being a tree of its own.
 */
export const PRIVATE_KEY = 'VIE_PRIVEE';
export const PROFESSIONAL_KEY = 'PROFESSIONNEL';

const FUEL_L_PER_KM = 0.065;
const ENERGY_KWH_PER_KM = 0.17;
const COST_PER_KM = 0.12;

interface Sums {
  distance: Record<string, number>;
  electric: Record<string, number>;
  duration: Record<string, number>;
  battery: Record<string, number>;
  consoL: number;
  consoKWh: number;
  cost: number;
}

function emptySums(keys: string[]): Sums {
  const zero = () => Object.fromEntries(keys.map((k) => [k, 0]));
  return { distance: zero(), electric: zero(), duration: zero(), battery: zero(), consoL: 0, consoKWh: 0, cost: 0 };
}

export interface AnalysisInput {
  fleet: Fleet;
  state: PrivacyState;
  zone: string;
  request: WireAnalysis;
  extraPeriodKeys: string[];
  split: 'periodMaps' | 'flags';
  /** The key of professional use, when a test plays an Ocean that names it otherwise (it is undocumented). */
  professionalKey?: string;
}

export function buildAnalysis(input: AnalysisInput): unknown[] {
  const { fleet, state, zone, request } = input;
  const professionalKey = input.professionalKey ?? PROFESSIONAL_KEY;
  const mapKeys = input.split === 'periodMaps' ? [PRIVATE_KEY, professionalKey, ...input.extraPeriodKeys] : [];
  const byVehicle = request.byVehicle;
  const persons = filterIds(request.filter.persons);
  const vehicleIds = filterIds(request.filter.vehicleIds);
  const entities = filterIds(request.filter.entities);
  const groups = filterIds(request.filter.groups);
  const sums = new Map<number, Sums>();
  const flagged = new Map<number, Map<string, Sums>>();
  const overall = emptySums(mapKeys);
  const overallFlagged = new Map<string, Sums>();
  let day = DateTime.fromMillis(request.debut, { zone }).startOf('day');
  const last = DateTime.fromMillis(request.fin, { zone });
  const startMs = request.debut;
  const endMs = request.fin;
  while (day <= last) {
    const isoDay = day.toISODate() as string;
    for (const vehicle of fleet.vehicles) {
      if (vehicleIds && !vehicleIds.has(vehicle.id)) continue;
      for (const trip of fleet.trips(vehicle.id, isoDay, zone)) {
        const at = trip.start.toMillis();
        if (at < startMs || at >= endMs) continue;
        const driver = fleet.driver(trip.driverId);
        if (!driver) continue;
        if (persons && !persons.has(driver.individuId)) continue;
        if (entities && !entities.has(driver.entityId)) continue;
        if (groups && !groups.has(driver.groupId)) continue;
        const flag = state.isPrivate(trip) ? PRIVATE_KEY : professionalKey;
        const id = byVehicle ? vehicle.id : driver.individuId;
        let s = sums.get(id);
        if (!s) {
          s = emptySums(mapKeys);
          sums.set(id, s);
        }
        const seconds = trip.end.diff(trip.start).as('seconds');
        if (input.split === 'periodMaps') {
          for (const target of [s, overall]) add(target, flag, trip.distanceMeter, seconds, vehicle.electric);
        } else {
          let byFlag = flagged.get(id);
          if (!byFlag) flagged.set(id, (byFlag = new Map()));
          for (const target of [s, overall, sumsFor(byFlag, flag), sumsFor(overallFlagged, flag)])
            add(target, isoDay, trip.distanceMeter, seconds, vehicle.electric);
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  const entity = { id: 1, nom: 'Transports Exemple', suppressionLogique: false };
  const flagTotals = (byFlag: Map<string, Sums> | undefined) =>
    Object.fromEntries([...(byFlag ?? [])].map(([flag, f]) => [flag, total(f, undefined, undefined)]));
  const nodes: Record<string, unknown> = {};
  for (const [id, s] of sums) {
    const driver = byVehicle ? undefined : fleet.driver(id);
    const vehicle = byVehicle ? fleet.vehicle(id) : driver?.vehicleId ? fleet.vehicle(driver.vehicleId) : undefined;
    nodes[String(id)] =
      input.split === 'periodMaps'
        ? total(s, driver, vehicle)
        : { nodes: {}, entityTotalCumul: total(s, driver, vehicle), entityTotalByFlagCumul: flagTotals(flagged.get(id)), entity };
  }
  const tree = {
    nodes,
    entityTotalCumul: total(overall, undefined, undefined),
    entityTotalByFlagCumul: input.split === 'flags' ? flagTotals(overallFlagged) : {},
    entity,
    content: {
      typeMotorisationEnergyeMap: {},
      chauffeursByIdDriverAndPeriodeBean: { map: {} },
      entityTotal: total(overall, undefined, undefined),
      refItems: {},
      entityTotalByFlag: {},
      entity,
    },
  };
  return [
    {
      mode: request.renderMode,
      synthesisTreeByDriver: byVehicle ? null : tree,
      synthesisTreeByVehicle: byVehicle ? tree : null,
      htmlTable: '<table></table>',
      bean: {},
    },
  ];
}

function add(s: Sums, key: string, meters: number, seconds: number, electric: boolean): void {
  const km = meters / 1000;
  s.distance[key] = (s.distance[key] ?? 0) + meters;
  s.duration[key] = (s.duration[key] ?? 0) + seconds;
  if (electric) {
    s.electric[key] = (s.electric[key] ?? 0) + meters;
    s.battery[key] = (s.battery[key] ?? 0) + round(km * ENERGY_KWH_PER_KM);
    s.consoKWh += km * ENERGY_KWH_PER_KM;
  } else {
    s.consoL += km * FUEL_L_PER_KM;
  }
  s.cost += km * COST_PER_KM;
}

function total(s: Sums, driver: SimDriver | undefined, vehicle: SimVehicle | undefined): unknown {
  return {
    consoL: round(s.consoL),
    consoKWh: round(s.consoKWh),
    cost: round(s.cost),
    dayDate: null,
    total: {
      distanceInMeterByPeriodMap: s.distance,
      distanceElectriqueInMeterByPeriodMap: s.electric,
      durationInSecByPeriodMap: s.duration,
      utilisationBatterieByPeriodMap: s.battery,
    },
    driver: driver
      ? {
          individu: {
            id: driver.individuId,
            nomInd: driver.lastName,
            prenomInd: driver.firstName,
            email: driver.email,
            gsm: null,
            matriculeInd: driver.matricule,
            initialesInd: null,
            suppressionLogique: false,
            idCivilite: driver.civilite,
          },
          isRelevant: true,
          isIdentEnabled: false,
        }
      : null,
    // Like Ocean's light vehicle object: no plate, no numeroEmbarque.
    vehicle: vehicle
      ? {
          id: vehicle.id,
          description: `${vehicle.marque} ${vehicle.modele}`,
          typeMotorisation: vehicle.electric ? 'ELECTRIQUE' : 'MONO',
          privacyEnabled: true,
          geolocalise: true,
          suppressionLogique: false,
        }
      : null,
    entity: null,
  };
}

/** A list given is a filter, as the docs say: `[0]` asks for id 0 (nobody), only an absent list means everyone. */
function filterIds(ids: number[] | undefined): Set<number> | undefined {
  return ids ? new Set(ids) : undefined;
}

function sumsFor(byFlag: Map<string, Sums>, flag: string): Sums {
  let s = byFlag.get(flag);
  if (!s) byFlag.set(flag, (s = emptySums([])));
  return s;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
