import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessorDefinition } from '../../src/processors/processor.js';
import { upcomingPlayerGameContext } from '../../src/processors/upcoming-player-game-context.js';
import { upcomingTeamGameContext } from '../../src/processors/upcoming-team-game-context.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { nbacGamebookPlayerStats, oddsApiPlayerPointsProps } from '../../src/warehouse/tables/raw-tables.js';
import type { Row } from '../../src/warehouse/warehouse.js';
import { loadContextDays, SEASON_START, TARGET } from '../fixtures/context-days.js';

let warehouse: DuckDbWarehouse;
beforeEach(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await loadContextDays(warehouse);
});
afterEach(async () => {
  await warehouse.close();
});

async function run(processor: ProcessorDefinition, key: string, date = TARGET): Promise<Map<string, Row>> {
  const rows = await warehouse.query(processor.select(warehouse.dialect), { start: date, end: date, season_start: SEASON_START });
  const byKey = new Map(rows.map((r) => {
    const { processed_at: _ignored, ...rest } = r;
    return [String(r[key]), rest];
  }));
  expect(byKey.size).toBe(rows.length);
  return byKey;
}

describe('upcoming_player_game_context', () => {
  it('has a row per listed player, any status, with rest and form from earlier played games of the season', async () => {
    const rows = await run(upcomingPlayerGameContext, 'player_lookup');
    expect([...rows.keys()].sort()).toEqual(['alhorford', 'jaysontatum', 'juliusrandle']);
    // Tatum played 10-19 (30 pts, 36:00) and 10-20 (20 pts, 30:00); the 10-22 DNP and the preseason do not count.
    // days_rest = (10-23 - 10-20) - 1 = 2. Pre-tip line: latest snapshot before tip = 35.5 (the in-game 45.5 is ignored).
    expect(rows.get('jaysontatum')).toMatchObject({
      game_id: '20211023_BOS_NYK', nba_game_id: '0022100004', team_abbr: 'BOS', opponent_team_abbr: 'NYK', home_game: false,
      player_status: 'active', days_rest: 2, back_to_back: false, games_in_last_7_days: 2, minutes_in_last_7_days: 66,
      games_played_season: 2, points_avg_last_5: 25, points_avg_last_10: 25, minutes_avg_last_10: 33,
      current_points_line: 35.5, current_points_line_source: 'odds_api', has_prop_line: true, games_in_sample: 2, completeness_pct: 20, data_quality_tier: 'bronze',
    });
    // Horford is listed inactive today; he played 10-19 (10 pts, 20:00) and 10-22 (12 pts, 25:30): a back-to-back.
    expect(rows.get('alhorford')).toMatchObject({ player_status: 'inactive', days_rest: 0, back_to_back: true, points_avg_last_5: 11, minutes_in_last_7_days: 45.5, has_prop_line: false, current_points_line: null });
    expect(rows.get('juliusrandle')).toMatchObject({ home_game: true, days_rest: 0, back_to_back: true, points_avg_last_10: 20, minutes_avg_last_10: 33.5, games_played_season: 2 });
  });

  it('gives a season opener no history: NULL rest and averages, zero completeness', async () => {
    const rows = await run(upcomingPlayerGameContext, 'player_lookup', SEASON_START);
    expect(rows.get('jaysontatum')).toMatchObject({ days_rest: null, back_to_back: false, games_played_season: 0, points_avg_last_5: null, completeness_pct: 0 });
  });

  it('does not leak the game day or later: changing them leaves the rows unchanged', async () => {
    const before = await run(upcomingPlayerGameContext, 'player_lookup');
    await warehouse.execute(`UPDATE nba_raw.nbac_gamebook_player_stats SET points = points + 17, minutes = '47:00', processed_at = TIMESTAMP '2021-10-25 09:00:00' WHERE game_date = DATE '${TARGET}' AND points IS NOT NULL`);
    await warehouse.insertRows(nbacGamebookPlayerStats, [
      { game_id: 'x', game_date: '2021-10-24', player_lookup: 'jaysontatum', team_abbr: 'BOS', player_status: 'active', minutes: '40:00', points: 60, processed_at: '2021-10-25 09:00:00' },
    ]);
    await warehouse.insertRows(oddsApiPlayerPointsProps, [
      { game_id: '20211023_BOS_NYK', game_date: TARGET, game_start_time: `${TARGET} 23:30:00`, snapshot_timestamp: '2021-10-24 01:00:00', minutes_before_tipoff: -90, bookmaker: 'fanduel', player_lookup: 'jaysontatum', points_line: 50.5, processed_at: '2021-10-24 02:00:00' },
    ]);
    await warehouse.execute(`UPDATE nba_raw.nbac_schedule SET home_team_score = 150 WHERE game_date = DATE '${TARGET}'`);
    expect(await run(upcomingPlayerGameContext, 'player_lookup')).toEqual(before);
  });
});

describe('upcoming_team_game_context', () => {
  it('has both teams with rest, load, record and streaks entering the game', async () => {
    const rows = await run(upcomingTeamGameContext, 'team_abbr');
    expect([...rows.keys()].sort()).toEqual(['BOS', 'NYK']);
    // BOS: W 100-90, W 110-105, L 95-99 -> 2-1, on a back-to-back, a one-game losing streak
    expect(rows.get('BOS')).toMatchObject({
      game_id: '20211023_BOS_NYK', opponent_team_abbr: 'NYK', home_game: false, team_days_rest: 0, is_back_to_back: true, team_back_to_back: true,
      games_in_last_7_days: 3, games_played_season: 3, wins_to_date: 2, losses_to_date: 1, win_pct_to_date: 0.667,
      team_win_streak_entering: 0, team_loss_streak_entering: 1, last_game_margin: -4,
      completeness_pct: 10, // 30 from 3 games, less 10 each for the missing injury report and distance (required-columns.test.ts)
    });
    // NYK: L 90-100, W 99-95 (the preseason game does not count)
    expect(rows.get('NYK')).toMatchObject({ home_game: true, games_played_season: 2, wins_to_date: 1, losses_to_date: 1, win_pct_to_date: 0.5, team_win_streak_entering: 1, team_loss_streak_entering: 0, last_game_margin: 4, completeness_pct: 0 });
  });

  it('does not leak the game day or later', async () => {
    const before = await run(upcomingTeamGameContext, 'team_abbr');
    await warehouse.execute(`UPDATE nba_raw.nbac_schedule SET home_team_score = 150, away_team_score = 10 WHERE game_date = DATE '${TARGET}'`);
    expect(await run(upcomingTeamGameContext, 'team_abbr')).toEqual(before);
    const opener = await run(upcomingTeamGameContext, 'team_abbr', SEASON_START);
    expect(opener.get('BOS')).toMatchObject({ team_days_rest: null, is_back_to_back: false, team_back_to_back: false, games_played_season: 0, win_pct_to_date: null, team_win_streak_entering: 0, completeness_pct: 0 });
  });
});
