/*
 * The simulator's own reading of Ocean's documentation (REFERENCE.md and the seed page), written
 * by hand and on purpose independent of the client's zod schemas and date helpers: when the
 * client drifts from the documentation, the simulator refuses it instead of agreeing with it.
 * Each reader returns the value, or a string saying what is wrong (sent back as a 400).
 */

export type Read<T> = T | { error: string };

export function isError<T>(value: Read<T>): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value && Object.keys(value).length === 1;
}

const fail = (error: string) => ({ error });

export const DAYS = ['LUNDI', 'MARDI', 'MERCREDI', 'JEUDI', 'VENDREDI', 'SAMEDI', 'DIMANCHE'] as const;
export type Day = (typeof DAYS)[number];

/** `dd/MM/yyyy HH:mm:ss Z`: every documented example writes the zone as a literal `Z`, nothing else. */
export function readDateTime(name: string, text: string | null, required: boolean): Read<number | null> {
  if (text === null || text === '') return required ? fail(`${name} obligatoire`) : null;
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) Z$/.exec(text);
  if (!m) return fail(`${name} : format attendu dd/MM/yyyy HH:mm:ss Z`);
  const [day, month, year, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) return fail(`${name} : date invalide`);
  return ms;
}

/** `dd/MM/yyyy` (ficheJour), read as a UTC day: returns the `yyyy-MM-dd` of that day. */
export function readDate(name: string, text: string | null): Read<string> {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text ?? '');
  if (!m) return fail(`${name} : format attendu dd/MM/yyyy`);
  const [day, month, year] = m.slice(1).map(Number) as [number, number, number];
  const back = new Date(Date.UTC(year, month - 1, day));
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return fail(`${name} : date invalide`);
  return back.toISOString().slice(0, 10);
}

/** An int64 parameter, given once: a list, a comma or a repeated parameter is refused. */
export function readId(query: URLSearchParams, name: string, required: boolean): Read<number | null> {
  const values = query.getAll(name);
  if (!values.length || values[0] === '') return required ? fail(`${name} obligatoire`) : null;
  if (values.length > 1 || !/^\d{1,18}$/.test(values[0] as string)) return fail(`${name} : un seul identifiant entier attendu`);
  const id = Number(values[0]);
  return Number.isSafeInteger(id) ? id : fail(`${name} hors limites`);
}

export function readBoolean(query: URLSearchParams, name: string): Read<boolean> {
  const value = query.get(name);
  if (value === 'true' || value === 'false') return value === 'true';
  return fail(`${name} doit valoir true ou false`);
}

export function readLogin(body: unknown): Read<{ login: string; password: string }> {
  if (!isRecord(body) || typeof body.login !== 'string' || typeof body.password !== 'string' || !body.login || !body.password)
    return fail('login et password attendus');
  return { login: body.login, password: body.password };
}

export interface WireSlot {
  idJourSemaine: Day;
  typeHoraires: string;
  debutHeure: number;
  debutMinute: number;
  finHeure: number;
  finMinute: number;
}

/** `{"innerMap": {"map": {<JOUR>: {<typeHoraires>: [slot…]}}}}`, each slot filed under its own day and type. */
export function readInnerMap(body: unknown): Read<WireSlot[]> {
  if (!isRecord(body) || !isRecord(body.innerMap) || !isRecord(body.innerMap.map)) return fail('Corps innerMap attendu : {"innerMap": {"map": {...}}}');
  const slots: WireSlot[] = [];
  for (const [day, byType] of Object.entries(body.innerMap.map)) {
    if (!(DAYS as readonly string[]).includes(day)) return fail(`Jour inconnu : ${day}`);
    if (!isRecord(byType)) return fail(`Créneaux du ${day} : objet attendu`);
    for (const [type, list] of Object.entries(byType)) {
      if (!Array.isArray(list)) return fail(`Créneaux ${type} du ${day} : liste attendue`);
      for (const raw of list) {
        if (!isRecord(raw)) return fail(`Créneau invalide le ${day}`);
        const [debutHeure, debutMinute, finHeure, finMinute] = [raw.debutHeure, raw.debutMinute, raw.finHeure, raw.finMinute];
        const whole = [debutHeure, debutMinute, finHeure, finMinute].every((n) => Number.isInteger(n));
        if (!whole || raw.idJourSemaine !== day || raw.typeHoraires !== type) return fail(`Créneau invalide le ${day}`);
        const slot = {
          idJourSemaine: day as Day,
          typeHoraires: type,
          debutHeure: debutHeure as number,
          debutMinute: debutMinute as number,
          finHeure: finHeure as number,
          finMinute: finMinute as number,
        };
        const start = slot.debutHeure * 60 + slot.debutMinute;
        const end = slot.finHeure * 60 + slot.finMinute;
        if (slot.debutMinute > 59 || slot.finMinute > 59 || start < 0 || start >= end || end > 24 * 60) return fail(`Créneau invalide le ${day}`);
        slots.push(slot);
      }
    }
  }
  return slots;
}

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

export interface WireAnalysis {
  filter: { persons?: number[]; entities?: number[]; groups?: number[]; vehicleIds?: number[] };
  renderMode: (typeof RENDER_MODES)[number];
  byVehicle: boolean;
  debut: number;
  fin: number;
}

/**
 * The analysis body as modelled by the docs: `filter` with the lists wanted (a list is a filter:
 * `[0]` asks for id 0, which matches nothing), `renderMode`, `criteria` (`WIHOUT_GEOLOCATION`
 * spelled as Ocean does) and `periode` in epoch ms or ISO-8601.
 */
export function readAnalysis(body: unknown): Read<WireAnalysis> {
  if (!isRecord(body)) return fail('Corps de requête invalide');
  if (!isRecord(body.filter)) return fail('filter attendu (les critères non voulus sont omis)');
  const filter: WireAnalysis['filter'] = {};
  for (const name of ['persons', 'entities', 'groups', 'vehicleIds'] as const) {
    const list = body.filter[name];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((id) => Number.isSafeInteger(id))) return fail(`filter.${name} : liste d'identifiants attendue`);
    filter[name] = list as number[];
  }
  const renderMode = body.renderMode;
  if (typeof renderMode !== 'string' || !(RENDER_MODES as readonly string[]).includes(renderMode)) return fail('renderMode inconnu');
  if (!['GEOLOCATION', 'WIHOUT_GEOLOCATION', 'ALL'].includes(body.criteria as string)) return fail('criteria inconnu');
  if (!isRecord(body.periode)) return fail('periode attendue');
  const debut = instant(body.periode.debut);
  const fin = instant(body.periode.fin);
  if (debut === null || fin === null) return fail('periode.debut et periode.fin : millisecondes ou ISO-8601');
  return { filter, renderMode: renderMode as WireAnalysis['renderMode'], byVehicle: renderMode.startsWith('BY_VEHICLE'), debut, fin };
}

function instant(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
