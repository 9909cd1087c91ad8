import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import * as S from '../../src/ocean/schemas';
import { examplesDir, readExample, SHARED_EXAMPLES, VENDORED_EXAMPLES } from '../support/examples';

const schemaFor: Record<string, z.ZodType> = {
  'POST_auth_authenticate2.request-body.json': S.LoginBody,
  'POST_auth_authenticate2.response.json': S.LoginResponse,
  'GET_vehicule_engin_vehicles.response.json': S.VehiclesResponse,
  'POST_individus_list.response.json': S.IndividusListResponse,
  'GET_mobility_v1_ficheJour.response.json': S.DailyRecordResponse,
  'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.json': S.RecurringSchedulesResponse,
  'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.2025-11-25.json': S.RecurringSchedulesResponse,
  'POST_vieprivee_v1_horairesViePriveeRecurrentesIndividu.request-body.json': S.InnerMapBody,
  'POST_vieprivee_v1_horairesViePriveeRecurrentesIndividu.result-block.2025-11-25.json': S.InnerMapBody,
  'DELETE_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.json': S.EmptyResponse,
  'GET_vieprivee_v1_horairesViePriveeExceptionnellesIndividu.response.en.json': S.ExceptionalPeriodsResponse,
  'POST_vieprivee_v1_horaireViePriveeExceptionnelleIndividu.result-block.en.json': S.InnerMapBody,
  'DELETE_vieprivee_v1_horairesViePriveeExceptionnellesIndividu.response.json': S.EmptyResponse,
  'POST_analyse_preformattedPrivacy.request-body.json': S.AnalysisRequest,
  'POST_analyse_preformattedPrivacy.response.json': S.AnalysisResponse,
};

const files = fs
  .readdirSync(examplesDir())
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Examples from Ocean's pages that ../shared does not hold yet (the assignments of April 2026), copied verbatim. */
const DOCS_DIR = path.resolve(__dirname, '../fixtures/ocean-docs');
const docsSchemaFor: Record<string, z.ZodType> = {
  'GET_affectations_chauffeurs_get.response.json': S.DriverAssignment,
  'GET_affectations_chauffeurs_historique.response.json': S.AssignmentHistoryResponse,
};

