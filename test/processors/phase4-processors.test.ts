import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/processors/ml-features.js';
import { mlFeatureStore } from '../../src/processors/ml-feature-store.js';
import { playerCompositeFactors } from '../../src/processors/player-composite-factors.js';
import { playerDailyCache } from '../../src/processors/player-daily-cache.js';
import { playerShotZoneAnalysis } from '../../src/processors/player-shot-zone-analysis.js';
import type { ProcessorDefinition } from '../../src/processors/processor.js';
import { teamDefenseZoneAnalysis } from '../../src/processors/team-defense-zone-analysis.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Row } from '../../src/warehouse/warehouse.js';
import { D, loadPhase4Days, SEASON_START } from '../fixtures/phase4-days.js';

const CHAIN = [teamDefenseZoneAnalysis, playerShotZoneAnalysis, playerCompositeFactors, playerDailyCache, mlFeatureStore];
let warehouse: DuckDbWarehouse;
const outputs = new Map<string, Map<string, Row>>();

/** Runs the chain in order for the date, writing each step as the runner would, and keeps its rows. */
async function runChain(): Promise<Map<string, Map<string, Row>>> {
  const result = new Map<string, Map<string, Row>>();
  await warehouse.ensureTables(CHAIN.map((p) => p.table));
  for (const processor of CHAIN) {
    await warehouse.replaceDay({
      table: processor.table,
      date: D,
      selectSql: processor.select(warehouse.dialect),
      params: { start: D, end: D, season_start: SEASON_START },
      minRows: 1,
      allowShrink: true,
    });
    const key = processor.table.key[0] as string;
    // Time-of-run columns differ between any two runs; every other cell must be equal.
    const timeOfRun = ['processed_at', 'created_at'].filter((c) => processor.table.columns.some((column) => column.name === c));
    const rows = await warehouse.query(`SELECT * EXCLUDE (${timeOfRun.join(', ')}) FROM ${warehouse.dialect.table(processor.table)}`);
    result.set(processor.name, new Map(rows.map((r) => [String(r[key]), r])));
  }
  return result;
}

beforeAll(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await loadPhase4Days(warehouse);
  for (const [name, rows] of await runChain()) outputs.set(name, rows);
});
afterAll(async () => {
  await warehouse.close();
});

const rows = (name: ProcessorDefinition) => outputs.get(name.name) as Map<string, Row>;

describe('team_defense_zone_analysis', () => {
  it('has every team with a game before the date, from its last 15 games of the season', () => {
    expect([...rows(teamDefenseZoneAnalysis).keys()].sort()).toEqual(['BOS', 'NYK']);
    // BOS: 10-20, 10-23, 10-27 (the preseason game and the day itself do not count); zones on 2 of them
    // paint 25/45, mid 8/25, three 27/75; league defaults (fewer than 10 teams): 0.58, 0.41, 0.355
    expect(rows(teamDefenseZoneAnalysis).get('BOS')).toMatchObject({
      analysis_date: D, season_year: 2021, games_in_sample: 3, zone_games_in_sample: 2,
      paint_pct_allowed_last_15: 0.556, mid_range_pct_allowed_last_15: 0.32, three_pt_pct_allowed_last_15: 0.36,
      paint_attempts_allowed_per_game: 22.5, mid_range_attempts_allowed_per_game: 12.5,
      paint_points_allowed_per_game: 25, mid_range_points_allowed_per_game: 8, three_pt_points_allowed_per_game: 27,
      paint_defense_vs_league_avg: -2.44, mid_range_defense_vs_league_avg: -9, three_pt_defense_vs_league_avg: 0.5,
      strongest_zone: 'mid_range', weakest_zone: 'perimeter',
      defensive_rating_last_15: 103.33, opponent_points_per_game: 100, opponent_pace: 98, completeness_pct: 20, quality_tier: 'Poor',
    });
  });

  it('leaves zone numbers NULL without shot data', () => {
    expect(rows(teamDefenseZoneAnalysis).get('NYK')).toMatchObject({
      games_in_sample: 1, zone_games_in_sample: 0, paint_pct_allowed_last_15: null, mid_range_pct_allowed_last_15: null,
      paint_attempts_allowed_per_game: null, three_pt_pct_allowed_last_15: 0.333, three_pt_defense_vs_league_avg: -2.17,
      paint_defense_vs_league_avg: null, weakest_zone: 'perimeter', completeness_pct: 6.7,
    });
  });
});

