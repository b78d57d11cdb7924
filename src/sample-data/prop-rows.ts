import { stamp, type SampleRow, type SampleSeasonOptions } from './common.js';
import { actives, chooseShare, sides, type GameMeta } from './games.js';
import { hexHash, Rng } from './prng.js';
import { pointsPerMinute, type PlayerProfile } from './roster.js';
import type { PlayerLine } from './simulate.js';

// Player prop lines: The Odds API (snapshots around tip-off) and BettingPros (a daily scrape).

const ODDS_API_DATE_SHARE = 0.4;
const BETTINGPROS_SKIP_SHARE = 0.003;

const ODDS_BOOKS = ['draftkings', 'fanduel', 'betmgm'] as const;
const BP_BOOKS = ['DraftKings', 'FanDuel', 'BetMGM'] as const;
const BP_CONSENSUS = 'BettingPros Consensus';
/** BettingPros' ids of its books and markets (as the platform's scraper maps them). */
const BP_BOOK_IDS: Readonly<Record<string, number>> = { [BP_CONSENSUS]: 0, FanDuel: 10, DraftKings: 12, BetMGM: 19 };
const BP_MARKET_IDS = { points: 156, assists: 151 } as const;
/**
 * What the platform's processor records for a player's team: taken from BettingPros unvalidated
 * (so always flagged), with its confidence for a scrape on the game date.
 */
const BP_TEAM_SOURCE = 'bettingpros';
const BP_VALIDATION_CONFIDENCE = 0.95;
const BP_VALIDATION_METHOD = 'bettingpros_freshness_based';
/** Over/under American prices with a normal hold. */
const PRICE_PAIRS: readonly (readonly [number, number])[] = [
  [-110, -110], [-110, -110], [-115, -105], [-105, -115], [-120, 100], [100, -120],
  [-112, -108], [-108, -112], [-125, 105], [105, -125],
];

function decimalPrice(american: number): number {
  const d = american < 0 ? 1 + 100 / -american : 1 + american / 100;
  return Math.round(d * 100) / 100;
}

/** A prop line near an expectation: mostly x.5, sometimes a whole number (so pushes happen). */
function propLine(expected: number, rng: Rng): number {
  const line = rng.chance(0.85) ? Math.floor(expected) + 0.5 : Math.round(expected);
  return Math.max(0.5, line);
}

/** A book's difference from the market line: 0 or one point in the market's lean, so books differ by 0-1. */
function bookOffset(lean: number, rng: Rng): number {
  return rng.chance(0.3) ? lean : 0;
}


interface PropPlayer {
  line: PlayerLine;
  team: string;
  /** The market's consensus lines for the game. */
  points: number;
  assists: number;
}

/** The ~7 players per team with the most expected minutes, and their market lines. */
function propPlayers(m: GameMeta, options: SampleSeasonOptions): PropPlayer[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'prop-players', m.gameId);
  const out: PropPlayer[] = [];
  for (const [side] of sides(m)) {
    const count = rng.pick([6, 7, 7, 7, 8]);
    const chosen = [...actives(side)]
      .sort((a, b) => b.expectedMinutes - a.expectedMinutes || a.player.slot - b.player.slot)
      .slice(0, count);
    for (const l of chosen) {
      const p: PlayerProfile = l.player;
      const expectedPoints = pointsPerMinute(p) * l.expectedMinutes * (1 + rng.normal(0, 0.05));
      const expectedAssists = p.astPerMin * l.expectedMinutes * (1 + rng.normal(0, 0.05));
      const pointsLine = propLine(expectedPoints, rng);
      out.push({ line: l, team: side.team.code, points: pointsLine, assists: propLine(expectedAssists, rng) });
    }
  }
  return out;
}

