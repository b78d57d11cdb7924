import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import {
  bettingprosPlayerPointsProps,
  bigdataballPlayByPlay,
  nbacSchedule,
  oddsApiPlayerPointsProps,
} from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';
import { PLAYER_SOURCES, resolvedPlayersCtes, sourceTierSql } from './sql/player-source.js';
import { propLinesCtes } from './sql/prop-lines.js';
import { zoneCountsSql } from './sql/shot-zones.js';

export const playerGameSummaryTable = platformTable({
  dataset: 'nba_analytics',
  name: 'player_game_summary',
  key: ['player_lookup'],
  produced: [
    ...cols('game_id nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('player_lookup player_full_name player_status', 'STRING'),
    ...cols('is_active', 'BOOL'),
    ...cols('team_abbr opponent_team_abbr', 'STRING'),
    ...cols('home_game', 'BOOL'),
    ...cols('minutes_played', 'FLOAT64'),
    ...cols(
      'points fg_makes fg_attempts three_pt_makes three_pt_attempts ft_makes ft_attempts ' +
        'offensive_rebounds defensive_rebounds assists steals blocks turnovers personal_fouls plus_minus',
      'INT64',
    ),
    ...cols('paint_attempts paint_makes mid_range_attempts mid_range_makes three_attempts_pbp three_makes_pbp', 'INT64'),
    ...cols('has_complete_shot_zones starter_flag', 'BOOL'),
    ...cols('usage_rate ts_pct efg_pct points_line margin', 'FLOAT64'),
    ...cols('over_under_result points_line_source primary_source_used', 'STRING'),
    ...cols('win_flag', 'BOOL'),
    ...cols('data_quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * Started the game: NBA.com's box score flag where the player has a row there (whatever source
 * the stats come from), else the platform's proxy, more than 20 minutes; never for a player who
 * did not play (the column is REQUIRED).
 */
function starterFlagSql(r: string): string {
  return `CASE WHEN NOT ${r}.is_active THEN FALSE WHEN ${r}.boxscore_starter IS NOT NULL THEN ${r}.boxscore_starter
       ELSE COALESCE(${r}.minutes_exact > 20, FALSE) END`;
}

/** One row per listed player per game date; stats from the best source per game (product.md §6). */
export const playerGameSummary = defineProcessor({
  name: 'player_game_summary',
  phase: 3,
  description: 'box score, efficiency and prop result per listed player and game',
  table: playerGameSummaryTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player stats', tables: PLAYER_SOURCES },
  ],
  optional: [oddsApiPlayerPointsProps, bettingprosPlayerPointsProps, bigdataballPlayByPlay],
  lookback: false,
  dependsOn: [],
  expectedRows: { perGame: 16, description: 'at least 8 active players per team and game' },
  select(d) {
    const { start, end } = rangeParams(d);
    const statIfActive = (column: string) => `CASE WHEN r.is_active THEN r.${column} END`;
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  ${resolvedPlayersCtes(d, start, end)},
  player_games AS (SELECT game_date, player_lookup, MIN(tip_at) AS tip_at FROM resolved_players GROUP BY game_date, player_lookup),
  ${propLinesCtes(d, start, end)},
  shot_zones AS (${zoneCountsSql(d, start, end, 'game_date, player_lookup')})
SELECT r.game_id, r.nba_game_id, r.game_date, ${seasonYearSql('r.game_date')} AS season_year,
  r.player_lookup, r.player_full_name, r.player_status, r.is_active, r.team_abbr, r.opponent_team_abbr, r.home_game,
  CASE WHEN r.is_active THEN ROUND(r.minutes_exact, 1) END AS minutes_played,
  ${starterFlagSql('r')} AS starter_flag,
  ${['points', 'fg_makes', 'fg_attempts', 'three_pt_makes', 'three_pt_attempts', 'ft_makes', 'ft_attempts',
    'offensive_rebounds', 'defensive_rebounds', 'assists', 'steals', 'blocks', 'turnovers', 'personal_fouls', 'plus_minus']
    .map((c) => `${statIfActive(c)} AS ${c}`)
    .join(', ')},
  z.paint_attempts, z.paint_makes, z.mid_range_attempts, z.mid_range_makes, z.three_attempts_pbp, z.three_makes_pbp,
  z.player_lookup IS NOT NULL AS has_complete_shot_zones,
  CASE WHEN r.is_active THEN ROUND(100 * ${d.safeDivide(
    '(r.fg_attempts + 0.44 * r.ft_attempts + r.turnovers) * (t.team_minutes / 5)',
    'r.minutes_exact * (t.fg_attempts + 0.44 * t.ft_attempts + t.turnovers)',
  )}, 1) END AS usage_rate,
  CASE WHEN r.is_active THEN ROUND(${d.safeDivide('r.points', '2 * (r.fg_attempts + 0.44 * r.ft_attempts)')}, 3) END AS ts_pct,
  CASE WHEN r.is_active THEN ROUND(${d.safeDivide('r.fg_makes + 0.5 * r.three_pt_makes', 'r.fg_attempts')}, 3) END AS efg_pct,
  l.points_line,
  CASE WHEN r.is_active AND l.points_line IS NOT NULL THEN r.points - l.points_line END AS margin,
  CASE WHEN NOT r.is_active OR l.points_line IS NULL OR r.points IS NULL THEN NULL
       WHEN r.points > l.points_line THEN 'OVER' WHEN r.points < l.points_line THEN 'UNDER' ELSE 'PUSH' END AS over_under_result,
  l.line_source AS points_line_source, r.source AS primary_source_used,
  CASE WHEN t.points IS NULL OR o.points IS NULL THEN NULL ELSE t.points > o.points END AS win_flag,
  ${sourceTierSql('r.source')} AS data_quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM resolved_players AS r
LEFT JOIN team_player_totals AS t ON t.game_id = r.game_id AND t.team_abbr = r.team_abbr
LEFT JOIN team_player_totals AS o ON o.game_id = r.game_id AND o.team_abbr = r.opponent_team_abbr
LEFT JOIN prop_lines AS l ON l.game_date = r.game_date AND l.player_lookup = r.player_lookup
LEFT JOIN shot_zones AS z ON z.game_date = r.game_date AND z.player_lookup = r.player_lookup AND r.is_active`;
  },
  check(d, rows) {
    const from = d.param('__from', 'DATE');
    const to = d.param('__to', 'DATE');
    return `WITH final_games AS (${finalGamesSql(d, from, to)}),
  team_games AS (${TEAM_GAMES_SQL}),
  active AS (
    SELECT game_id, team_abbr, COUNTIF(is_active) AS players
    FROM ${rows} WHERE game_date BETWEEN ${from} AND ${to} GROUP BY game_id, team_abbr
  )
SELECT tg.game_date AS day, tg.team_abbr || ' in ' || tg.game_id || ' has ' || ${d.cast('COALESCE(a.players, 0)', 'STRING')} || ' active players' AS problem
FROM team_games AS tg LEFT JOIN active AS a ON a.game_id = tg.game_id AND a.team_abbr = tg.team_abbr
WHERE COALESCE(a.players, 0) < 8`;
  },
});
