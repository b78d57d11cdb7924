import { drawName, playerLookup } from './names.js';
import { hash32, Rng } from './prng.js';

export const ROSTER_SIZE = 15;

export type Position = 'G' | 'F' | 'C';

/** A player's season-long profile; rates are per minute played. */
export interface PlayerProfile {
  name: string;
  lookup: string;
  team: string;
  /** NBA.com person id (nbac_player_boxscores.nba_player_id); unique in the league. */
  nbaId: number;
  /** BettingPros player id (bettingpros_player_points_props.bp_player_id); unique in the league. */
  bpId: number;
  /** 0-4 starters, 5-9 rotation, 10-12 deep bench, 13-14 end of the bench. */
  slot: number;
  position: Position;
  /** Minutes when everyone is available (relative weight; a game's minutes are normalised to 240). */
  baseMinutes: number;
  fgaPerMin: number;
  /** Share of field-goal attempts that are threes. */
  threeRate: number;
  /** Share of two-point attempts taken in the paint (the rest are mid-range). */
  paintShare: number;
  pPaint: number;
  pMid: number;
  pThree: number;
  ftaPerFga: number;
  ftPct: number;
  orebPerMin: number;
  drebPerMin: number;
  astPerMin: number;
  stlPerMin: number;
  blkPerMin: number;
  tovPerMin: number;
  pfPerMin: number;
}

export interface TeamProfile {
  code: string;
  /** Multiplier on the team's shooting percentages. */
  offense: number;
  /** Multiplier on opponents' shooting percentages (below 1 is a good defence). */
  defense: number;
  pace: number;
  players: PlayerProfile[];
}

const SLOT_MINUTES = [35, 33, 31, 29, 27, 24, 21, 18, 15, 12, 8, 5, 3, 2, 1];
const SLOT_USAGE = [1.45, 1.25, 1.1, 1.0, 0.9, 1.05, 0.95, 0.9, 0.85, 0.85, 0.8, 0.8, 0.8, 0.8, 0.8];
/** League-average field-goal attempts per player-minute (about 88 per 240 minutes). */
const FGA_PER_MIN = 88 / 240;

/** Expected points per minute of a profile. */
export function pointsPerMinute(p: PlayerProfile): number {
  const twoShare = 1 - p.threeRate;
  const perShot =
    2 * twoShare * (p.paintShare * p.pPaint + (1 - p.paintShare) * p.pMid) + 3 * p.threeRate * p.pThree;
  return p.fgaPerMin * (perShot + p.ftaPerFga * p.ftPct);
}

function positionFor(slot: number, rng: Rng): Position {
  const r = rng.next();
  if (slot === 4 || slot === 9) return r < 0.75 ? 'C' : 'F';
  return r < 0.45 ? 'G' : r < 0.85 ? 'F' : 'C';
}

function drawProfile(rng: Rng, slot: number): Omit<PlayerProfile, 'name' | 'lookup' | 'team' | 'nbaId' | 'bpId' | 'slot'> {
  const position = positionFor(slot, rng);
  const per36 = (x: number) => x / 36;
  const byPos = <T>(g: T, f: T, c: T): T => (position === 'G' ? g : position === 'F' ? f : c);
  const usage = (SLOT_USAGE[slot] ?? 0.8) * rng.uniform(0.85, 1.15);
  return {
    position,
    baseMinutes: Math.max(1, (SLOT_MINUTES[slot] ?? 2) + rng.normal(0, slot < 10 ? 2 : 1)),
    fgaPerMin: usage * FGA_PER_MIN,
    threeRate: byPos(rng.uniform(0.38, 0.55), rng.uniform(0.3, 0.5), rng.uniform(0.03, 0.3)),
    paintShare: byPos(rng.uniform(0.42, 0.6), rng.uniform(0.5, 0.7), rng.uniform(0.75, 0.92)),
    pPaint: byPos(rng.uniform(0.52, 0.6), rng.uniform(0.55, 0.63), rng.uniform(0.6, 0.7)),
    pMid: rng.uniform(0.37, 0.47),
    pThree: byPos(rng.uniform(0.33, 0.4), rng.uniform(0.32, 0.39), rng.uniform(0.26, 0.36)),
    ftaPerFga: rng.uniform(0.18, 0.32) * (slot === 0 ? 1.3 : 1),
    ftPct: byPos(rng.uniform(0.76, 0.9), rng.uniform(0.72, 0.86), rng.uniform(0.6, 0.78)),
    orebPerMin: per36(byPos(rng.uniform(0.5, 1), rng.uniform(1, 2), rng.uniform(2.2, 3.8))),
    drebPerMin: per36(byPos(rng.uniform(3, 4.3), rng.uniform(4.3, 6), rng.uniform(6.3, 8.8))),
    astPerMin: per36(byPos(rng.uniform(3.8, 7.2), rng.uniform(1.7, 3.4), rng.uniform(1.3, 3)) * (slot === 0 ? 1.2 : 1)),
    stlPerMin: per36(byPos(rng.uniform(1, 1.6), rng.uniform(0.8, 1.3), rng.uniform(0.5, 1))),
    blkPerMin: per36(byPos(rng.uniform(0.2, 0.5), rng.uniform(0.5, 1), rng.uniform(1.3, 2.4))),
    tovPerMin: per36(rng.uniform(1.4, 2.2) * usage),
    pfPerMin: per36(byPos(rng.uniform(2.2, 3), rng.uniform(2.6, 3.4), rng.uniform(3.2, 4.2))),
  };
}