export function oddsApiRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const dates = [...new Set(games.map((m) => m.game.date))];
  const covered = chooseShare(dates, ODDS_API_DATE_SHARE, Rng.from(options.seed, options.seasonYear, 'odds-dates'));
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!covered.has(m.game.date)) continue;
    const rng = Rng.from(options.seed, options.seasonYear, 'odds-api', m.gameId);
    const eventId = hexHash(`odds-event|${options.seed}|${m.gameId}`, 32);
    const tipAt = stamp(m.game.date, m.tip);
    for (const pp of propPlayers(m, options)) {
      const move = rng.pick([0, 0, 0, 0, 0, 0, 0, 1, -1, 0.5]);
      const live = pp.points + (rng.chance(0.5) ? 1 : -1) * rng.pick([3.5, 4, 4.5, 5, 6]);
      const lean = rng.chance(0.5) ? 1 : -1;
      for (const book of ODDS_BOOKS) {
        const offset = bookOffset(lean, rng);
        const snapshots: [number, number][] = [
          [240, pp.points + offset],
          [30, pp.points + offset + move],
          [-20, live <= 0 ? pp.points + 4.5 : live],
        ];
        for (const [before, rawLine] of snapshots) {
          const [over, under] = rng.pick(PRICE_PAIRS);
          const line = Math.max(0.5, rawLine);
          const snapshotMinutes = m.tip - before;
          rows.push({
            game_id: m.gameId,
            odds_api_event_id: eventId,
            game_date: m.game.date,
            game_start_time: tipAt,
            home_team_abbr: m.game.home,
            away_team_abbr: m.game.away,
            snapshot_timestamp: stamp(m.game.date, snapshotMinutes),
            minutes_before_tipoff: before,
            bookmaker: book,
            player_lookup: pp.line.player.lookup,
            player_name: pp.line.player.name,
            points_line: line,
            over_price: decimalPrice(over),
            under_price: decimalPrice(under),
            over_price_american: over,
            under_price_american: under,
            data_source: 'odds_api',
            source_file_path: `sample-data/odds-api/player-props/${m.game.date}/${eventId}-${before}.json`,
            data_hash: hexHash(`odds|${m.gameId}|${pp.line.player.lookup}|${book}|${before}|${line}|${over}`),
            processed_at: stamp(m.game.date, snapshotMinutes + rng.int(2, 12)),
          });
        }
      }
    }
  }
  return rows;
}

interface BookLine {
  book: string;
  line: number;
  prices: readonly [number, number];
}

