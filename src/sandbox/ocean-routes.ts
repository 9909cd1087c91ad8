import { DateTime } from 'luxon';
import { buildAnalysis } from './analysis';
import { ENTITIES, type Fleet, GROUPS, type SimDriver, type SimTrip, type SimVehicle } from './fleet';
import type { PrivacyState, SimAssignment, SimExceptional } from './schedules';
import { DAYS, isError, type Read, readAnalysis, readBoolean, readDate, readDateTime, readId, readInnerMap } from './wire';

export interface SimRequest {
  method: string;
  endpoint: string;
  query: URLSearchParams;
  body: unknown;
}

export interface SimAnswer {
  status: number;
  body?: unknown;
  /** Sent as is (an empty 200, a body that is not JSON). */
  raw?: string;
}

/** How the simulator answers a read that has no data: `[]`/no rows, a 404 (documented), or a 200 with no body. */
export type NoData = 'empty' | 'notFound' | 'emptyBody';
/** Which of Ocean's documented boolean forms the simulator answers with: `true`, `{"boolean":true}` or `[{"boolean":true}]`. */
export type BooleanForm = 'plain' | 'object' | 'array';

export interface RouteContext {
  fleet: Fleet;
  state: PrivacyState;
  zone: string;
  now: () => Date;
  extraPeriodKeys: string[];
  /** The analysis' key of professional use (PROFESSIONNEL unless a test plays another Ocean). */
  professionalKey?: string;
  maxAnalysisDays: number;
  /** When set, the retroactive request must carry this `codeExploitant`. */
  codeExploitant?: string;
  noData: NoData;
  booleanForm: BooleanForm;
  /** Trip `date`/`heure` written in UTC or in the fleet's zone (OCEAN_TRIP_TIMES). */
  tripTimes: 'utc' | 'fleet';
  /** Whether trip rows name their driver (`posDeb.driver`), as a badge reader would. */
  rowDrivers: boolean;
  /** Whether `affectations_chauffeurs` answers (an Ocean without it answers 404). */
  assignments: boolean;
  /** Where the analysis carries the private/professional split. */
  analysisSplit: 'periodMaps' | 'flags';
}

/** Ocean's error body as seen in the wild: `{oceanStatus, message}`. */
export function oceanError(status: number, oceanStatus: string, message: string): SimAnswer {
  return { status, body: { oceanStatus, message } };
}
const bad = (message: string) => oceanError(400, 'badParameters', message);
const notFound = (message: string) => oceanError(404, 'notFound', message);
const PAST = 'Le passé ne peut pas être modifié';

type Handler = (ctx: RouteContext, req: SimRequest) => SimAnswer;

/** Throws a 400 out of a route when a parameter does not read. */
class Refusal extends Error {
  constructor(readonly answer: SimAnswer) {
    super(String(answer.status));
  }
}
function must<T>(value: Read<T>): T {
  if (isError(value)) throw new Refusal(bad(value.error));
  return value;
}

function noData(ctx: RouteContext, empty: unknown): SimAnswer {
  if (ctx.noData === 'notFound') return notFound('Aucune donnée');
  if (ctx.noData === 'emptyBody') return { status: 200, raw: '' };
  return { status: 200, body: empty };
}

function booleanAnswer(ctx: RouteContext, value: boolean): SimAnswer {
  const body = ctx.booleanForm === 'object' ? { boolean: value } : ctx.booleanForm === 'array' ? [{ boolean: value }] : value;
  return { status: 200, body };
}

