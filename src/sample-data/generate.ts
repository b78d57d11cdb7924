import { addDays, compactDate, parseIsoDate, type IsoDate } from '../calendar/dates.js';
import { seasonLabel } from '../calendar/seasons.js';
import type { TableDef } from '../warehouse/schema.js';
import {
  bdlPlayerBoxscores,
  bettingprosPlayerPointsProps,
  bigdataballPlayByPlay,
  nbacGamebookPlayerStats,
  nbacPlayerBoxscores,
  nbacSchedule,
  nbacTeamBoxscore,
  oddsApiPlayerPointsProps,
  RAW_TABLES,
} from '../warehouse/tables/raw-tables.js';
import { playerLookup } from './names.js';
import { hash32, hexHash, Rng } from './prng.js';
import { buildLeague, pointsPerMinute, type PlayerProfile, type TeamProfile } from './roster.js';
import { buildPlayoffs, buildRegularSeason, LATE_TIP_TEAMS, TEAM_CODES, type ScheduledGame } from './schedule.js';
import {
  fga,
  fgm,
  playGame,
  points,
  UNITS_PER_MINUTE,
  type GameResult,
  type PlayerLine,
  type TeamGame,
  type TeamState,
} from './simulate.js';

export { playerLookup };

export type SampleValue = string | number | boolean | null;
export type SampleRow = Record<string, SampleValue>;
export interface SampleSeasonOptions {
  seasonYear: number;
  start: IsoDate;
  end: IsoDate;
  seed: number;
}
/** rows per raw table name (the `name` of each TableDef in RAW_TABLES) */
export type SampleSeason = Record<string, SampleRow[]>;

// Shares of the synthetic data-quality realities.
const GAMEBOOK_GAP_SHARE = 0.03;
const NBAC_BOXSCORE_SHARE = 0.6;
const PBP_SHARE = 0.35;
const ODDS_API_DATE_SHARE = 0.4;
const BETTINGPROS_SKIP_SHARE = 0.003;
const SCHEDULE_PREVIEW_SHARE = 0.05;
const GAMEBOOK_DUPLICATE_SHARE = 0.005;

const ODDS_BOOKS = ['draftkings', 'fanduel', 'betmgm'] as const;
const BP_BOOKS = ['DraftKings', 'FanDuel', 'BetMGM'] as const;
const BP_CONSENSUS = 'BettingPros Consensus';
/** Over/under American prices with a normal hold. */
const PRICE_PAIRS: readonly (readonly [number, number])[] = [
  [-110, -110], [-110, -110], [-115, -105], [-105, -115], [-120, 100], [100, -120],
  [-112, -108], [-108, -112], [-125, 105], [105, -125],
];

interface GameMeta {
  game: ScheduledGame;
  gameId: string;
  nbaId: string;
  /** Tip-off in minutes after midnight UTC of the game date (7 PM Eastern is 24 * 60). */
  tip: number;
  result: GameResult;
}

// Timestamps are built from cached day strings and a table of the 1440 minutes of a day.
const DAY_MS = 86_400_000;
const MINUTE_TEXT: string[] = Array.from(
  { length: 1440 },
  (_, m) => ` ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`,
);
const dayIndexes = new Map<IsoDate, number>();
const dayTexts = new Map<number, string>();
const stampTexts = new Map<number, string>();

function dayIndex(date: IsoDate): number {
  let index = dayIndexes.get(date);
  if (index === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    index = Date.UTC(y, m - 1, d) / DAY_MS;
    dayIndexes.set(date, index);
  }
  return index;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), a whole number of `minutes` after midnight UTC of `date` (may be < 0 or > 1440). */
function stamp(date: IsoDate, minutes: number): string {
  const whole = dayIndex(date) * 1440 + Math.round(minutes);
  let text = stampTexts.get(whole);
  if (text === undefined) {
    const day = Math.floor(whole / 1440);
    let dayText = dayTexts.get(day);
    if (dayText === undefined) {
      dayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
      dayTexts.set(day, dayText);
    }
    text = dayText + (MINUTE_TEXT[whole - day * 1440] as string);
    stampTexts.set(whole, text);
  }
  return text;
}

/** The morning after the game, 09:00-11:00 UTC. */
function morningAfter(date: IsoDate, rng: Rng): string {
  return stamp(date, 24 * 60 + 9 * 60 + rng.int(0, 120));
}

