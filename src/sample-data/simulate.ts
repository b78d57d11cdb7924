import type { PlayerProfile, TeamProfile } from './roster.js';
import type { ScheduledGame } from './schedule.js';
import type { Rng } from './prng.js';

export type PlayerStatus = 'active' | 'inactive' | 'dnp';

/** Minutes are handed out in 6-second units so that minutes_decimal has one exact decimal. */
export const UNITS_PER_MINUTE = 10;

export interface PlayerLine {
  player: PlayerProfile;
  status: PlayerStatus;
  /** Gamebook reason for inactive and DNP players. */
  reason: string | null;
  /** Time played in 6-second units (0 when not active). */
  units: number;
  starter: boolean;
  /** The minutes a bookmaker would expect before the game (0 when not active). */
  expectedMinutes: number;
  paintA: number;
  paintM: number;
  midA: number;
  midM: number;
  threeA: number;
  threeM: number;
  fta: number;
  ftm: number;
  oreb: number;
  dreb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  plusMinus: number;
}

export interface TeamTotals {
  fgm: number;
  fga: number;
  threeM: number;
  threeA: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  points: number;
}

export interface TeamGame {
  team: TeamProfile;
  isHome: boolean;
  /** Listing order: actives by minutes (starters first), then inactive, then DNP. */
  lines: PlayerLine[];
  totals: TeamTotals;
}

export interface GameResult {
  game: ScheduledGame;
  overtimes: number;
  home: TeamGame;
  away: TeamGame;
}

export function fgm(l: PlayerLine): number {
  return l.paintM + l.midM + l.threeM;
}

export function fga(l: PlayerLine): number {
  return l.paintA + l.midA + l.threeA;
}

export function points(l: PlayerLine): number {
  return 2 * fgm(l) + l.threeM + l.ftm;
}

const INJURIES = [
  'Injury/Illness - Left Ankle; Sprain',
  'Injury/Illness - Right Ankle; Sprain',
  'Injury/Illness - Left Knee; Soreness',
  'Injury/Illness - Right Hamstring; Strain',
  'Injury/Illness - Low Back; Spasms',
  'Injury/Illness - Illness',
  'Health and Safety Protocols',
];
const ROSTER_REASONS = ['G League - On Assignment', 'Not With Team', 'Rest'];
const DNP_REASON = "DNP - Coach's Decision";

interface Injury {
  remaining: number;
  reason: string;
}

/** Per-team state that carries from game to game (injury spells). */
export class TeamState {
  readonly injuries = new Map<number, Injury>();
}

function emptyLine(player: PlayerProfile, status: PlayerStatus, reason: string | null): PlayerLine {
  return {
    player,
    status,
    reason,
    units: 0,
    starter: false,
    expectedMinutes: 0,
    paintA: 0,
    paintM: 0,
    midA: 0,
    midM: 0,
    threeA: 0,
    threeM: 0,
    fta: 0,
    ftm: 0,
    oreb: 0,
    dreb: 0,
    ast: 0,
    stl: 0,
    blk: 0,
    tov: 0,
    pf: 0,
    plusMinus: 0,
  };
}

/** Exactly two players sit out: injured ones first, then end-of-bench players (inactive or DNP). */
function chooseAvailability(team: TeamProfile, state: TeamState, rng: Rng): PlayerLine[] {
  const players = team.players;
  if (rng.chance(0.035)) {
    const candidates = players.filter((p) => !state.injuries.has(p.slot));
    const hurt = rng.pick(candidates);
    state.injuries.set(hurt.slot, { remaining: 1 + rng.poisson(4), reason: rng.pick(INJURIES) });
  }
  const injured = [...state.injuries.entries()].sort((a, b) => b[1].remaining - a[1].remaining || a[0] - b[0]);
  for (const [slot] of injured.slice(2)) state.injuries.delete(slot);

  const out = new Map<number, PlayerLine>();
  for (const [slot, injury] of injured.slice(0, 2)) {
    out.set(slot, emptyLine(players[slot] as PlayerProfile, 'inactive', injury.reason));
  }
  if (out.size === 0 && rng.chance(0.85)) {
    const slot = rng.chance(0.5) ? 13 : 14;
    out.set(slot, emptyLine(players[slot] as PlayerProfile, 'inactive', rng.pick(ROSTER_REASONS)));
  }
  while (out.size < 2) {
    const bench = players.filter((p) => p.slot >= 10 && !out.has(p.slot));
    const index = rng.weightedIndex(bench.map((p) => (p.slot - 9) ** 2));
    const p = bench[index] as PlayerProfile;
    out.set(p.slot, emptyLine(p, 'dnp', DNP_REASON));
  }

  for (const [slot, injury] of state.injuries) {
    injury.remaining--;
    if (injury.remaining <= 0) state.injuries.delete(slot);
  }
  return players.map((p) => out.get(p.slot) ?? emptyLine(p, 'active', null));
}