const ROUTE_TABLE: Record<string, Handler> = {
  'POST individus/list': (ctx, req) => {
    const criteria = req.query.get('criteria');
    let drivers = ctx.fleet.drivers;
    if (criteria === 'WITH_VEHICLE') drivers = drivers.filter((d) => d.vehicleId !== null);
    else if (criteria && !['WITHOUT_USER', 'WITH_USER', 'WITH_ENTITE', 'WITH_GSM'].includes(criteria)) return bad(`criteria inconnu : ${criteria}`);
    return { status: 200, body: drivers.map((d) => individuEntry(ctx, d)) };
  },

  'GET vehicule_engin/vehicles': (ctx, req) => {
    const plate = req.query.get('immatriculation');
    const vehicles = ctx.fleet.vehicles.filter((v) => !plate || v.immatriculation === plate);
    return {
      status: 200,
      body: vehicles.map((v) => ({
        vehicle: vehicleFields(v),
        chauffeur: individu(ctx.fleet.driver(v.driverIds[0] as number) as SimDriver),
        entite: { id: 1, nom: 'Transports Exemple', suppressionLogique: false },
        releve: { dateReleve: ctx.now().getTime(), value: 12000 + v.id },
        boitier: { imeiBoi: null, numeroSerieBoi: `B${v.numeroEmbarque}` },
      })),
    };
  },

  /** `date` is documented as a UTC day: the rows are the trips (and stops) starting in that UTC day. */
  'GET mobility/v1/ficheJour': (ctx, req) => {
    const vehId = must(readId(req.query, 'vehId', true)) as number;
    const day = must(readDate('date', req.query.get('date')));
    const vehicle = ctx.fleet.vehicle(vehId);
    if (!vehicle) return notFound(`Véhicule ${vehId} introuvable`);
    const from = Date.parse(`${day}T00:00:00Z`);
    const to = from + 86_400_000;
    const now = ctx.now().getTime();
    // The fleet's local days that can hold a trip starting in this UTC day: the day before, it, the day after.
    const trips = [from - 86_400_000, from, to]
      .flatMap((ms) => ctx.fleet.trips(vehId, new Date(ms).toISOString().slice(0, 10), ctx.zone))
      .filter((t) => t.start.toMillis() >= from && t.start.toMillis() < to && t.end.toMillis() <= now);
    if (!trips.length) return noData(ctx, { fjRows: [] });
    const rows: unknown[] = [];
    trips.forEach((trip, i) => {
      rows.push(tripRow(ctx, trip));
      const next = trips[i + 1];
      if (next) rows.push(stopRow(ctx, trip, next));
    });
    return { status: 200, body: { fjRows: rows } };
  },

  'GET vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = ctx.fleet.driver(must(readId(req.query, 'individuId', true)) as number);
    if (!driver) return notFound('Individu introuvable');
    const current = ctx.state.current(driver.individuId, ctx.now().getTime());
    return current.length ? { status: 200, body: current.map((a) => assignment(a, driver)) } : noData(ctx, []);
  },

  /** Answers with its documented "Result": the posted body, echoed. */
  'POST vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = ctx.fleet.driver(must(readId(req.query, 'individuId', true)) as number);
    if (!driver) return bad('Individu inconnu');
    const slots = must(readInnerMap(req.body));
    const now = ctx.now().getTime();
    const from = must(readDateTime('dateDebut', req.query.get('dateDebut'), false)) ?? now;
    const to = must(readDateTime('dateFin', req.query.get('dateFin'), false));
    if (from < now - 60_000) return bad(PAST);
    if (to !== null && to <= from) return bad('dateFin doit suivre dateDebut');
    const clash = ctx.state.addWeek(driver.individuId, slots, from, to);
    if (clash) return bad(`Créneau en chevauchement le ${clash.idJourSemaine}`);
    return { status: 200, body: req.body };
  },

  'DELETE vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = ctx.fleet.driver(must(readId(req.query, 'individuId', true)) as number);
    if (!driver) return bad('Individu inconnu');
    const id = must(readId(req.query, 'horaireIndividuIds', true)) as number;
    const now = ctx.now().getTime();
    const current = ctx.state.current(driver.individuId, now);
    if (!current.some((a) => a.id === id)) return bad('Horaire inconnu pour cet individu');
    // Documented: the current schedule closes now; what remains starts again now; the past stays.
    const remaining = current.filter((a) => a.id !== id).map(({ slot: { id: _id, ...s } }) => s);
    ctx.state.replaceWeek(driver.individuId, remaining, now, null);
    return { status: 204 };
  },

  'GET vieprivee/v1/horairesViePriveeExceptionnellesIndividu': (ctx, req) => {
    const driver = ctx.fleet.driver(must(readId(req.query, 'individuId', true)) as number);
    if (!driver) return notFound('Individu introuvable');
    // The EN page names them startDate/endDate, the FR page dateDebut/dateFin: either is read.
    const from = must(readDateTime('dateDebut', req.query.get('dateDebut') ?? req.query.get('startDate'), false));
    const to = must(readDateTime('dateFin', req.query.get('dateFin') ?? req.query.get('endDate'), false));
    const periods = [...ctx.state.exceptional.values()].filter(
      (p) => p.individuId === driver.individuId && (from === null || p.fin > from) && (to === null || p.debut < to),
    );
    return periods.length ? { status: 200, body: periods.map((p) => exceptional(ctx, p, driver)) } : noData(ctx, []);
  },

  'POST vieprivee/v1/horaireViePriveeExceptionnelleIndividu': (ctx, req) => {
    const driver = ctx.fleet.driver(must(readId(req.query, 'individuId', true)) as number);
    if (!driver) return bad('Individu inconnu');
    const from = must(readDateTime('dateDebut', req.query.get('dateDebut'), true)) as number;
    const to = must(readDateTime('dateFin', req.query.get('dateFin'), true)) as number;
    if (to <= from) return bad('dateFin doit suivre dateDebut');
    const now = ctx.now().getTime();
    if (from < now - 60_000) return bad(PAST);
    const description = (req.query.get('description') ?? '').slice(0, 100);
    const updateId = must(readId(req.query, 'extensionIdToUpdate', false));
    if (updateId !== null) {
      const existing = ctx.state.exceptional.get(updateId);
      if (!existing || existing.individuId !== driver.individuId) return bad('Période inconnue');
      if (existing.debut <= now) return bad(PAST);
      ctx.state.updateExceptional(updateId, { debut: from, fin: to, description: description || existing.description });
    } else {
      ctx.state.addExceptional(driver.individuId, description, from, to, 'api');
    }
    return booleanAnswer(ctx, true);
  },

  'DELETE vieprivee/v1/horairesViePriveeExceptionnellesIndividu': (ctx, req) => {
    const id = must(readId(req.query, 'horaireExtensionIds', true)) as number;
    const period = ctx.state.exceptional.get(id);
    if (!period) return bad('Période inconnue');
    if (period.debut <= ctx.now().getTime()) return bad(`${PAST} : seule une période entièrement future peut être supprimée`);
    ctx.state.removeExceptional(id);
    return { status: 204 };
  },

  'POST vieprivee/v1/etapeViePriveePosteriori': (ctx, req) => {
    const idEtape = must(readId(req.query, 'idEtape', true)) as number;
    const numeroEmbarque = must(readId(req.query, 'numeroEmbarque', true)) as number;
    const privacy = must(readBoolean(req.query, 'privacy'));
    if (ctx.codeExploitant !== undefined) {
      const code = req.query.get('codeExploitant');
      if (!code) return bad('codeExploitant obligatoire');
      if (code !== ctx.codeExploitant) return oceanError(403, 'forbidden', 'codeExploitant inconnu pour ce client');
    }
    const trip = ctx.fleet.tripById(idEtape, ctx.zone);
    if (!trip || trip.end.toMillis() > ctx.now().getTime()) return bad(`Étape ${idEtape} inconnue`);
    const vehicle = ctx.fleet.vehicle(trip.vehicleId) as SimVehicle;
    if (vehicle.numeroEmbarque !== numeroEmbarque) return bad("L'étape n'appartient pas à ce boîtier");
    // Ocean's documented "failure of the operation": a vehicle without private mode, or a step a test refuses.
    if (!vehicle.privacyEnabled || ctx.state.refusedSteps.has(idEtape)) return booleanAnswer(ctx, false);
    ctx.state.markTrip(idEtape, privacy);
    return booleanAnswer(ctx, true);
  },

  'GET affectations_chauffeurs/get': (ctx, req) => {
    if (!ctx.assignments) return notFound('No endpoint');
    const id = must(readId(req.query, 'idAffectation', true)) as number;
    for (const vehicle of ctx.fleet.vehicles) {
      const span = ctx.fleet.assignments(vehicle, ctx.now(), ctx.zone).find((a) => a.id === id);
      if (span) return { status: 200, body: assignmentEntry(ctx, vehicle, span) };
    }
    return notFound(`Affectation ${id} introuvable`);
  },

  'GET affectations_chauffeurs/historique': (ctx, req) => {
    if (!ctx.assignments) return notFound('No endpoint');
    const vehicleId = must(readId(req.query, 'idVehicule', false));
    const individuId = must(readId(req.query, 'idIndividu', false));
    if (vehicleId === null && individuId === null) return bad('idVehicule ou idIndividu obligatoire');
    const vehicles = vehicleId === null ? ctx.fleet.vehicles : [ctx.fleet.vehicle(vehicleId)].filter((v): v is SimVehicle => v !== undefined);
    const entries = vehicles.flatMap((v) =>
      ctx.fleet
        .assignments(v, ctx.now(), ctx.zone)
        .filter((a) => individuId === null || a.individuId === individuId)
        .map((a) => assignmentEntry(ctx, v, a)),
    );
    return entries.length ? { status: 200, body: entries } : noData(ctx, []);
  },

  'POST analyse/preformattedPrivacy': (ctx, req) => {
    const request = must(readAnalysis(req.body));
    if (request.fin <= request.debut) return bad('Période invalide');
    if (request.fin - request.debut > ctx.maxAnalysisDays * 86_400_000 + 3_600_000) return bad(`Période trop longue (${ctx.maxAnalysisDays} jours au maximum)`);
    return {
      status: 200,
      body: buildAnalysis({
        fleet: ctx.fleet,
        state: ctx.state,
        zone: ctx.zone,
        request,
        extraPeriodKeys: ctx.extraPeriodKeys,
        split: ctx.analysisSplit,
        professionalKey: ctx.professionalKey,
      }),
    };
  },
};

