import type { Command } from 'commander';
import { z } from 'zod';
import { findSeason, knownSeasons, type ScheduleSeason } from '../calendar/calendar.js';
import { addDays, eachDay, parseIsoDate, todayInNewYork, type IsoDate } from '../calendar/dates.js';
import { parseSeasonLabel, type SeasonRange } from '../calendar/seasons.js';
import { UsageError } from '../errors.js';

/** Which dates a command covers, as given: checked for syntax before anything is opened. */
export type DateSelector =
  | { kind: 'seasons'; seasons: string[] | 'all' }
  | { kind: 'range'; start: IsoDate; end: IsoDate }
  | { kind: 'dates'; dates: IsoDate[] };

export function addDateOptions(command: Command): Command {
  return command
    .option('--season <seasons>', "a season (2021-22), a list (2021-22,2022-23) or 'all'")
    .option('--start-date <date>', 'first date, YYYY-MM-DD (inclusive)')
    .option('--end-date <date>', 'last date, YYYY-MM-DD (inclusive; default: the start date)')
    .option('--dates <dates>', 'a comma-separated list of dates, YYYY-MM-DD')
    .option('--include-playoffs', "extend seasons to their last scheduled game", false);
}

const selectorOptions = z.object({
  season: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  dates: z.string().optional(),
});

function requireDate(text: string, option: string): IsoDate {
  const date = parseIsoDate(text.trim());
  if (!date) throw new UsageError(`invalid ${option} '${text}': expected a real date as YYYY-MM-DD`);
  return date;
}

/**
 * Syntax check of `--season` / `--start-date`/`--end-date` / `--dates`: exactly one selector,
 * well-formed values. With `required: false` no selector means "every date" (validate, report).
 */
export function parseDateSelector(values: Record<string, unknown>, required = true): DateSelector | undefined {
  const v = selectorOptions.parse(values);
  const given = [v.season !== undefined && '--season', (v.startDate ?? v.endDate) !== undefined && '--start-date/--end-date', v.dates !== undefined && '--dates'].filter(
    (x): x is string => typeof x === 'string',
  );
  if (given.length > 1) throw new UsageError(`use one date selector, not ${given.join(' and ')}`);
  if (given.length === 0) {
    if (!required) return undefined;
    throw new UsageError('no dates given: use --season 2021-22, --start-date D [--end-date D] or --dates D1,D2');
  }
  if (v.season !== undefined) {
    const items = v.season.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 1 && items[0] === 'all') return { kind: 'seasons', seasons: 'all' };
    if (items.length === 0) throw new UsageError(`invalid --season '${v.season}': expected YYYY-YY such as 2021-22, a list, or all`);
    for (const item of items) {
      if (parseSeasonLabel(item) === null) {
        throw new UsageError(`invalid --season '${item}': expected YYYY-YY with consecutive years, such as 2021-22, or all`);
      }
    }
    return { kind: 'seasons', seasons: [...new Set(items)] };
  }
  if (v.dates !== undefined) {
    const items = v.dates.split(',').map((s) => s.trim());
    if (items.length === 0 || items.some((s) => s === '')) throw new UsageError(`invalid --dates '${v.dates}': expected dates as YYYY-MM-DD separated by commas`);
    return { kind: 'dates', dates: [...new Set(items.map((d) => requireDate(d, '--dates item')))].sort() };
  }
  if (v.startDate === undefined) throw new UsageError('--end-date needs --start-date');
  const start = requireDate(v.startDate, '--start-date');
  const end = v.endDate === undefined ? start : requireDate(v.endDate, '--end-date');
  if (end < start) throw new UsageError(`invalid range: --end-date ${end} is before --start-date ${start}`);
  return { kind: 'range', start, end };
}

export interface ResolvedDates {
  dates: IsoDate[];
  seasons: SeasonRange[];
}

/**
 * Turns a selector into calendar days, with the facts that need the warehouse (does the season
 * exist in the schedule or the defaults). Dates after today (America/New_York) are refused, and
 * dates of the last two days need `--allow-recent`.
 */
export function resolveDates(
  selector: DateSelector,
  schedule: readonly ScheduleSeason[],
  options: { includePlayoffs: boolean; allowRecent: boolean; today?: IsoDate },
): ResolvedDates {
  const seasons = knownSeasons(schedule, options.includePlayoffs);
  let dates: IsoDate[];
  let chosen: SeasonRange[] = [];
  if (selector.kind === 'seasons') {
    if (selector.seasons === 'all') {
      chosen = seasons.filter((s) => s.source === 'schedule');
      if (chosen.length === 0) {
        throw new UsageError("--season all: the schedule (nba_raw.nbac_schedule) has no final regular-season game; load it with 'backfill sample-data' or 'backfill import nbac_schedule FILE'");
      }
    } else {
      chosen = selector.seasons.map((label) => {
        const season = findSeason(seasons, label);
        if (!season) {
          throw new UsageError(`no such season '${label}': known seasons are ${seasons.map((s) => s.season).join(', ')}`);
        }
        return season;
      });
    }
    dates = [...new Set(chosen.flatMap((s) => eachDay(s.start, s.end)))].sort();
  } else if (selector.kind === 'range') {
    dates = eachDay(selector.start, selector.end);
  } else {
    dates = selector.dates;
  }
  const today = options.today ?? todayInNewYork();
  const future = dates.filter((d) => d > today);
  if (future.length > 0) {
    if (selector.kind === 'seasons') dates = dates.filter((d) => d <= today);
    else throw new UsageError(`date ${future[0]} is in the future (today is ${today} in New York)`);
  }
  const recentFrom = addDays(today, -1);
  const recent = dates.filter((d) => d >= recentFrom);
  if (recent.length > 0 && !options.allowRecent) {
    if (selector.kind === 'seasons') dates = dates.filter((d) => d < recentFrom);
    else throw new UsageError(`date ${recent[0]} is within the last two days, which the live pipeline writes; add --allow-recent to include it`);
  }
  return { dates, seasons: chosen };
}

/** `--bootstrap-days`: an integer from 0 to 60 (Phase 4 skips that many days at each season start). */
export function parseBootstrapDays(value: unknown): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0 || days > 60) {
    throw new UsageError(`invalid --bootstrap-days '${String(value)}': expected an integer from 0 to 60`);
  }
  return days;
}
