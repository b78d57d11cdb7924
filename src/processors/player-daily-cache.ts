import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { playerGameSummaryTable } from './player-game-summary.js';
import { playerShotZoneAnalysisTable } from './player-shot-zone-analysis.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, tableInRange } from './sql/common.js';
import { analysisDatesSql, listedPlayersSql, qualityTierSql, recentPlayedGamesSql, teamFormSql } from './sql/windows.js';
import { teamOffenseGameSummaryTable } from './team-offense-game-summary.js';
import { upcomingPlayerGameContextTable } from './upcoming-player-game-context.js';

const PLAYER_WINDOW = 10;

export const playerDailyCacheTable = platformTable({
  dataset: 'nba_precompute',
  name: 'player_daily_cache',
  key: ['player_lookup'],
  produced: [
    ...cols('cache_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('game_id player_lookup team_abbr opponent_team_abbr', 'STRING'),
    ...cols(
      'points_avg_last_5 points_avg_last_10 points_avg_season points_std_last_10 minutes_avg_last_10 ' +
        'usage_rate_last_10 ts_pct_last_10 usage_rate_season',
      'FLOAT64',
    ),
    ...cols('games_played_season games_in_sample', 'INT64'),
    ...cols('team_pace_last_10 team_off_rating_last_10', 'FLOAT64'),
    ...cols('days_rest games_in_last_7_days', 'INT64'),
    ...cols('back_to_back', 'BOOL'),
    ...cols('minutes_in_last_7_days', 'FLOAT64'),
    ...cols('primary_scoring_zone', 'STRING'),
    ...cols('paint_rate_last_10 three_pt_rate_last_10 completeness_pct', 'FLOAT64'),
    ...cols('quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per listed player with a played game before the date: the player's scoring, minutes and
 * efficiency form, the team's pace and rating, and the context the feature store reads in one place.
 */
export const playerDailyCache = defineProcessor({
  name: 'player_daily_cache',
  phase: 4,
  description: 'per-player form cache: scoring, minutes, usage, efficiency, team pace, context',
  table: playerDailyCacheTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player context', tables: [upcomingPlayerGameContextTable] },
    { name: 'player games', tables: [playerGameSummaryTable] },
  ],
  optional: [teamOffenseGameSummaryTable, playerShotZoneAnalysisTable],
  lookback: true,
  dependsOn: ['player_shot_zone_analysis'],
  expectedRows: { min: 1, description: 'a row per listed player with a played game before the date' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const lastN = (n: number, column: string) => `AVG(CASE WHEN recency <= ${n} THEN ${column} END)`;
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  analysis_dates AS (${analysisDatesSql(start, end)}),
  listed AS (${listedPlayersSql(d, start, end)}),
  driver AS (SELECT game_date AS target_date, player_lookup FROM listed),
  recent AS (${recentPlayedGamesSql(d, 'driver', seasonStart)}),
  form AS (
    SELECT target_date, player_lookup, COUNT(*) AS games_played_season, COUNTIF(recency <= ${PLAYER_WINDOW}) AS games_in_sample,
      ${lastN(5, 'points')} AS points_avg_last_5, ${lastN(PLAYER_WINDOW, 'points')} AS points_avg_last_10,
      AVG(points) AS points_avg_season,
      STDDEV_SAMP(CASE WHEN recency <= ${PLAYER_WINDOW} THEN points END) AS points_std_last_10,
      ${lastN(PLAYER_WINDOW, 'minutes_played')} AS minutes_avg_last_10, ${lastN(PLAYER_WINDOW, 'usage_rate')} AS usage_rate_last_10,
      ${lastN(PLAYER_WINDOW, 'ts_pct')} AS ts_pct_last_10, AVG(usage_rate) AS usage_rate_season
    FROM recent GROUP BY target_date, player_lookup
  ),
  team_form AS (${teamFormSql(d, seasonStart)})
SELECT u.game_date AS cache_date, ${seasonYearSql('u.game_date')} AS season_year, u.game_id, u.player_lookup, u.team_abbr, u.opponent_team_abbr,
  ROUND(f.points_avg_last_5, 2) AS points_avg_last_5, ROUND(f.points_avg_last_10, 2) AS points_avg_last_10,
  ROUND(f.points_avg_season, 2) AS points_avg_season, ROUND(f.points_std_last_10, 2) AS points_std_last_10,
  ROUND(f.minutes_avg_last_10, 2) AS minutes_avg_last_10, ROUND(f.usage_rate_last_10, 2) AS usage_rate_last_10,
  ROUND(f.ts_pct_last_10, 3) AS ts_pct_last_10, ROUND(f.usage_rate_season, 2) AS usage_rate_season,
  COALESCE(f.games_played_season, 0) AS games_played_season, COALESCE(f.games_in_sample, 0) AS games_in_sample,
  ROUND(t.pace_last_10, 2) AS team_pace_last_10, ROUND(t.off_rating_last_10, 2) AS team_off_rating_last_10,
  u.days_rest, u.games_in_last_7_days, u.back_to_back, u.minutes_in_last_7_days,
  s.primary_scoring_zone, s.paint_rate AS paint_rate_last_10, s.three_pt_rate AS three_pt_rate_last_10,
  ${completenessSql('f.games_in_sample', PLAYER_WINDOW)} AS completeness_pct,
  ${qualityTierSql(completenessSql('f.games_in_sample', PLAYER_WINDOW))} AS quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM listed AS u
LEFT JOIN form AS f ON f.target_date = u.game_date AND f.player_lookup = u.player_lookup
LEFT JOIN team_form AS t ON t.analysis_date = u.game_date AND t.team_abbr = u.team_abbr
LEFT JOIN ${tableInRange(d, playerShotZoneAnalysisTable, start, end)} AS s ON s.analysis_date = u.game_date AND s.player_lookup = u.player_lookup`;
  },
});
