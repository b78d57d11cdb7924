import { compactDate } from '../calendar/dates.js';
import { seasonLabel } from '../calendar/seasons.js';
import { morningAfter, stamp, type SampleRow, type SampleSeasonOptions } from './common.js';
import type { GameMeta } from './games.js';
import { hexHash, Rng } from './prng.js';
import { teamInfo } from './teams.js';

const SCHEDULE_PREVIEW_SHARE = 0.05;

/**
 * nbac_schedule: one final row per game; ~5 % of games also have an earlier scheduled-status row
 * (the schedule is appended per status update). `game_id` is NBA.com's id (`0022100001`).
 */
export function scheduleRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'schedule-rows');
  const label = seasonLabel(options.seasonYear);
  const rows: SampleRow[] = [];
  for (const m of games) {
    const { game, result } = m;
    const homePts = result.home.totals.points;
    const awayPts = result.away.totals.points;
    // The platform's game_date_est: the Eastern wall-clock tip, stored as if it were UTC.
    const tipEastern = stamp(game.date, m.tipEastern);
    const path = `sample-data/nba-com/schedule/${game.date}.json`;
    const gameCode = `${compactDate(game.date)}/${game.away}${game.home}`;
    const home = teamInfo(game.home);
    const away = teamInfo(game.away);
    const preview = rng.chance(SCHEDULE_PREVIEW_SHARE);
    const previewAt = stamp(game.date, -12 * 60 + rng.int(0, 360));
    const finalAt = morningAfter(game.date, rng);
    for (const final of preview ? [false, true] : [true]) {
      const processedAt = final ? finalAt : previewAt;
      rows.push({
        game_id: m.nbaId,
        game_code: gameCode,
        season: label,
        game_date: game.date,
        game_date_est: tipEastern,
        season_year: options.seasonYear,
        season_nba_format: label,
        game_status: final ? 3 : 1,
        game_status_text: final ? 'Final' : 'Scheduled',
        home_team_id: home.id,
        home_team_tricode: game.home,
        home_team_name: home.name,
        away_team_id: away.id,
        away_team_tricode: game.away,
        away_team_name: away.name,
        home_team_score: final ? homePts : null,
        away_team_score: final ? awayPts : null,
        winning_team_tricode: final ? (homePts > awayPts ? game.home : game.away) : null,
        is_regular_season: !game.playoff,
        is_playoffs: game.playoff,
        is_all_star: false,
        source_file_path: path,
        data_hash: hexHash(final ? `schedule|${m.nbaId}|3|${homePts}|${awayPts}` : `schedule|${m.nbaId}|1`),
        created_at: processedAt,
        processed_at: processedAt,
      });
    }
  }
  return rows;
}
