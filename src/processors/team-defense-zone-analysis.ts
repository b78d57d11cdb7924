import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, tableInRange } from './sql/common.js';
import { analysisDatesSql, qualityTierSql } from './sql/windows.js';
import { teamDefenseGameSummaryTable } from './team-defense-game-summary.js';

/** Games in the team window, and the completeness denominator. */
export const TEAM_ZONE_WINDOW = 15;
/** League FG% per zone used when fewer than 10 teams have zone data (the seed's defaults). */
const LEAGUE_DEFAULTS = { paint: 0.58, mid_range: 0.41, three_pt: 0.355 };

export const teamDefenseZoneAnalysisTable = platformTable({
  dataset: 'nba_precompute',
  name: 'team_defense_zone_analysis',
  key: ['team_abbr'],
  produced: [
    ...cols('analysis_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('team_abbr', 'STRING'),
    ...cols('games_in_sample zone_games_in_sample', 'INT64'),
    ...cols(
      'paint_pct_allowed_last_15 mid_range_pct_allowed_last_15 three_pt_pct_allowed_last_15 ' +
        'paint_attempts_allowed_per_game mid_range_attempts_allowed_per_game ' +
        'paint_points_allowed_per_game mid_range_points_allowed_per_game three_pt_points_allowed_per_game ' +
        'paint_defense_vs_league_avg mid_range_defense_vs_league_avg three_pt_defense_vs_league_avg',
      'FLOAT64',
    ),
    ...cols('strongest_zone weakest_zone', 'STRING'),
    ...cols('defensive_rating_last_15 opponent_points_per_game opponent_pace completeness_pct', 'FLOAT64'),
    ...cols('quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per team with a game before the date in the season: what it allowed by zone over its
 * last 15 games, against the league, plus its defensive rating and pace faced.
 */
export const teamDefenseZoneAnalysis = defineProcessor({
  name: 'team_defense_zone_analysis',
  phase: 4,
  description: 'zone defense over the last 15 games per team, against the league average',
  table: teamDefenseZoneAnalysisTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'team defense', tables: [teamDefenseGameSummaryTable] },
  ],
  optional: [],
  lookback: true,
  dependsOn: [],
  expectedRows: { min: 1, description: 'a row per team with a game before the date' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const pct = (makes: string, attempts: string) => `ROUND(${d.safeDivide(makes, attempts)}, 3)`;
    const perGame = (sum: string, games: string) => `ROUND(${d.safeDivide(sum, games)}, 2)`;
    const vsLeague = (zone: keyof typeof LEAGUE_DEFAULTS) =>
      `ROUND((t.${zone}_pct - l.${zone}_league) * 100, 2)`;
    const orLow = (expr: string) => `COALESCE(${expr}, -1000)`;
    const orHigh = (expr: string) => `COALESCE(${expr}, 1000)`;
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  analysis_dates AS (${analysisDatesSql(start, end)}),
  recent AS (
    SELECT a.analysis_date, g.*, ROW_NUMBER() OVER (
      PARTITION BY a.analysis_date, g.defending_team_abbr ORDER BY g.game_date DESC) AS recency
    FROM analysis_dates AS a
    JOIN ${tableInRange(d, teamDefenseGameSummaryTable, seasonStart, end)} AS g ON g.game_date < a.analysis_date AND g.game_date >= ${seasonStart}
  ),
  team_window AS (
    SELECT analysis_date, defending_team_abbr AS team_abbr, COUNT(*) AS games_in_sample,
      COUNTIF(shot_zones_available) AS zone_games_in_sample,
      SUM(opp_paint_makes) AS paint_makes, SUM(opp_paint_attempts) AS paint_attempts,
      SUM(opp_mid_range_makes) AS mid_makes, SUM(opp_mid_range_attempts) AS mid_attempts,
      SUM(opp_three_pt_makes) AS three_makes, SUM(opp_three_pt_attempts) AS three_attempts,
      SUM(points_in_paint_allowed) AS paint_points, SUM(mid_range_points_allowed) AS mid_points,
      SUM(three_pt_points_allowed) AS three_points,
      AVG(defensive_rating) AS defensive_rating, AVG(points_allowed) AS points_allowed, AVG(opponent_pace) AS opponent_pace
    FROM recent WHERE recency <= ${TEAM_ZONE_WINDOW}
    GROUP BY analysis_date, defending_team_abbr
  ),
  team_pcts AS (
    SELECT w.*, ${d.safeDivide('paint_makes', 'paint_attempts')} AS paint_pct,
      ${d.safeDivide('mid_makes', 'mid_attempts')} AS mid_range_pct,
      ${d.safeDivide('three_makes', 'three_attempts')} AS three_pt_pct
    FROM team_window AS w
  ),
  league AS (
    SELECT analysis_date,
      CASE WHEN COUNT(paint_pct) >= 10 THEN AVG(paint_pct) ELSE ${LEAGUE_DEFAULTS.paint} END AS paint_league,
      CASE WHEN COUNT(mid_range_pct) >= 10 THEN AVG(mid_range_pct) ELSE ${LEAGUE_DEFAULTS.mid_range} END AS mid_range_league,
      CASE WHEN COUNT(three_pt_pct) >= 10 THEN AVG(three_pt_pct) ELSE ${LEAGUE_DEFAULTS.three_pt} END AS three_pt_league
    FROM team_pcts GROUP BY analysis_date
  ),
  compared AS (
    SELECT t.*, ${vsLeague('paint')} AS paint_vs, ${vsLeague('mid_range')} AS mid_vs, ${vsLeague('three_pt')} AS three_vs
    FROM team_pcts AS t JOIN league AS l ON l.analysis_date = t.analysis_date
  )
SELECT analysis_date, ${seasonYearSql('analysis_date')} AS season_year, team_abbr, games_in_sample, zone_games_in_sample,
  ${pct('paint_makes', 'paint_attempts')} AS paint_pct_allowed_last_15,
  ${pct('mid_makes', 'mid_attempts')} AS mid_range_pct_allowed_last_15,
  ${pct('three_makes', 'three_attempts')} AS three_pt_pct_allowed_last_15,
  ${perGame('paint_attempts', 'zone_games_in_sample')} AS paint_attempts_allowed_per_game,
  ${perGame('mid_attempts', 'zone_games_in_sample')} AS mid_range_attempts_allowed_per_game,
  ${perGame('paint_points', 'zone_games_in_sample')} AS paint_points_allowed_per_game,
  ${perGame('mid_points', 'zone_games_in_sample')} AS mid_range_points_allowed_per_game,
  ${perGame('three_points', 'games_in_sample')} AS three_pt_points_allowed_per_game,
  paint_vs AS paint_defense_vs_league_avg, mid_vs AS mid_range_defense_vs_league_avg, three_vs AS three_pt_defense_vs_league_avg,
  CASE WHEN paint_vs IS NULL AND mid_vs IS NULL AND three_vs IS NULL THEN NULL
       WHEN ${orHigh('paint_vs')} <= ${orHigh('mid_vs')} AND ${orHigh('paint_vs')} <= ${orHigh('three_vs')} THEN 'paint'
       WHEN ${orHigh('mid_vs')} <= ${orHigh('three_vs')} THEN 'mid_range' ELSE 'perimeter' END AS strongest_zone,
  CASE WHEN paint_vs IS NULL AND mid_vs IS NULL AND three_vs IS NULL THEN NULL
       WHEN ${orLow('paint_vs')} >= ${orLow('mid_vs')} AND ${orLow('paint_vs')} >= ${orLow('three_vs')} THEN 'paint'
       WHEN ${orLow('mid_vs')} >= ${orLow('three_vs')} THEN 'mid_range' ELSE 'perimeter' END AS weakest_zone,
  ROUND(defensive_rating, 2) AS defensive_rating_last_15, ROUND(points_allowed, 2) AS opponent_points_per_game,
  ROUND(opponent_pace, 2) AS opponent_pace,
  ${completenessSql('games_in_sample', TEAM_ZONE_WINDOW)} AS completeness_pct,
  ${qualityTierSql(completenessSql('games_in_sample', TEAM_ZONE_WINDOW))} AS quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM compared`;
  },
});
