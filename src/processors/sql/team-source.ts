import type { SqlDialect } from '../../warehouse/dialect.js';
import { nbacTeamBoxscore } from '../../warehouse/tables/raw-tables.js';
import { latestPerKey, minutesSql } from './common.js';

/**
 * Defines `team_stats`: one row per team and game between `from` and `to`, from the team box score
 * (gold; rows with 0 points or 0 FGA are ignored) or else the sum of the team's resolved active
 * player rows (silver, at least 5 players). Needs `team_games` and the CTEs of
 * `resolvedPlayersCtes` over the same range. Adds `possessions_exact` = FGA + 0.44 FTA + TOV - OREB.
 */
export function teamStatsCtes(d: SqlDialect, from: string, to: string): string {
  const boxscores = latestPerKey(
    d,
    `SELECT * FROM ${d.table(nbacTeamBoxscore)} WHERE game_date BETWEEN ${from} AND ${to}`,
    'r.game_date, r.team_abbr',
    ['game_id', 'points', 'fg_attempted', 'minutes'],
  );
  return `team_box AS (
    SELECT tg.game_date, tg.game_id, tg.team_abbr, 'nbac_team_boxscore' AS source, 'gold' AS tier,
      ${minutesSql(d, 'b.minutes')} AS team_minutes, b.points, b.fg_made AS fg_makes, b.fg_attempted AS fg_attempts,
      b.three_pt_made AS three_pt_makes, b.three_pt_attempted AS three_pt_attempts, b.ft_made AS ft_makes,
      b.ft_attempted AS ft_attempts, b.offensive_rebounds, b.defensive_rebounds, b.assists, b.steals, b.blocks,
      b.turnovers, b.personal_fouls
    FROM team_games AS tg
    JOIN (${boxscores}) AS b ON b.game_date = tg.game_date AND b.team_abbr = tg.team_abbr
    WHERE b.points > 0 AND b.fg_attempted > 0
  ),
  team_reconstructed AS (
    SELECT t.game_date, t.game_id, t.team_abbr, t.source, 'silver' AS tier, t.team_minutes, t.points, t.fg_makes,
      t.fg_attempts, t.three_pt_makes, t.three_pt_attempts, t.ft_makes, t.ft_attempts, t.offensive_rebounds,
      t.defensive_rebounds, t.assists, t.steals, t.blocks, t.turnovers, t.personal_fouls
    FROM team_player_totals AS t
    LEFT JOIN team_box AS b ON b.game_id = t.game_id AND b.team_abbr = t.team_abbr
    WHERE b.team_abbr IS NULL AND t.active_players >= 5
  ),
  team_stats AS (
    SELECT s.*, s.fg_attempts + 0.44 * s.ft_attempts + s.turnovers - s.offensive_rebounds AS possessions_exact
    FROM (SELECT * FROM team_box UNION ALL SELECT * FROM team_reconstructed) AS s
  )`;
}

/** Pace per 48 minutes from possessions and total team minutes (5 players on the floor). */
export function paceSql(d: SqlDialect, possessions: string, teamMinutes: string): string {
  return d.safeDivide(`${possessions} * 48`, `${teamMinutes} / 5`);
}