/**
 * How many times a roster slot has changed hands by a season: each year from 2000 a slot turns over
 * with probability 0.3. Identities come from (seed, team, slot, generation), so consecutive seasons
 * of the same seed share most players without replaying earlier seasons.
 */
function slotGeneration(seed: number, team: string, slot: number, seasonYear: number): number {
  let generation = 0;
  for (let y = 2000; y <= seasonYear; y++) if (Rng.from(seed, 'turnover', team, slot, y).chance(0.3)) generation++;
  return generation;
}

/**
 * An id in [base, base + span) from a hash of the player's lookup (so a player keeps it from season
 * to season), moved to the next free one on a collision; no random draw, so no other value changes.
 */
function uniqueId(key: string, base: number, span: number, taken: Set<number>): number {
  let offset = hash32(key) % span;
  while (taken.has(base + offset)) offset = (offset + 1) % span;
  taken.add(base + offset);
  return base + offset;
}

/** 15 players per team; player_lookup is unique across the league (a colliding name is redrawn). */
export function buildLeague(seed: number, seasonYear: number, teamCodes: readonly string[]): TeamProfile[] {
  const taken = new Set<string>();
  const nbaIds = new Set<number>();
  const bpIds = new Set<number>();
  const seasonRng = Rng.from(seed, seasonYear, 'teams');
  return teamCodes.map((code) => {
    const players: PlayerProfile[] = [];
    for (let slot = 0; slot < ROSTER_SIZE; slot++) {
      const generation = slotGeneration(seed, code, slot, seasonYear);
      const nameRng = Rng.from(seed, 'name', code, slot, generation);
      let name = drawName(nameRng);
      let lookup = playerLookup(name);
      while (taken.has(lookup) || lookup === '') {
        name = drawName(nameRng);
        lookup = playerLookup(name);
      }
      taken.add(lookup);
      const profile = drawProfile(Rng.from(seed, 'profile', code, slot, generation), slot);
      const nbaId = uniqueId(`nba-person|${seed}|${lookup}`, 1_626_000, 100_000, nbaIds);
      const bpId = uniqueId(`bp-player|${seed}|${lookup}`, 10_000, 90_000, bpIds);
      players.push({ name, lookup, team: code, nbaId, bpId, slot, ...profile });
    }
    // Scale usage so that a full-strength game (slots 0-12 active) averages 88 field-goal attempts.
    const rotation = players.slice(0, ROSTER_SIZE - 2);
    const baseTotal = rotation.reduce((s, p) => s + p.baseMinutes, 0);
    const fgaTotal = rotation.reduce((s, p) => s + p.fgaPerMin * p.baseMinutes, 0);
    const scale = (FGA_PER_MIN * baseTotal) / fgaTotal;
    for (const p of players) p.fgaPerMin *= scale;
    return {
      code,
      offense: 1 + 0.018 * seasonRng.normal(),
      defense: 1 + 0.014 * seasonRng.normal(),
      pace: 1 + 0.03 * seasonRng.normal(),
      players,
    };
  });
}
