import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacSchedule, nbacTeamBoxscore } from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';
import { paceSql, teamStatsCtes } from './sql/team-source.js';
import { PLAYER_SOURCES, resolvedPlayersCtes } from './sql/player-source.js';

export const teamOffenseGameSummaryTable = platformTable({
  dataset: 'nba_analytics',
  name: 'team_offense_game_summary',
  key: ['team_abbr'],
  produced: [
    ...cols('game_id nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('team_abbr opponent_team_abbr', 'STRING'),
    ...cols('home_game', 'BOOL'),
    ...cols(
      'points_scored fg_makes fg_attempts three_pt_makes three_pt_attempts ft_makes ft_attempts ' +
        'offensive_rebounds defensive_rebounds rebounds assists steals blocks turnovers personal_fouls',
      'INT64',
    ),
    ...cols('team_minutes possessions offensive_rating pace ts_pct', 'FLOAT64'),
    ...cols('overtime_periods', 'INT64'),
    ...cols('win_flag', 'BOOL'),
    ...cols('margin_of_victory', 'INT64'),
    ...cols('primary_source_used data_quality_tier', 'STRING'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per team per game: the team box score, or (silver) the sum of the team's resolved
 * player rows where the box score is missing or empty.
 */
export const teamOffenseGameSummary = defineProcessor({
  name: 'team_offense_game_summary',
  phase: 3,
  description: 'team box score, possessions, offensive rating and pace per team and game',
  table: teamOffenseGameSummaryTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'team or player stats', tables: [nbacTeamBoxscore, ...PLAYER_SOURCES] },
  ],
  optional: [],
  lookback: false,
  dependsOn: [],
  expectedRows: { perGame: 2, description: '2 rows per final game' },
  select(d) {
    const { start, end } = rangeParams(d);
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  ${resolvedPlayersCtes(d, start, end)},
  ${teamStatsCtes(d, start, end)}
SELECT tg.game_id, tg.nba_game_id, tg.game_date, ${seasonYearSql('tg.game_date')} AS season_year,
  tg.team_abbr, tg.opponent_team_abbr, tg.home_game,
  s.points AS points_scored, s.fg_makes, s.fg_attempts, s.three_pt_makes, s.three_pt_attempts, s.ft_makes, s.ft_attempts,
  s.offensive_rebounds, s.defensive_rebounds, s.offensive_rebounds + s.defensive_rebounds AS rebounds,
  s.assists, s.steals, s.blocks, s.turnovers, s.personal_fouls,
  ROUND(s.team_minutes, 2) AS team_minutes,
  ROUND(s.possessions_exact, 2) AS possessions,
  ROUND(100 * ${d.safeDivide('s.points', 's.possessions_exact')}, 2) AS offensive_rating,
  ROUND(${paceSql(d, 's.possessions_exact', 's.team_minutes')}, 2) AS pace,
  ROUND(${d.safeDivide('s.points', '2 * (s.fg_attempts + 0.44 * s.ft_attempts)')}, 3) AS ts_pct,
  CASE WHEN s.team_minutes > 240.5 THEN ${d.cast('ROUND((s.team_minutes - 240) / 25)', 'INT64')} ELSE 0 END AS overtime_periods,
  CASE WHEN o.points IS NULL THEN NULL ELSE s.points > o.points END AS win_flag,
  s.points - o.points AS margin_of_victory,
  s.source AS primary_source_used, s.tier AS data_quality_tier,
  ${d.currentTimestamp()} AS processed_at
FROM team_games AS tg
JOIN team_stats AS s ON s.game_id = tg.game_id AND s.team_abbr = tg.team_abbr
LEFT JOIN team_stats AS o ON o.game_id = tg.game_id AND o.team_abbr = tg.opponent_team_abbr`;
  },
});
