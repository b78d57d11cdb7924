import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { playerGameSummary } from '../../src/processors/player-game-summary.js';
import type { ProcessorDefinition } from '../../src/processors/processor.js';
import { upcomingTeamGameContext } from '../../src/processors/upcoming-team-game-context.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { nbacGamebookPlayerStats, nbacInjuryReport, nbacSchedule } from '../../src/warehouse/tables/raw-tables.js';
import { travelDistances } from '../../src/warehouse/tables/static-tables.js';
import type { Row } from '../../src/warehouse/warehouse.js';
import { loadContextDays, SEASON_START, TARGET } from '../fixtures/context-days.js';
import { DAY, loadPhase3Day } from '../fixtures/phase3-day.js';

// The platform's REQUIRED columns the tool computes beyond its own formulas: starter_flag,
// starters_out_count, questionable_players_count and travel_miles, worked out by hand.

let warehouse: DuckDbWarehouse;
beforeEach(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
});
afterEach(async () => {
  await warehouse.close();
});

async function run(processor: ProcessorDefinition, key: string, date: string, seasonStart = SEASON_START): Promise<Map<string, Row>> {
  const rows = await warehouse.query(processor.select(warehouse.dialect), { start: date, end: date, season_start: seasonStart });
  return new Map(rows.map((r) => [String(r[key]), r]));
}

describe('player_game_summary.starter_flag', () => {
  it("is NBA.com's box score flag where the player has a row there, else minutes > 20, never for a player who did not play", async () => {
    await loadPhase3Day(warehouse);
    // Tatum (gold source, 36:30) is on the bench in NBA.com's box score: the flag wins over the proxy.
    await warehouse.execute(`UPDATE nba_raw.nbac_player_boxscores SET starter = FALSE WHERE player_lookup = 'jaysontatum'`);
    await warehouse.execute(`UPDATE nba_raw.nbac_player_boxscores SET starter = TRUE WHERE player_lookup = 'stephencurry'`);
    // A BOS reserve with exactly 20:00 in the gamebook and no NBA.com row: the proxy says no.
    await warehouse.insertRows(nbacGamebookPlayerStats, [
      { game_id: '20220105_NYK_BOS', game_date: DAY, player_lookup: 'paytonpritchard', player_name: 'Payton Pritchard', team_abbr: 'BOS', player_status: 'active', minutes: '20:00', points: 2, field_goals_made: 1, field_goals_attempted: 3, three_pointers_made: 0, three_pointers_attempted: 1, free_throws_made: 0, free_throws_attempted: 0, offensive_rebounds: 0, defensive_rebounds: 1, assists: 1, steals: 0, blocks: 0, turnovers: 0, personal_fouls: 1, processed_at: '2022-01-06 10:00:00' },
    ]);
    const rows = await run(playerGameSummary, 'player_lookup', DAY, '2021-10-19');
    const flag = (p: string) => rows.get(p)?.starter_flag;
    expect(flag('jaysontatum')).toBe(false); // box score flag FALSE (proxy would say TRUE)
    expect(flag('stephencurry')).toBe(true); // box score flag TRUE (silver source)
    expect(flag('lebronjames')).toBe(true); // NBA.com row without a flag: proxy, 37:00 > 20
    expect(flag('alhorford')).toBe(true); // no NBA.com row: proxy, 24:00 > 20
    expect(flag('paytonpritchard')).toBe(false); // proxy, 20:00 is not > 20
    expect(flag('bull1')).toBe(true); // Ball Don't Lie source: proxy, 48:00
    expect(flag('jaylenbrown')).toBe(false); // inactive
    expect(flag('rjbarrett')).toBe(false); // DNP
  });
});

// The fixture's target: BOS @ NYK on 2021-10-23, tip 7:30 PM EDT (23:30 UTC). BOS played its
// previous game at home (10-22 vs NYK); NYK played it at BOS too.
const report = (date: string, hour: number, team: string, player: string, status: string): Row => ({
  report_date: date, report_hour: hour, game_date: TARGET, team, player_lookup: player, injury_status: status,
  confidence_score: 1, processed_at: `${date} 23:59:00`,
});
const miles = (from: string, to: string, distance: number): Row => ({
  from_team: from, to_team: to, from_city: from, to_city: to, distance_miles: distance, time_zones_crossed: 0, travel_direction: 'none', jet_lag_factor: 0,
});

