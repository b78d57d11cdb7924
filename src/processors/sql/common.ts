import type { SqlDialect } from '../../warehouse/dialect.js';
import type { TableDef } from '../../warehouse/schema.js';
import { nbacSchedule } from '../../warehouse/tables/raw-tables.js';

/** The bound parameters every processor SELECT may use. */
export function rangeParams(d: SqlDialect): { start: string; end: string; seasonStart: string } {
  return { start: d.param('start', 'DATE'), end: d.param('end', 'DATE'), seasonStart: d.param('season_start', 'DATE') };
}

/** NBA season year of a DATE expression: the year the season starts (October onwards). */
export function seasonYearSql(date: string): string {
  return `(EXTRACT(YEAR FROM ${date}) - CASE WHEN EXTRACT(MONTH FROM ${date}) >= 10 THEN 0 ELSE 1 END)`;
}

/** Decimal minutes from `MM:SS` (or plain `MM`) text; NULL when unreadable or negative. */
export function minutesSql(d: SqlDialect, text: string): string {
  const whole = d.tryCast(d.splitPart(text, ':', 1), 'FLOAT64');
  const seconds = `COALESCE(${d.tryCast(d.splitPart(text, ':', 2), 'FLOAT64')}, 0)`;
  return `CASE WHEN ${whole} >= 0 THEN ${whole} + ${seconds} / 60 END`;
}

/**
 * Final games between two DATE expressions, one row per game (the schedule is appended per status
 * update, so the latest, most advanced row wins). `game_id` is the system id `YYYYMMDD_AWAY_HOME`;
 * `tip_at` the tip-off instant (UTC): `game_date_est` holds the Eastern wall-clock time.
 */
export function finalGamesSql(d: SqlDialect, from: string, to: string, schedule: string = d.table(nbacSchedule)): string {
  return `SELECT game_date, game_id AS nba_game_id, home_team_tricode AS home_team_abbr,
      away_team_tricode AS away_team_abbr, ${d.easternWallTimeToUtc('game_date_est')} AS tip_at, home_team_score, away_team_score,
      ${d.compactDate('game_date')} || '_' || away_team_tricode || '_' || home_team_tricode AS game_id
    FROM (
      SELECT s.*, ROW_NUMBER() OVER (
        PARTITION BY s.game_id ORDER BY s.game_status DESC, s.processed_at DESC) AS version_rank
      FROM ${schedule} AS s
      WHERE s.game_date BETWEEN ${from} AND ${to}
    ) AS latest
    WHERE version_rank = 1 AND game_status = 3 AND COALESCE(is_all_star, FALSE) = FALSE`;
}

/**
 * A table's rows of a date range, filtered on its partition column before any join, window or
 * aggregate reads them: BigQuery prunes only there, and some platform tables require it.
 */
export function tableInRange(d: SqlDialect, table: TableDef, from: string, to: string): string {
  return `(SELECT * FROM ${d.table(table)} WHERE ${table.dateColumn} BETWEEN ${from} AND ${to})`;
}

/** Both sides of each final game: team, opponent, home flag, scores. Needs a `final_games` CTE. */
export const TEAM_GAMES_SQL = `SELECT game_date, game_id, nba_game_id, tip_at, home_team_abbr AS team_abbr,
      away_team_abbr AS opponent_team_abbr, TRUE AS home_game, home_team_score AS team_score,
      away_team_score AS opponent_score FROM final_games
    UNION ALL
    SELECT game_date, game_id, nba_game_id, tip_at, away_team_abbr AS team_abbr,
      home_team_abbr AS opponent_team_abbr, FALSE AS home_game, away_team_score AS team_score,
      home_team_score AS opponent_score FROM final_games`;

/** Rows of `ranked` with the lowest `rn`; a portable stand-in for QUALIFY. */
export function latestPerKey(d: SqlDialect, source: string, partitionBy: string, tieColumns: readonly string[]): string {
  return `SELECT * FROM (
      SELECT r.*, ROW_NUMBER() OVER (
        PARTITION BY ${partitionBy} ORDER BY r.processed_at DESC, ${d.hash(tieColumns.map((c) => `r.${c}`))}) AS dedup_rank
      FROM (${source}) AS r
    ) AS ranked WHERE dedup_rank = 1`;
}

/** `completeness_pct` = 100 x min(games in sample, N) / N (product.md §6). */
export function completenessSql(gamesInSample: string, window: number): string {
  return `ROUND(100.0 * LEAST(COALESCE(${gamesInSample}, 0), ${window}) / ${window}, 1)`;
}
