import { addDays, daysBetween, eachDay, type IsoDate } from '../calendar/dates.js';
import type { Rng } from './prng.js';

/** The 30 NBA team tricodes. */
export const TEAM_CODES: readonly string[] = [
  'ATL', 'BOS', 'BKN', 'CHA', 'CHI', 'CLE', 'DAL', 'DEN', 'DET', 'GSW',
  'HOU', 'IND', 'LAC', 'LAL', 'MEM', 'MIA', 'MIL', 'MIN', 'NOP', 'NYK',
  'OKC', 'ORL', 'PHI', 'PHX', 'POR', 'SAC', 'SAS', 'TOR', 'UTA', 'WAS',
];

/** Home teams whose games tip at 10 PM Eastern. */
export const LATE_TIP_TEAMS: ReadonlySet<string> = new Set(['GSW', 'LAC', 'LAL', 'POR', 'SAC']);

export const GAMES_PER_TEAM = 82;
const TEAMS = 30;
const ROUNDS_PER_CYCLE = TEAMS - 1;

export interface ScheduledGame {
  date: IsoDate;
  home: string;
  away: string;
  playoff: boolean;
  /** Playoffs only: the series (0-7) and the game number in it (1-7). */
  series: number | null;
  seriesGame: number | null;
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** US Thanksgiving: the fourth Thursday of November. */
export function thanksgiving(year: number): IsoDate {
  const first = `${year}-11-01`;
  const offset = (4 - dayOfWeek(first) + 7) % 7;
  return addDays(first, offset + 21);
}

/** The third Sunday of February of the season's second calendar year (All-Star Sunday). */
export function allStarSunday(seasonYear: number): IsoDate {
  const first = `${seasonYear + 1}-02-01`;
  const offset = (7 - dayOfWeek(first)) % 7;
  return addDays(first, offset + 14);
}

/** The All-Star break without games: Friday before All-Star Sunday to the Wednesday after (6 days). */
export function allStarBreak(seasonYear: number): { start: IsoDate; end: IsoDate } {
  const sunday = allStarSunday(seasonYear);
  return { start: addDays(sunday, -2), end: addDays(sunday, 3) };
}

/** Whether a calendar day can hold regular-season games (not the All-Star break, Dec 24, Thanksgiving). */
export function isPlayableDay(date: IsoDate, seasonYear: number): boolean {
  const brk = allStarBreak(seasonYear);
  if (date >= brk.start && date <= brk.end) return false;
  if (date.endsWith('-12-24')) return false;
  return date !== thanksgiving(Number(date.slice(0, 4)));
}

interface Pairing {
  home: number;
  away: number;
}

/** Circle method: 29 perfect matchings of 30 team positions; every pair meets exactly once. */
function circleRounds(): [number, number][][] {
  const rounds: [number, number][][] = [];
  for (let r = 0; r < ROUNDS_PER_CYCLE; r++) {
    const round: [number, number][] = [[TEAMS - 1, r]];
    for (let k = 1; k < TEAMS / 2; k++) {
      round.push([(r + k) % ROUNDS_PER_CYCLE, (r - k + ROUNDS_PER_CYCLE) % ROUNDS_PER_CYCLE]);
    }
    rounds.push(round);
  }
  return rounds;
}

/**
 * Orients the games of a graph in which every team has an even number of games so that each team
 * is at home exactly half the time: walking unused edges from a vertex in an even-degree graph can
 * only get stuck back at the start, so every walk is a closed trail.
 */
function balancedOrientation(games: [number, number][], rng: Rng): Pairing[] {
  const adjacency: number[][] = Array.from({ length: TEAMS }, () => []);
  games.forEach(([a, b], index) => {
    adjacency[a]?.push(index);
    adjacency[b]?.push(index);
  });
  for (const list of adjacency) rng.shuffle(list);
  const used = new Array<boolean>(games.length).fill(false);
  const oriented: (Pairing | undefined)[] = new Array<Pairing | undefined>(games.length);
  const cursor = new Array<number>(TEAMS).fill(0);
  const nextEdge = (vertex: number): number | undefined => {
    const list = adjacency[vertex] ?? [];
    let at = cursor[vertex] ?? 0;
    while (at < list.length && used[list[at] ?? 0]) at++;
    cursor[vertex] = at;
    return list[at];
  };
  for (const start of rng.shuffle(Array.from({ length: TEAMS }, (_, i) => i))) {
    for (let edge = nextEdge(start); edge !== undefined; edge = nextEdge(start)) {
      let vertex = start;
      let current: number | undefined = edge;
      while (current !== undefined) {
        used[current] = true;
        const [a, b] = games[current] as [number, number];
        const other = a === vertex ? b : a;
        oriented[current] = { home: vertex, away: other };
        vertex = other;
        current = nextEdge(vertex);
      }
    }
  }
  return oriented.map((p, i) => p ?? { home: games[i]?.[0] ?? 0, away: games[i]?.[1] ?? 0 });
}

/**
 * The 1230-game regular season: 82 rounds of 15 games (two circle-method cycles, the second with
 * home and away swapped, then 24 more rounds oriented so every team ends at 41 home / 41 away),
 * each round split into halves of 8 and 7 games that fill the playable days from start to end in
 * order, so back-to-backs happen naturally. With fewer playable days than halves, whole rounds
 * share a day; with more, some interior days go unused. The first and last days always have games.
 */
export function buildRegularSeason(seasonYear: number, start: IsoDate, end: IsoDate, rng: Rng): ScheduledGame[] {
  if (daysBetween(start, end) < 0) throw new Error(`season end ${end} is before start ${start}`);
  const teams = rng.shuffle([...TEAM_CODES]);
  const base = circleRounds();

  const firstCycle: Pairing[][] = base.map((round) =>
    round.map(([a, b]) => (rng.chance(0.5) ? { home: a, away: b } : { home: b, away: a })),
  );
  const secondCycle: Pairing[][] = firstCycle.map((round) => round.map((p) => ({ home: p.away, away: p.home })));
  const extraCount = GAMES_PER_TEAM - 2 * ROUNDS_PER_CYCLE;
  const extraRounds = rng.shuffle(base.map((_, i) => i)).slice(0, extraCount);
  const extraGames: [number, number][] = extraRounds.flatMap((r) => base[r] ?? []);
  const extraOriented = balancedOrientation(extraGames, rng);
  const thirdCycle: Pairing[][] = extraRounds.map((_, i) => extraOriented.slice(i * 15, i * 15 + 15));

  const rounds: Pairing[][] = [...rng.shuffle(firstCycle), ...rng.shuffle(secondCycle), ...rng.shuffle(thirdCycle)];

  const halves: Pairing[][] = [];
  for (const round of rounds) {
    const games = rng.shuffle([...round]);
    const cut = rng.chance(0.5) ? 8 : 7;
    halves.push(games.slice(0, cut), games.slice(cut));
  }

  const playable = eachDay(start, end).filter((d) => d === start || d === end || isPlayableDay(d, seasonYear));
  let units: Pairing[][];
  let days: IsoDate[];
  if (playable.length >= halves.length) {
    const interior = playable.slice(1, -1);
    const drop = new Set(rng.shuffle([...interior]).slice(0, playable.length - halves.length));
    days = playable.filter((d) => !drop.has(d));
    units = halves;
  } else {
    if (playable.length < rounds.length) {
      const needed = rounds.length;
      throw new Error(`${start}..${end} has ${playable.length} playable days; the schedule needs at least ${needed}`);
    }
    const merges = halves.length - playable.length;
    const merged = new Set<number>();
    for (let j = 0; j < merges; j++) merged.add(Math.floor(((j + 0.5) * rounds.length) / merges));
    units = [];
    rounds.forEach((_, r) => {
      const a = halves[2 * r] ?? [];
      const b = halves[2 * r + 1] ?? [];
      if (merged.has(r)) units.push([...a, ...b]);
      else units.push(a, b);
    });
    days = playable;
  }

  const games: ScheduledGame[] = [];
  units.forEach((unit, i) => {
    const date = days[i] as IsoDate;
    for (const p of unit) {
      games.push({
        date,
        home: teams[p.home] as string,
        away: teams[p.away] as string,
        playoff: false,
        series: null,
        seriesGame: null,
      });
    }
  });
  return games;
}

/**
 * A short first playoff round: eight series between the 16 seeded teams (1 v 16, 2 v 15, …) on ten
 * consecutive days from end + 4, with 2-4 games a day. The higher seed hosts games 1, 2, 5 and 7.
 */
export function buildPlayoffs(seeds: readonly string[], end: IsoDate, rng: Rng, gameDays = 10): ScheduledGame[] {
  const series = Array.from({ length: 8 }, (_, s) => ({
    s,
    high: seeds[s] as string,
    low: seeds[15 - s] as string,
    played: 0,
  }));
  const games: ScheduledGame[] = [];
  for (let day = 0; day < gameDays; day++) {
    const date = addDays(end, 4 + day);
    const count = rng.int(2, 4);
    const open = series.filter((x) => x.played < 7).map((x) => ({ x, key: x.played + rng.next() }));
    open.sort((a, b) => a.key - b.key);
    const today = open.slice(0, count).map((o) => o.x);
    today.sort((a, b) => a.s - b.s);
    for (const x of today) {
      x.played++;
      const highHome = [1, 2, 5, 7].includes(x.played);
      games.push({
        date,
        home: highHome ? x.high : x.low,
        away: highHome ? x.low : x.high,
        playoff: true,
        series: x.s,
        seriesGame: x.played,
      });
    }
  }
  return games;
}
