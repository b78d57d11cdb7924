import type { SqlDialect } from '../../warehouse/dialect.js';
import { nbacInjuryReport } from '../../warehouse/tables/raw-tables.js';
import { travelDistances } from '../../warehouse/tables/static-tables.js';
import { tableInRange } from './common.js';

/** Reports for a game date are published on it or a few days before; older ones are not read. */
const INJURY_LOOKBACK_DAYS = 7;

/** The platform keeps injury rows its parser is confident about. */
const MIN_CONFIDENCE = 0.8;

/**
 * The UTC instant of a report row: `report_date` at `report_hour`:00, Eastern wall time (the
 * NBA's report of that hour). NULL without an hour: a report of unknown time never counts.
 */
function reportAtSql(d: SqlDialect, alias: string): string {
  const hour = `CASE WHEN ${alias}.report_hour < 10 THEN '0' ELSE '' END || ${d.cast(`${alias}.report_hour`, 'STRING')}`;
  const wall = d.cast(`${d.cast(`${alias}.report_date`, 'STRING')} || ' ' || ${hour} || ':00:00'`, 'TIMESTAMP');
  return d.easternWallTimeToUtc(wall);
}

/**
 * CTEs counting each target team's injury list as known before its tip: per player the latest row
 * of a report published before `tip_at` (ties: latest processed_at, then lowest hash). Needs a
 * `targets` CTE (game_date, team_abbr, tip_at). Defines `injury_counts` (game_date, team_abbr,
 * out_players, questionable_players = questionable + doubtful, rows_found) and `injury_reported`
 * (game_date, team_abbr, report_rows: rows of any team for the date published before the tip).
 */
export function injuryCountsCtes(d: SqlDialect, start: string, end: string): string {
  const report = tableInRange(d, nbacInjuryReport, d.addDays(start, -INJURY_LOOKBACK_DAYS), end);
  const tie = d.hash(['i.team', 'i.player_lookup', 'i.status']);
  return `injury_rows AS (
    SELECT i.game_date, i.team, i.player_lookup, LOWER(i.injury_status) AS status, ${reportAtSql(d, 'i')} AS report_at, i.processed_at
    FROM ${report} AS i
    WHERE i.game_date BETWEEN ${start} AND ${end} AND i.player_lookup IS NOT NULL
      AND COALESCE(i.confidence_score, 1) >= ${MIN_CONFIDENCE}
  ),
  pregame_injuries AS (
    SELECT t.game_date, t.team_abbr, i.status, ROW_NUMBER() OVER (
        PARTITION BY t.game_date, t.team_abbr, i.player_lookup ORDER BY i.report_at DESC, i.processed_at DESC, ${tie}) AS latest
    FROM targets AS t JOIN injury_rows AS i ON i.game_date = t.game_date AND i.team = t.team_abbr AND i.report_at < t.tip_at
  ),
  injury_counts AS (
    SELECT game_date, team_abbr, COUNTIF(status = 'out') AS out_players,
      COUNTIF(status IN ('questionable', 'doubtful')) AS questionable_players, COUNT(*) AS rows_found
    FROM pregame_injuries WHERE latest = 1 GROUP BY game_date, team_abbr
  ),
  injury_reported AS (
    SELECT t.game_date, t.team_abbr, COUNT(*) AS report_rows
    FROM targets AS t JOIN injury_rows AS i ON i.game_date = t.game_date AND i.report_at < t.tip_at
    GROUP BY t.game_date, t.team_abbr
  )`;
}

/**
 * Miles between two arenas (named by their home team), either direction of
 * nba_static.travel_distances (a reference table: no partition, read whole). Defines `pair_miles`
 * (from_team, to_team, miles).
 */
export function pairMilesCte(d: SqlDialect): string {
  const distances = d.table(travelDistances);
  return `pair_miles AS (
    SELECT from_team, to_team, MIN(distance_miles) AS miles FROM (
      SELECT from_team, to_team, distance_miles FROM ${distances}
      UNION ALL SELECT to_team AS from_team, from_team AS to_team, distance_miles FROM ${distances}
    ) AS both_ways GROUP BY from_team, to_team
  )`;
}

/** The arena of a team-game row: the home team's code. */
export function arenaSql(alias: string): string {
  return `CASE WHEN ${alias}.home_game THEN ${alias}.team_abbr ELSE ${alias}.opponent_team_abbr END`;
}
