import type { SqlDialect } from '../../warehouse/dialect.js';
import { bigdataballPlayByPlay } from '../../warehouse/tables/raw-tables.js';

/**
 * Shot events between two dates, one row per event (duplicated events count once), with the zone:
 * `three` for a 3PT attempt (or a subtype saying 3pt, or 23.75 ft and beyond), `paint` within
 * 8 ft, otherwise `mid_range`. Columns: game_date, event_id, player_lookup, team_abbr, zone, shot_made.
 */
export function shotEventsSql(d: SqlDialect, from: string, to: string): string {
  return `SELECT game_date, event_id, player_1_lookup AS player_lookup, player_1_team_abbr AS team_abbr, shot_made,
      CASE WHEN shot_type = '3PT' OR LOWER(event_subtype) LIKE '%3pt%' OR shot_distance >= 23.75 THEN 'three'
           WHEN shot_distance <= 8 THEN 'paint' ELSE 'mid_range' END AS zone
    FROM (
      SELECT DISTINCT game_date, event_id, player_1_lookup, player_1_team_abbr, shot_made, shot_type, event_subtype, shot_distance
      FROM ${d.table(bigdataballPlayByPlay)}
      WHERE game_date BETWEEN ${from} AND ${to} AND event_type = 'shot' AND shot_distance IS NOT NULL
    ) AS shots`;
}

/** Attempts and makes per zone, aggregated over `groupBy` columns of the shot events. */
export function zoneCountsSql(d: SqlDialect, from: string, to: string, groupBy: string): string {
  return `SELECT ${groupBy},
      COUNTIF(zone = 'paint') AS paint_attempts, COUNTIF(zone = 'paint' AND shot_made) AS paint_makes,
      COUNTIF(zone = 'mid_range') AS mid_range_attempts, COUNTIF(zone = 'mid_range' AND shot_made) AS mid_range_makes,
      COUNTIF(zone = 'three') AS three_attempts_pbp, COUNTIF(zone = 'three' AND shot_made) AS three_makes_pbp
    FROM (${shotEventsSql(d, from, to)}) AS events
    GROUP BY ${groupBy}`;
}
