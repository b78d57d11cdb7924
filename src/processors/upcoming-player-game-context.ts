import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { bettingprosPlayerPointsProps, nbacSchedule, oddsApiPlayerPointsProps } from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';
import { PLAYER_SOURCES, resolvedPlayersCtes } from './sql/player-source.js';
import { propLinesCtes } from './sql/prop-lines.js';

/** The main window of the player context: the last 10 played games. */
export const PLAYER_WINDOW = 10;

export const upcomingPlayerGameContextTable = platformTable({
  dataset: 'nba_analytics',
  name: 'upcoming_player_game_context',
  key: ['player_lookup'],
  produced: [
    ...cols('game_id nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('player_lookup player_full_name player_status team_abbr opponent_team_abbr', 'STRING'),
    ...cols('home_game', 'BOOL'),
    ...cols('days_rest', 'INT64'),
    ...cols('back_to_back', 'BOOL'),
    ...cols('games_in_last_7_days games_in_last_14_days', 'INT64'),
    ...cols('minutes_in_last_7_days minutes_in_last_14_days', 'FLOAT64'),
    ...cols('games_played_season', 'INT64'),
    ...cols('points_avg_last_5 points_avg_last_10 minutes_avg_last_10 current_points_line', 'FLOAT64'),
    ...cols('current_points_line_source', 'STRING'),
    ...cols('has_prop_line', 'BOOL'),
    ...cols('games_in_sample', 'INT64'),
    ...cols('completeness_pct', 'FLOAT64'),
    ...cols('data_quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per player listed for a game on the date (any status), with rest, load and scoring form
 * built only from the season's earlier games the player played, and the pre-tip prop line. Nothing
 * else from the game day or later is used.
 */
export const upcomingPlayerGameContext = defineProcessor({
  name: 'upcoming_player_game_context',
  phase: 3,
  description: 'pre-game context per listed player: rest, recent load, scoring form, pre-tip line',
  table: upcomingPlayerGameContextTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player stats', tables: PLAYER_SOURCES },
  ],
  optional: [oddsApiPlayerPointsProps, bettingprosPlayerPointsProps],
  lookback: true,
  dependsOn: [],
  expectedRows: { perGame: 16, description: 'at least 16 listed players per final game' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const since = (days: number) => `h.game_date >= ${d.addDays('h.target_date', -days)}`;
    return `WITH final_games AS (${finalGamesSql(d, seasonStart, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  ${resolvedPlayersCtes(d, seasonStart, end)},
  roster AS (SELECT * FROM resolved_players WHERE game_date BETWEEN ${start} AND ${end}),
  player_games AS (SELECT game_date, player_lookup, MIN(tip_at) AS tip_at FROM roster GROUP BY game_date, player_lookup),
  ${propLinesCtes(d, start, end)},
  played AS (
    SELECT game_date, player_lookup, minutes_exact, points FROM resolved_players
    WHERE is_active AND minutes_exact > 0 AND game_date >= ${seasonStart}
  ),
  history AS (
    SELECT r.game_date AS target_date, r.player_lookup, p.game_date, p.minutes_exact, p.points,
      ROW_NUMBER() OVER (PARTITION BY r.game_date, r.player_lookup ORDER BY p.game_date DESC) AS recency
    FROM roster AS r JOIN played AS p ON p.player_lookup = r.player_lookup AND p.game_date < r.game_date
  ),
  form AS (
    SELECT h.target_date, h.player_lookup, MAX(h.game_date) AS last_game, COUNT(*) AS games_played_season,
      COUNTIF(${since(7)}) AS games_in_last_7_days, SUM(CASE WHEN ${since(7)} THEN h.minutes_exact END) AS minutes_in_last_7_days,
      COUNTIF(${since(14)}) AS games_in_last_14_days, SUM(CASE WHEN ${since(14)} THEN h.minutes_exact END) AS minutes_in_last_14_days,
      AVG(CASE WHEN h.recency <= 5 THEN h.points END) AS points_avg_last_5,
      AVG(CASE WHEN h.recency <= ${PLAYER_WINDOW} THEN h.points END) AS points_avg_last_10,
      AVG(CASE WHEN h.recency <= ${PLAYER_WINDOW} THEN h.minutes_exact END) AS minutes_avg_last_10,
      COUNTIF(h.recency <= ${PLAYER_WINDOW}) AS games_in_sample
    FROM history AS h GROUP BY h.target_date, h.player_lookup
  )
SELECT r.game_id, r.nba_game_id, r.game_date, ${seasonYearSql('r.game_date')} AS season_year,
  r.player_lookup, r.player_full_name, r.player_status, r.team_abbr, r.opponent_team_abbr, r.home_game,
  ${d.dateDiffDays('r.game_date', 'f.last_game')} - 1 AS days_rest,
  COALESCE(${d.dateDiffDays('r.game_date', 'f.last_game')} - 1 = 0, FALSE) AS back_to_back,
  COALESCE(f.games_in_last_7_days, 0) AS games_in_last_7_days, COALESCE(f.games_in_last_14_days, 0) AS games_in_last_14_days,
  ROUND(COALESCE(f.minutes_in_last_7_days, 0), 1) AS minutes_in_last_7_days,
  ROUND(COALESCE(f.minutes_in_last_14_days, 0), 1) AS minutes_in_last_14_days,
  COALESCE(f.games_played_season, 0) AS games_played_season,
  ROUND(f.points_avg_last_5, 1) AS points_avg_last_5, ROUND(f.points_avg_last_10, 1) AS points_avg_last_10,
  ROUND(f.minutes_avg_last_10, 1) AS minutes_avg_last_10,
  l.points_line AS current_points_line, l.line_source AS current_points_line_source, l.points_line IS NOT NULL AS has_prop_line,
  COALESCE(f.games_in_sample, 0) AS games_in_sample,
  ${completenessSql('f.games_in_sample', PLAYER_WINDOW)} AS completeness_pct,
  CASE WHEN COALESCE(f.games_in_sample, 0) >= ${PLAYER_WINDOW} THEN 'gold' WHEN f.games_in_sample >= 5 THEN 'silver' ELSE 'bronze' END AS data_quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM roster AS r
LEFT JOIN form AS f ON f.target_date = r.game_date AND f.player_lookup = r.player_lookup
LEFT JOIN prop_lines AS l ON l.game_date = r.game_date AND l.player_lookup = r.player_lookup`;
  },
});
