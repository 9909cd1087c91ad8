import { DateTime } from 'luxon';
import type { AnalysisRequest } from '../ocean/schemas';
import type { Fleet, SimDriver, SimVehicle } from './fleet';
import type { PrivacyState } from './schedules';

/**
 * Builds the `preformattedPrivacy` answer from the fleet's trips. Ocean's documentation leaves
 * the keys of the `*ByPeriodMap` maps unknown; the simulator picks `VIE_PRIVEE` and
 * `PROFESSIONNEL`, plus any extra keys a test asks for, and keys `nodes` by driver or vehicle id.
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

function emptySums(extraKeys: string[]): Sums {
  const zero = () => Object.fromEntries([PRIVATE_KEY, PROFESSIONAL_KEY, ...extraKeys].map((k) => [k, 0]));
  return { distance: zero(), electric: zero(), duration: zero(), battery: zero(), consoL: 0, consoKWh: 0, cost: 0 };
}

export interface AnalysisInput {
  fleet: Fleet;
  state: PrivacyState;
  zone: string;
  request: AnalysisRequest;
  debut: Date;
  fin: Date;
  extraPeriodKeys: string[];
}

export function buildAnalysis(input: AnalysisInput): unknown[] {
  const { fleet, state, zone, request, extraPeriodKeys } = input;
  const byVehicle = request.renderMode.includes('BY_VEHICLE');
  const persons = usefulIds(request.filter?.persons);
  const vehicleIds = usefulIds(request.filter?.vehicleIds);
  const entities = usefulIds(request.filter?.entities);
  const groups = usefulIds(request.filter?.groups);
  const sums = new Map<number, Sums>();
  const overall = emptySums(extraPeriodKeys);
  let day = DateTime.fromJSDate(input.debut, { zone }).startOf('day');
  const last = DateTime.fromJSDate(input.fin, { zone });
  const startMs = input.debut.getTime();
  const endMs = input.fin.getTime();
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
        const key = state.isPrivate(trip) ? PRIVATE_KEY : PROFESSIONAL_KEY;
        const id = byVehicle ? vehicle.id : driver.individuId;
        let s = sums.get(id);
        if (!s) {
          s = emptySums(extraPeriodKeys);
          sums.set(id, s);
        }
        for (const target of [s, overall]) add(target, key, trip.distanceMeter, trip.end.diff(trip.start).as('seconds'), vehicle.electric);
      }
    }
    day = day.plus({ days: 1 });
  }
  const nodes: Record<string, unknown> = {};
  for (const [id, s] of sums) {
    const driver = byVehicle ? undefined : fleet.driver(id);
    const vehicle = byVehicle ? fleet.vehicle(id) : driver?.vehicleId ? fleet.vehicle(driver.vehicleId) : undefined;
    nodes[String(id)] = total(s, driver, vehicle);
  }
  const entity = { id: 1, nom: 'Transports Exemple', suppressionLogique: false };
  const tree = {
    nodes,
    entityTotalCumul: total(overall, undefined, undefined),
    entityTotalByFlagCumul: {},
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
      ? { id: vehicle.id, description: `${vehicle.marque} ${vehicle.modele}`, typeMotorisation: vehicle.electric ? 'ELECTRIQUE' : 'MONO', privacyEnabled: true, geolocalise: true, suppressionLogique: false }
      : null,
    entity: null,
  };
}

function usefulIds(ids: number[] | undefined): Set<number> | undefined {
  // The docs' own curl sends [0] for "no filter": treat it so.
  const useful = (ids ?? []).filter((id) => id !== 0);
  return useful.length ? new Set(useful) : undefined;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