/** The routes, each turning a parameter that does not read into a 400. */
export const ROUTES: Record<string, Handler> = Object.fromEntries(
  Object.entries(ROUTE_TABLE).map(([key, handler]) => [
    key,
    (ctx: RouteContext, req: SimRequest) => {
      try {
        const customerId = readId(req.query, 'customerId', false);
        if (isError(customerId)) return bad(customerId.error);
        return handler(ctx, req);
      } catch (error) {
        if (error instanceof Refusal) return error.answer;
        throw error;
      }
    },
  ]),
);

function individu(d: SimDriver) {
  return {
    id: d.individuId,
    nomInd: d.lastName,
    prenomInd: d.firstName,
    email: d.email,
    gsm: null,
    matriculeInd: d.matricule,
    initialesInd: `${d.firstName[0]}${d.lastName[0]}`,
    suppressionLogique: false,
    idCivilite: d.civilite,
  };
}

function vehicleFields(v: SimVehicle) {
  return {
    id: v.id,
    numeroEmbarque: v.numeroEmbarque,
    immatriculation: v.immatriculation,
    marque: v.marque,
    modele: v.modele,
    description: `${v.marque} ${v.modele}`,
    privacyEnabled: v.privacyEnabled,
    geolocalise: true,
    typeMotorisation: v.electric ? 'ELECTRIQUE' : 'MONO',
    categorie: 'UNDEFINED',
    suppressionLogique: false,
  };
}

