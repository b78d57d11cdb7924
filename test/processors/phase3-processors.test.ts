import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playerGameSummary } from '../../src/processors/player-game-summary.js';
import type { ProcessorDefinition } from '../../src/processors/processor.js';
import { teamDefenseGameSummary } from '../../src/processors/team-defense-game-summary.js';
import { teamOffenseGameSummary } from '../../src/processors/team-offense-game-summary.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/warehouse.js';
import { DAY, loadPhase3Day } from '../fixtures/phase3-day.js';

let warehouse: DuckDbWarehouse;

beforeAll(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await loadPhase3Day(warehouse);
});
afterAll(async () => {
  await warehouse.close();
});

async function run(processor: ProcessorDefinition, key: string): Promise<Map<string, Row>> {
  const rows = await warehouse.query(processor.select(warehouse.dialect), { start: DAY, end: DAY, season_start: '2021-10-19' });
  const byKey = new Map(rows.map((r) => [String(r[key]), r]));
  expect(byKey.size, 'no duplicate keys').toBe(rows.length);
  return byKey;
}

describe('player_game_summary on a hand-written day', () => {
  let rows: Map<string, Row>;
  beforeAll(async () => {
    rows = await run(playerGameSummary, 'player_lookup');
  });

  it('keeps every listed player once, from the best source of each game', () => {
    expect([...rows.keys()].sort()).toEqual(
      ['alhorford', 'bull1', 'bull2', 'bull3', 'bull4', 'bull5', 'heat1', 'heat2', 'heat3', 'heat4', 'heat5', 'jaylenbrown', 'jaysontatum', 'juliusrandle', 'lebronjames', 'rjbarrett', 'stephencurry'],
    );
  });

  it('gamebook path (gold): box score, efficiency, usage, Odds API line, shot zones', () => {
    // usage = 100 x (20 + 0.44x7 + 3) x (60.5/5) / (36.5 x (28 + 0.44x7 + 4)) = 100 x 315.568 / 1280.42 = 24.65
    // ts = 30 / (2 x (20 + 3.08)) = 0.6499; efg = (10 + 0.5x4) / 20 = 0.6
    // line: latest pre-tip per book = 28.5 (DK), 29.5 (FD), 28.0 (MGM) -> median 28.5; 30 > 28.5 -> OVER
    expect(rows.get('jaysontatum')).toMatchObject({
      game_id: '20220105_NYK_BOS',
      nba_game_id: '0022100601',
      game_date: DAY,
      season_year: 2021,
      player_full_name: 'Jayson Tatum',
      player_status: 'active',
      is_active: true,
      team_abbr: 'BOS',
      opponent_team_abbr: 'NYK',
      home_game: true,
      minutes_played: 36.5,
      points: 30,
      fg_makes: 10,
      fg_attempts: 20,
      three_pt_makes: 4,
      three_pt_attempts: 9,
      ft_makes: 6,
      ft_attempts: 7,
      offensive_rebounds: 1,
      defensive_rebounds: 7,
      plus_minus: 8,
      usage_rate: 24.6,
      ts_pct: 0.65,
      efg_pct: 0.6,
      points_line: 28.5,
      margin: 1.5,
      over_under_result: 'OVER',
      points_line_source: 'odds_api',
      primary_source_used: 'nbac_gamebook_player_stats',
      data_quality_tier: 'gold',
      win_flag: true,
      paint_attempts: 3,
      paint_makes: 2,
      mid_range_attempts: 1,
      mid_range_makes: 0,
      three_attempts_pbp: 2,
      three_makes_pbp: 1,
      has_complete_shot_zones: true,
    });
  });

  it('BettingPros fallback: points market, over side, active books, no consensus, pre-tip; a tie is a PUSH', () => {
    // usage = 100 x (8 + 0 + 1) x 12.1 / (24 x 35.08) = 12.93; line = median(8.5 DK, 7.5 FD) = 8.0 = points
    expect(rows.get('alhorford')).toMatchObject({ usage_rate: 12.9, points: 8, points_line: 8, over_under_result: 'PUSH', points_line_source: 'bettingpros', margin: 0 });
  });

  it('inactive and DNP players are listed with NULL stats and no result', () => {
    expect(rows.get('jaylenbrown')).toMatchObject({ player_status: 'inactive', is_active: false, minutes_played: null, points: null, usage_rate: null, points_line: null, over_under_result: null, win_flag: true });
    expect(rows.get('rjbarrett')).toMatchObject({ player_status: 'dnp', is_active: false, points: null, team_abbr: 'NYK', win_flag: false });
    // Randle alone on his side: usage = 100 x (35/5) / 35 = 20; ts = 20 / 39.52; efg = 8.5 / 18
    expect(rows.get('juliusrandle')).toMatchObject({ usage_rate: 20, ts_pct: 0.506, efg_pct: 0.472, points_line: null, points_line_source: null, over_under_result: null, home_game: false });
  });

  it('NBA.com box score path (silver) when the gamebook lacks the game', () => {
    expect(rows.get('stephencurry')).toMatchObject({ points: 28, primary_source_used: 'nbac_player_boxscores', data_quality_tier: 'silver', usage_rate: 20, win_flag: true, game_id: '20220105_LAL_GSW' });
    expect(rows.get('lebronjames')).toMatchObject({ primary_source_used: 'nbac_player_boxscores', win_flag: false, opponent_team_abbr: 'GSW' });
  });

  it("Ball Don't Lie path (bronze) when nothing else has the game; it has no plus-minus", () => {
    // each Bull: 100 x (16 + 0.88 + 2) x 48 / (48 x (80 + 4.4 + 10)) = 20.0
    expect(rows.get('bull1')).toMatchObject({ points: 20, primary_source_used: 'bdl_player_boxscores', data_quality_tier: 'bronze', usage_rate: 20, plus_minus: null, win_flag: true });
    expect(rows.get('heat1')).toMatchObject({ win_flag: false, has_complete_shot_zones: false, paint_attempts: null });
  });
});

