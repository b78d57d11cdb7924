import type { SqlDialect } from '../../warehouse/dialect.js';
import {
  bdlPlayerBoxscores,
  nbacGamebookPlayerStats,
  nbacPlayerBoxscores,
} from '../../warehouse/tables/raw-tables.js';
import { latestPerKey, minutesSql } from './common.js';

/** The three player-stat sources in fallback order; `primary_source_used` names the table. */
export const PLAYER_SOURCES = [nbacGamebookPlayerStats, nbacPlayerBoxscores, bdlPlayerBoxscores] as const;

/** Data quality tier per player source (product.md §6). */
export function sourceTierSql(sourceColumn: string): string {
  return `CASE ${sourceColumn} WHEN 'nbac_gamebook_player_stats' THEN 'gold'
      WHEN 'nbac_player_boxscores' THEN 'silver' ELSE 'bronze' END`;
}

const STAT_COLUMNS = `points, fg_makes, fg_attempts, three_pt_makes, three_pt_attempts, ft_makes, ft_attempts,
      offensive_rebounds, defensive_rebounds, assists, steals, blocks, turnovers, personal_fouls`;

function sourceSelect(
  d: SqlDialect,
  rank: number,
  table: (typeof PLAYER_SOURCES)[number],
  nameColumn: string,
  statusSql: string,
  plusMinusSql: string,
  starterSql: string,
  from: string,
  to: string,
): string {
  return `SELECT '${table.name}' AS source, ${rank} AS source_rank, game_date, player_lookup,
        ${nameColumn} AS player_full_name, team_abbr, ${statusSql} AS player_status, minutes,
        points, field_goals_made AS fg_makes, field_goals_attempted AS fg_attempts,
        three_pointers_made AS three_pt_makes, three_pointers_attempted AS three_pt_attempts,
        free_throws_made AS ft_makes, free_throws_attempted AS ft_attempts,
        offensive_rebounds, defensive_rebounds, assists, steals, blocks, turnovers, personal_fouls,
        ${plusMinusSql} AS plus_minus, ${starterSql} AS starter, processed_at
      FROM ${d.table(table)}
      WHERE game_date BETWEEN ${from} AND ${to} AND player_lookup IS NOT NULL`;
}

/**
 * CTEs that resolve player rows per game with the fallback gamebook -> NBA.com box score -> Ball
 * Don't Lie, for games between `from` and `to`. Needs CTEs `final_games` and `team_games`
 * covering that range. Defines:
 * - `player_source_rows`: every source row, deduplicated (latest processed_at, then lowest hash),
 *   attached to its schedule game by date and team (robust to reversed game ids);
 * - `resolved_players`: the rows of the best source that has active players for each game, with
 *   `is_active`, `minutes_exact` and the game's `game_id`, `opponent_team_abbr`, `home_game`;
 *   `boxscore_starter` is the NBA.com box score's flag of the player in that game, whatever the source;
 * - `team_player_totals`: per game and team, sums over the resolved active rows.
 */
export function resolvedPlayersCtes(d: SqlDialect, from: string, to: string): string {
  const union = [
    sourceSelect(d, 1, nbacGamebookPlayerStats, 'player_name', 'LOWER(player_status)', 'plus_minus', d.cast('NULL', 'BOOL'), from, to),
    sourceSelect(d, 2, nbacPlayerBoxscores, 'player_full_name', `'active'`, 'plus_minus', 'starter', from, to),
    sourceSelect(d, 3, bdlPlayerBoxscores, 'player_full_name', `'active'`, d.cast('NULL', 'INT64'), d.cast('NULL', 'BOOL'), from, to),
  ].join('\n      UNION ALL\n      ');
  const deduped = latestPerKey(d, union, 'r.source, r.game_date, r.player_lookup', [
    'team_abbr',
    'minutes',
    'points',
    'fg_attempts',
    'player_status',
  ]);
  return `player_source_rows AS (
    SELECT p.source, p.source_rank, p.game_date, p.player_lookup, p.player_full_name, p.player_status,
      p.player_status = 'active' AS is_active, ${minutesSql(d, 'p.minutes')} AS minutes_exact,
      ${STAT_COLUMNS}, p.plus_minus, p.starter, tg.game_id, tg.nba_game_id, tg.tip_at, tg.team_abbr,
      tg.opponent_team_abbr, tg.home_game
    FROM (${deduped}) AS p
    JOIN team_games AS tg ON tg.game_date = p.game_date AND tg.team_abbr = p.team_abbr
  ),
  game_source AS (
    SELECT game_date, game_id, MIN(CASE WHEN is_active THEN source_rank END) AS source_rank
    FROM player_source_rows GROUP BY game_date, game_id
  ),
  resolved_players AS (
    SELECT r.*, b.starter AS boxscore_starter FROM player_source_rows AS r
    JOIN game_source AS g ON g.game_date = r.game_date AND g.game_id = r.game_id AND g.source_rank = r.source_rank
    LEFT JOIN player_source_rows AS b ON b.source = '${nbacPlayerBoxscores.name}' AND b.game_id = r.game_id
      AND b.player_lookup = r.player_lookup AND b.team_abbr = r.team_abbr
  ),
  team_player_totals AS (
    SELECT game_date, game_id, team_abbr, MIN(source) AS source,
      SUM(CASE WHEN is_active THEN minutes_exact END) AS team_minutes,
      COUNTIF(is_active) AS active_players,
      SUM(CASE WHEN is_active THEN points END) AS points, SUM(CASE WHEN is_active THEN fg_makes END) AS fg_makes,
      SUM(CASE WHEN is_active THEN fg_attempts END) AS fg_attempts,
      SUM(CASE WHEN is_active THEN three_pt_makes END) AS three_pt_makes,
      SUM(CASE WHEN is_active THEN three_pt_attempts END) AS three_pt_attempts,
      SUM(CASE WHEN is_active THEN ft_makes END) AS ft_makes, SUM(CASE WHEN is_active THEN ft_attempts END) AS ft_attempts,
      SUM(CASE WHEN is_active THEN offensive_rebounds END) AS offensive_rebounds,
      SUM(CASE WHEN is_active THEN defensive_rebounds END) AS defensive_rebounds,
      SUM(CASE WHEN is_active THEN assists END) AS assists, SUM(CASE WHEN is_active THEN steals END) AS steals,
      SUM(CASE WHEN is_active THEN blocks END) AS blocks, SUM(CASE WHEN is_active THEN turnovers END) AS turnovers,
      SUM(CASE WHEN is_active THEN personal_fouls END) AS personal_fouls
    FROM resolved_players GROUP BY game_date, game_id, team_abbr
  )`;
}
