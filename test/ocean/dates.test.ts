import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addDays,
  localClock,
  localDay,
  localDayBounds,
  parseOceanDateTime,
  parseOceanTimestamp,
  toOceanDate,
  toOceanDateTime,
  yesterday,
} from '../../src/ocean/dates';
import { tripSlot } from '../../src/privacy/daily/suggestion-rule';

describe("Ocean's date formats", () => {
  it('writes date-times in UTC with a literal Z, as every documented example does', () => {
    expect(toOceanDateTime(new Date('2025-11-24T00:00:00Z'))).toBe('24/11/2025 00:00:00 Z');
    expect(new URLSearchParams({ d: toOceanDateTime(new Date('2025-11-24T00:00:00Z')) }).toString()).toBe('d=24%2F11%2F2025+00%3A00%3A00+Z');
  });

  it('reads date-times with a literal Z or a numeric offset', () => {
    expect(parseOceanDateTime('24/11/2025 00:00:00 Z')).toEqual(new Date('2025-11-24T00:00:00Z'));
    expect(parseOceanDateTime('24/11/2025 01:00:00 +01:00')).toEqual(new Date('2025-11-24T00:00:00Z'));
    expect(parseOceanDateTime('2025-11-24')).toBeNull();
  });

  it('writes days as dd/MM/yyyy', () => {
    expect(toOceanDate('2026-03-29')).toBe('29/03/2026');
    expect(() => toOceanDate('29/03/2026')).toThrow(RangeError);
  });

  it('a Paris day is 23 hours long when clocks go forward and 25 when they go back', () => {
    const spring = localDayBounds('2026-03-29', 'Europe/Paris');
    expect(spring.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3600_000);
    expect(toOceanDateTime(spring.end)).toBe('29/03/2026 22:00:00 Z');
    const autumn = localDayBounds('2026-10-25', 'Europe/Paris');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3600_000);
  });

  it('"yesterday" is the fleet\'s yesterday, not UTC\'s', () => {
    // 00:30 in Paris on 1 December is still 30 November in UTC.
    expect(yesterday(new Date('2026-11-30T23:30:00Z'), 'Europe/Paris')).toBe('2026-11-30');
    expect(yesterday(new Date('2026-11-30T23:30:00Z'), 'UTC')).toBe('2026-11-29');
  });

  it('timestamps arrive as epoch ms or ISO strings and become the same Date', () => {
    expect(parseOceanTimestamp(1767222000000)).toEqual(new Date('2025-12-31T23:00:00Z'));
    expect(parseOceanTimestamp('2025-12-31T23:00:00.000Z')).toEqual(new Date('2025-12-31T23:00:00Z'));
    expect(parseOceanTimestamp('dayDate')).toBeNull();
  });
});

describe('the request path reads days without luxon, and agrees with it', () => {
  const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
  // 2020–2030, so that every daylight-saving change of those years is crossed.
  const instants = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

  it('localDay and localClock give what luxon gives, on any instant in any of these zones (daylight-saving days included)', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (ms, zone) => {
        const local = DateTime.fromMillis(ms, { zone });
        expect(localDay(new Date(ms), zone)).toBe(local.toISODate());
        expect(localClock(new Date(ms), zone)).toEqual({ weekday: local.weekday, minuteOfDay: local.hour * 60 + local.minute });
      }),
      { numRuns: 5000 },
    );
  });

  it('the hour around a change of clocks in Paris, minute by minute', () => {
    for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)])
      for (let ms = change - 2 * 3_600_000; ms < change + 2 * 3_600_000; ms += 60_000) {
        const local = DateTime.fromMillis(ms, { zone: 'Europe/Paris' });
        expect([ms, localDay(new Date(ms), 'Europe/Paris'), localClock(new Date(ms), 'Europe/Paris')]).toEqual([
          ms,
          local.toISODate(),
          { weekday: local.weekday, minuteOfDay: local.hour * 60 + local.minute },
        ]);
      }
  });

  it('addDays is calendar arithmetic, as luxon does it, and refuses what is not a day the same way', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: -800, max: 800 }), (ms, days) => {
        const day = new Date(ms).toISOString().slice(0, 10);
        expect(addDays(day, days)).toBe(DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate());
      }),
    );
    for (const bad of ['2026-02-30', '2026-13-01', 'nope', '2026-1-1'])
      expect(addDays(bad, 1)).toBe(DateTime.fromISO(bad, { zone: 'utc' }).plus({ days: 1 }).toISODate());
  });

  it("a trip's slot is the same from a stored start (UTC), a start with its offset, or luxon's reading", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (ms, zone) => {
        const local = DateTime.fromMillis(ms, { zone });
        const expected = { fromTown: 'Lyon', toTown: 'Vienne', startAt: new Date(Math.floor(ms / 1000) * 1000), weekend: local.weekday >= 6 };
        for (const start of [new Date(Math.floor(ms / 1000) * 1000).toISOString(), local.set({ millisecond: 0 }).toISO() as string])
          expect(tripSlot({ fromTown: 'Lyon', toTown: 'Vienne', start }, zone)).toEqual({ ...expected, startMinute: local.hour * 60 + local.minute });
      }),
      { numRuns: 2000 },
    );
    // A start without an offset is a wall-clock time of the fleet's zone, as before.
    expect(tripSlot({ fromTown: 'Lyon', toTown: 'Vienne', start: '2026-03-29T02:30:00' }, 'Europe/Paris')?.startMinute).toBe(
      DateTime.fromISO('2026-03-29T02:30:00', { zone: 'Europe/Paris' }).hour * 60 + DateTime.fromISO('2026-03-29T02:30:00', { zone: 'Europe/Paris' }).minute,
    );
  });
});