/**
 * Splits `total` units among players in proportion to `weights`, each between `min` and `max`,
 * summing to exactly `total` (clamp-and-renormalise, then largest remainders).
 */
export function splitUnits(weights: readonly number[], total: number, min: number, max: number): number[] {
  const n = weights.length;
  const target = new Array<number>(n).fill(0);
  const fixed = new Array<boolean>(n).fill(false);
  for (let pass = 0; pass < n + 1; pass++) {
    let free = total;
    let weight = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) free -= target[i] ?? 0;
      else weight += weights[i] ?? 0;
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      const t = weight > 0 ? ((weights[i] ?? 0) / weight) * free : free / n;
      if (t < min || t > max) {
        target[i] = t < min ? min : max;
        fixed[i] = true;
        changed = true;
      } else target[i] = t;
    }
    if (!changed) break;
  }
  const units = target.map((t) => Math.floor(t));
  let left = total - units.reduce((a, b) => a + b, 0);
  const order = target.map((t, i) => ({ i, frac: t - Math.floor(t) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0 && k < order.length * 4; k++) {
    const i = (order[k % order.length] as { i: number }).i;
    if ((units[i] ?? 0) < max) {
      units[i] = (units[i] ?? 0) + 1;
      left--;
    }
  }
  for (let k = 0; left < 0 && k < order.length * 4; k++) {
    const i = (order[order.length - 1 - (k % order.length)] as { i: number }).i;
    if ((units[i] ?? 0) > min) {
      units[i] = (units[i] ?? 0) - 1;
      left++;
    }
  }
  return units;
}

function clampP(p: number): number {
  return Math.min(0.95, Math.max(0.03, p));
}

interface Context {
  shooting: number;
  pace: number;
}

function playMinutes(line: PlayerLine, minutes: number, attempts: number, ctx: Context, rng: Rng): void {
  const p = line.player;
  line.threeA = rng.binomial(attempts, p.threeRate);
  const twos = attempts - line.threeA;
  line.paintA = rng.binomial(twos, p.paintShare);
  line.midA = twos - line.paintA;
  line.paintM = rng.binomial(line.paintA, clampP(p.pPaint * ctx.shooting));
  line.midM = rng.binomial(line.midA, clampP(p.pMid * ctx.shooting));
  line.threeM = rng.binomial(line.threeA, clampP(p.pThree * ctx.shooting));
  line.fta = rng.poisson(p.ftaPerFga * p.fgaPerMin * minutes * ctx.pace);
  line.ftm = rng.binomial(line.fta, p.ftPct);
  line.oreb = rng.poisson(p.orebPerMin * minutes);
  line.dreb = rng.poisson(p.drebPerMin * minutes);
  line.ast = rng.poisson(p.astPerMin * minutes);
  line.stl = rng.poisson(p.stlPerMin * minutes);
  line.blk = rng.poisson(p.blkPerMin * minutes);
  line.tov = rng.poisson(p.tovPerMin * minutes);
  line.pf = Math.min(6, rng.poisson(p.pfPerMin * minutes));
}

export function teamTotals(lines: readonly PlayerLine[]): TeamTotals {
  const t: TeamTotals = {
    fgm: 0, fga: 0, threeM: 0, threeA: 0, ftm: 0, fta: 0, oreb: 0, dreb: 0,
    ast: 0, stl: 0, blk: 0, tov: 0, pf: 0, points: 0,
  };
  for (const l of lines) {
    if (l.status !== 'active') continue;
    t.fgm += fgm(l);
    t.fga += fga(l);
    t.threeM += l.threeM;
    t.threeA += l.threeA;
    t.ftm += l.ftm;
    t.fta += l.fta;
    t.oreb += l.oreb;
    t.dreb += l.dreb;
    t.ast += l.ast;
    t.stl += l.stl;
    t.blk += l.blk;
    t.tov += l.tov;
    t.pf += l.pf;
    t.points += points(l);
  }
  return t;
}

function playTeam(
  team: TeamProfile,
  opponent: TeamProfile,
  isHome: boolean,
  state: TeamState,
  overtimes: number,
  pace: number,
  rng: Rng,
): TeamGame {
  const lines = chooseAvailability(team, state, rng);
  const active = lines.filter((l) => l.status === 'active');
  const teamMinutes = 240 + 25 * overtimes;
  const gameMinutes = 48 + 5 * overtimes;

  const baseTotal = active.reduce((s, l) => s + l.player.baseMinutes, 0);
  for (const l of active) l.expectedMinutes = Math.min(42, (l.player.baseMinutes / baseTotal) * 240);

  const weights = active.map((l) => {
    const sd = l.player.slot < 5 ? 0.08 : l.player.slot < 10 ? 0.15 : 0.35;
    return l.player.baseMinutes * Math.exp(rng.normal(0, sd));
  });
  const maxUnits = (gameMinutes - 2) * UNITS_PER_MINUTE;
  const units = splitUnits(weights, teamMinutes * UNITS_PER_MINUTE, UNITS_PER_MINUTE, maxUnits);
  const ctx: Context = {
    shooting: team.offense * opponent.defense * (isHome ? 1.01 : 0.99) * (1 + rng.normal(0, 0.012)),
    pace,
  };
  // Team attempts come from the pace (possessions bound them), then go to players by usage x minutes.
  active.forEach((l, i) => (l.units = units[i] ?? UNITS_PER_MINUTE));
  const usage = active.map((l) => l.player.fgaPerMin * (l.units / UNITS_PER_MINUTE));
  const expectedFga = usage.reduce((s, u) => s + u, 0) * pace;
  const teamFga = Math.max(50, Math.round(expectedFga * (1 + rng.normal(0, 0.02))));
  const attempts = new Array<number>(active.length).fill(0);
  const cumulative: number[] = [];
  let running = 0;
  for (const u of usage) cumulative.push((running += u));
  for (let k = 0; k < teamFga; k++) {
    const r = rng.next() * running;
    let i = 0;
    while (i < cumulative.length - 1 && r >= (cumulative[i] as number)) i++;
    attempts[i] = (attempts[i] ?? 0) + 1;
  }
  active.forEach((l, i) => playMinutes(l, l.units / UNITS_PER_MINUTE, attempts[i] ?? 0, ctx, rng));

  // A team cannot have more assists than made field goals.
  const made = active.reduce((s, l) => s + fgm(l), 0);
  let assists = active.reduce((s, l) => s + l.ast, 0);
  while (assists > made && assists > 0) {
    const top = active.reduce((a, b) => (b.ast > a.ast ? b : a));
    top.ast--;
    assists--;
  }

  const byMinutes = [...active].sort((a, b) => b.units - a.units || a.player.slot - b.player.slot);
  byMinutes.slice(0, 5).forEach((l) => (l.starter = true));
  const rank = (l: PlayerLine): number => (l.status === 'inactive' ? 0 : 1);
  const others = lines.filter((l) => l.status !== 'active').sort((a, b) => rank(a) - rank(b));
  const ordered = [...byMinutes, ...others];
  return { team, isHome, lines: ordered, totals: teamTotals(ordered) };
}

/** Simulates one game; `states` carries injuries across a team's games. */
export function playGame(
  game: ScheduledGame,
  home: TeamProfile,
  away: TeamProfile,
  states: Map<string, TeamState>,
  rng: Rng,
): GameResult {
  const overtimes = rng.chance(0.06) ? (rng.chance(0.1) ? 2 : 1) : 0;
  const pace = ((home.pace + away.pace) / 2) * (1 + rng.normal(0, 0.03));
  const stateOf = (code: string): TeamState => {
    let s = states.get(code);
    if (!s) {
      s = new TeamState();
      states.set(code, s);
    }
    return s;
  };
  const h = playTeam(home, away, true, stateOf(home.code), overtimes, pace, rng);
  const a = playTeam(away, home, false, stateOf(away.code), overtimes, pace, rng);

  if (h.totals.points === a.totals.points) {
    // No ties: one more made free throw for a rotation player of a team picked at random.
    const side = rng.chance(0.5) ? h : a;
    const shooter = rng.pick(side.lines.filter((l) => l.status === 'active').slice(0, 8));
    shooter.fta++;
    shooter.ftm++;
    side.totals = teamTotals(side.lines);
  }

  const gameMinutes = 48 + 5 * overtimes;
  for (const [side, other] of [
    [h, a],
    [a, h],
  ] as const) {
    const margin = side.totals.points - other.totals.points;
    for (const l of side.lines) {
      if (l.status !== 'active') continue;
      const share = l.units / UNITS_PER_MINUTE / gameMinutes;
      l.plusMinus = Math.round(margin * share + rng.normal(0, 6 * Math.sqrt(share)));
    }
  }
  return { game, overtimes, home: h, away: a };
}