describe('upcoming_team_game_context: injuries before the tip and travel', () => {
  beforeEach(async () => {
    await loadContextDays(warehouse);
  });

  it('counts the latest pre-tip row per player: out; questionable + doubtful; never probable or an after-tip report', async () => {
    await warehouse.insertRows(nbacInjuryReport, [
      report('2021-10-22', 17, 'BOS', 'marcussmart', 'questionable'), // the day before; updated below
      report(TARGET, 13, 'BOS', 'marcussmart', 'OUT'), // latest before the tip: out (any case)
      report(TARGET, 17, 'BOS', 'alhorford', 'out'),
      report(TARGET, 17, 'BOS', 'robertwilliams', 'questionable'),
      report(TARGET, 17, 'BOS', 'dennisschroder', 'doubtful'),
      report(TARGET, 17, 'BOS', 'grantwilliams', 'probable'),
      report(TARGET, 19, 'BOS', 'jaysontatum', 'probable'), // 7 PM report, before the 7:30 PM tip
      report(TARGET, 20, 'BOS', 'robertwilliams', 'out'), // 8 PM: after the tip, must not count
      report(TARGET, 20, 'BOS', 'jaylenbrown', 'out'), // 8 PM: after the tip, must not count
      { ...report(TARGET, 17, 'BOS', 'joshrichardson', 'out'), confidence_score: 0.5 }, // an unsure parse
      { ...report(TARGET, 17, 'BOS', 'nobody', 'out'), report_hour: null }, // no hour: time unknown
    ]);
    await warehouse.insertRows(travelDistances, [miles('BOS', 'NYK', 190)]);
    const rows = await run(upcomingTeamGameContext, 'team_abbr', TARGET);
    // BOS: out = smart, horford (2); questionable = r. williams (questionable at 5 PM) + schroder (2);
    // rows found = smart, horford, r. williams, schroder, g. williams, tatum (6).
    expect(rows.get('BOS')).toMatchObject({
      starters_out_count: 2, questionable_players_count: 2, source_injury_report_rows_found: 6, source_injury_report_completeness_pct: 100,
      travel_miles: 190, completeness_pct: 30,
    });
    // NYK is on no report, but the date has one: nothing missing.
    expect(rows.get('NYK')).toMatchObject({
      starters_out_count: 0, questionable_players_count: 0, source_injury_report_rows_found: 0, source_injury_report_completeness_pct: 100,
      travel_miles: 190, completeness_pct: 20,
    });
  });

  it('gives a road leg the miles between the arenas (either direction) and 0 to a home game after a home game', async () => {
    // 10-24: PHI @ NYK. NYK was at home on 10-23; PHI last played at home on 10-20.
    await warehouse.insertRows(nbacSchedule, [
      { game_id: '0022100005', game_date: '2021-10-24', game_date_est: '2021-10-24 19:30:00', season_year: 2021, game_status: 3, home_team_tricode: 'NYK', away_team_tricode: 'PHI', home_team_score: 100, away_team_score: 98, is_regular_season: true, is_playoffs: false, is_all_star: false, processed_at: '2021-10-25 10:00:00' },
    ]);
    await warehouse.insertRows(travelDistances, [miles('NYK', 'PHI', 81), miles('BOS', 'NYK', 190)]);
    await warehouse.insertRows(nbacInjuryReport, [{ ...report('2021-10-24', 17, 'PHI', 'joelembiid', 'probable'), game_date: '2021-10-24' }]);
    const rows = await run(upcomingTeamGameContext, 'team_abbr', '2021-10-24');
    expect(rows.get('NYK')).toMatchObject({ home_game: true, travel_miles: 0, completeness_pct: 30 });
    expect(rows.get('PHI')).toMatchObject({ home_game: false, travel_miles: 81, completeness_pct: 10 }); // stored NYK -> PHI
  });

  it('without an injury report or distances: counts and miles 0, completeness 10 points lower per missing source', async () => {
    const rows = await run(upcomingTeamGameContext, 'team_abbr', TARGET);
    expect(rows.get('BOS')).toMatchObject({
      starters_out_count: 0, questionable_players_count: 0, travel_miles: 0, source_injury_report_rows_found: 0,
      source_injury_report_completeness_pct: 0, completeness_pct: 10, // 30 - 10 (report) - 10 (distance)
    });
    expect(rows.get('NYK')).toMatchObject({ travel_miles: 0, completeness_pct: 0 }); // 20 - 20
    // A season opener at home needs no distance: 0 miles, only the report missing.
    const opener = await run(upcomingTeamGameContext, 'team_abbr', SEASON_START);
    expect(opener.get('BOS')).toMatchObject({ travel_miles: 0, completeness_pct: 0 });
  });
});