function formatMinutes(units: number): string {
  const seconds = (units * 60) / UNITS_PER_MINUTE;
  const mm = Math.floor(seconds / 60);
  const ss = seconds % 60;
  return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

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

function chooseShare<T>(items: readonly T[], share: number, rng: Rng): Set<T> {
  const count = Math.round(items.length * share);
  return new Set(rng.shuffle([...items]).slice(0, count));
}

function simulateSeason(options: SampleSeasonOptions, league: TeamProfile[]): GameMeta[] {
  const { seasonYear, start, end, seed } = options;
  const yy = String(seasonYear % 100).padStart(2, '0');
  const teams = new Map(league.map((t) => [t.code, t]));
  const states = new Map<string, TeamState>();
  const tipRng = Rng.from(seed, seasonYear, 'tips');
  const tipFor = (home: string): number =>
    LATE_TIP_TEAMS.has(home) ? 27 * 60 : tipRng.chance(0.5) ? 24 * 60 : 24 * 60 + 30;

  const play = (games: ScheduledGame[], idOf: (g: ScheduledGame, i: number) => string): GameMeta[] => {
    const withTips = games.map((game) => ({ game, tip: tipFor(game.home) }));
    withTips.sort((a, b) =>
      a.game.date !== b.game.date
        ? a.game.date < b.game.date ? -1 : 1
        : a.tip - b.tip || (a.game.home < b.game.home ? -1 : a.game.home > b.game.home ? 1 : 0),
    );
    return withTips.map(({ game, tip }, i) => {
      const gameId = `${compactDate(game.date)}_${game.away}_${game.home}`;
      const home = teams.get(game.home) as TeamProfile;
      const away = teams.get(game.away) as TeamProfile;
      const result = playGame(game, home, away, states, Rng.from(seed, seasonYear, 'game', gameId));
      return { game, gameId, nbaId: idOf(game, i), tip, result };
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

function sides(m: GameMeta): [TeamGame, TeamGame][] {
  return [
    [m.result.home, m.result.away],
    [m.result.away, m.result.home],
  ];
}

function actives(side: TeamGame): PlayerLine[] {
  return side.lines.filter((l) => l.status === 'active');
}

// ---------------------------------------------------------------------------------------------
// Tables. Rows are object literals with every column of the table, in column order (literals are
// much faster and smaller than objects built key by key); `checkColumns` guards the shapes.

function scheduleRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'schedule-rows');
  const label = seasonLabel(options.seasonYear);
  const rows: SampleRow[] = [];
  for (const m of games) {
    const { game, result } = m;
    const homePts = result.home.totals.points;
    const awayPts = result.away.totals.points;
    const tipAt = stamp(game.date, m.tip);
    const path = `sample-data/nba-com/schedule/${game.date}.json`;
    const preview = rng.chance(SCHEDULE_PREVIEW_SHARE);
    const previewAt = stamp(game.date, -12 * 60 + rng.int(0, 360));
    const finalAt = morningAfter(game.date, rng);
    for (const final of preview ? [false, true] : [true]) {
      rows.push({
        game_id: m.nbaId,
        game_date: game.date,
        game_date_est: tipAt,
        season_year: options.seasonYear,
        season_nba_format: label,
        game_status: final ? 3 : 1,
        home_team_tricode: game.home,
        away_team_tricode: game.away,
        home_team_score: final ? homePts : null,
        away_team_score: final ? awayPts : null,
        winning_team_tricode: final ? (homePts > awayPts ? game.home : game.away) : null,
        is_regular_season: !game.playoff,
        is_playoffs: game.playoff,
        is_all_star: false,
        source_file_path: path,
        data_hash: hexHash(final ? `schedule|${m.nbaId}|3|${homePts}|${awayPts}` : `schedule|${m.nbaId}|1`),
        processed_at: final ? finalAt : previewAt,
      });
    }
  }
  return rows;
}

function teamBoxRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'team-box-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    const processedAt = morningAfter(m.game.date, rng);
    for (const [side, other] of sides(m)) {
      const t = side.totals;
      rows.push({
        game_id: m.gameId,
        nba_game_id: m.nbaId,
        game_date: m.game.date,
        season_year: options.seasonYear,
        team_abbr: side.team.code,
        is_home: side.isHome,
        minutes: `${240 + 25 * m.result.overtimes}:00`,
        fg_made: t.fgm,
        fg_attempted: t.fga,
        three_pt_made: t.threeM,
        three_pt_attempted: t.threeA,
        ft_made: t.ftm,
        ft_attempted: t.fta,
        offensive_rebounds: t.oreb,
        defensive_rebounds: t.dreb,
        total_rebounds: t.oreb + t.dreb,
        assists: t.ast,
        steals: t.stl,
        blocks: t.blk,
        turnovers: t.tov,
        personal_fouls: t.pf,
        points: t.points,
        plus_minus: t.points - other.totals.points,
        source_file_path: `sample-data/nba-com/team-boxscore/${m.game.date}/${m.nbaId}.json`,
        data_hash: hexHash(`team-box|${m.gameId}|${side.team.code}|${t.points}`),
        processed_at: processedAt,
      });
    }
  }
  return rows;
}

interface Coverage {
  gamebook: Set<string>;
  nbacBox: Set<string>;
  pbp: Set<string>;
}

/**
 * Which games each source has: the gamebook misses ~3 % of games (half of those are in the NBA.com
 * box score, the rest only in BDL); the NBA.com box score has ~60 % of the others; PBP ~35 %.
 */
function chooseCoverage(games: GameMeta[], options: SampleSeasonOptions): Coverage {
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

function gamebookRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'gamebook-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.gamebook.has(m.gameId)) continue;
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/nba-com/gamebooks-data/${m.game.date}/${m.gameId}.json`;
    for (const [side] of sides(m)) {
      for (const l of side.lines) {
        const a = l.status === 'active';
        const row: SampleRow = {
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          player_lookup: l.player.lookup,
          player_name: l.player.name,
          team_abbr: side.team.code,
          player_status: l.status,
          dnp_reason: l.reason,
          minutes: a ? formatMinutes(l.units) : null,
          minutes_decimal: a ? l.units / UNITS_PER_MINUTE : null,
          points: a ? points(l) : null,
          field_goals_made: a ? fgm(l) : null,
          field_goals_attempted: a ? fga(l) : null,
          three_pointers_made: a ? l.threeM : null,
          three_pointers_attempted: a ? l.threeA : null,
          free_throws_made: a ? l.ftm : null,
          free_throws_attempted: a ? l.fta : null,
          offensive_rebounds: a ? l.oreb : null,
          defensive_rebounds: a ? l.dreb : null,
          total_rebounds: a ? l.oreb + l.dreb : null,
          assists: a ? l.ast : null,
          steals: a ? l.stl : null,
          blocks: a ? l.blk : null,
          turnovers: a ? l.tov : null,
          personal_fouls: a ? l.pf : null,
          plus_minus: a ? l.plusMinus : null,
          source_file_path: path,
          data_hash: hexHash(`gamebook|${m.gameId}|${l.player.lookup}|${l.status}|${l.units}|${points(l)}`),
          processed_at: processedAt,
        };
        rows.push(row);
        if (rng.chance(GAMEBOOK_DUPLICATE_SHARE)) {
          // A re-processed copy of the same row (consumers keep the latest processed_at).
          rows.push({ ...row, processed_at: stamp(m.game.date, 2 * 24 * 60 + 14 * 60 + rng.int(0, 240)) });
        }
      }
    }
  }
  return rows;
}

function nbacBoxRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'nbac-box-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.nbacBox.has(m.gameId)) continue;
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/nba-com/boxscores/${m.game.date}/${m.nbaId}.json`;
    for (const [side] of sides(m)) {
      for (const l of actives(side)) {
        rows.push({
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          game_status: 'Final',
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          player_lookup: l.player.lookup,
          player_full_name: l.player.name,
          team_abbr: side.team.code,
          minutes: formatMinutes(l.units),
          starter: l.starter,
          points: points(l),
          field_goals_made: fgm(l),
          field_goals_attempted: fga(l),
          three_pointers_made: l.threeM,
          three_pointers_attempted: l.threeA,
          free_throws_made: l.ftm,
          free_throws_attempted: l.fta,
          offensive_rebounds: l.oreb,
          defensive_rebounds: l.dreb,
          total_rebounds: l.oreb + l.dreb,
          assists: l.ast,
          steals: l.stl,
          blocks: l.blk,
          turnovers: l.tov,
          personal_fouls: l.pf,
          plus_minus: l.plusMinus,
          source_file_path: path,
          data_hash: hexHash(`nbac-box|${m.gameId}|${l.player.lookup}|${l.units}|${points(l)}`),
          processed_at: processedAt,
        });
      }
    }
  }
  return rows;
}

function bdlRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'bdl-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/ball-dont-lie/boxscores/${m.game.date}.json`;
    for (const [side] of sides(m)) {
      for (const l of actives(side)) {
        rows.push({
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          game_status: 'Final',
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          player_lookup: l.player.lookup,
          player_full_name: l.player.name,
          team_abbr: side.team.code,
          minutes: formatMinutes(l.units),
          points: points(l),
          field_goals_made: fgm(l),
          field_goals_attempted: fga(l),
          three_pointers_made: l.threeM,
          three_pointers_attempted: l.threeA,
          free_throws_made: l.ftm,
          free_throws_attempted: l.fta,
          offensive_rebounds: l.oreb,
          defensive_rebounds: l.dreb,
          rebounds: l.oreb + l.dreb,
          assists: l.ast,
          steals: l.stl,
          blocks: l.blk,
          turnovers: l.tov,
          personal_fouls: l.pf,
          source_file_path: path,
          data_hash: hexHash(`bdl|${m.gameId}|${l.player.lookup}|${l.units}|${points(l)}`),
          processed_at: processedAt,
        });
      }
    }
  }
  return rows;
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

function oddsApiRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
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

function bettingProsRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const dates = [...new Set(games.map((m) => m.game.date))];
  const skipCount = dates.length >= 50 ? Math.max(1, Math.round(dates.length * BETTINGPROS_SKIP_SHARE)) : 0;
  const skipRng = Rng.from(options.seed, options.seasonYear, 'bp-skip');
  const skipped = new Set(skipRng.shuffle([...dates]).slice(0, skipCount));
  const scrapeRng = Rng.from(options.seed, options.seasonYear, 'bp-scrape');
  const scrapeAt = new Map(dates.map((d) => [d, 17 * 60 + scrapeRng.int(0, 90)]));
  const rows: SampleRow[] = [];
  for (const m of games) {
    const date = m.game.date;
    if (skipped.has(date)) continue;
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
        for (const entry of all) {
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
                player_lookup: pp.line.player.lookup,
                player_name: pp.line.player.name,
                player_team: pp.team,
                bookmaker: entry.book,
                bet_side: side,
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

interface Shot {
  shooter: PlayerLine;
  team: string;
  type: 'paint' | 'mid' | 'three';
  made: boolean;
  helper: PlayerLine | null;
  role: 'assist' | 'block' | null;
}

/** One event per field-goal attempt; box-score assists land on teammates' makes, blocks on misses. */
function pbpRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.pbp.has(m.gameId)) continue;
    const rng = Rng.from(options.seed, options.seasonYear, 'pbp', m.gameId);
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/bigdataball/${m.game.date}/${m.gameId}.csv`;
    const shotsBy = new Map<string, Shot[]>();
    for (const [side] of sides(m)) {
      const shots: Shot[] = [];
      for (const l of actives(side)) {
        const add = (type: Shot['type'], attempts: number, makes: number) => {
          for (let i = 0; i < attempts; i++) {
            shots.push({ shooter: l, team: side.team.code, type, made: i < makes, helper: null, role: null });
          }
        };
        add('paint', l.paintA, l.paintM);
        add('mid', l.midA, l.midM);
        add('three', l.threeA, l.threeM);
      }
      rng.shuffle(shots);
      shotsBy.set(side.team.code, shots);
    }
    const assign = (shots: Shot[], tokens: PlayerLine[], made: boolean, role: Shot['role'], teammates: boolean) => {
      rng.shuffle(tokens);
      for (const helper of tokens) {
        const target = shots.find((s) => s.made === made && s.helper === null && (!teammates || s.shooter !== helper));
        if (!target) continue;
        target.helper = helper;
        target.role = role;
      }
    };
    for (const [side, other] of sides(m)) {
      const own = shotsBy.get(side.team.code) ?? [];
      assign(own, actives(side).flatMap((l) => Array.from({ length: l.ast }, () => l)), true, 'assist', true);
      assign(own, actives(other).flatMap((l) => Array.from({ length: l.blk }, () => l)), false, 'block', false);
    }
    const events = rng.shuffle([...(shotsBy.get(m.game.away) ?? []), ...(shotsBy.get(m.game.home) ?? [])]);
    events.forEach((s, i) => {
      let distance: number;
      let subtype: string;
      if (s.type === 'three') {
        distance = rng.int(23, 27);
        subtype = '3pt jump shot';
      } else if (s.type === 'mid') {
        distance = rng.int(9, 22);
        subtype = 'jump shot';
      } else {
        distance = rng.int(0, 8);
        const big = s.shooter.player.position !== 'G';
        if (distance <= 3 && big && rng.chance(0.35)) subtype = 'dunk';
        else subtype = distance >= 4 && rng.chance(0.25) ? 'hook shot' : 'layup';
      }
      const eventId = `${m.gameId}_${i + 1}`;
      rows.push({
        game_id: m.gameId,
        event_id: eventId,
        game_date: m.game.date,
        event_type: 'shot',
        event_subtype: subtype,
        shot_made: s.made,
        shot_type: s.type === 'three' ? '3PT' : '2PT',
        shot_distance: distance,
        player_1_lookup: s.shooter.player.lookup,
        player_1_team_abbr: s.team,
        player_2_lookup: s.helper?.player.lookup ?? null,
        player_2_role: s.role,
        home_team_abbr: m.game.home,
        away_team_abbr: m.game.away,
        data_source: 'bigdataball',
        source_file_path: path,
        data_hash: hexHash(`pbp|${eventId}|${s.shooter.player.lookup}|${s.made}|${distance}`),
        processed_at: processedAt,
      });
    });
  }
  return rows;
}

/**
 * Throws unless every column of the row is one of the table's (checked on the first row of each
 * table). The platform's layouts are wider than what a sample source carries: the rest stay NULL.
 */
function checkColumns(table: TableDef, row: SampleRow | undefined): void {
  if (!row) return;
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = Object.keys(row).filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`sample rows for ${table.name} have columns ${unknown.join(',')} that the table does not have`);
}

/**
 * One deterministic, NBA-shaped season of Phase 2 raw data: the regular season from `start` to
 * `end` (1230 games, All-Star break, no games on Dec 24 or Thanksgiving) plus a short first playoff
 * round from `end + 4`, with rows for every raw table in RAW_TABLES.
 */
export function generateSampleSeason(options: SampleSeasonOptions): SampleSeason {
  const { seasonYear, start, end, seed } = options;
  if (!parseIsoDate(start) || !parseIsoDate(end)) throw new Error(`invalid season dates ${start}..${end}`);
  if (end < start) throw new Error(`season end ${end} is before start ${start}`);
  if (!Number.isInteger(seasonYear) || !Number.isFinite(seed)) throw new Error('seasonYear and seed must be numbers');
  if (addDays(start, 400) < end) throw new Error(`season ${start}..${end} is longer than a year`);

  const league = buildLeague(seed, seasonYear, TEAM_CODES);
  const games = simulateSeason(options, league);
  const coverage = chooseCoverage(games, options);

  const tables: SampleSeason = {
    [nbacSchedule.name]: scheduleRows(games, options),
    [nbacTeamBoxscore.name]: teamBoxRows(games, options),
    [nbacGamebookPlayerStats.name]: gamebookRows(games, coverage, options),
    [nbacPlayerBoxscores.name]: nbacBoxRows(games, coverage, options),
    [bdlPlayerBoxscores.name]: bdlRows(games, options),
    [oddsApiPlayerPointsProps.name]: oddsApiRows(games, options),
    [bettingprosPlayerPointsProps.name]: bettingProsRows(games, options),
    [bigdataballPlayByPlay.name]: pbpRows(games, coverage, options),
  };
  const ordered: SampleSeason = {};
  for (const table of RAW_TABLES) {
    const rows = tables[table.name] ?? [];
    checkColumns(table, rows[0]);
    ordered[table.name] = rows;
  }
  dayIndexes.clear();
  dayTexts.clear();
  stampTexts.clear();
  return ordered;
}
