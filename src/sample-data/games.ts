import { compactDate } from '../calendar/dates.js';
import type { SampleSeasonOptions } from './common.js';
import { easternEveningOffset } from './eastern-time.js';
import { hash32, Rng } from './prng.js';
import type { TeamProfile } from './roster.js';
import { buildPlayoffs, buildRegularSeason, LATE_TIP_TEAMS, TEAM_CODES, type ScheduledGame } from './schedule.js';
import { playGame, type GameResult, type PlayerLine, type TeamGame, type TeamState } from './simulate.js';

// Shares of the synthetic data-quality realities in source coverage.
const GAMEBOOK_GAP_SHARE = 0.03;
const NBAC_BOXSCORE_SHARE = 0.6;
const PBP_SHARE = 0.35;

export interface GameMeta {
  game: ScheduledGame;
  gameId: string;
  nbaId: string;
  /** Tip-off in minutes after midnight UTC of the game date (7 PM EST is 24 * 60, 7 PM EDT 23 * 60). */
  tip: number;
  /** Tip-off on the Eastern wall clock, in minutes after midnight of the game date (7 PM is 19 * 60). */
  tipEastern: number;
  result: GameResult;
}

export function chooseShare<T>(items: readonly T[], share: number, rng: Rng): Set<T> {
  const count = Math.round(items.length * share);
  return new Set(rng.shuffle([...items]).slice(0, count));
}

export function simulateSeason(options: SampleSeasonOptions, league: TeamProfile[]): GameMeta[] {
  const { seasonYear, start, end, seed } = options;
  const yy = String(seasonYear % 100).padStart(2, '0');
  const teams = new Map(league.map((t) => [t.code, t]));
  const states = new Map<string, TeamState>();
  const tipRng = Rng.from(seed, seasonYear, 'tips');
  // Tips are Eastern wall times (7, 7:30 or 10 PM), so their UTC instant moves with daylight saving.
  const tipFor = (home: string): number => (LATE_TIP_TEAMS.has(home) ? 22 * 60 : tipRng.chance(0.5) ? 19 * 60 : 19 * 60 + 30);

  const play = (games: ScheduledGame[], idOf: (g: ScheduledGame, i: number) => string): GameMeta[] => {
    const withTips = games.map((game) => {
      const tipEastern = tipFor(game.home);
      return { game, tipEastern, tip: tipEastern + easternEveningOffset(game.date) };
    });
    withTips.sort((a, b) =>
      a.game.date !== b.game.date
        ? a.game.date < b.game.date ? -1 : 1
        : a.tip - b.tip || (a.game.home < b.game.home ? -1 : a.game.home > b.game.home ? 1 : 0),
    );
    return withTips.map(({ game, tip, tipEastern }, i) => {
      const gameId = `${compactDate(game.date)}_${game.away}_${game.home}`;
      const home = teams.get(game.home) as TeamProfile;
      const away = teams.get(game.away) as TeamProfile;
      const result = playGame(game, home, away, states, Rng.from(seed, seasonYear, 'game', gameId));
      return { game, gameId, nbaId: idOf(game, i), tip, tipEastern, result };
    });
  };

  const regular = play(
    buildRegularSeason(seasonYear, start, end, Rng.from(seed, seasonYear, 'schedule')),
    (_, i) => `002${yy}${String(i + 1).padStart(5, '0')}`,
  );

  const wins = new Map<string, number>(TEAM_CODES.map((c) => [c, 0]));
  for (const m of regular) {
    const { home, away } = m.result;
    const winner = home.totals.points > away.totals.points ? home : away;
    wins.set(winner.team.code, (wins.get(winner.team.code) ?? 0) + 1);
  }
  const tiebreak = (code: string): number => hash32(`${seed}|${seasonYear}|${code}`);
  const seeds = [...TEAM_CODES].sort((a, b) => (wins.get(b) ?? 0) - (wins.get(a) ?? 0) || tiebreak(a) - tiebreak(b));
  const playoffs = play(
    buildPlayoffs(seeds.slice(0, 16), end, Rng.from(seed, seasonYear, 'playoffs')),
    (g) => `004${yy}001${g.series ?? 0}${g.seriesGame ?? 0}`,
  );
  return [...regular, ...playoffs];
}

export function sides(m: GameMeta): [TeamGame, TeamGame][] {
  return [
    [m.result.home, m.result.away],
    [m.result.away, m.result.home],
  ];
}

export function actives(side: TeamGame): PlayerLine[] {
  return side.lines.filter((l) => l.status === 'active');
}
export interface Coverage {
  gamebook: Set<string>;
  nbacBox: Set<string>;
  pbp: Set<string>;
}

/**
 * Which games each source has: the gamebook misses ~3 % of games (half of those are in the NBA.com
 * box score, the rest only in BDL); the NBA.com box score has ~60 % of the others; PBP ~35 %.
 */
export function chooseCoverage(games: GameMeta[], options: SampleSeasonOptions): Coverage {
  const ids = games.map((m) => m.gameId);
  const gaps = [...chooseShare(ids, GAMEBOOK_GAP_SHARE, Rng.from(options.seed, options.seasonYear, 'gamebook-gaps'))];
  gaps.sort();
  const gapRng = Rng.from(options.seed, options.seasonYear, 'gap-fallbacks');
  const gapsWithBox = new Set(gapRng.shuffle([...gaps]).slice(0, Math.ceil(gaps.length / 2)));
  const gapSet = new Set(gaps);
  const boxRng = Rng.from(options.seed, options.seasonYear, 'nbac-box');
  const pbpRng = Rng.from(options.seed, options.seasonYear, 'pbp-games');
  const gamebook = new Set<string>();
  const nbacBox = new Set<string>();
  const pbp = new Set<string>();
  for (const id of ids) {
    const inBox = boxRng.chance(NBAC_BOXSCORE_SHARE);
    if (gapSet.has(id)) {
      if (gapsWithBox.has(id)) nbacBox.add(id);
    } else {
      gamebook.add(id);
      if (inBox) nbacBox.add(id);
    }
    if (pbpRng.chance(PBP_SHARE)) pbp.add(id);
  }
  return { gamebook, nbacBox, pbp };
}
