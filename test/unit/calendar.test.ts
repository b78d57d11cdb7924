import { describe, expect, it } from 'vitest';
import { knownSeasons, SeasonCalendar } from '../../src/calendar/calendar.js';
import { eachDay } from '../../src/calendar/dates.js';

describe('season calendar', () => {
  const seasons = knownSeasons([]);
  const calendar = new SeasonCalendar(seasons, new Map([['2022-01-05', 7]]), 7);

  it("gives exactly the runbook's expected-empty Phase 4 dates as the 7-day bootstrap windows", () => {
    const runbook = {
      '2021-22': ['2021-10-19', '2021-10-25'],
      '2022-23': ['2022-10-18', '2022-10-24'],
      '2023-24': ['2023-10-24', '2023-10-30'],
      '2024-25': ['2024-10-22', '2024-10-28'],
    } as const;
    for (const [label, [first, last]] of Object.entries(runbook)) {
      const season = seasons.find((s) => s.season === label);
      expect(season && calendar.bootstrapWindow(season)).toEqual({ first, last });
      const days = eachDay(`${first.slice(0, 4)}-10-01`, `${first.slice(0, 4)}-11-30`).filter((d) => calendar.isBootstrap(d));
      expect(days).toEqual(eachDay(first, last));
    }
  });

  it('changes the window with --bootstrap-days', () => {
    const fourteen = new SeasonCalendar(seasons, new Map(), 14);
    expect(fourteen.isBootstrap('2021-11-01')).toBe(true);
    expect(fourteen.isBootstrap('2021-11-02')).toBe(false);
    expect(new SeasonCalendar(seasons, new Map(), 0).isBootstrap('2021-10-19')).toBe(false);
  });

  it('lets the schedule decide season dates and keeps defaults for the rest', () => {
    const fromSchedule = knownSeasons([{ seasonYear: 2021, regularStart: '2021-10-20', regularEnd: '2022-04-09', lastScheduled: '2022-06-16' }]);
    expect(fromSchedule.find((s) => s.seasonYear === 2021)).toMatchObject({ start: '2021-10-20', end: '2022-04-09', source: 'schedule' });
    expect(knownSeasons([{ seasonYear: 2021, regularStart: '2021-10-20', regularEnd: '2022-04-09', lastScheduled: '2022-06-16' }], true).find((s) => s.seasonYear === 2021)?.end).toBe('2022-06-16');
    expect(fromSchedule.find((s) => s.seasonYear === 2022)).toMatchObject({ start: '2022-10-18', source: 'defaults' });
    const future = knownSeasons([{ seasonYear: 2026, regularStart: '2026-10-21', regularEnd: '2027-04-11', lastScheduled: '2027-04-11' }]);
    expect(future.map((s) => s.season)).toContain('2026-27');
  });

  it('counts games and finds the season start of a date', () => {
    expect(calendar.games('2022-01-05')).toBe(7);
    expect(calendar.games('2022-01-06')).toBe(0);
    expect(calendar.seasonStart('2022-01-05')).toBe('2021-10-19');
    expect(calendar.seasonStart('2019-01-05')).toBe('2018-10-22');
  });
});
