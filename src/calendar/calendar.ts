import type { SqlDialect } from '../warehouse/dialect.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { historyFloor } from '../warehouse/partition-filter.js';
import { addDays, seasonYearOf, type IsoDate } from './dates.js';
import { DEFAULT_SEASONS, seasonLabel, type SeasonLabel, type SeasonRange } from './seasons.js';

/** What the schedule says about each season: its regular season and its last scheduled game. */
export interface ScheduleSeason {
  seasonYear: number;
  regularStart: IsoDate;
  regularEnd: IsoDate;
  lastScheduled: IsoDate;
}

/** Final (non-All-Star) games per date, from the latest version of each schedule row. */
export type GameCounts = ReadonlyMap<IsoDate, number>;

const SEASON_YEAR_SQL = `COALESCE(season_year, EXTRACT(YEAR FROM game_date) - CASE WHEN EXTRACT(MONTH FROM game_date) >= 10 THEN 0 ELSE 1 END)`;

/**
 * The latest version of each schedule row in a range. The range filters the partition column
 * before the window: BigQuery prunes only there, and the platform's schedule requires it.
 */
function latestScheduleRows(d: SqlDialect, range: string): string {
  return `SELECT * FROM (
      SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.game_id ORDER BY s.game_status DESC, s.processed_at DESC) AS version_rank
      FROM ${d.table(nbacSchedule)} AS s WHERE ${range}) AS latest
    WHERE version_rank = 1 AND COALESCE(is_all_star, FALSE) = FALSE`;
}

/**
 * A regular-season game, by NBA.com's id prefix together with the schedule's flag: `002` is the
 * regular season (`001` preseason, `003` All-Star, `004` playoffs, `005` play-in, `006` the NBA Cup
 * final, whose day is no regular-season game date although its teams play); an id of another
 * shape is judged by the flag alone.
 */
const REGULAR_SEASON_GAME = `((game_id LIKE '002%' AND COALESCE(is_regular_season, TRUE)) OR (game_id NOT LIKE '00%' AND COALESCE(is_regular_season, FALSE)))`;

/** Games that make a game date: neither preseason, All-Star nor the Cup final (playoffs and play-in do, in range). */
const GAME_DATE_GAME = `SUBSTR(game_id, 1, 3) NOT IN ('001', '003', '006')`;

/** Per season year: first and last final regular-season game dates and the last scheduled game. */
export function scheduleSeasonsSql(d: SqlDialect): string {
  return `SELECT ${SEASON_YEAR_SQL} AS season_year,
        MIN(CASE WHEN game_status = 3 AND ${REGULAR_SEASON_GAME} THEN game_date END) AS regular_start,
        MAX(CASE WHEN game_status = 3 AND ${REGULAR_SEASON_GAME} THEN game_date END) AS regular_end,
        MAX(game_date) AS last_scheduled
     FROM (${latestScheduleRows(d, historyFloor('s.game_date'))}) AS games
     GROUP BY 1 ORDER BY 1`;
}

/** Final games per date between `@start` and `@end`. */
export function gameCountsSql(d: SqlDialect): string {
  const range = `s.game_date BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')}`;
  return `SELECT game_date, COUNT(*) AS games FROM (${latestScheduleRows(d, range)}) AS games
     WHERE game_status = 3 AND ${GAME_DATE_GAME}
     GROUP BY game_date`;
}

/** Seasons present in the schedule (a missing schedule table reads as none). */
export async function loadScheduleSeasons(warehouse: Warehouse): Promise<ScheduleSeason[]> {
  if (!(await warehouse.tableExists(nbacSchedule))) return [];
  const rows = await warehouse.query(scheduleSeasonsSql(warehouse.dialect));
  return rows
    .filter((r) => r.regular_start !== null)
    .map((r) => ({
      seasonYear: Number(r.season_year),
      regularStart: String(r.regular_start),
      regularEnd: String(r.regular_end),
      lastScheduled: String(r.last_scheduled),
    }));
}

/** Final games per date between two dates (inclusive). */
export async function loadGameCounts(warehouse: Warehouse, start: IsoDate, end: IsoDate): Promise<GameCounts> {
  if (!(await warehouse.tableExists(nbacSchedule))) return new Map();
  const rows = await warehouse.query(gameCountsSql(warehouse.dialect), { start, end });
  return new Map(rows.map((r) => [String(r.game_date), Number(r.games)]));
}

/**
 * The seasons the tool knows: the schedule's where it has them (its first and last final
 * regular-season games win), the built-in defaults otherwise.
 */
export function knownSeasons(schedule: readonly ScheduleSeason[], includePlayoffs = false): SeasonRange[] {
  const bySeason = new Map<number, SeasonRange>();
  for (const season of DEFAULT_SEASONS) bySeason.set(season.seasonYear, season);
  for (const s of schedule) {
    const fallbackEnd = bySeason.get(s.seasonYear)?.end ?? s.regularEnd;
    bySeason.set(s.seasonYear, {
      season: seasonLabel(s.seasonYear),
      seasonYear: s.seasonYear,
      start: s.regularStart,
      end: includePlayoffs ? s.lastScheduled : s.regularEnd || fallbackEnd,
      source: 'schedule',
    });
  }
  return [...bySeason.values()].sort((a, b) => a.seasonYear - b.seasonYear);
}

export function findSeason(seasons: readonly SeasonRange[], label: SeasonLabel): SeasonRange | undefined {
  return seasons.find((s) => s.season === label);
}

/**
 * Answers calendar questions for planned dates: which season a date belongs to, when that season
 * started (its windows begin there) and whether the date is in the Phase 4 bootstrap window.
 */
export class SeasonCalendar {
  constructor(
    private readonly seasons: readonly SeasonRange[],
    readonly gameCounts: GameCounts,
    readonly bootstrapDays: number,
  ) {}

  games(date: IsoDate): number {
    return this.gameCounts.get(date) ?? 0;
  }

  /** Start of the season a date belongs to (Oct 22 of its season year when the season is unknown). */
  seasonStart(date: IsoDate): IsoDate {
    const year = seasonYearOf(date);
    return this.seasons.find((s) => s.seasonYear === year)?.start ?? `${year}-10-22`;
  }

  /** The first `bootstrapDays` calendar days of the season (start + 0 .. start + N-1). */
  isBootstrap(date: IsoDate): boolean {
    const start = this.seasonStart(date);
    let last = this.bootstrapLast.get(start);
    if (last === undefined) this.bootstrapLast.set(start, (last = addDays(start, this.bootstrapDays - 1)));
    return date >= start && date <= last;
  }

  /** Season start -> last bootstrap day (asked for every pair a plan considers). */
  private readonly bootstrapLast = new Map<IsoDate, IsoDate>();

  bootstrapWindow(season: SeasonRange): { first: IsoDate; last: IsoDate } | undefined {
    if (this.bootstrapDays <= 0) return undefined;
    return { first: season.start, last: addDays(season.start, this.bootstrapDays - 1) };
  }
}
