import { loadGameCounts, knownSeasons, loadScheduleSeasons, SeasonCalendar } from '../calendar/calendar.js';
import { seasonYearOf, timestampText, type IsoDate } from '../calendar/dates.js';
import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import type { SqlParams, Warehouse } from '../warehouse/warehouse.js';
import { lastErrorMessage, latestHistorySql, processorRunHistory, toolHistorySql } from './history.js';

export interface ProcessorStatus {
  processor: string;
  phase: 3 | 4;
  ok: number;
  failed: number;
  skipped: number;
  latestDate: IsoDate | null;
  /** The earliest game date of the seasons it has run that is not done, or null when all are. */
  resumeFrom: IsoDate | null;
  resumeTo: IsoDate | null;
}

export interface RecentFailure {
  runId: string;
  processor: string;
  date: IsoDate;
  errorClass: string | null;
  message: string;
  finishedAt: string | null;
}

export interface HistoryStatus {
  processors: ProcessorStatus[];
  failures: RecentFailure[];
}

/**
 * Per processor: counts since a moment (all history without one), the latest date done, and the
 * earliest date not done in the seasons it has worked on; plus the most recent failures.
 */
export async function historyStatus(warehouse: Warehouse, since: Date | undefined, bootstrapDays = 7): Promise<HistoryStatus> {
  const processors = [...phaseProcessors(3, PROCESSORS), ...phaseProcessors(4, PROCESSORS)];
  const empty = processors.map((p) => ({ processor: p.name, phase: p.phase, ok: 0, failed: 0, skipped: 0, latestDate: null, resumeFrom: null, resumeTo: null }));
  if (!(await warehouse.tableExists(processorRunHistory))) return { processors: empty, failures: [] };
  const d = warehouse.dialect;
  const history = `(${toolHistorySql(d)}) AS tool_history`;
  const sinceFilter = since ? `WHERE started_at >= ${d.param('since', 'TIMESTAMP')}` : '';
  const params: SqlParams = since ? { since: timestampText(since) } : {};
  const counts = await warehouse.query(
    `SELECT processor_name, COUNTIF(status = 'success') AS ok, COUNTIF(status = 'failed') AS failed,
       COUNTIF(status = 'skipped') AS skipped, MAX(CASE WHEN status = 'success' THEN data_date END) AS latest_date
     FROM ${history} ${sinceFilter} GROUP BY processor_name`,
    params,
  );
  const failures = await warehouse.query(
    `SELECT run_id, processor_name, data_date, error_class, errors, ${d.cast('finished_at', 'STRING')} AS finished_at
     FROM ${history} WHERE status = 'failed' ${since ? `AND started_at >= ${d.param('since', 'TIMESTAMP')}` : ''}
     ORDER BY finished_at DESC, data_date DESC LIMIT 10`,
    params,
  );
  const latest = await warehouse.query(latestHistorySql(d, ['processor_name', 'data_date', 'status']));
  const done = new Map<string, Set<IsoDate>>();
  const seasonsOf = new Map<string, Set<number>>();
  for (const row of latest) {
    const name = String(row.processor_name);
    const date = String(row.data_date);
    if (!seasonsOf.has(name)) seasonsOf.set(name, new Set());
    seasonsOf.get(name)?.add(seasonYearOf(date));
    if (row.status === 'success' || row.status === 'skipped') {
      if (!done.has(name)) done.set(name, new Set());
      done.get(name)?.add(date);
    }
  }
  const seasons = knownSeasons(await loadScheduleSeasons(warehouse));
  const allYears = [...new Set([...seasonsOf.values()].flatMap((s) => [...s]))];
  const ranges = seasons.filter((s) => allYears.includes(s.seasonYear));
  const first = ranges[0]?.start;
  const last = ranges.at(-1)?.end;
  const calendar = new SeasonCalendar(seasons, first && last ? await loadGameCounts(warehouse, first, last) : new Map(), bootstrapDays);
  const gameDates = [...calendar.gameCounts.keys()].sort();
  const byName = new Map(counts.map((r) => [String(r.processor_name), r]));
  return {
    processors: processors.map((p) => {
      const row = byName.get(p.name);
      const years = seasonsOf.get(p.name) ?? new Set<number>();
      const isDone = done.get(p.name) ?? new Set<IsoDate>();
      const open = gameDates.find(
        (date) => years.has(seasonYearOf(date)) && !isDone.has(date) && !(p.phase === 4 && calendar.isBootstrap(date)),
      );
      return {
        processor: p.name,
        phase: p.phase,
        ok: Number(row?.ok ?? 0),
        failed: Number(row?.failed ?? 0),
        skipped: Number(row?.skipped ?? 0),
        latestDate: (row?.latest_date as string | null) ?? null,
        resumeFrom: open ?? null,
        resumeTo: open ? (seasons.find((s) => s.seasonYear === seasonYearOf(open))?.end ?? null) : null,
      };
    }),
    failures: failures.map((f) => ({
      runId: String(f.run_id),
      processor: String(f.processor_name),
      date: String(f.data_date),
      errorClass: (f.error_class as string | null) ?? null,
      message: lastErrorMessage(f.errors),
      finishedAt: (f.finished_at as string | null) ?? null,
    })),
  };
}
