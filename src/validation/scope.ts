import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar } from '../calendar/calendar.js';
import { eachDay, type IsoDate } from '../calendar/dates.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { CheckScope } from './check.js';

/** The scope of the checks over `start..end`: the dates and the Phase 4 bootstrap days among them. */
export async function checkScope(
  warehouse: Warehouse,
  start: IsoDate,
  end: IsoDate,
  options: { bootstrapDays: number; includePlayoffs: boolean },
): Promise<CheckScope> {
  const seasons = knownSeasons(await loadScheduleSeasons(warehouse), options.includePlayoffs);
  const calendar = new SeasonCalendar(seasons, await loadGameCounts(warehouse, start, end), options.bootstrapDays);
  return { start, end, bootstrapDates: eachDay(start, end).filter((d) => calendar.isBootstrap(d)) };
}
