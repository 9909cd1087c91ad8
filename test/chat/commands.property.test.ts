import fc from 'fast-check';
import { type CommandError, parseLine, parseSlash } from '../../src/chat/commands';
import { translator } from '../../src/i18n';
import { isPeriodError, parsePeriod } from '../../src/privacy/report/periods';
import { decodeAnswer, decodePeriodRef, decodeRemind, decodeScheduleState, encodeAnswer, encodeRemind } from '../../src/views/payloads';

const ctx = { now: new Date('2026-11-25T07:30:00Z'), zone: 'Europe/Paris' };
const words = [
  'privacy',
  '/privacy',
  'privacy-report',
  '/privacy-report',
  'schedule',
  'help',
  'by',
  'driver',
  'vehicle',
  'par',
  'conducteur',
  'last-month',
  'hier',
  'yesterday',
  '2026-10',
  '2026-13',
  '01/11/2026-30/11/2026',
  '31/02/2026-01/03/2026',
  'link',
  'unlink',
  '<@U1>',
  'a@b.fr',
  'language',
  'fr',
  'de',
  'here',
  'ici',
  'off',
  'unanswered',
  'sans-reponse',
  'suggestions',
  'on',
  'maybe',
  '2026',
  '2031',
  '',
  '\u0000',
  '🙂',
  '<script>',
  '"; DROP TABLE people; --',
];

/** Every key an error may name must exist in both languages and render (as the router does) without a placeholder left. */
function expectLocalised(error: CommandError) {
  const names = { cmd: 'privacy', reportCmd: 'privacy-report' };
  for (const locale of ['fr', 'en'] as const) {
    const t = translator(locale);
    const accepted = error.accepted ? t.t(`accepted.${error.accepted}`, names) : '';
    if (error.accepted) expect(accepted).not.toBe(`accepted.${error.accepted}`);
    const text = t.t(error.key, { ...names, ...error.params, accepted });
    expect(text).not.toBe(error.key);
    expect(text).not.toMatch(/{{\w+}}/);
  }
}

