import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { playerGameSummaryTable } from './player-game-summary.js';
import { playerShotZoneAnalysisTable } from './player-shot-zone-analysis.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, tableInRange } from './sql/common.js';
import { analysisDatesSql, clampSql, listedPlayersSql, qualityTierSql, recentPlayedGamesSql, teamFormSql } from './sql/windows.js';
import { teamDefenseZoneAnalysisTable } from './team-defense-zone-analysis.js';
import { teamOffenseGameSummaryTable } from './team-offense-game-summary.js';
import { upcomingPlayerGameContextTable } from './upcoming-player-game-context.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';

const PLAYER_WINDOW = 10;

export const playerCompositeFactorsTable = platformTable({
  dataset: 'nba_precompute',
  name: 'player_composite_factors',
  key: ['player_lookup'],
  produced: [
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('game_id player_lookup team_abbr opponent_team_abbr', 'STRING'),
    ...cols('fatigue_score', 'INT64'),
    ...cols('fatigue_adjustment shot_zone_mismatch_score pace_score usage_spike_score total_composite_adjustment', 'FLOAT64'),
    ...cols('mismatch_zone', 'STRING'),
    ...cols('pace_differential usage_rate_last_3 usage_rate_last_10', 'FLOAT64'),
    ...cols('games_in_sample', 'INT64'),
    ...cols('completeness_pct', 'FLOAT64'),
    ...cols('quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per listed player with a played game before the date: four adjustment factors for the
 * game (fatigue, shot-zone mismatch against the opponent, pace, usage spike) and their sum.
 */
export const playerCompositeFactors = defineProcessor({
  name: 'player_composite_factors',
  phase: 4,
  description: 'fatigue, shot-zone mismatch, pace and usage-spike factors per listed player',
  table: playerCompositeFactorsTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player context', tables: [upcomingPlayerGameContextTable] },
    { name: 'team zone defense', tables: [teamDefenseZoneAnalysisTable] },
    { name: 'player shot zones', tables: [playerShotZoneAnalysisTable] },
  ],
  optional: [playerGameSummaryTable, teamOffenseGameSummaryTable],
  lookback: true,
  dependsOn: ['team_defense_zone_analysis', 'player_shot_zone_analysis'],
  expectedRows: { min: 1, description: 'a row per listed player with a played game before the date' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const zoneValue = (prefix: string, paint: string, mid: string, three: string) =>
      `CASE ${prefix} WHEN 'three' THEN ${three} WHEN 'mid_range' THEN ${mid} ELSE ${paint} END`;
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  analysis_dates AS (${analysisDatesSql(start, end)}),
  listed AS (${listedPlayersSql(d, start, end)}),
  driver AS (SELECT game_date AS target_date, player_lookup FROM listed),
  recent AS (${recentPlayedGamesSql(d, 'driver', seasonStart)}),
  usage_form AS (
    SELECT target_date, player_lookup, COUNTIF(recency <= ${PLAYER_WINDOW}) AS games_in_sample,
      AVG(CASE WHEN recency <= 3 THEN usage_rate END) AS usage_rate_last_3,
      AVG(CASE WHEN recency <= ${PLAYER_WINDOW} THEN usage_rate END) AS usage_rate_last_10,
      COUNTIF(recency <= 3 AND usage_rate IS NOT NULL) AS usage_games_last_3
    FROM recent GROUP BY target_date, player_lookup
  ),
  team_form AS (${teamFormSql(d, seasonStart)}),
  factors AS (
    SELECT u.game_date, u.game_id, u.player_lookup, u.team_abbr, u.opponent_team_abbr, f.games_in_sample,
      f.usage_rate_last_3, f.usage_rate_last_10, f.usage_games_last_3,
      100
        + CASE WHEN u.back_to_back THEN -15 WHEN COALESCE(u.days_rest, 1) >= 3 THEN 5 ELSE 0 END
        + CASE WHEN u.games_in_last_7_days >= 4 THEN -10 ELSE 0 END
        + CASE WHEN u.minutes_in_last_7_days > 140 THEN -10 ELSE 0 END
        + CASE WHEN COALESCE(${d.safeDivide('u.minutes_in_last_7_days', 'u.games_in_last_7_days')}, 30) > 35 THEN -8 ELSE 0 END AS fatigue_raw,
      CASE s.primary_scoring_zone WHEN 'perimeter' THEN 'three' WHEN 'mid_range' THEN 'mid_range' ELSE 'paint' END AS zone,
      s.player_lookup IS NOT NULL AND z.team_abbr IS NOT NULL AS has_zone_inputs,
      s.paint_rate, s.mid_range_rate, s.three_pt_rate,
      z.paint_defense_vs_league_avg, z.mid_range_defense_vs_league_avg, z.three_pt_defense_vs_league_avg,
      tf.pace_last_10 - ofm.pace_last_10 AS pace_differential
    FROM listed AS u
    LEFT JOIN usage_form AS f ON f.target_date = u.game_date AND f.player_lookup = u.player_lookup
    LEFT JOIN ${tableInRange(d, playerShotZoneAnalysisTable, start, end)} AS s ON s.analysis_date = u.game_date AND s.player_lookup = u.player_lookup
    LEFT JOIN ${tableInRange(d, teamDefenseZoneAnalysisTable, start, end)} AS z ON z.analysis_date = u.game_date AND z.team_abbr = u.opponent_team_abbr
    LEFT JOIN team_form AS tf ON tf.analysis_date = u.game_date AND tf.team_abbr = u.team_abbr
    LEFT JOIN team_form AS ofm ON ofm.analysis_date = u.game_date AND ofm.team_abbr = u.opponent_team_abbr
  ),
  mismatch AS (
    SELECT x.*,
      COALESCE(${zoneValue('x.zone', 'x.paint_defense_vs_league_avg', 'x.mid_range_defense_vs_league_avg', 'x.three_pt_defense_vs_league_avg')}, 0)
        * LEAST(COALESCE(${zoneValue('x.zone', 'x.paint_rate', 'x.mid_range_rate', 'x.three_pt_rate')}, 50) / 50, 1) AS mismatch_raw
    FROM factors AS x
  ),
  scored AS (
    SELECT m.*, ${clampSql('m.fatigue_raw', 0, 100)} AS fatigue,
      CASE WHEN NOT m.has_zone_inputs THEN 0
           ELSE ROUND(${clampSql('CASE WHEN ABS(m.mismatch_raw) > 5 THEN m.mismatch_raw * 1.2 ELSE m.mismatch_raw END', -10, 10)}, 1) END AS mismatch_score,
      CASE WHEN m.pace_differential IS NULL THEN 0 ELSE ROUND(${clampSql('m.pace_differential / 2', -3, 3)}, 1) END AS pace,
      CASE WHEN COALESCE(m.usage_games_last_3, 0) < 3 OR m.usage_rate_last_10 IS NULL THEN 0
           ELSE ROUND(${clampSql('(m.usage_rate_last_3 - m.usage_rate_last_10) * 0.3', -3, 3)}, 2) END AS usage_spike
    FROM mismatch AS m
  )
SELECT game_date, ${seasonYearSql('game_date')} AS season_year, game_id, player_lookup, team_abbr, opponent_team_abbr,
  ${d.cast('fatigue', 'INT64')} AS fatigue_score, (fatigue - 100) / 20.0 AS fatigue_adjustment,
  mismatch_score AS shot_zone_mismatch_score, pace AS pace_score, usage_spike AS usage_spike_score,
  ROUND((fatigue - 100) / 20.0 + mismatch_score + pace + usage_spike, 2) AS total_composite_adjustment,
  CASE WHEN has_zone_inputs THEN zone END AS mismatch_zone, ROUND(pace_differential, 2) AS pace_differential,
  ROUND(usage_rate_last_3, 1) AS usage_rate_last_3, ROUND(usage_rate_last_10, 1) AS usage_rate_last_10,
  COALESCE(games_in_sample, 0) AS games_in_sample,
  ${completenessSql('games_in_sample', PLAYER_WINDOW)} AS completeness_pct,
  ${qualityTierSql(completenessSql('games_in_sample', PLAYER_WINDOW))} AS quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM scored`;
  },
});
