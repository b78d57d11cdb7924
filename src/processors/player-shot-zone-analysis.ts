import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { playerGameSummaryTable } from './player-game-summary.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, tableInRange } from './sql/common.js';
import { analysisDatesSql, qualityTierSql } from './sql/windows.js';

/** Played games in the player window, and the completeness denominator. */
export const PLAYER_ZONE_WINDOW = 10;

export const playerShotZoneAnalysisTable = platformTable({
  dataset: 'nba_precompute',
  name: 'player_shot_zone_analysis',
  key: ['player_lookup'],
  produced: [
    ...cols('analysis_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('player_lookup', 'STRING'),
    ...cols('games_in_sample zone_games_in_sample total_shots_last_10', 'INT64'),
    ...cols(
      'paint_rate mid_range_rate three_pt_rate paint_pct mid_range_pct three_pt_pct ' +
        'paint_attempts_per_game mid_range_attempts_per_game three_pt_attempts_per_game',
      'FLOAT64',
    ),
    ...cols('primary_scoring_zone', 'STRING'),
    ...cols('completeness_pct', 'FLOAT64'),
    ...cols('quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per player with a played game before the date in the season: where the player's shots
 * came from over the last 10 played games (zones from play-by-play; NULL without it).
 */
export const playerShotZoneAnalysis = defineProcessor({
  name: 'player_shot_zone_analysis',
  phase: 4,
  description: 'shot mix and accuracy by zone over the last 10 played games per player',
  table: playerShotZoneAnalysisTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player games', tables: [playerGameSummaryTable] },
  ],
  optional: [],
  lookback: true,
  dependsOn: [],
  expectedRows: { min: 1, description: 'a row per player with a played game before the date' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const rate = (part: string) => `ROUND(100 * ${d.safeDivide(part, 'paint_attempts + mid_attempts + three_attempts')}, 1)`;
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  analysis_dates AS (${analysisDatesSql(start, end)}),
  recent AS (
    SELECT a.analysis_date, p.*, ROW_NUMBER() OVER (
      PARTITION BY a.analysis_date, p.player_lookup ORDER BY p.game_date DESC) AS recency
    FROM analysis_dates AS a
    JOIN ${tableInRange(d, playerGameSummaryTable, seasonStart, end)} AS p ON p.game_date < a.analysis_date AND p.game_date >= ${seasonStart}
    WHERE p.is_active AND p.minutes_played > 0
  ),
  player_window AS (
    SELECT analysis_date, player_lookup, COUNT(*) AS games_in_sample, COUNTIF(has_complete_shot_zones) AS zone_games_in_sample,
      SUM(paint_attempts) AS paint_attempts, SUM(paint_makes) AS paint_makes,
      SUM(mid_range_attempts) AS mid_attempts, SUM(mid_range_makes) AS mid_makes,
      SUM(three_attempts_pbp) AS three_attempts, SUM(three_makes_pbp) AS three_makes
    FROM recent WHERE recency <= ${PLAYER_ZONE_WINDOW}
    GROUP BY analysis_date, player_lookup
  ),
  rated AS (
    SELECT w.*, ${rate('paint_attempts')} AS paint_rate, ${rate('mid_attempts')} AS mid_range_rate, ${rate('three_attempts')} AS three_pt_rate
    FROM player_window AS w
  )
SELECT analysis_date, ${seasonYearSql('analysis_date')} AS season_year, player_lookup, games_in_sample, zone_games_in_sample,
  paint_attempts + mid_attempts + three_attempts AS total_shots_last_10,
  paint_rate, mid_range_rate, three_pt_rate,
  ROUND(${d.safeDivide('paint_makes', 'paint_attempts')}, 3) AS paint_pct,
  ROUND(${d.safeDivide('mid_makes', 'mid_attempts')}, 3) AS mid_range_pct,
  ROUND(${d.safeDivide('three_makes', 'three_attempts')}, 3) AS three_pt_pct,
  ROUND(${d.safeDivide('paint_attempts', 'zone_games_in_sample')}, 2) AS paint_attempts_per_game,
  ROUND(${d.safeDivide('mid_attempts', 'zone_games_in_sample')}, 2) AS mid_range_attempts_per_game,
  ROUND(${d.safeDivide('three_attempts', 'zone_games_in_sample')}, 2) AS three_pt_attempts_per_game,
  CASE WHEN COALESCE(paint_rate, 0) = 0 AND COALESCE(mid_range_rate, 0) = 0 AND COALESCE(three_pt_rate, 0) = 0 THEN NULL
       WHEN paint_rate >= 40 THEN 'paint' WHEN three_pt_rate >= 40 THEN 'perimeter'
       WHEN mid_range_rate >= 35 THEN 'mid_range' ELSE 'balanced' END AS primary_scoring_zone,
  ${completenessSql('games_in_sample', PLAYER_ZONE_WINDOW)} AS completeness_pct,
  ${qualityTierSql(completenessSql('games_in_sample', PLAYER_ZONE_WINDOW))} AS quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM rated`;
  },
});
