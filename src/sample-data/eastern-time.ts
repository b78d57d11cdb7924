import type { IsoDate } from '../calendar/dates.js';

/** The day of the month of the n-th Sunday of a month (month 1-12). */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/**
 * Minutes Eastern time is behind UTC in the evening of a date: 240 (EDT) from the second Sunday
 * of March to the day before the first Sunday of November, else 300 (EST); the US rule since 2007.
 * Games tip in the evening, after the 2 AM switch, so a switch day counts as the new offset.
 */
export function easternEveningOffset(date: IsoDate): number {
  const year = Number(date.slice(0, 4));
  const pad = (n: number) => String(n).padStart(2, '0');
  const dstStart = `${year}-03-${pad(nthSunday(year, 3, 2))}`;
  const dstEnd = `${year}-11-${pad(nthSunday(year, 11, 1))}`;
  return date >= dstStart && date < dstEnd ? 240 : 300;
}