export function bettingProsRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const dates = [...new Set(games.map((m) => m.game.date))];
  const skipCount = dates.length >= 50 ? Math.max(1, Math.round(dates.length * BETTINGPROS_SKIP_SHARE)) : 0;
  const skipRng = Rng.from(options.seed, options.seasonYear, 'bp-skip');
  const skipped = new Set(skipRng.shuffle([...dates]).slice(0, skipCount));
  const scrapeRng = Rng.from(options.seed, options.seasonYear, 'bp-scrape');
  const scrapeAt = new Map(dates.map((d) => [d, 17 * 60 + scrapeRng.int(0, 90)]));
  // BettingPros event ids: one per game, in schedule order (5 digits, like the real ones).
  const bpEventBase = (options.seasonYear % 100) * 2_000 + 1;
  const rows: SampleRow[] = [];
  for (let g = 0; g < games.length; g++) {
    const m = games[g] as GameMeta;
    const date = m.game.date;
    if (skipped.has(date)) continue;
    const bpEventId = bpEventBase + g;
    const rng = Rng.from(options.seed, options.seasonYear, 'bettingpros', m.gameId);
    const created = scrapeAt.get(date) ?? 17 * 60;
    const createdAt = stamp(date, created);
    for (const pp of propPlayers(m, options)) {
      for (const [market, base] of [
        ['points', pp.points],
        ['assists', pp.assists],
      ] as const) {
        // Points: three books and the consensus. Other markets (here assists) only as the consensus.
        const lean = rng.chance(0.5) ? 1 : -1;
        const books: BookLine[] = (market === 'points' ? BP_BOOKS : []).map((book) => ({
          book,
          line: Math.max(0.5, base + bookOffset(lean, rng)),
          prices: rng.pick(PRICE_PAIRS),
        }));
        const sorted = books.map((b) => b.line).sort((a, b) => a - b);
        const consensusLine = Math.max(0.5, (sorted[1] ?? base) + (rng.chance(0.2) ? rng.pick([-0.5, 0.5]) : 0));
        const all: BookLine[] = [...books, { book: BP_CONSENSUS, line: consensusLine, prices: rng.pick(PRICE_PAIRS) }];
        let bestOver: BookLine | null = null;
        let bestUnder: BookLine | null = null;
        // The best over is the lowest line (then the best price), the best under the highest.
        for (const b of books) {
          const o = bestOver;
          if (!o || b.line < o.line || (b.line === o.line && b.prices[0] > o.prices[0])) bestOver = b;
          const u = bestUnder;
          if (!u || b.line > u.line || (b.line === u.line && b.prices[1] > u.prices[1])) bestUnder = b;
        }
        const path = `sample-data/bettingpros/player-props/${market}/${date}.json`;
        const lookup = pp.line.player.lookup;
        const marketId = BP_MARKET_IDS[market];
        const bpPlayerId = pp.line.player.bpId;
        const offerId = `${bpEventId}:${marketId}:${bpPlayerId}`;
        for (const entry of all) {
          const bookId = BP_BOOK_IDS[entry.book] ?? 0;
          const isActive = !rng.chance(0.05);
          const opening = Math.max(0.5, entry.line + rng.pick([0, 0, 0, 0, -0.5, 0.5, -1, 1]));
          const openingPrices = rng.pick(PRICE_PAIRS);
          const openingAt = stamp(date, -24 * 60 + 15 * 60 + rng.int(0, 300));
          const lastUpdate = stamp(date, created - rng.int(3, 300));
          // ~3 %: a later scrape after tip-off with a live line (consumers must ignore it).
          const late = rng.chance(0.03);
          const lateLine = Math.max(0.5, entry.line + (rng.chance(0.5) ? 1 : -1) * rng.pick([2, 2.5, 3, 4]));
          const lateUpdate = stamp(date, m.tip + rng.int(5, 25));
          const lateCreated = m.tip + rng.int(30, 90);
          const processedDelay = rng.int(1, 6);
          for (let s = 0; s < 2; s++) {
            const side = s === 0 ? 'over' : 'under';
            const best = entry === (s === 0 ? bestOver : bestUnder);
            const versions = late ? [false, true] : [false];
            for (const isLate of versions) {
              const line = isLate ? lateLine : entry.line;
              rows.push({
                game_date: date,
                market_type: market,
                market_id: marketId,
                bp_event_id: bpEventId,
                offer_id: offerId,
                bet_side: side,
                bp_player_id: bpPlayerId,
                player_name: pp.line.player.name,
                player_lookup: pp.line.player.lookup,
                player_team: pp.team,
                team_source: BP_TEAM_SOURCE,
                has_team_issues: true,
                validation_confidence: BP_VALIDATION_CONFIDENCE,
                validation_method: BP_VALIDATION_METHOD,
                book_id: bookId,
                bookmaker: entry.book,
                points_line: line,
                odds_american: isLate ? entry.prices[1 - s] ?? -110 : entry.prices[s] ?? -110,
                is_active: isLate ? true : isActive,
                is_best_line: isLate ? false : best,
                bookmaker_last_update: isLate ? lateUpdate : lastUpdate,
                opening_line: opening,
                opening_odds: openingPrices[s] ?? -110,
                opening_timestamp: openingAt,
                created_at: isLate ? stamp(date, lateCreated) : createdAt,
                source_file_path: path,
                data_hash: hexHash(`bp|${date}|${lookup}|${entry.book}|${side}|${market}|${line}|${isLate}`),
                processed_at: stamp(date, (isLate ? lateCreated : created) + processedDelay),
              });
            }
          }
        }
      }
    }
  }
  return rows;
}