describe('team_offense_game_summary on a hand-written day', () => {
  let rows: Map<string, Row>;
  beforeAll(async () => {
    rows = await run(teamOffenseGameSummary, 'team_abbr');
  });

  it('gives two rows per final game', () => {
    expect([...rows.keys()].sort()).toEqual(['BOS', 'CHI', 'GSW', 'LAL', 'MIA', 'NYK']);
  });

  it('uses the team box score (even under a reversed game id) with the latest duplicate', () => {
    // possessions = 85 + 0.44x22 + 12 - 10 = 96.68; ortg = 100 x 110 / 96.68 = 113.78; ts = 110 / 189.36
    expect(rows.get('BOS')).toMatchObject({
      game_id: '20220105_NYK_BOS', nba_game_id: '0022100601', home_game: true, opponent_team_abbr: 'NYK', points_scored: 110,
      possessions: 96.68, offensive_rating: 113.78, pace: 96.68, ts_pct: 0.581, team_minutes: 240, overtime_periods: 0,
      win_flag: true, margin_of_victory: 15, rebounds: 45, primary_source_used: 'nbac_team_boxscore', data_quality_tier: 'gold',
    });
    // overtime: possessions 98.8; pace = 98.8 x 48 / (265/5) = 89.48
    expect(rows.get('NYK')).toMatchObject({ points_scored: 95, possessions: 98.8, offensive_rating: 96.15, pace: 89.48, ts_pct: 0.491, team_minutes: 265, overtime_periods: 1, win_flag: false, margin_of_victory: -15 });
    expect(rows.get('GSW')).toMatchObject({ possessions: 101.92, offensive_rating: 115.78, ts_pct: 0.603, margin_of_victory: 6 });
    expect(rows.get('LAL')).toMatchObject({ possessions: 104, offensive_rating: 107.69, ts_pct: 0.56, win_flag: false });
  });

  it('reconstructs a team from its player rows when the box score is missing (silver)', () => {
    // CHI: 5 x (20 pts, 16 FGA, 2 FTA, 2 TOV, 1 OREB): possessions = 80 + 4.4 + 10 - 5 = 89.4
    expect(rows.get('CHI')).toMatchObject({
      points_scored: 100, fg_attempts: 80, possessions: 89.4, offensive_rating: 111.86, pace: 89.4, ts_pct: 0.592, team_minutes: 240,
      win_flag: true, margin_of_victory: 10, primary_source_used: 'bdl_player_boxscores', data_quality_tier: 'silver',
    });
    // MIA: 90 pts; possessions = 75 + 8.8 + 5 - 10 = 78.8; ortg = 114.21
    expect(rows.get('MIA')).toMatchObject({ points_scored: 90, possessions: 78.8, offensive_rating: 114.21, ts_pct: 0.537, win_flag: false });
  });
});

describe('team_defense_game_summary on a hand-written day', () => {
  let rows: Map<string, Row>;
  beforeAll(async () => {
    rows = await run(teamDefenseGameSummary, 'defending_team_abbr');
  });

  it('sees the opponent offense from the defence', () => {
    // NYK defends BOS: 110 allowed on 96.68 possessions -> rating 113.78; BOS pace 96.68
    expect(rows.get('NYK')).toMatchObject({
      game_id: '20220105_NYK_BOS', opponent_team_abbr: 'BOS', home_game: false, points_allowed: 110, opp_fg_attempts: 85,
      opp_three_pt_makes: 12, opp_ft_attempts: 22, opp_offensive_rebounds: 10, opp_rebounds: 45, turnovers_forced: 12,
      opponent_possessions: 96.68, defensive_rating: 113.78, opponent_pace: 96.68, opponent_ts_pct: 0.581,
      fouls_committed: 20, steals: 6, blocks: 4, defensive_rebounds: 30, win_flag: false, margin_of_victory: -15,
      primary_source_used: 'nbac_team_boxscore', data_quality_tier: 'gold',
    });
    // BOS defends NYK (overtime): opponent pace per 48 = 98.8 x 48 / 53 = 89.48; rating 100 x 95 / 98.8 = 96.15
    expect(rows.get('BOS')).toMatchObject({ points_allowed: 95, defensive_rating: 96.15, opponent_pace: 89.48, win_flag: true, margin_of_victory: 15 });
  });

  it("counts the opponent's shots by zone from play-by-play, NULL without it", () => {
    // BOS shots (Tatum): paint 3 (2 made), mid 1 (0 made), three 2; three-point points allowed use the box: 3 x 12
    expect(rows.get('NYK')).toMatchObject({
      opp_paint_attempts: 3, opp_paint_makes: 2, opp_mid_range_attempts: 1, opp_mid_range_makes: 0,
      points_in_paint_allowed: 4, mid_range_points_allowed: 0, three_pt_points_allowed: 36, shot_zones_available: true,
    });
    expect(rows.get('BOS')).toMatchObject({ opp_paint_attempts: null, points_in_paint_allowed: null, shot_zones_available: false });
  });

  it('uses the reconstructed opponent when its box score is missing', () => {
    expect(rows.get('CHI')).toMatchObject({ points_allowed: 90, opponent_possessions: 78.8, defensive_rating: 114.21, primary_source_used: 'bdl_player_boxscores', data_quality_tier: 'silver', win_flag: true });
  });
});
