import type { SqlDialect } from '../../warehouse/dialect.js';
import { playerGameSummaryTable } from '../player-game-summary.js';
import { teamOffenseGameSummaryTable } from '../team-offense-game-summary.js';
import { upcomingPlayerGameContextTable } from '../upcoming-player-game-context.js';
import { tableInRange } from './common.js';

/** Quality tiers of Phase 4 rows from their completeness (product.md §6). */
export function qualityTierSql(completeness: string): string {
  return `CASE WHEN ${completeness} >= 90 THEN 'Good' WHEN ${completeness} >= 70 THEN 'OK'
      WHEN ${completeness} >= 50 THEN 'Degraded' ELSE 'Poor' END`;
}

/** Analysis dates of a Phase 4 run: the dates between `$start` and `$end` with a final game. */
export function analysisDatesSql(from: string, to: string): string {
  return `SELECT DISTINCT game_date AS analysis_date FROM final_games WHERE game_date BETWEEN ${from} AND ${to}`;
}

/**
 * The players listed for a game on each analysis date who have at least one played game before it
 * in the season: the row set of player_composite_factors, player_daily_cache and ml_feature_store.
 * Reads upcoming_player_game_context, which already counts those games.
 */
export function listedPlayersSql(d: SqlDialect, from: string, to: string): string {
  return `SELECT * FROM ${d.table(upcomingPlayerGameContextTable)}
    WHERE game_date BETWEEN ${from} AND ${to} AND games_played_season >= 1`;
}

/**
 * Played games (active, minutes > 0) of each (target_date, player_lookup) of the relation `driver`,
 * strictly before the target date and from the season start, newest first (`recency` = 1, 2, ...).
 */
export function recentPlayedGamesSql(d: SqlDialect, driver: string, seasonStart: string): string {
  return `SELECT dr.target_date, p.*, ROW_NUMBER() OVER (
      PARTITION BY dr.target_date, p.player_lookup ORDER BY p.game_date DESC) AS recency
    FROM ${driver} AS dr
    JOIN ${tableInRange(d, playerGameSummaryTable, seasonStart, d.param('end', 'DATE'))} AS p
      ON p.player_lookup = dr.player_lookup AND p.game_date < dr.target_date AND p.game_date >= ${seasonStart}
    WHERE p.is_active AND p.minutes_played > 0`;
}

/** Mean pace and offensive rating of each team's last 10 games before each analysis date. */
export function teamFormSql(d: SqlDialect, seasonStart: string): string {
  return `SELECT analysis_date, team_abbr, AVG(pace) AS pace_last_10, AVG(offensive_rating) AS off_rating_last_10,
      COUNT(*) AS team_games_in_sample
    FROM (
      SELECT a.analysis_date, t.team_abbr, t.pace, t.offensive_rating,
        ROW_NUMBER() OVER (PARTITION BY a.analysis_date, t.team_abbr ORDER BY t.game_date DESC) AS recency
      FROM analysis_dates AS a
      JOIN ${tableInRange(d, teamOffenseGameSummaryTable, seasonStart, d.param('end', 'DATE'))} AS t ON t.game_date < a.analysis_date AND t.game_date >= ${seasonStart}
    ) AS ranked
    WHERE recency <= 10
    GROUP BY analysis_date, team_abbr`;
}

/** Clamp a numeric expression to [low, high] (both engines; the value is never NULL here). */
export function clampSql(expr: string, low: number, high: number): string {
  return `GREATEST(${low}, LEAST(${high}, ${expr}))`;
}
