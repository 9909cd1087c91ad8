import { DateTime } from 'luxon';
import { parseOceanDate, parseOceanDateTime, parseOceanTimestamp } from '../ocean/dates';
import { AnalysisRequest, InnerMapBody, WEEKDAYS } from '../ocean/schemas';
import { buildAnalysis } from './analysis';
import type { Fleet, SimDriver, SimTrip, SimVehicle } from './fleet';
import type { PrivacyState, SimAssignment, SimExceptional } from './schedules';

export interface SimRequest {
  method: string;
  endpoint: string;
  query: URLSearchParams;
  body: unknown;
}

export interface SimAnswer {
  status: number;
  body?: unknown;
}

export interface RouteContext {
  fleet: Fleet;
  state: PrivacyState;
  zone: string;
  now: () => Date;
  extraPeriodKeys: string[];
  maxAnalysisDays: number;
}

/** Ocean's error body as seen in the wild: `{oceanStatus, message}`. */
export function oceanError(status: number, oceanStatus: string, message: string): SimAnswer {
  return { status, body: { oceanStatus, message } };
}
const bad = (message: string) => oceanError(400, 'badParameters', message);
const notFound = (message: string) => oceanError(404, 'notFound', message);
const PAST = "Le passé ne peut pas être modifié";

type Handler = (ctx: RouteContext, req: SimRequest) => SimAnswer;

