import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';

const TEAM_WINDOW = 10;

export const upcomingTeamGameContextTable = platformTable({
  dataset: 'nba_analytics',
  name: 'upcoming_team_game_context',
  key: ['team_abbr'],
  produced: [
    ...cols('game_id nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('team_abbr opponent_team_abbr', 'STRING'),
    ...cols('home_game', 'BOOL'),
    ...cols('team_days_rest', 'INT64'),
    ...cols('is_back_to_back team_back_to_back', 'BOOL'),
    ...cols('games_in_last_7_days games_in_last_14_days games_played_season wins_to_date losses_to_date', 'INT64'),
    ...cols('win_pct_to_date', 'FLOAT64'),
    ...cols('team_win_streak_entering team_loss_streak_entering last_game_margin', 'INT64'),
    ...cols('completeness_pct', 'FLOAT64'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per team playing on the date: rest, schedule load and record entering the game, from
 * the season's earlier final games in the schedule (scores as the schedule records them).
 */
export const upcomingTeamGameContext = defineProcessor({
  name: 'upcoming_team_game_context',
  phase: 3,
  description: 'pre-game context per team: rest, schedule load, record and streak entering the game',
  table: upcomingTeamGameContextTable,
  requires: [{ name: 'schedule', tables: [nbacSchedule] }],
  optional: [],
  lookback: true,
  dependsOn: [],
  expectedRows: { perGame: 2, description: '2 rows per final game' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const since = (days: number) => `h.game_date >= ${d.addDays('h.target_date', -days)}`;
    return `WITH final_games AS (${finalGamesSql(d, seasonStart, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  targets AS (SELECT * FROM team_games WHERE game_date BETWEEN ${start} AND ${end}),
  history AS (
    SELECT t.game_date AS target_date, t.team_abbr, h.game_date,
      h.team_score - h.opponent_score AS margin,
      ROW_NUMBER() OVER (PARTITION BY t.game_date, t.team_abbr ORDER BY h.game_date DESC) AS recency
    FROM targets AS t JOIN team_games AS h ON h.team_abbr = t.team_abbr AND h.game_date < t.game_date
  ),
  record AS (
    SELECT h.target_date, h.team_abbr, MAX(h.game_date) AS last_game, COUNT(*) AS games_played_season,
      COUNTIF(${since(7)}) AS games_in_last_7_days, COUNTIF(${since(14)}) AS games_in_last_14_days,
      COUNTIF(h.margin > 0) AS wins, COUNTIF(h.margin < 0) AS losses,
      MIN(CASE WHEN h.margin IS NULL OR h.margin <= 0 THEN h.recency END) AS first_non_win,
      MIN(CASE WHEN h.margin IS NULL OR h.margin >= 0 THEN h.recency END) AS first_non_loss,
      MAX(CASE WHEN h.recency = 1 THEN h.margin END) AS last_game_margin
    FROM history AS h GROUP BY h.target_date, h.team_abbr
  )
SELECT t.game_id, t.nba_game_id, t.game_date, ${seasonYearSql('t.game_date')} AS season_year,
  t.team_abbr, t.opponent_team_abbr, t.home_game,
  ${d.dateDiffDays('t.game_date', 'r.last_game')} - 1 AS team_days_rest,
  COALESCE(${d.dateDiffDays('t.game_date', 'r.last_game')} - 1 = 0, FALSE) AS is_back_to_back,
  COALESCE(${d.dateDiffDays('t.game_date', 'r.last_game')} - 1 = 0, FALSE) AS team_back_to_back,
  COALESCE(r.games_in_last_7_days, 0) AS games_in_last_7_days, COALESCE(r.games_in_last_14_days, 0) AS games_in_last_14_days,
  COALESCE(r.games_played_season, 0) AS games_played_season,
  COALESCE(r.wins, 0) AS wins_to_date, COALESCE(r.losses, 0) AS losses_to_date,
  ROUND(${d.safeDivide('r.wins', 'r.wins + r.losses')}, 3) AS win_pct_to_date,
  COALESCE(r.first_non_win, r.games_played_season + 1, 1) - 1 AS team_win_streak_entering,
  COALESCE(r.first_non_loss, r.games_played_season + 1, 1) - 1 AS team_loss_streak_entering,
  r.last_game_margin,
  ${completenessSql('r.games_played_season', TEAM_WINDOW)} AS completeness_pct,
  ${d.currentTimestamp()} AS processed_at
FROM targets AS t
LEFT JOIN record AS r ON r.target_date = t.game_date AND r.team_abbr = t.team_abbr`;
  },
});
