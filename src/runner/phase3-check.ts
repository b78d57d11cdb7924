import type { SeasonCalendar } from '../calendar/calendar.js';
import type { IsoDate } from '../calendar/dates.js';
import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import { qualifiedName } from '../warehouse/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { loadInputStats } from './fingerprint.js';

/** A Phase 3 table missing game dates that feed the windows of planned Phase 4 dates. */
export interface ThinTable {
  table: string;
  missingDates: IsoDate[];
  /** Planned Phase 4 dates whose window (season start to the date) holds a missing date. */
  affectedDates: number;
}

/**
 * The runbook's "Phase 3 validation before processing": every Phase 3 table should have rows on
 * every game date of each planned date's lookback window. One grouped query per table; the
 * result is a warning, never a stop (the per-date dependency check still fails empty dates).
 */
export async function thinPhase3Windows(warehouse: Warehouse, calendar: SeasonCalendar, dates: readonly IsoDate[]): Promise<ThinTable[]> {
  if (dates.length === 0) return [];
  const first = calendar.seasonStart(dates[0] as IsoDate);
  const last = dates[dates.length - 1] as IsoDate;
  const tables = phaseProcessors(3, PROCESSORS).map((p) => p.table);
  const stats = await loadInputStats(warehouse, tables, first, last);
  const gameDates = [...calendar.gameCounts.keys()].filter((d) => d >= first && d <= last).sort();
  const thin: ThinTable[] = [];
  for (const table of tables) {
    const present = stats.get(qualifiedName(table)) ?? new Map();
    const missing = gameDates.filter((d) => !present.has(d));
    if (missing.length === 0) continue;
    const affected = dates.filter((d) => missing.some((m) => m >= calendar.seasonStart(d) && m <= d)).length;
    if (affected > 0) thin.push({ table: qualifiedName(table), missingDates: missing, affectedDates: affected });
  }
  return thin;
}