function individuEntry(ctx: RouteContext, d: SimDriver) {
  const vehicle = d.vehicleId ? ctx.fleet.vehicle(d.vehicleId) : undefined;
  return {
    individu: individu(d),
    entite: { id: d.entityId, nom: ENTITIES[d.entityId] ?? `Entité ${d.entityId}`, suppressionLogique: false },
    utilisateur: null,
    groupe: { id: d.groupId, descriptionGrp: GROUPS[d.groupId] ?? `Groupe ${d.groupId}`, suppressionLogique: false },
    fonctionnalites: [],
    propSpecifiqueDTO: null,
    vehicleFieldsDTO: vehicle ? vehicleFields(vehicle) : null,
  };
}

function assignment(a: SimAssignment, d: SimDriver) {
  return { id: a.id, individu: individu(d), horaire: a.slot, debut: a.debut, fin: a.fin };
}

function assignmentEntry(ctx: RouteContext, v: SimVehicle, a: ReturnType<Fleet['assignments']>[number]) {
  return {
    vehicule: vehicleFields(v),
    chauffeur: individu(ctx.fleet.driver(a.individuId) as SimDriver),
    chauffeurVehicule: {
      isVehiculeFonction: a.companyCar,
      idVehicule: v.id,
      dateDebut: a.from.toUTC().toISO(),
      idIndividu: a.individuId,
      id: a.id,
      dateFin: a.to ? a.to.toUTC().toISO() : null,
    },
  };
}