export const ROUTES: Record<string, Handler> = {
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

  'GET mobility/v1/ficheJour': (ctx, req) => {
    const vehId = Number(req.query.get('vehId'));
    const day = parseOceanDate(req.query.get('date') ?? '');
    if (!Number.isInteger(vehId) || !day) return bad('vehId et date (dd/MM/yyyy) sont obligatoires');
    const vehicle = ctx.fleet.vehicle(vehId);
    if (!vehicle) return notFound(`Véhicule ${vehId} introuvable`);
    const trips = ctx.fleet.trips(vehId, day, ctx.zone).filter((t) => t.end.toMillis() <= ctx.now().getTime());
    const rows: unknown[] = [];
    trips.forEach((trip, i) => {
      rows.push(tripRow(ctx, trip));
      const next = trips[i + 1];
      if (next) rows.push(stopRow(ctx, trip, next));
    });
    return { status: 200, body: { fjRows: rows } };
  },

  'GET vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = person(ctx, req);
    if (!driver) return notFound('Individu introuvable');
    const now = ctx.now().getTime();
    return { status: 200, body: ctx.state.current(driver.individuId, now).map((a) => assignment(a, driver)) };
  },

  'POST vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = person(ctx, req);
    if (!driver) return bad('individuId obligatoire');
    const parsed = InnerMapBody.safeParse(req.body);
    if (!parsed.success) return bad('Corps innerMap invalide');
    const now = ctx.now().getTime();
    const from = optionalDate(req.query.get('dateDebut')) ?? now;
    const to = optionalDate(req.query.get('dateFin'));
    if (Number.isNaN(from) || (to !== null && Number.isNaN(to))) return bad('Format de date attendu : dd/MM/yyyy HH:mm:ss Z');
    if (from < now - 60_000) return bad(PAST);
    if (to !== null && to <= from) return bad('dateFin doit suivre dateDebut');
    const slots = [];
    for (const [day, byType] of Object.entries(parsed.data.innerMap.map)) {
      if (!(WEEKDAYS as readonly string[]).includes(day)) return bad(`Jour inconnu : ${day}`);
      for (const list of Object.values(byType)) {
        for (const s of list) {
          const start = s.debutHeure * 60 + s.debutMinute;
          const end = s.finHeure * 60 + s.finMinute;
          if (s.idJourSemaine !== day || start >= end || end > 24 * 60) return bad(`Créneau invalide le ${day}`);
          slots.push(s);
        }
      }
    }
    ctx.state.replaceWeek(driver.individuId, slots, from, to);
    return { status: 200, body: true };
  },

  'DELETE vieprivee/v1/horairesViePriveeRecurrentesIndividu': (ctx, req) => {
    const driver = person(ctx, req);
    if (!driver) return bad('individuId obligatoire');
    const ids = idList(req.query, 'horaireIndividuIds');
    if (!ids) return bad('horaireIndividuIds obligatoire');
    const now = ctx.now().getTime();
    const current = ctx.state.current(driver.individuId, now);
    if (ids.some((id) => !current.some((a) => a.id === id))) return bad('Horaire inconnu pour cet individu');
    // Documented: the current schedule closes now; what remains starts again now; the past stays.
    const remaining = current.filter((a) => !ids.includes(a.id)).map((a) => ({ ...a.slot }));
    ctx.state.replaceWeek(driver.individuId, remaining.map(({ id: _id, ...s }) => s), now, null);
    return { status: 204 };
  },

  'GET vieprivee/v1/horairesViePriveeExceptionnellesIndividu': (ctx, req) => {
    const driver = person(ctx, req);
    if (!driver) return notFound('Individu introuvable');
    const from = optionalDate(req.query.get('dateDebut') ?? req.query.get('startDate'));
    const to = optionalDate(req.query.get('dateFin') ?? req.query.get('endDate'));
    if ((from !== null && Number.isNaN(from)) || (to !== null && Number.isNaN(to))) return bad('Format de date attendu : dd/MM/yyyy HH:mm:ss Z');
    const periods = [...ctx.state.exceptional.values()].filter(
      (p) => p.individuId === driver.individuId && (from === null || p.fin > from) && (to === null || p.debut < to),
    );
    return { status: 200, body: periods.map((p) => exceptional(ctx, p, driver)) };
  },

  'POST vieprivee/v1/horaireViePriveeExceptionnelleIndividu': (ctx, req) => {
    const driver = person(ctx, req);
    if (!driver) return bad('individuId obligatoire');
    const from = optionalDate(req.query.get('dateDebut'));
    const to = optionalDate(req.query.get('dateFin'));
    if (from === null || to === null || Number.isNaN(from) || Number.isNaN(to)) return bad('dateDebut et dateFin (dd/MM/yyyy HH:mm:ss Z) sont obligatoires');
    if (to <= from) return bad('dateFin doit suivre dateDebut');
    const now = ctx.now().getTime();
    if (from < now - 60_000) return bad(PAST);
    const description = (req.query.get('description') ?? '').slice(0, 100);
    const updateId = req.query.get('extensionIdToUpdate');
    if (updateId) {
      const existing = ctx.state.exceptional.get(Number(updateId));
      if (!existing || existing.individuId !== driver.individuId) return bad('Période inconnue');
      if (existing.debut <= now) return bad(PAST);
      Object.assign(existing, { debut: from, fin: to, description: description || existing.description });
    } else {
      ctx.state.addExceptional(driver.individuId, description, from, to, 'api');
    }
    return { status: 200, body: true };
  },

  'DELETE vieprivee/v1/horairesViePriveeExceptionnellesIndividu': (ctx, req) => {
    const ids = idList(req.query, 'horaireExtensionIds');
    if (!ids) return bad('horaireExtensionIds obligatoire');
    const now = ctx.now().getTime();
    const periods = ids.map((id) => ctx.state.exceptional.get(id));
    if (periods.some((p) => !p)) return bad('Période inconnue');
    if (periods.some((p) => (p as SimExceptional).debut <= now)) return bad(`${PAST} : seule une période entièrement future peut être supprimée`);
    for (const id of ids) ctx.state.exceptional.delete(id);
    return { status: 204 };
  },

  'POST vieprivee/v1/etapeViePriveePosteriori': (ctx, req) => {
    const idEtape = Number(req.query.get('idEtape'));
    const numeroEmbarque = Number(req.query.get('numeroEmbarque'));
    const privacy = req.query.get('privacy');
    if (!req.query.get('numeroEmbarque') || !Number.isInteger(numeroEmbarque)) return bad('numeroEmbarque obligatoire');
    if (privacy !== 'true' && privacy !== 'false') return bad('privacy doit valoir true ou false');
    const trip = ctx.fleet.tripById(idEtape, ctx.zone);
    if (!trip || trip.end.toMillis() > ctx.now().getTime()) return bad(`Étape ${req.query.get('idEtape')} inconnue`);
    const vehicle = ctx.fleet.vehicle(trip.vehicleId) as SimVehicle;
    if (vehicle.numeroEmbarque !== numeroEmbarque) return bad("L'étape n'appartient pas à ce boîtier");
    ctx.state.tripMarks.set(idEtape, privacy === 'true');
    return { status: 200, body: true };
  },

  'POST analyse/preformattedPrivacy': (ctx, req) => {
    const parsed = AnalysisRequest.safeParse(req.body);
    if (!parsed.success) return bad('Corps de requête invalide');
    const debut = parseOceanTimestamp(parsed.data.periode.debut);
    const fin = parseOceanTimestamp(parsed.data.periode.fin);
    if (!debut || !fin || fin <= debut) return bad('Période invalide');
    if (fin.getTime() - debut.getTime() > ctx.maxAnalysisDays * 86_400_000 + 3_600_000) {
      return bad(`Période trop longue (${ctx.maxAnalysisDays} jours au maximum)`);
    }
    return {
      status: 200,
      body: buildAnalysis({ fleet: ctx.fleet, state: ctx.state, zone: ctx.zone, request: parsed.data, debut, fin, extraPeriodKeys: ctx.extraPeriodKeys }),
    };
  },
};

