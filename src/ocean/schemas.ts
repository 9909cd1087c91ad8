import { z } from 'zod';
import { parseOceanTimestamp } from './dates';

/*
 * zod schemas for every Ocean payload we read or write (REFERENCE.md). They are the single
 * source of truth: the types below are inferred from them.
 *
 * Lenient where Ocean is vague: unknown fields pass (looseObject), documented-nullable fields
 * may be null or absent, timestamps arrive as epoch ms or ISO strings and become Dates,
 * maps with unknown keys stay maps. Strict where it matters: ids are numbers, slots are
 * integers, booleans are booleans.
 */

const id = z.number().int();
const text = z.string().nullish();
const flag = z.boolean().nullish();

/** Epoch ms or ISO string, normalised to a Date. */
export const Timestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = parseOceanTimestamp(value);
  if (!date) {
    ctx.addIssue({ code: 'custom', message: `unreadable timestamp ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return date;
});

export const Individu = z.looseObject({
  id,
  nomInd: text,
  prenomInd: text,
  email: text,
  gsm: text,
  matriculeInd: text,
  initialesInd: text,
  idCivilite: z.number().int().nullish(),
  suppressionLogique: flag,
});
export type Individu = z.infer<typeof Individu>;

export const Entite = z.looseObject({ id: id.nullish(), nom: text, suppressionLogique: flag });

export const Utilisateur = z.looseObject({
  id: id.nullish(),
  loginUti: text,
  nomUti: text,
  prenomUti: text,
  emailUti: text,
  utilisateurType: text,
  dateFinValidite: Timestamp.nullish(),
  suppressionLogique: flag,
  individu: Individu.nullish(),
});

export const VehicleFields = z.looseObject({
  id,
  numeroEmbarque: z.number().int().nullish(),
  immatriculation: text,
  marque: text,
  modele: text,
  description: text,
  privacyEnabled: flag,
  geolocalise: flag,
  typeMotorisation: text,
  suppressionLogique: flag,
});
export type VehicleFields = z.infer<typeof VehicleFields>;

/**
 * Ocean's free text (names, plates, towns, descriptions) loses its control characters where it
 * enters: one stray \u0001 in a driver's name used to break a whole manager report (the chart's
 * SVG, the CSV and the chat renderers all choke on them). Line breaks and tabs become spaces.
 * Every response schema ends with this one walk over what it parsed; a transform on each text
 * field made parsing a daily record half as slow again.
 */
export function stripControls(value: string): string {
  return value.replace(/[\t\n\r\v\f\u2028\u2029]+/g, ' ').replace(/\p{Cc}/gu, '');
}

const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** Cleans every string of freshly parsed data in place (Dates and other objects are left alone). */
export function cleanTexts<T>(value: T): T {
  if (typeof value === 'string') return (CONTROL.test(value) ? stripControls(value) : value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = cleanTexts(value[i]);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = cleanTexts(record[key]);
  }
  return value;
}

// --- auth/authenticate2 ---
export const LoginBody = z.object({ login: z.string().min(1), password: z.string().min(1) });
export const LoginResponse = z.looseObject({
  token: z.string().min(1),
  passwordExpirationRemainingDays: z.number().nullish(),
  additionalAccountData: z.unknown().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

// --- individus/list ---
export const IndividuEntry = z.looseObject({
  individu: Individu,
  entite: Entite.nullish(),
  utilisateur: Utilisateur.nullish(),
  groupe: z.looseObject({ id: id.nullish(), descriptionGrp: text, suppressionLogique: flag }).nullish(),
  fonctionnalites: z.array(z.looseObject({ idFonctionnalite: z.number().nullish() })).nullish(),
  propSpecifiqueDTO: z.unknown().optional(),
  vehicleFieldsDTO: VehicleFields.nullish(),
});
export type IndividuEntry = z.infer<typeof IndividuEntry>;
export const IndividusListResponse = z.array(IndividuEntry).transform(cleanTexts);
export const IndividusCriteria = z.enum(['WITHOUT_USER', 'WITH_USER', 'WITH_ENTITE', 'WITH_GSM', 'WITH_VEHICLE']);
export type IndividusCriteria = z.infer<typeof IndividusCriteria>;

// --- vehicule_engin/vehicles ---
export const VehicleEntry = z.looseObject({
  vehicle: VehicleFields,
  chauffeur: Individu.nullish(),
  entite: Entite.nullish(),
  releve: z.looseObject({ dateReleve: Timestamp.nullish(), value: z.number().nullish() }).nullish(),
  boitier: z.unknown().optional(),
});
export type VehicleEntry = z.infer<typeof VehicleEntry>;
export const VehiclesResponse = z.array(VehicleEntry).transform(cleanTexts);

// --- mobility/v1/ficheJour ---
// `date` and `heure` formats are undocumented (REFERENCE §4): kept as given, read later.
const Position = z.looseObject({
  date: z.union([z.string(), z.number()]).nullish(),
  heure: z.union([z.string(), z.number()]).nullish(),
  driver: z.looseObject({ matricule: text, nom: text, prenom: text, tel: text }).nullish(),
  etat: text,
  fullAddress: z.looseObject({ address: text, town: text, postalCode: text, country: text }).nullish(),
  latitudeY: z.number().nullish(),
  longitudeX: z.number().nullish(),
  cap: z.number().nullish(),
  gpsCale: flag,
  poi: z.looseObject({ nom: text, nomType: text, couleurHTML: text }).nullish(),
});
export type Position = z.infer<typeof Position>;
export const DailyRecordRow = z.looseObject({
  id,
  type: text,
  distanceMeter: z.number().nullish(),
  dureeMs: z.number().nullish(),
  anomalyType: text,
  posDeb: Position.nullish(),
  posFin: Position.nullish(),
});
export type DailyRecordRow = z.infer<typeof DailyRecordRow>;
export const DailyRecordResponse = z.looseObject({ fjRows: z.array(DailyRecordRow).nullish() }).transform(cleanTexts);

// --- schedules ---
export const WEEKDAYS = ['LUNDI', 'MARDI', 'MERCREDI', 'JEUDI', 'VENDREDI', 'SAMEDI', 'DIMANCHE'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

export const Horaire = z.looseObject({
  id: id.nullish(),
  idJourSemaine: z.string(),
  typeHoraires: z.string(),
  debutHeure: z.number().int().min(0).max(24),
  debutMinute: z.number().int().min(0).max(59).nullish(),
  finHeure: z.number().int().min(0).max(24),
  finMinute: z.number().int().min(0).max(59).nullish(),
});
export type Horaire = z.infer<typeof Horaire>;

export const ScheduleAssignment = z.looseObject({
  id,
  individu: Individu.nullish(),
  horaire: Horaire,
  debut: Timestamp.nullish(),
  fin: Timestamp.nullish(),
});
export type ScheduleAssignment = z.infer<typeof ScheduleAssignment>;
export const RecurringSchedulesResponse = z.array(ScheduleAssignment).transform(cleanTexts);

/** A slot as written in the `innerMap` body. */
export const Slot = z.object({
  idJourSemaine: z.string(),
  typeHoraires: z.string(),
  debutHeure: z.number().int().min(0).max(24),
  finHeure: z.number().int().min(0).max(24),
  debutMinute: z.number().int().min(0).max(59),
  finMinute: z.number().int().min(0).max(59),
});
export type Slot = z.infer<typeof Slot>;
export const InnerMapBody = z.object({
  innerMap: z.object({ map: z.record(z.string(), z.record(z.string(), z.array(Slot))) }),
});
export type InnerMapBody = z.infer<typeof InnerMapBody>;

/**
 * The exceptional GET: the FR page shows `{id, description, extension, debut, fin,
 * horairesIndividu[]}`, the EN page a copy of the recurring list. One lenient schema takes both.
 */
export const ExceptionalPeriod = z.looseObject({
  id,
  description: text,
  extension: z.looseObject({ id, description: text }).nullish(),
  utilisateur: Utilisateur.nullish(),
  individu: Individu.nullish(),
  debut: Timestamp.nullish(),
  fin: Timestamp.nullish(),
  horaire: Horaire.nullish(),
  horairesIndividu: z.array(ScheduleAssignment).nullish(),
});
export type ExceptionalPeriod = z.infer<typeof ExceptionalPeriod>;
export const ExceptionalPeriodsResponse = z.array(ExceptionalPeriod).transform(cleanTexts);

/** DELETEs answer 204 with no body; the docs show `{}`. */
export const EmptyResponse = z.union([z.null(), z.looseObject({})]);

/**
 * Ocean's "boolean" result in its documented shapes only: `true`, `{"boolean": true}` and
 * `[{"boolean": true}]` (the docs' example, made valid JSON), and the same with `false`.
 * Anything else (`{}`, `"OK"`, `0`, an empty body) does not parse: a bad response, never a success.
 */
const BooleanObject = z.object({ boolean: z.boolean() });
export const BooleanResponse = z.union([z.boolean(), BooleanObject.transform((o) => o.boolean), z.tuple([BooleanObject]).transform(([o]) => o.boolean)]);

/** `etapeViePriveePosteriori`: true is taken, false is refused. */
export const RetroactiveAnswer = BooleanResponse;

/** The schedule POSTs: a documented boolean, or their documented "Result", an echo of the `innerMap` body (a success). */
export const ScheduleSaveAnswer = z.union([BooleanResponse, InnerMapBody.transform(() => true as const)]);

// --- affectations_chauffeurs/get and /historique (Ocean's fleet page, April 2026) ---
/**
 * A dated driver<->vehicle assignment. `dateFin` null is read as open-ended (the docs show only
 * placeholder dates); `isVehiculeFonction` marks a company car.
 */
const DriverAssignmentShape = z.looseObject({
  vehicule: VehicleFields.nullish(),
  chauffeur: Individu.nullish(),
  chauffeurVehicule: z.looseObject({
    id: id.nullish(),
    idVehicule: id.nullish(),
    idIndividu: id.nullish(),
    isVehiculeFonction: flag,
    dateDebut: Timestamp.nullish(),
    dateFin: Timestamp.nullish(),
  }),
});
export const DriverAssignment = DriverAssignmentShape.transform(cleanTexts);
export type DriverAssignment = z.infer<typeof DriverAssignment>;
export const AssignmentHistoryResponse = z.array(DriverAssignmentShape).transform(cleanTexts);

// --- analyse/preformattedPrivacy ---
export const RENDER_MODES = [
  'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
  'BY_DRIVER_WITH_HORAIRE_SYNTHESIS',
  'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS',
  'BY_VEHICLE_WITH_HORAIRE_SYNTHESIS',
  'BY_DRIVER_WITHOUT_HORAIRE_DETAIL',
  'BY_DRIVER_WITH_HORAIRE_DETAIL',
  'BY_VEHICLE_WITHOUT_HORAIRE_DETAIL',
  'BY_VEHICLE_WITH_HORAIRE_DETAIL',
  'BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_SYNTHESIS',
  'BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_DETAIL',
] as const;
export const RenderMode = z.enum(RENDER_MODES);
export type RenderMode = z.infer<typeof RenderMode>;
/** `WIHOUT_GEOLOCATION` is Ocean's own spelling; it must stay that way on the wire. */
export const AnalysisCriteria = z.enum(['GEOLOCATION', 'WIHOUT_GEOLOCATION', 'ALL']);
export type AnalysisCriteria = z.infer<typeof AnalysisCriteria>;

const idList = z.array(z.number().int());
/** The body as the docs model it; their curl's `[0]` lists parse too (the client never sends them). */
export const AnalysisRequest = z.object({
  filter: z.object({ persons: idList.optional(), entities: idList.optional(), groups: idList.optional(), vehicleIds: idList.optional() }).optional(),
  renderMode: RenderMode,
  criteria: AnalysisCriteria,
  periode: z.object({ debut: z.union([z.number(), z.string()]), fin: z.union([z.number(), z.string()]) }),
});
export type AnalysisRequest = z.infer<typeof AnalysisRequest>;

/** Keys and values of the `*ByPeriodMap` maps are undocumented: an open map of numbers. */
export const PeriodMap = z.record(z.string(), z.number().nullable()).nullish();
export type PeriodMap = z.infer<typeof PeriodMap>;

export const AnalysisTotal = z.looseObject({
  consoL: z.number().nullish(),
  consoKWh: z.number().nullish(),
  cost: z.number().nullish(),
  /**
   * Not Ocean's: cost, fuel and energy per private/professional flag, set by AnalysisTree's
   * reading when Ocean splits a total by flag (`entityTotalByFlag(Cumul)`).
   */
  useByFlag: z.record(z.string(), z.object({ cost: z.number(), consoL: z.number(), consoKWh: z.number() })).optional(),
  dayDate: z.unknown().optional(),
  total: z
    .looseObject({
      distanceInMeterByPeriodMap: PeriodMap,
      distanceElectriqueInMeterByPeriodMap: PeriodMap,
      durationInSecByPeriodMap: PeriodMap,
      utilisationBatterieByPeriodMap: PeriodMap,
    })
    .nullish(),
  driver: z
    .looseObject({
      individu: Individu.nullish(),
      affectedEtape: z
        .looseObject({
          idEtape: z.number().nullish(),
          numeroEmbarque: z.number().nullish(),
          codeExploitant: z.union([z.string(), z.number()]).nullish(),
          debut: Timestamp.nullish(),
          creation: Timestamp.nullish(),
        })
        .nullish(),
    })
    .nullish(),
  vehicle: VehicleFields.partial({ id: true }).nullish(),
  entity: Entite.nullish(),
});
export type AnalysisTotal = z.infer<typeof AnalysisTotal>;

const AnalysisTreeShape = z.looseObject({
  /** Undocumented: the simulator and, we expect, Ocean key child totals by id. */
  nodes: z.record(z.string(), z.unknown()).nullish(),
  entityTotalCumul: AnalysisTotal.nullish(),
  entityTotalByFlagCumul: z.record(z.string(), z.unknown()).nullish(),
  entity: Entite.nullish(),
  content: z
    .looseObject({
      typeMotorisationEnergyeMap: z.record(z.string(), z.unknown()).nullish(),
      chauffeursByIdDriverAndPeriodeBean: z.looseObject({ map: z.record(z.string(), z.unknown()).nullish() }).nullish(),
      entityTotal: AnalysisTotal.nullish(),
      entityTotalByFlag: z.record(z.string(), z.unknown()).nullish(),
      refItems: z.record(z.string(), z.unknown()).nullish(),
      entity: Entite.nullish(),
    })
    .nullish(),
});

/**
 * Where `entityTotalByFlag(Cumul)` carries the private/professional split (a Total per flag),
 * the tree's totals are re-expressed with one `*ByPeriodMap` entry per flag (periods summed),
 * which is the form the report reads. A tree whose flag maps are empty stays as it came.
 */
export const AnalysisTree = AnalysisTreeShape.transform((tree) => {
  const contentFlags = flagTotals(tree.content?.entityTotalByFlag);
  const cumulFlags = flagTotals(tree.entityTotalByFlagCumul) ?? contentFlags;
  if (!cumulFlags) return tree;
  return {
    ...tree,
    entityTotalCumul: splitByFlag(tree.entityTotalCumul ?? tree.content?.entityTotal, cumulFlags),
    content: tree.content ? { ...tree.content, entityTotal: splitByFlag(tree.content.entityTotal, contentFlags ?? cumulFlags) } : tree.content,
  };
});
export type AnalysisTree = z.infer<typeof AnalysisTree>;

function flagTotals(map: Record<string, unknown> | null | undefined): Record<string, AnalysisTotal> | undefined {
  const totals: Record<string, AnalysisTotal> = {};
  for (const [flag, value] of Object.entries(map ?? {})) {
    const parsed = AnalysisTotal.safeParse(value);
    if (parsed.success && parsed.data.total) totals[flag] = parsed.data;
  }
  return Object.keys(totals).length ? totals : undefined;
}

const PERIOD_MAPS = [
  'distanceInMeterByPeriodMap',
  'distanceElectriqueInMeterByPeriodMap',
  'durationInSecByPeriodMap',
  'utilisationBatterieByPeriodMap',
] as const;

function splitByFlag(base: AnalysisTotal | null | undefined, flags: Record<string, AnalysisTotal>): AnalysisTotal {
  const sum = (values: Iterable<number | null | undefined>) =>
    [...values].reduce<number>((a, v) => a + (typeof v === 'number' && Number.isFinite(v) ? v : 0), 0);
  const parts = Object.values(flags);
  const total = Object.fromEntries(
    PERIOD_MAPS.map((name) => [name, Object.fromEntries(Object.entries(flags).map(([flag, t]) => [flag, sum(Object.values(t.total?.[name] ?? {}))]))]),
  );
  return {
    ...base,
    consoL: base?.consoL ?? sum(parts.map((p) => p.consoL)),
    consoKWh: base?.consoKWh ?? sum(parts.map((p) => p.consoKWh)),
    cost: base?.cost ?? sum(parts.map((p) => p.cost)),
    total,
    useByFlag: Object.fromEntries(Object.entries(flags).map(([flag, t]) => [flag, { cost: t.cost ?? 0, consoL: t.consoL ?? 0, consoKWh: t.consoKWh ?? 0 }])),
  };
}

export const AnalysisResult = z.looseObject({
  mode: z.string().nullish(),
  synthesisTreeByDriver: AnalysisTree.nullish(),
  synthesisTreeByVehicle: AnalysisTree.nullish(),
  htmlTable: text,
  bean: z.unknown().optional(),
});
export type AnalysisResult = z.infer<typeof AnalysisResult>;
export const AnalysisResponse = z.array(AnalysisResult).transform(cleanTexts);
