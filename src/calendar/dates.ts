// One module per function: the package index loads all of date-fns (about 0.2 s of every start),
// and its parse/format pull in the locale machinery (50 ms more), so ISO text is handled here.
import { addDays as addDaysToDate } from 'date-fns/addDays';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';

/** A calendar date as `YYYY-MM-DD`. Game dates stay strings everywhere to avoid time-zone traps. */
export type IsoDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses `YYYY-MM-DD` strictly (2022-02-30 is rejected); returns null when it is not a real date. */
export function parseIsoDate(text: string): IsoDate | null {
  if (!ISO_DATE.test(text)) return null;
  // A real date survives the round trip through the calendar (2022-02-30 comes back as 03-02).
  return toIso(toLocal(text)) === text ? text : null;
}

/** Local midnight of an ISO date. Built from its parts: planning calls this tens of thousands of times. */
function toLocal(date: IsoDate): Date {
  const local = new Date(2000, 0, 1);
  local.setFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return local;
}

function toIso(date: Date): IsoDate {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return toIso(addDaysToDate(toLocal(date), days));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return differenceInCalendarDays(toLocal(to), toLocal(from));
}

/** Every calendar day from `start` to `end`, both inclusive. */
export function eachDay(start: IsoDate, end: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** `YYYYMMDD`, the form of a BigQuery partition decorator and of the system game id. */
export function compactDate(date: IsoDate): string {
  return date.replaceAll('-', '');
}

/** Today's date in the league's time zone (game dates are Eastern). */
export function todayInNewYork(now: Date = new Date()): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  return parts;
}

/** The NBA season year a date belongs to: the year the season starts (October onwards). */
export function seasonYearOf(date: IsoDate): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 10 ? year : year - 1;
}

export function minDate(dates: readonly IsoDate[]): IsoDate | undefined {
  return dates.reduce<IsoDate | undefined>((min, d) => (min === undefined || d < min ? d : min), undefined);
}

export function maxDate(dates: readonly IsoDate[]): IsoDate | undefined {
  return dates.reduce<IsoDate | undefined>((max, d) => (max === undefined || d > max ? d : max), undefined);
}

/** A TIMESTAMP parameter's text, UTC without the zone letter (`2026-12-08 01:09:03.000`), as both engines read it. */
export function timestampText(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}
