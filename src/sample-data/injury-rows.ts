import { seasonLabel } from '../calendar/seasons.js';
import { stamp, type SampleRow, type SampleSeasonOptions } from './common.js';
import { easternEveningOffset } from './eastern-time.js';
import { sides, type GameMeta } from './games.js';
import { hexHash, Rng } from './prng.js';
import type { PlayerLine } from './simulate.js';

/** The game day's 5 PM ET report, before every sample tip (7 PM ET at the earliest). */
const PREGAME_HOUR = 17;
/** An 11 PM ET report, after every sample tip: it must never count for the game. */
const AFTER_TIP_HOUR = 23;
const AFTER_TIP_SHARE = 0.2;
const LISTED: readonly { status: string; share: number }[] = [
  { status: 'questionable', share: 0.4 },
  { status: 'doubtful', share: 0.1 },
  { status: 'probable', share: 0.3 },
];

/**
 * nbac_injury_report: per game and team the 5 PM ET report (the inactive player `out`, sometimes
 * a questionable, doubtful or probable player), and for some teams an 11 PM ET report after the
 * tip that marks another player `out`. `report_date` is the game date.
 */
export function injuryRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const label = seasonLabel(options.seasonYear);
  const rows: SampleRow[] = [];
  for (const m of games) {
    const rng = Rng.from(options.seed, options.seasonYear, 'injury', m.gameId);
    const row = (team: string, l: PlayerLine, status: string, hour: number): SampleRow => ({
      report_date: m.game.date,
      report_hour: hour,
      season: label,
      game_date: m.game.date,
      game_time: `${Math.floor(m.tipEastern / 60) - 12}:${String(m.tipEastern % 60).padStart(2, '0')} PM ET`,
      game_id: m.gameId,
      matchup: `${m.game.away}@${m.game.home}`,
      away_team: m.game.away,
      home_team: m.game.home,
      team,
      player_name_original: l.player.name,
      player_full_name: l.player.name,
      player_lookup: l.player.lookup,
      injury_status: status,
      reason: status === 'out' ? 'Injury/Illness' : 'Injury/Illness - Day-To-Day',
      reason_category: 'injury',
      confidence_score: 1,
      source_file_path: `sample-data/nba-com/injury-report/${m.game.date}/${String(hour).padStart(2, '0')}.json`,
      data_hash: hexHash(`injury|${m.gameId}|${team}|${l.player.lookup}|${status}|${hour}`),
      processed_at: stamp(m.game.date, hour * 60 + easternEveningOffset(m.game.date) + 5),
    });
    for (const [side] of sides(m)) {
      const team = side.team.code;
      const active = side.lines.filter((l) => l.status === 'active');
      for (const l of side.lines.filter((x) => x.status === 'inactive')) rows.push(row(team, l, 'out', PREGAME_HOUR));
      // Listed players who then played: bench players, so the listing does not decide the game.
      const bench = rng.shuffle(active.slice(5));
      for (const { status, share } of LISTED) {
        const l = bench.pop();
        if (l && rng.chance(share)) rows.push(row(team, l, status, PREGAME_HOUR));
      }
      const late = bench.pop();
      if (late && rng.chance(AFTER_TIP_SHARE)) rows.push(row(team, late, 'out', AFTER_TIP_HOUR));
    }
  }
  return rows;
}