describe('player_shot_zone_analysis', () => {
  it('has every player with a played game before the date, over the last 10 played games', () => {
    expect([...rows(playerShotZoneAnalysis).keys()].sort()).toEqual(['alhorford', 'jimmybutler', 'jaysontatum', 'juliusrandle'].sort());
    // Tatum played 10-20, 10-23, 10-25, 10-30 (0 minutes on 10-27 and inactive on 10-29 do not count);
    // zones on 10-20 and 10-30: paint 10/18, mid 3/9, three 5/13 of 40 shots
    expect(rows(playerShotZoneAnalysis).get('jaysontatum')).toMatchObject({
      games_in_sample: 4, zone_games_in_sample: 2, total_shots_last_10: 40, paint_rate: 45, mid_range_rate: 22.5, three_pt_rate: 32.5,
      paint_pct: 0.556, mid_range_pct: 0.333, three_pt_pct: 0.385, paint_attempts_per_game: 9, mid_range_attempts_per_game: 4.5,
      three_pt_attempts_per_game: 6.5, primary_scoring_zone: 'paint', completeness_pct: 40, quality_tier: 'Poor',
    });
  });

  it('names the primary zone by the seed thresholds, NULL without zone data', () => {
    expect(rows(playerShotZoneAnalysis).get('alhorford')).toMatchObject({ paint_rate: 20, mid_range_rate: 30, three_pt_rate: 50, primary_scoring_zone: 'perimeter' });
    expect(rows(playerShotZoneAnalysis).get('juliusrandle')).toMatchObject({ mid_range_rate: 80, three_pt_pct: null, primary_scoring_zone: 'mid_range' });
    expect(rows(playerShotZoneAnalysis).get('jimmybutler')).toMatchObject({ paint_rate: null, primary_scoring_zone: null, completeness_pct: 10 });
  });
});

describe('player_composite_factors', () => {
  it('has every listed player with a played game before the date', () => {
    expect([...rows(playerCompositeFactors).keys()].sort()).toEqual(['alhorford', 'jaysontatum', 'jimmybutler', 'juliusrandle']);
  });

  it('scores fatigue, mismatch, pace and usage spike by hand', () => {
    // fatigue: 4 games (-10), 150 minutes (-10), 37.5 a game (-8) = 72, adjustment -1.4
    // mismatch: paint, but NYK has no paint data -> 0; pace: (100 - 95) / 2 = 2.5
    // usage: last 3 (32, 20, 28) = 26.67 vs last 10 27.5 -> -0.83 x 0.3 = -0.25
    expect(rows(playerCompositeFactors).get('jaysontatum')).toMatchObject({
      game_date: D, team_abbr: 'BOS', opponent_team_abbr: 'NYK', fatigue_score: 72, fatigue_adjustment: -1.4,
      shot_zone_mismatch_score: 0, mismatch_zone: 'paint', pace_differential: 5, pace_score: 2.5,
      usage_rate_last_3: 26.7, usage_rate_last_10: 27.5, usage_spike_score: -0.25, total_composite_adjustment: 0.85,
      games_in_sample: 4, completeness_pct: 40, quality_tier: 'Poor',
    });
    // three-point shooter (50 %) against NYK's three defense -2.17 -> -2.2; rest 3 days: +5, capped at 100
    expect(rows(playerCompositeFactors).get('alhorford')).toMatchObject({ fatigue_score: 100, shot_zone_mismatch_score: -2.2, pace_score: 2.5, usage_spike_score: 0, total_composite_adjustment: 0.3 });
    // back-to-back: 85; mid-range scorer (80 %) against BOS mid defense -9.0: |x| > 5 -> x 1.2 = -10.8 -> clamped to -10
    expect(rows(playerCompositeFactors).get('juliusrandle')).toMatchObject({ fatigue_score: 85, shot_zone_mismatch_score: -10, pace_score: -2.5, total_composite_adjustment: -13.25 });
    // no zone defense or pace for MIA @ CHI: those factors are 0; fatigue never NULL
    expect(rows(playerCompositeFactors).get('jimmybutler')).toMatchObject({ fatigue_score: 100, shot_zone_mismatch_score: 0, pace_score: 0, total_composite_adjustment: 0, mismatch_zone: null });
  });
});

