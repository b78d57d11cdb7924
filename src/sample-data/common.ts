import type { IsoDate } from '../calendar/dates.js';
import type { Rng } from './prng.js';
import { UNITS_PER_MINUTE } from './simulate.js';

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
export function stamp(date: IsoDate, minutes: number): string {
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
export function morningAfter(date: IsoDate, rng: Rng): string {
  return stamp(date, 24 * 60 + 9 * 60 + rng.int(0, 120));
}

export function formatMinutes(units: number): string {
  const seconds = (units * 60) / UNITS_PER_MINUTE;
  const mm = Math.floor(seconds / 60);
  const ss = seconds % 60;
  return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/** Empties the timestamp caches (they only speed up one season's generation). */
export function clearStampCache(): void {
  dayIndexes.clear();
  dayTexts.clear();
  stampTexts.clear();
}