describe('the command grammar under arbitrary input', () => {
  it('any line gives a command or a localised error, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((w) => w.join(' ')),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
        ),
        (line) => {
          const result = parseLine(line, ctx);
          if (!result.ok) expectLocalised(result.error);
          else
            expect([
              'overview',
              'help',
              'schedule',
              'report',
              'unanswered',
              'reportChannel',
              'link',
              'unlink',
              'forget',
              'language',
              'suggestions',
              'smallTalk',
            ]).toContain(result.command.kind);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('any slash command text gives a command or a localised error that quotes at most 80 characters of it', () => {
    fc.assert(
      fc.property(fc.constantFrom('/privacy', '/privacy-report', '/other'), fc.string({ maxLength: 2000 }), (command, text) => {
        const result = parseSlash(command, text, ctx);
        if (result.ok) return;
        expectLocalised(result.error);
        for (const value of Object.values(result.error.params)) if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 3000 },
    );
  });

  it('every parsed report period is whole days, in order, not in the future, and at most 366 days', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        (a, b) => {
          const f = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
          const period = parsePeriod(`${f(a)}-${f(b)}`, ctx.now, ctx.zone);
          if (isPeriodError(period)) return;
          expect(period.first <= period.last).toBe(true);
          expect(period.first <= '2026-11-25').toBe(true);
          expect((Date.parse(period.last) - Date.parse(period.first)) / 86_400_000).toBeLessThan(366);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names the periods the way managers say them, in French and English', () => {
    expect(parseLine('privacy-report hier par véhicule', ctx)).toEqual({
      ok: true,
      command: { kind: 'report', period: { first: '2026-11-24', last: '2026-11-24', kind: 'day' }, by: 'vehicle', periodGiven: true },
    });
    expect(parseLine('/privacy-report semaine-derniere', ctx)).toMatchObject({
      ok: true,
      command: { period: { first: '2026-11-16', last: '2026-11-22' }, by: 'driver' },
    });
    expect(parseLine('privacy-report', ctx)).toMatchObject({
      ok: true,
      command: { period: { first: '2026-10-01', last: '2026-10-31', kind: 'month' }, periodGiven: false },
    });
    expect(parseLine('privacy-report 2026-12', ctx)).toMatchObject({ ok: false, error: { key: 'errors.periodFuture' } });
    expect(parseLine('privacy-report by bus', ctx)).toMatchObject({ ok: false, error: { key: 'errors.badArgument', params: { argument: 'by bus' } } });
    expect(parseLine('privacy-report 01/01/2025-31/12/2026', ctx)).toMatchObject({ ok: false, error: { key: 'errors.periodTooLong' } });
  });

  it("reads a year (the year so far when it is this one), who has not answered, and the digest's channel", () => {
    expect(parseLine('privacy-report 2026 par véhicule', ctx)).toEqual({
      ok: true,
      command: { kind: 'report', period: { first: '2026-01-01', last: '2026-11-24', kind: 'year' }, by: 'vehicle', periodGiven: true },
    });
    expect(parseLine('privacy-report 2025', ctx)).toMatchObject({
      ok: true,
      command: { period: { first: '2025-01-01', last: '2025-12-31', kind: 'year' }, by: 'driver' },
    });
    expect(parseLine('privacy-report 2027 by vehicle', ctx)).toMatchObject({ ok: false, error: { key: 'errors.periodFuture' } });
    expect(parseLine('privacy-report unanswered', ctx)).toEqual({ ok: true, command: { kind: 'unanswered' } });
    expect(parseLine('/privacy-report semaine-derniere sans-réponse', ctx)).toEqual({
      ok: true,
      command: { kind: 'unanswered', period: { first: '2026-11-16', last: '2026-11-22', kind: 'week' } },
    });
    expect(parseLine('privacy-report unanswered by vehicle', ctx)).toMatchObject({ ok: false, error: { key: 'errors.badArgument', accepted: 'unanswered' } });
    expect(parseLine('privacy-report here', ctx)).toEqual({ ok: true, command: { kind: 'reportChannel', on: true } });
    expect(parseLine('privacy-report ici off', ctx)).toEqual({ ok: true, command: { kind: 'reportChannel', on: false } });
    expect(parseLine('privacy-report here please', ctx)).toMatchObject({ ok: false, error: { key: 'errors.tooManyArguments', accepted: 'here' } });
  });

  it("counts from the fleet's today, not UTC's, across midnight and daylight-saving changes", () => {
    const paris = (iso: string, word: string) => parsePeriod(word, new Date(iso), 'Europe/Paris');
    // 00:30 in Paris on 1 November is still 31 October in UTC.
    expect(paris('2026-10-31T23:30:00Z', 'yesterday')).toEqual({ first: '2026-10-31', last: '2026-10-31', kind: 'day' });
    expect(paris('2026-10-31T23:30:00Z', 'last-month')).toEqual({ first: '2026-10-01', last: '2026-10-31', kind: 'month' });
    expect(paris('2026-10-31T23:30:00Z', '2026-11')).toMatchObject({ first: '2026-11-01', last: '2026-11-30' });
    // 00:30 on the Monday after the October change (25 October 2026): last week was 19 to 25 October.
    expect(paris('2026-10-25T23:30:00Z', 'last-week')).toEqual({ first: '2026-10-19', last: '2026-10-25', kind: 'week' });
    // The March change (29 March 2026) inside a range and a month.
    expect(paris('2026-04-01T08:00:00Z', '28/03/2026-30/03/2026')).toEqual({ first: '2026-03-28', last: '2026-03-30', kind: 'range' });
    expect(paris('2026-04-01T08:00:00Z', 'last-month')).toEqual({ first: '2026-03-01', last: '2026-03-31', kind: 'month' });
    // Far from UTC: 23:00 on 30 November in Los Angeles is already December in UTC.
    expect(parsePeriod('yesterday', new Date('2026-12-01T07:00:00Z'), 'America/Los_Angeles')).toMatchObject({ first: '2026-11-29' });
    expect(parsePeriod('2026-12', new Date('2026-12-01T07:00:00Z'), 'America/Los_Angeles')).toMatchObject({ key: 'errors.periodFuture' });
  });
});

describe('button payloads under arbitrary input', () => {
  it('a value that is not exactly one of ours is refused, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), (value) => {
        const answer = decodeAnswer(value);
        if (answer) expect(encodeAnswer(answer)).toBe(value);
        decodeScheduleState(value);
        decodePeriodRef(value);
        const remind = decodeRemind(value);
        if (remind) expect(encodeRemind(remind)).toBe(value);
      }),
      { numRuns: 5000 },
    );
  });

  it("our own payloads round-trip and stay far below Slack's 2,000 characters", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999_999 }),
        fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constant('all' as const)),
        fc.constantFrom('private' as const, 'professional' as const),
        (promptId, trip, choice) => {
          const value = encodeAnswer({ promptId, trip, choice });
          expect(value.length).toBeLessThan(64);
          expect(decodeAnswer(value)).toEqual({ promptId, trip, choice });
        },
      ),
    );
  });
});