describe('player_daily_cache', () => {
  it('caches form over the played games before the date', () => {
    // points 30, 10, 20, 25: mean 21.25, sample std 8.54; minutes 34.5; usage 27.5; ts 0.575; BOS pace 100, rating 110
    expect(rows(playerDailyCache).get('jaysontatum')).toMatchObject({
      cache_date: D, points_avg_last_5: 21.25, points_avg_last_10: 21.25, points_avg_season: 21.25, points_std_last_10: 8.54,
      minutes_avg_last_10: 34.5, usage_rate_last_10: 27.5, ts_pct_last_10: 0.575, usage_rate_season: 27.5,
      games_played_season: 4, games_in_sample: 4, team_pace_last_10: 100, team_off_rating_last_10: 110,
      days_rest: 1, games_in_last_7_days: 4, back_to_back: false, minutes_in_last_7_days: 150,
      primary_scoring_zone: 'paint', paint_rate_last_10: 45, three_pt_rate_last_10: 32.5, completeness_pct: 40,
    });
    expect(rows(playerDailyCache).get('jimmybutler')).toMatchObject({ points_avg_last_10: 21, points_std_last_10: null, team_pace_last_10: null });
    expect(rows(playerDailyCache).has('rookie')).toBe(false);
  });
});

describe('ml_feature_store', () => {
  it('writes the ordered feature vector with its sources, never NULL', () => {
    const tatum = rows(mlFeatureStore).get('jaysontatum') as Row;
    const byName = Object.fromEntries(FEATURES.map((f, i) => [f.name, (tatum.features as number[])[i]]));
    expect(tatum.feature_names).toEqual(FEATURES.map((f) => f.name));
    expect(tatum.feature_count).toBe(FEATURES.length);
    expect(FEATURES.length).toBeGreaterThanOrEqual(25);
    expect(byName).toEqual({
      points_avg_last_5: 21.25, points_avg_last_10: 21.25, points_avg_season: 21.25, points_std_last_10: 8.54, games_in_last_7_days: 4,
      fatigue_score: 72, shot_zone_mismatch_score: 0, pace_score: 2.5, usage_spike_score: -0.25, rest_advantage: 1,
      minutes_avg_last_10: 34.5, usage_rate_last_10: 27.5, ts_pct_last_10: 0.575, opponent_def_rating: 100, opponent_pace: 99,
      home_away: 1, back_to_back: 0, playoff_game: 0, pct_paint: 0.45, pct_mid_range: 0.225, pct_three: 0.325,
      team_pace: 100, team_off_rating: 110, team_win_pct: 0.75, vegas_points_line: 24.5, has_vegas_line: 1, line_vs_season_avg: 3.25,
      days_rest: 1, minutes_load_last_7d: 150, games_played_season: 4, opponent_paint_defense_vs_league: 0,
      opponent_three_defense_vs_league: -2.17, opponent_win_pct: 0.5,
    });
    const sources = tatum.feature_sources as string[];
    expect(sources[FEATURES.findIndex((f) => f.name === 'opponent_paint_defense_vs_league')]).toBe('default');
    expect(sources[0]).toBe('player_daily_cache');
    // one optional default; weights: 20 Phase 4 values x 100 + 12 Phase 3 values x 87 over 32 = 95.1
    expect(tatum).toMatchObject({ default_feature_count: 1, required_default_count: 0, feature_quality_score: 95.1, is_quality_ready: true, feature_version: 'v1_33features', completeness_pct: 40 });
  });

  it('keeps defaults visible and caps the score when a required feature is defaulted', () => {
    const butler = rows(mlFeatureStore).get('jimmybutler') as Row;
    const at = (name: string) => FEATURES.findIndex((f) => f.name === name);
    expect((butler.features as number[])[at('opponent_def_rating')]).toBe(112);
    expect((butler.feature_sources as string[])[at('opponent_def_rating')]).toBe('default');
    expect(butler.required_default_count).toBe(2);
    expect(Number(butler.feature_quality_score)).toBeLessThanOrEqual(69);
    expect(butler.is_quality_ready).toBe(false);
    for (const row of rows(mlFeatureStore).values()) {
      expect((row.features as unknown[]).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
      expect(row.default_feature_count).toBe((row.feature_sources as string[]).filter((s) => s === 'default').length);
    }
  });
});

describe('no leakage', () => {
  it('changing the Phase 3 rows of the date itself leaves every Phase 4 row unchanged', async () => {
    await warehouse.execute(`UPDATE nba_analytics.player_game_summary SET points = 0, usage_rate = 1, minutes_played = 1 WHERE game_date = DATE '${D}'`);
    await warehouse.execute(`UPDATE nba_analytics.team_defense_game_summary SET defensive_rating = 1, points_allowed = 1 WHERE game_date = DATE '${D}'`);
    await warehouse.execute(`UPDATE nba_analytics.team_offense_game_summary SET pace = 1 WHERE game_date = DATE '${D}'`);
    const again = await runChain();
    for (const processor of CHAIN) expect(again.get(processor.name), processor.name).toEqual(outputs.get(processor.name));
  });
});
