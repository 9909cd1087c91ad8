import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import * as S from '../../src/ocean/schemas';
import { examplesDir, SHARED_EXAMPLES, VENDORED_EXAMPLES } from '../support/examples';

const schemaFor: Record<string, z.ZodType> = {
  'POST_auth_authenticate2.request-body.json': S.LoginBody,
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

const files = fs.readdirSync(examplesDir()).filter((f) => f.endsWith('.json')).sort();

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

  it('the vendored copy in test/fixtures matches ../shared when it is there', () => {
    if (!fs.existsSync(SHARED_EXAMPLES)) return;
    for (const file of fs.readdirSync(SHARED_EXAMPLES)) {
      expect(fs.readFileSync(path.join(VENDORED_EXAMPLES, file), 'utf8')).toBe(fs.readFileSync(path.join(SHARED_EXAMPLES, file), 'utf8'));
    }
  });

  it('timestamps in both documented forms become the same kind of Date, and null stays null', () => {
    const [head] = S.RecurringSchedulesResponse.parse(JSON.parse(fs.readFileSync(path.join(examplesDir(), 'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.json'), 'utf8')));
    const [first] = S.RecurringSchedulesResponse.parse(JSON.parse(fs.readFileSync(path.join(examplesDir(), 'GET_vieprivee_v1_horairesViePriveeRecurrentesIndividu.response.2025-11-25.json'), 'utf8')));
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
    expect(S.ScheduleAssignment.safeParse({ id: 1, horaire: { idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 0, finHeure: 8 }, debut: 'not a date' }).success).toBe(false);
    expect(S.Slot.safeParse({ idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 7.5, finHeure: 8, debutMinute: 0, finMinute: 0 }).success).toBe(false);
  });

  it('a boolean answer is read from every documented form', () => {
    expect(S.BooleanResponse.parse(true)).toBe(true);
    expect(S.BooleanResponse.parse(false)).toBe(false);
    expect(S.BooleanResponse.parse([{ boolean: false }])).toBe(false);
    expect(S.BooleanResponse.parse(null)).toBe(true);
    expect(S.BooleanResponse.parse({ innerMap: { map: {} } })).toBe(true);
  });
});
