import { localDayBounds, parseOceanDateTime, parseOceanTimestamp, toOceanDate, toOceanDateTime, yesterday } from '../../src/ocean/dates';

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
