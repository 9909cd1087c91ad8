import { parseLine, parseSlash } from '../../src/chat/commands';
import { translator } from '../../src/i18n';
import { suggestionReason } from '../../src/privacy/daily/prompt-view';
import { type HistoryRow, suggest, tripSlot } from '../../src/privacy/daily/suggestion-rule';
import { decodeAcceptSuggestions, encodeAcceptSuggestions } from '../../src/views/payloads';

const ZONE = 'Europe/Paris';

/** A trip of the driver's history: a local date and time in Paris. */
function row(tripId: number, local: string, choice: 'private' | 'professional', route: [string, string] = ['Lyon', 'Écully']): HistoryRow {
  const slot = tripSlot({ fromTown: route[0], toTown: route[1], start: `${local}:00+01:00` }, ZONE)!;
  return { ...slot, tripId, choice };
}

/** Tuesday 24 November 2026, 08:10 in Paris, Lyon → Écully. */
const trip = { ...tripSlot({ fromTown: 'Lyon', toTown: 'Écully', start: '2026-11-24T08:10:00+01:00' }, ZONE)!, tripId: 99 };

describe('the suggestion rule', () => {
  it('reads the local kind of day and minute of the day in the fleet’s zone', () => {
    expect(trip).toMatchObject({ weekend: false, startMinute: 8 * 60 + 10 });
    expect(tripSlot({ fromTown: 'Lyon', toTown: 'Écully', start: '2026-11-28T23:30:00Z' }, ZONE)).toMatchObject({ weekend: true, startMinute: 30 });
    expect(tripSlot({ fromTown: null, toTown: 'Écully', start: '2026-11-24T08:10:00+01:00' }, ZONE)).toBeUndefined();
    expect(tripSlot({ fromTown: 'Lyon', toTown: 'Écully', start: null }, ZONE)).toBeUndefined();
  });

  it('suggests when the last three similar trips got the same answer', () => {
    const history = [row(1, '2026-11-03T08:00', 'private'), row(2, '2026-11-10T07:45', 'private'), row(3, '2026-11-17T09:30', 'private')];
    expect(suggest(trip, history)).toEqual({ choice: 'private', count: 3, fromTown: 'Lyon', toTown: 'Écully' });
  });

  it('needs three: two agreeing answers suggest nothing', () => {
    expect(suggest(trip, [row(2, '2026-11-10T08:00', 'professional'), row(3, '2026-11-17T08:00', 'professional')])).toBeUndefined();
  });

  it('only the last three count: an older different answer does not matter, a recent one does', () => {
    const older = [
      row(1, '2026-10-27T08:00', 'professional'),
      row(2, '2026-11-03T08:00', 'private'),
      row(3, '2026-11-10T08:00', 'private'),
      row(4, '2026-11-17T08:00', 'private'),
    ];
    expect(suggest(trip, older)?.choice).toBe('private');
    const recent = [row(2, '2026-11-03T08:00', 'private'), row(3, '2026-11-10T08:00', 'private'), row(4, '2026-11-17T08:00', 'professional')];
    expect(suggest(trip, recent)).toBeUndefined();
  });

  it('ignores other routes, the reverse route, the other kind of day and starts more than 90 minutes away', () => {
    const agreeing = [row(2, '2026-11-10T08:00', 'private'), row(3, '2026-11-17T08:00', 'private')];
    expect(suggest(trip, [...agreeing, row(1, '2026-11-03T08:00', 'private', ['Lyon', 'Bron'])])).toBeUndefined();
    expect(suggest(trip, [...agreeing, row(1, '2026-11-03T08:00', 'private', ['Écully', 'Lyon'])])).toBeUndefined();
    expect(suggest(trip, [...agreeing, row(1, '2026-11-07T08:00', 'private')])).toBeUndefined(); // a Saturday
    expect(suggest(trip, [...agreeing, row(1, '2026-11-03T09:41', 'private')])).toBeUndefined(); // 91 minutes later
    expect(suggest(trip, [...agreeing, row(1, '2026-11-03T06:40', 'private')])).toMatchObject({ choice: 'private' }); // 90 minutes earlier
  });

  it('never counts the trip itself nor trips after it', () => {
    const history = [row(2, '2026-11-10T08:00', 'private'), row(3, '2026-11-17T08:00', 'private'), { ...row(99, '2026-11-24T08:10', 'private') }];
    expect(suggest(trip, history)).toBeUndefined();
    expect(suggest(trip, [...history.slice(0, 2), row(5, '2026-11-25T08:10', 'private')])).toBeUndefined();
  });

  it('says why in the driver’s language', () => {
    const suggestion = { choice: 'private' as const, count: 3, fromTown: 'Lyon', toTown: 'Écully' };
    expect(suggestionReason(suggestion, translator('fr'))).toBe('privé les 3 dernières fois, Lyon → Écully');
    expect(suggestionReason(suggestion, translator('en'))).toBe('private the last 3 times, Lyon → Écully');
    expect(suggestionReason({ ...suggestion, choice: 'professional' }, translator('fr'))).toBe('professionnel les 3 dernières fois, Lyon → Écully');
  });
});

describe('the accept button’s payload and the suggestions command', () => {
  const ctx = { now: new Date('2026-11-25T07:30:00Z'), zone: ZONE };

  it('the button names a prompt and a page only, within Slack’s 2,000 characters', () => {
    const value = encodeAcceptSuggestions(123456789012, 4);
    expect(value.length).toBeLessThan(2000);
    expect(decodeAcceptSuggestions(value)).toEqual({ promptId: 123456789012, page: 4 });
    for (const forged of ['sug:1:0:private', 'sug:1', 'sug:x:0', 'ans:1:0:private', `sug:1:${'9'.repeat(5)}`, 42])
      expect(decodeAcceptSuggestions(forged)).toBeUndefined();
  });

  it('/privacy suggestions off|on, in French and English words', () => {
    expect(parseSlash('/privacy', 'suggestions off', ctx)).toEqual({ ok: true, command: { kind: 'suggestions', on: false } });
    expect(parseSlash('/privacy', 'suggestions ON', ctx)).toEqual({ ok: true, command: { kind: 'suggestions', on: true } });
    expect(parseSlash('/vie-privee', 'suggestions arrêt', ctx)).toEqual({ ok: true, command: { kind: 'suggestions', on: false } });
    expect(parseSlash('/vie-privee', 'suggestions marche', ctx)).toEqual({ ok: true, command: { kind: 'suggestions', on: true } });
    expect(parseLine('privacy suggestions off', ctx)).toEqual({ ok: true, command: { kind: 'suggestions', on: false } });
  });

  it('a bad argument gets the usual clear error, naming what is accepted', () => {
    // Alone, `suggestions` says whether they are on (test/chat/small-talk.test.ts).
    for (const text of ['suggestions maybe', 'suggestions on off']) {
      const result = parseSlash('/privacy', text, ctx);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error).toMatchObject({ key: 'errors.badArgument', accepted: 'suggestions' });
      const fr = translator('fr');
      expect(fr.t(result.error.key, { ...result.error.params, accepted: fr.t('accepted.suggestions', { cmd: '/privacy' }) })).toMatch(
        /\/privacy suggestions off, \/privacy suggestions on/,
      );
    }
  });
});
