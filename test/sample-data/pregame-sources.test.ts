import { beforeAll, describe, expect, it } from 'vitest';
import { generateReferenceTables, generateSampleSeason, type SampleRow, type SampleSeason } from '../../src/sample-data/generate.js';
import { TEAM_CODES } from '../../src/sample-data/schedule.js';
import { teamLocations, travelDistances } from '../../src/warehouse/tables/static-tables.js';

// The sample's pre-game sources: the injury report (before and after the tip), the NBA.com box
// score's starters, and the reference tables of arenas and distances.

const OPTIONS = { seasonYear: 2021, start: '2021-10-19', end: '2022-04-10', seed: 1 } as const;
let season: SampleSeason;
beforeAll(() => {
  season = generateSampleSeason(OPTIONS);
}, 60_000);

const rows = (name: string): SampleRow[] => season[name] ?? [];

describe('sample injury report', () => {
  it('has a 5 PM ET report per game date (before every 7 PM+ tip) and some 11 PM reports after the tip', () => {
    const report = rows('nbac_injury_report');
    const gameDates = new Set(rows('nbac_schedule').filter((r) => r.game_status === 3).map((r) => r.game_date));
    const pregameDates = new Set(report.filter((r) => r.report_hour === 17).map((r) => r.game_date));
    expect(pregameDates).toEqual(gameDates);
    const after = report.filter((r) => r.report_hour === 23);
    expect(after.length).toBeGreaterThan(100);
    expect(after.every((r) => r.injury_status === 'out' && r.report_date === r.game_date)).toBe(true);
    const statuses = new Set(report.map((r) => r.injury_status));
    expect([...statuses].sort()).toEqual(['doubtful', 'out', 'probable', 'questionable']);
    // Every inactive gamebook player is on his game's 5 PM report as out.
    const out = new Set(report.filter((r) => r.report_hour === 17 && r.injury_status === 'out').map((r) => `${r.game_date}|${r.player_lookup}`));
    const inactive = rows('nbac_gamebook_player_stats').filter((r) => r.player_status === 'inactive');
    expect(inactive.every((r) => out.has(`${r.game_date}|${r.player_lookup}`))).toBe(true);
  });

  it('has five starters per team in every NBA.com box score game', () => {
    const starters = new Map<string, number>();
    for (const r of rows('nbac_player_boxscores')) {
      const key = `${r.game_id}|${r.team_abbr}`;
      starters.set(key, (starters.get(key) ?? 0) + (r.starter === true ? 1 : 0));
    }
    expect(starters.size).toBeGreaterThan(1000);
    expect(new Set(starters.values())).toEqual(new Set([5]));
  });
});

describe('sample reference tables', () => {
  it('locates the 30 arenas and gives every ordered pair of teams great-circle miles', () => {
    const reference = generateReferenceTables();
    const locations = reference[`${teamLocations.dataset}.${teamLocations.name}`] ?? [];
    const distances = reference[`${travelDistances.dataset}.${travelDistances.name}`] ?? [];
    expect(locations.map((r) => r.team_abbr).sort()).toEqual([...TEAM_CODES].sort());
    expect(distances).toHaveLength(30 * 29);
    const miles = (from: string, to: string) => distances.find((r) => r.from_team === from && r.to_team === to)?.distance_miles;
    expect(miles('BOS', 'NYK')).toBe(188); // (42.366, -71.062) to (40.751, -73.993)
    expect(miles('NYK', 'BOS')).toBe(188);
    expect(miles('LAL', 'LAC')).toBe(0); // the same arena
    expect(distances.find((r) => r.from_team === 'LAL' && r.to_team === 'BOS')).toMatchObject({ time_zones_crossed: 3, travel_direction: 'east', jet_lag_factor: 4.5 });
    expect(JSON.stringify(generateReferenceTables())).toBe(JSON.stringify(reference));
  });
});
