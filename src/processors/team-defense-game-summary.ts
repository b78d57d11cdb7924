import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { bigdataballPlayByPlay, nbacSchedule, nbacTeamBoxscore } from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';
import { PLAYER_SOURCES, resolvedPlayersCtes } from './sql/player-source.js';
import { zoneCountsSql } from './sql/shot-zones.js';
import { paceSql, teamStatsCtes } from './sql/team-source.js';

export const teamDefenseGameSummaryTable = platformTable({
  dataset: 'nba_analytics',
  name: 'team_defense_game_summary',
  key: ['defending_team_abbr'],
  produced: [
    ...cols('game_id nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('defending_team_abbr opponent_team_abbr', 'STRING'),
    ...cols('home_game', 'BOOL'),
    ...cols(
      'points_allowed opp_fg_makes opp_fg_attempts opp_three_pt_makes opp_three_pt_attempts opp_ft_makes opp_ft_attempts ' +
        'opp_offensive_rebounds opp_rebounds opp_assists turnovers_forced fouls_committed steals blocks defensive_rebounds',
      'INT64',
    ),
    ...cols('opp_paint_attempts opp_paint_makes opp_mid_range_attempts opp_mid_range_makes', 'INT64'),
    ...cols('points_in_paint_allowed mid_range_points_allowed three_pt_points_allowed', 'INT64'),
    ...cols('opponent_possessions opponent_pace defensive_rating opponent_ts_pct', 'FLOAT64'),
    ...cols('shot_zones_available win_flag', 'BOOL'),
    ...cols('margin_of_victory', 'INT64'),
    ...cols('primary_source_used data_quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per defending team per game: the opponent's offense seen from the defence, the team's own
 * defensive actions, and the opponent's shots by zone from play-by-play.
 */
export const teamDefenseGameSummary = defineProcessor({
  name: 'team_defense_game_summary',
  phase: 3,
  description: "opponent offense allowed, defensive rating and shot zones allowed per team and game",
  table: teamDefenseGameSummaryTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'team or player stats', tables: [nbacTeamBoxscore, ...PLAYER_SOURCES] },
  ],
  optional: [bigdataballPlayByPlay],
  lookback: false,
  dependsOn: [],
  expectedRows: { perGame: 2, description: '2 rows per final game' },
  select(d) {
    const { start, end } = rangeParams(d);
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  ${resolvedPlayersCtes(d, start, end)},
  ${teamStatsCtes(d, start, end)},
  zones AS (${zoneCountsSql(d, start, end, 'game_date, team_abbr')})
SELECT tg.game_id, tg.nba_game_id, tg.game_date, ${seasonYearSql('tg.game_date')} AS season_year,
  tg.team_abbr AS defending_team_abbr, tg.opponent_team_abbr, tg.home_game,
  o.points AS points_allowed, o.fg_makes AS opp_fg_makes, o.fg_attempts AS opp_fg_attempts,
  o.three_pt_makes AS opp_three_pt_makes, o.three_pt_attempts AS opp_three_pt_attempts,
  o.ft_makes AS opp_ft_makes, o.ft_attempts AS opp_ft_attempts, o.offensive_rebounds AS opp_offensive_rebounds,
  o.offensive_rebounds + o.defensive_rebounds AS opp_rebounds, o.assists AS opp_assists,
  o.turnovers AS turnovers_forced,
  s.personal_fouls AS fouls_committed, s.steals, s.blocks, s.defensive_rebounds,
  z.paint_attempts AS opp_paint_attempts, z.paint_makes AS opp_paint_makes,
  z.mid_range_attempts AS opp_mid_range_attempts, z.mid_range_makes AS opp_mid_range_makes,
  2 * z.paint_makes AS points_in_paint_allowed, 2 * z.mid_range_makes AS mid_range_points_allowed,
  3 * o.three_pt_makes AS three_pt_points_allowed,
  ROUND(o.possessions_exact, 2) AS opponent_possessions,
  ROUND(${paceSql(d, 'o.possessions_exact', 'o.team_minutes')}, 2) AS opponent_pace,
  ROUND(100 * ${d.safeDivide('o.points', 'o.possessions_exact')}, 2) AS defensive_rating,
  ROUND(${d.safeDivide('o.points', '2 * (o.fg_attempts + 0.44 * o.ft_attempts)')}, 3) AS opponent_ts_pct,
  z.team_abbr IS NOT NULL AS shot_zones_available,
  CASE WHEN s.points IS NULL THEN NULL ELSE s.points > o.points END AS win_flag,
  s.points - o.points AS margin_of_victory,
  o.source AS primary_source_used, o.tier AS data_quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM team_games AS tg
JOIN team_stats AS o ON o.game_id = tg.game_id AND o.team_abbr = tg.opponent_team_abbr
LEFT JOIN team_stats AS s ON s.game_id = tg.game_id AND s.team_abbr = tg.team_abbr
LEFT JOIN zones AS z ON z.game_date = tg.game_date AND z.team_abbr = tg.opponent_team_abbr`;
  },
});