function exceptional(ctx: RouteContext, p: SimExceptional, d: SimDriver) {
  // Like the FR example: Ocean builds one whole-day slot per day of the period.
  const slots = [];
  for (let day = DateTime.fromMillis(p.debut, { zone: ctx.zone }).startOf('day'); day.toMillis() < p.fin; day = day.plus({ days: 1 })) {
    slots.push({
      id: p.extensionId * 10 + slots.length,
      individu: individu(d),
      horaire: {
        id: null,
        idJourSemaine: DAYS[day.weekday - 1],
        typeHoraires: 'VIE_PRIVEE_EXCEPTIONNELLE',
        debutHeure: 0,
        debutMinute: 0,
        finHeure: 24,
        finMinute: 0,
      },
      debut: Math.max(day.toMillis(), p.debut),
      fin: Math.min(day.plus({ days: 1 }).toMillis(), p.fin),
    });
  }
  return {
    id: p.id,
    description: p.description,
    extension: { id: p.extensionId, description: p.description },
    utilisateur: { id: 1, loginUti: p.createdBy, individu: null, utilisateurType: 'SUPERUSER', dateFinValidite: null },
    individu: individu(d),
    debut: p.debut,
    fin: p.fin,
    horairesIndividu: slots,
  };
}

/** `date` as dd/MM/yyyy and `heure` as HH:mm:ss, in UTC or in the fleet's zone (the simulator's reading of §4). */
function position(ctx: RouteContext, trip: SimTrip, at: DateTime, place: SimTrip['from']) {
  const driver = ctx.rowDrivers ? ctx.fleet.driver(trip.driverId) : undefined;
  const written = ctx.tripTimes === 'utc' ? at.toUTC() : at.setZone(ctx.zone);
  return {
    date: written.toFormat('dd/MM/yyyy'),
    heure: written.toFormat('HH:mm:ss'),
    driver: driver ? { matricule: driver.matricule, nom: driver.lastName, prenom: driver.firstName, tel: null } : null,
    etat: 'A',
    fullAddress: { address: place.address, town: place.town, postalCode: place.postalCode, country: 'France' },
    latitudeY: place.lat,
    longitudeX: place.lon,
    cap: 0,
    gpsCale: true,
    poi: null,
  };
}

// Rows are the same every time a trip is read: built once (formatting dates is the costly part).
// A fleet belongs to one simulator, whose settings do not change: its trips can key the cache.
const tripRows = new WeakMap<SimTrip, unknown>();
const stopRows = new WeakMap<SimTrip, unknown>();

function tripRow(ctx: RouteContext, trip: SimTrip) {
  let row = tripRows.get(trip);
  if (!row) {
    row = {
      id: trip.id,
      type: 'T',
      distanceMeter: trip.distanceMeter,
      dureeMs: trip.end.diff(trip.start).as('milliseconds'),
      anomalyType: 'NONE',
      posDeb: { ...position(ctx, trip, trip.start, trip.from), etat: 'D' },
      posFin: position(ctx, trip, trip.end, trip.to),
    };
    tripRows.set(trip, row);
  }
  return row;
}

function stopRow(ctx: RouteContext, trip: SimTrip, next: SimTrip) {
  let row = stopRows.get(trip);
  if (!row) {
    row = {
      id: trip.id + 50,
      type: 'A',
      distanceMeter: 0,
      dureeMs: next.start.diff(trip.end).as('milliseconds'),
      anomalyType: 'NONE',
      posDeb: position(ctx, trip, trip.end, trip.to),
      posFin: { ...position(ctx, next, next.start, next.from), etat: 'D' },
    };
    stopRows.set(trip, row);
  }
  return row;
}
