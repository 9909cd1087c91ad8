import { readPositionInstant, type TripTimes, utcDatesOfLocalDay } from '../../src/ocean';

const utc: TripTimes = { reading: 'utc', fleetZone: 'Europe/Paris' };
const fleet: TripTimes = { reading: 'fleet', fleetZone: 'Europe/Paris' };
const at = (date: unknown, heure?: unknown, times: TripTimes = utc) => readPositionInstant({ date, heure } as never, times)?.toISOString() ?? null;

describe("a daily record's trip times (OCEAN_TRIP_TIMES)", () => {
  it("read as UTC or as the fleet's time, in winter and in summer", () => {
    expect(at('24/11/2026', '08:12:03')).toBe('2026-11-24T08:12:03.000Z');
    expect(at('24/11/2026', '08:12:03', fleet)).toBe('2026-11-24T07:12:03.000Z');
    expect(at('14/07/2026', '23:40', fleet)).toBe('2026-07-14T21:40:00.000Z');
    expect(at('14/07/2026', '23:40')).toBe('2026-07-14T23:40:00.000Z');
  });

  it('across the clock changes; with `fleet`, the autumn hour that happens twice is read as its second occurrence (winter time)', () => {
    expect(at('29/03/2026', '01:30', fleet)).toBe('2026-03-29T00:30:00.000Z');
    expect(at('29/03/2026', '03:30', fleet)).toBe('2026-03-29T01:30:00.000Z');
    expect(at('25/10/2026', '00:20', fleet)).toBe('2026-10-24T22:20:00.000Z');
    expect(at('25/10/2026', '23:40', fleet)).toBe('2026-10-25T22:40:00.000Z');
    expect(at('25/10/2026', '02:30', fleet)).toBe('2026-10-25T01:30:00.000Z');
    expect(at('25/10/2026', '02:30')).toBe('2026-10-25T02:30:00.000Z');
  });

  it('ISO and epoch forms are read too; nothing readable is null', () => {
    expect(at('2026-11-24', '08:12')).toBe('2026-11-24T08:12:00.000Z');
    expect(at('2026-11-24T08:12:00+01:00', undefined, fleet)).toBe('2026-11-24T07:12:00.000Z');
    expect(at(1764000000000)).toBe(new Date(1764000000000).toISOString());
    expect(at('24/11/2026')).toBeNull();
    expect(at('31/02/2026', '08:00')).toBeNull();
    expect(at('string', 'string')).toBeNull();
  });

  it('a fleet day touches two UTC dates outside UTC, one in UTC', () => {
    expect(utcDatesOfLocalDay('2026-11-24', 'Europe/Paris')).toEqual(['2026-11-23', '2026-11-24']);
    expect(utcDatesOfLocalDay('2026-03-29', 'Europe/Paris')).toEqual(['2026-03-28', '2026-03-29']);
    expect(utcDatesOfLocalDay('2026-11-24', 'UTC')).toEqual(['2026-11-24']);
    expect(utcDatesOfLocalDay('2026-11-24', 'America/New_York')).toEqual(['2026-11-24', '2026-11-25']);
  });
});