describe("Ocean's documented examples", () => {
  it('every example file has a schema (a new file in shared/ must be given one)', () => {
    expect(files.filter((f) => !schemaFor[f])).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files)('%s is accepted by its schema', (file) => {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(examplesDir(), file), 'utf8'));
    const result = (schemaFor[file] as z.ZodType).safeParse(json);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(Object.keys(docsSchemaFor))('%s (from the docs, not yet in shared/) is accepted by its schema', (file) => {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(DOCS_DIR, file), 'utf8'));
    const result = (docsSchemaFor[file] as z.ZodType).safeParse(json);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('the vendored copy in test/fixtures matches ../shared when it is there', () => {
    if (!fs.existsSync(SHARED_EXAMPLES)) return;
    for (const file of fs.readdirSync(SHARED_EXAMPLES)) {
      expect(fs.readFileSync(path.join(VENDORED_EXAMPLES, file), 'utf8')).toBe(fs.readFileSync(path.join(SHARED_EXAMPLES, file), 'utf8'));
    }
  });

  it('timestamps in both documented forms become the same kind of Date, and null stays null', () => {
    const [head] = S.RecurringSchedulesResponse.parse(
      JSON.parse(fs.readFileSync(path.join(examplesDir(), 'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.json'), 'utf8')),
    );
    const [first] = S.RecurringSchedulesResponse.parse(
      JSON.parse(fs.readFileSync(path.join(examplesDir(), 'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.2025-11-25.json'), 'utf8')),
    );
    expect(head?.debut).toEqual(new Date('2025-12-31T23:00:00.000Z')); // 2026-01-01 00:00 Paris
    expect(head?.fin).toBeNull();
    expect(first?.debut).toEqual(new Date('2025-11-25T13:49:33.102Z'));
  });

  it('unknown fields pass through and open maps keep unknown keys', () => {
    const parsed = S.AnalysisTotal.parse({
      consoL: 1,
      somethingNew: { kept: true },
      total: { distanceInMeterByPeriodMap: { VIE_PRIVEE: 10, WEEKEND: 3 } },
    });
    expect((parsed as Record<string, unknown>).somethingNew).toEqual({ kept: true });
    expect(parsed.total?.distanceInMeterByPeriodMap).toEqual({ VIE_PRIVEE: 10, WEEKEND: 3 });
  });

  it('what matters stays strict: a non-numeric id or an unreadable timestamp is refused', () => {
    expect(S.Individu.safeParse({ id: 'abc' }).success).toBe(false);
    expect(
      S.ScheduleAssignment.safeParse({
        id: 1,
        horaire: { idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 0, finHeure: 8 },
        debut: 'not a date',
      }).success,
    ).toBe(false);
    expect(S.Slot.safeParse({ idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 7.5, finHeure: 8, debutMinute: 0, finMinute: 0 }).success).toBe(
      false,
    );
  });

  it('a boolean answer is read from its three documented forms only; anything else is not a success', () => {
    for (const value of [true, { boolean: true }, [{ boolean: true }]]) expect(S.RetroactiveAnswer.parse(value)).toBe(true);
    for (const value of [false, { boolean: false }, [{ boolean: false }]]) expect(S.RetroactiveAnswer.parse(value)).toBe(false);
    for (const value of [{}, 'OK', 0, 1, null, [], 'true', [true, false], { ok: true }]) expect(S.RetroactiveAnswer.safeParse(value).success).toBe(false);
  });

  it('a schedule POST that echoes its innerMap body (its documented Result) is a success', () => {
    expect(S.ScheduleSaveAnswer.parse(readExample('POST_vieprivee_v1_horairesViePriveeRecurrentesIndividu.request-body.json'))).toBe(true);
    expect(S.ScheduleSaveAnswer.parse(readExample('POST_vieprivee_v1_horairesViePriveeRecurrentesIndividu.result-block.2025-11-25.json'))).toBe(true);
    expect(S.ScheduleSaveAnswer.parse([{ boolean: false }])).toBe(false);
    expect(S.ScheduleSaveAnswer.safeParse({}).success).toBe(false);
  });

  it("control characters in Ocean's text fields are dropped where they enter (a \\u0001 in a name broke the manager report)", () => {
    const [entry] = S.IndividusListResponse.parse([
      {
        individu: { id: 1, nomInd: 'Du\u0001pont\u0000', prenomInd: 'Ma\u001brie\nClaire', email: 'm@x.fr\u0007' },
        vehicleFieldsDTO: { id: 2, immatriculation: 'AB-123-\u0008CD', description: 'Clio\u007f\u009b' },
      },
    ]);
    expect(entry?.individu).toMatchObject({ nomInd: 'Dupont', prenomInd: 'Marie Claire', email: 'm@x.fr' });
    expect(entry?.vehicleFieldsDTO).toMatchObject({ immatriculation: 'AB-123-CD', description: 'Clio' });
    const [row] =
      S.DailyRecordResponse.parse({ fjRows: [{ id: 1, posDeb: { fullAddress: { town: 'Ly\u0002on' }, driver: { nom: 'X\u0003' } } }] }).fjRows ?? [];
    expect(row?.posDeb?.fullAddress?.town).toBe('Lyon');
    expect(row?.posDeb?.driver?.nom).toBe('X');
    const [period] = S.ExceptionalPeriodsResponse.parse([{ id: 1, description: 'NO\u0085EL', extension: { id: 2, description: 'NO\u0001EL' } }]);
    expect([period?.description, period?.extension?.description]).toEqual(['NOEL', 'NOEL']);
    expect(S.stripControls('Émilie Œuvré — 100 % 🚗')).toBe('Émilie Œuvré — 100 % 🚗');
  });
});
