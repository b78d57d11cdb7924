import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDay, parseIsoDate, seasonYearOf, todayInNewYork } from '../../src/calendar/dates.js';
import { parseSeasonLabel } from '../../src/calendar/seasons.js';

describe('dates', () => {
  it('parses only real YYYY-MM-DD dates', () => {
    expect(parseIsoDate('2022-02-28')).toBe('2022-02-28');
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2022-02-30')).toBeNull();
    expect(parseIsoDate('2023-02-29')).toBeNull();
    expect(parseIsoDate('2022-1-05')).toBeNull();
    expect(parseIsoDate('nope')).toBeNull();
    expect(parseIsoDate("2022-01-05';drop table x;--")).toBeNull();
  });

  it('does day arithmetic across months, years and DST', () => {
    expect(addDays('2021-10-19', 6)).toBe('2021-10-25');
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
    expect(addDays('2022-03-13', 1)).toBe('2022-03-14');
    expect(addDays('2022-11-06', -1)).toBe('2022-11-05');
    expect(daysBetween('2021-10-19', '2022-04-10')).toBe(173);
    expect(eachDay('2022-02-27', '2022-03-02')).toEqual(['2022-02-27', '2022-02-28', '2022-03-01', '2022-03-02']);
    expect(eachDay('2022-03-02', '2022-03-01')).toEqual([]);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    const fourYears = eachDay('2021-01-01', '2024-12-31');
    expect(fourYears).toHaveLength(365 * 4 + 1);
    expect(new Set(fourYears).size).toBe(fourYears.length);
    expect(fourYears.every((d) => parseIsoDate(d) === d)).toBe(true);
  });

  it('maps dates to the season year (October onwards)', () => {
    expect(seasonYearOf('2021-10-19')).toBe(2021);
    expect(seasonYearOf('2022-04-10')).toBe(2021);
    expect(seasonYearOf('2022-09-30')).toBe(2021);
  });

  it("computes today's date in New York, not UTC", () => {
    expect(todayInNewYork(new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
    expect(todayInNewYork(new Date('2026-11-26T06:00:00Z'))).toBe('2026-11-26');
  });

  it('accepts only consecutive-year season labels', () => {
    expect(parseSeasonLabel('2021-22')).toBe(2021);
    expect(parseSeasonLabel('1999-00')).toBe(1999);
    expect(parseSeasonLabel('2021-23')).toBeNull();
    expect(parseSeasonLabel('2021-2022')).toBeNull();
  });
});
