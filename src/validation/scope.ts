import { knownSeasons, SeasonCalendar, type ScheduleSeason } from '../calendar/calendar.js';
import { eachDay, type IsoDate } from '../calendar/dates.js';
import type { CheckScope } from './check.js';

/**
 * The scope of the checks over `start..end`: the dates and the Phase 4 bootstrap days among them.
 * Bootstrap days follow from the seasons alone, so the schedule the command already read is enough.
 */
export function checkScope(
  schedule: readonly ScheduleSeason[],
  start: IsoDate,
  end: IsoDate,
  options: { bootstrapDays: number; includePlayoffs: boolean },
): CheckScope {
  const calendar = new SeasonCalendar(knownSeasons(schedule, options.includePlayoffs), new Map(), options.bootstrapDays);
  return { start, end, bootstrapDates: eachDay(start, end).filter((d) => calendar.isBootstrap(d)) };
}