function person(ctx: RouteContext, req: SimRequest): SimDriver | undefined {
  const id = Number(req.query.get('individuId'));
  return Number.isInteger(id) ? ctx.fleet.driver(id) : undefined;
}

function optionalDate(text: string | null): number | null {
  if (!text) return null;
  return parseOceanDateTime(text)?.getTime() ?? Number.NaN;
}

/** Several ids: repeated parameters or a comma-separated value (the docs say neither). */
function idList(query: URLSearchParams, name: string): number[] | null {
  const ids = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean).map(Number);
  return ids.length && ids.every(Number.isSafeInteger) ? ids : null;
}

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
    privacyEnabled: true,
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
    entite: { id: d.entityId, nom: `Agence ${d.entityId}`, suppressionLogique: false },
    utilisateur: null,
    groupe: { id: d.groupId, descriptionGrp: `Groupe ${d.groupId}`, suppressionLogique: false },
    fonctionnalites: [],
    propSpecifiqueDTO: null,
    vehicleFieldsDTO: vehicle ? vehicleFields(vehicle) : null,
  };
}

function assignment(a: SimAssignment, d: SimDriver) {
  return { id: a.id, individu: individu(d), horaire: a.slot, debut: a.debut, fin: a.fin };
}

function exceptional(ctx: RouteContext, p: SimExceptional, d: SimDriver) {
  // Like the FR example: Ocean builds one whole-day slot per day of the period.
  const slots = [];
  for (let day = DateTime.fromMillis(p.debut, { zone: ctx.zone }).startOf('day'); day.toMillis() < p.fin; day = day.plus({ days: 1 })) {
    slots.push({
      id: p.extensionId * 10 + slots.length,
      individu: individu(d),
      horaire: { id: null, idJourSemaine: WEEKDAYS[day.weekday - 1], typeHoraires: 'VIE_PRIVEE_EXCEPTIONNELLE', debutHeure: 0, debutMinute: 0, finHeure: 24, finMinute: 0 },
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

/** `date` as dd/MM/yyyy and `heure` as HH:mm:ss, in the fleet's local time (our reading of §4). */
function position(ctx: RouteContext, trip: SimTrip, at: DateTime, place: SimTrip['from']) {
  const driver = ctx.fleet.driver(trip.driverId);
  return {
    date: at.setZone(ctx.zone).toFormat('dd/MM/yyyy'),
    heure: at.setZone(ctx.zone).toFormat('HH:mm:ss'),
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
const tripRows = new WeakMap<SimTrip, unknown>();
const stopRows = new WeakMap<SimTrip, unknown>();

function tripRow(ctx: RouteContext, trip: SimTrip) {
  let row = tripRows.get(trip);
  if (!row) {
    row = buildTripRow(ctx, trip);
    tripRows.set(trip, row);
  }
  return row;
}

function buildTripRow(ctx: RouteContext, trip: SimTrip) {
  return {
    id: trip.id,
    type: 'T',
    distanceMeter: trip.distanceMeter,
    dureeMs: trip.end.diff(trip.start).as('milliseconds'),
    anomalyType: 'NONE',
    posDeb: { ...position(ctx, trip, trip.start, trip.from), etat: 'D' },
    posFin: position(ctx, trip, trip.end, trip.to),
  };
}

function stopRow(ctx: RouteContext, trip: SimTrip, next: SimTrip) {
  let row = stopRows.get(trip);
  if (!row) {
    row = buildStopRow(ctx, trip, next);
    stopRows.set(trip, row);
  }
  return row;
}

function buildStopRow(ctx: RouteContext, trip: SimTrip, next: SimTrip) {
  return {
    id: trip.id + 50,
    type: 'A',
    distanceMeter: 0,
    dureeMs: next.start.diff(trip.end).as('milliseconds'),
    anomalyType: 'NONE',
    posDeb: position(ctx, trip, trip.end, trip.to),
    posFin: { ...position(ctx, next, next.start, next.from), etat: 'D' },
  };
}
