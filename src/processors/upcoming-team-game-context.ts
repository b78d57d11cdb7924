import { cols } from '../warehouse/schema.js';
import { platformTable } from '../warehouse/tables/platform-layout.js';
import { nbacInjuryReport, nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { travelDistances } from '../warehouse/tables/static-tables.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, TEAM_GAMES_SQL } from './sql/common.js';
import { arenaSql, injuryCountsCtes, pairMilesCte } from './sql/team-pregame.js';

const TEAM_WINDOW = 10;
/** Completeness points a row loses per pre-game source it lacks (injury report, travel distance). */
const MISSING_SOURCE_PENALTY = 10;

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
    ...cols('starters_out_count questionable_players_count travel_miles source_injury_report_rows_found', 'INT64'),
    ...cols('source_injury_report_completeness_pct completeness_pct', 'FLOAT64'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per team playing on the date: rest, schedule load and record entering the game, from
 * the season's earlier final games in the schedule (scores as the schedule records them); the
 * injury list as reported before the tip; miles from the previous game's arena to this one.
 */
export const upcomingTeamGameContext = defineProcessor({
  name: 'upcoming_team_game_context',
  phase: 3,
  description: 'pre-game context per team: rest, schedule load, record, streak, injuries and travel entering the game',
  table: upcomingTeamGameContextTable,
  requires: [{ name: 'schedule', tables: [nbacSchedule] }],
  optional: [nbacInjuryReport, travelDistances],
  lookback: true,
  dependsOn: [],
  expectedRows: { perGame: 2, description: '2 rows per final game' },
  select(d) {
    const { start, end, seasonStart } = rangeParams(d);
    const since = (days: number) => `h.game_date >= ${d.addDays('h.target_date', -days)}`;
    const fromArena = `COALESCE(r.last_arena, t.team_abbr)`;
    const injuryMissing = `COALESCE(ir.report_rows, 0) = 0`;
    const travelMissing = `(${fromArena} <> ${arenaSql('t')} AND m.miles IS NULL)`;
    const missingSources = `CASE WHEN ${injuryMissing} THEN 1 ELSE 0 END + CASE WHEN ${travelMissing} THEN 1 ELSE 0 END`;
    return `WITH final_games AS (${finalGamesSql(d, seasonStart, end)}),
  team_games AS (${TEAM_GAMES_SQL}),
  targets AS (SELECT * FROM team_games WHERE game_date BETWEEN ${start} AND ${end}),
  history AS (
    SELECT t.game_date AS target_date, t.team_abbr, h.game_date,
      h.team_score - h.opponent_score AS margin, ${arenaSql('h')} AS arena,
      ROW_NUMBER() OVER (PARTITION BY t.game_date, t.team_abbr ORDER BY h.game_date DESC) AS recency
    FROM targets AS t JOIN team_games AS h ON h.team_abbr = t.team_abbr AND h.game_date < t.game_date
  ),
  record AS (
    SELECT h.target_date, h.team_abbr, MAX(h.game_date) AS last_game, COUNT(*) AS games_played_season,
      COUNTIF(${since(7)}) AS games_in_last_7_days, COUNTIF(${since(14)}) AS games_in_last_14_days,
      COUNTIF(h.margin > 0) AS wins, COUNTIF(h.margin < 0) AS losses,
      MIN(CASE WHEN h.margin IS NULL OR h.margin <= 0 THEN h.recency END) AS first_non_win,
      MIN(CASE WHEN h.margin IS NULL OR h.margin >= 0 THEN h.recency END) AS first_non_loss,
      MAX(CASE WHEN h.recency = 1 THEN h.margin END) AS last_game_margin,
      MAX(CASE WHEN h.recency = 1 THEN h.arena END) AS last_arena
    FROM history AS h GROUP BY h.target_date, h.team_abbr
  ),
  ${injuryCountsCtes(d, start, end)},
  ${pairMilesCte(d)}
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
  COALESCE(ic.out_players, 0) AS starters_out_count, COALESCE(ic.questionable_players, 0) AS questionable_players_count,
  COALESCE(ic.rows_found, 0) AS source_injury_report_rows_found,
  CASE WHEN ${injuryMissing} THEN 0.0 ELSE 100.0 END AS source_injury_report_completeness_pct,
  CASE WHEN ${fromArena} = ${arenaSql('t')} THEN 0 ELSE COALESCE(m.miles, 0) END AS travel_miles,
  GREATEST(${completenessSql('r.games_played_season', TEAM_WINDOW)} - ${MISSING_SOURCE_PENALTY} * (${missingSources}), 0) AS completeness_pct,
  ${d.currentTimestamp()} AS processed_at
FROM targets AS t
LEFT JOIN record AS r ON r.target_date = t.game_date AND r.team_abbr = t.team_abbr
LEFT JOIN injury_counts AS ic ON ic.game_date = t.game_date AND ic.team_abbr = t.team_abbr
LEFT JOIN injury_reported AS ir ON ir.game_date = t.game_date AND ir.team_abbr = t.team_abbr
LEFT JOIN pair_miles AS m ON m.from_team = ${fromArena} AND m.to_team = ${arenaSql('t')}`;
  },
});
