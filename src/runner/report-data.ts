import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar } from '../calendar/calendar.js';
import { eachDay, type IsoDate } from '../calendar/dates.js';
import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { lastErrorMessage, latestHistorySql, processorRunHistory, toolHistorySql } from './history.js';

/** The colour classes of a cell in the coverage calendar. */
export type CellStatus = 'done' | 'done-ok' | 'done-degraded' | 'done-poor' | 'failed' | 'bootstrap' | 'no-games' | 'missing' | 'rolled-back';

export interface ReportCell {
  date: IsoDate;
  status: CellStatus;
  detail: string;
}

export interface ReportTable {
  processor: string;
  phase: 3 | 4;
  cells: ReportCell[];
  counts: Record<CellStatus, number>;
}

export interface ReportFailure {
  processor: string;
  date: IsoDate;
  errorClass: string | null;
  message: string;
  runId: string;
}

export interface ReportDurations {
  processor: string;
  runs: number;
  pairs: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
}

export interface ReportData {
  generatedAt: string;
  start: IsoDate;
  end: IsoDate;
  tables: ReportTable[];
  failures: ReportFailure[];
  durations: ReportDurations[];
}

/**
 * What the HTML report shows, read with a few grouped queries: the latest history state of every
 * (processor, date), the share of Good rows per Phase 4 date, current failures and durations.
 */
export async function loadReportData(warehouse: Warehouse, range?: { start: IsoDate; end: IsoDate }, bootstrapDays = 7): Promise<ReportData | undefined> {
  const schedule = await loadScheduleSeasons(warehouse);
  const seasons = knownSeasons(schedule);
  const start = range?.start ?? schedule[0]?.regularStart;
  const end = range?.end ?? schedule.at(-1)?.regularEnd;
  if (!start || !end) return undefined;
  const calendar = new SeasonCalendar(seasons, await loadGameCounts(warehouse, start, end), bootstrapDays);
  const processors = [...phaseProcessors(3, PROCESSORS), ...phaseProcessors(4, PROCESSORS)];
  const d = warehouse.dialect;
  const hasHistory = await warehouse.tableExists(processorRunHistory);
  const history = `(${toolHistorySql(d)}) AS tool_history`;
  const params = { start, end };
  const inRange = `data_date BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')}`;
  const latest = hasHistory
    ? await warehouse.query(
        latestHistorySql(d, ['processor_name', 'data_date', 'status', 'skip_reason', 'error_class', 'errors', 'rows_written'], { dates: true }),
        { from: start, to: end },
      )
    : [];
  const state = new Map(latest.map((r) => [`${String(r.processor_name)}|${String(r.data_date)}`, r]));
  const quality = new Map<string, number>();
  for (const p of processors.filter((x) => x.phase === 4)) {
    if (!(await warehouse.tableExists(p.table))) continue;
    const rows = await warehouse.query(
      `SELECT ${p.table.dateColumn} AS day, COUNTIF(quality_tier = 'Good') * 100.0 / COUNT(*) AS good
       FROM ${d.table(p.table)} WHERE ${p.table.dateColumn} BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')} GROUP BY 1`,
      params,
    );
    for (const r of rows) quality.set(`${p.name}|${String(r.day)}`, Number(r.good));
  }
  const days = eachDay(start, end);
  const tables: ReportTable[] = processors.map((p) => {
    const counts = { done: 0, 'done-ok': 0, 'done-degraded': 0, 'done-poor': 0, failed: 0, bootstrap: 0, 'no-games': 0, missing: 0, 'rolled-back': 0 } as Record<CellStatus, number>;
    const cells = days.map((date): ReportCell => {
      const row = state.get(`${p.name}|${date}`);
      const games = calendar.games(date);
      let status: CellStatus;
      let detail: string;
      if (row?.status === 'success') {
        const good = quality.get(`${p.name}|${date}`);
        status = good === undefined || good >= 80 ? 'done' : good >= 50 ? 'done-ok' : good >= 20 ? 'done-degraded' : 'done-poor';
        detail = `done, ${String(row.rows_written)} rows${good === undefined ? '' : `, ${good.toFixed(0)} % Good`}`;
      } else if (row?.status === 'failed') {
        status = 'failed';
        detail = `failed (${String(row.error_class)})`;
      } else if (row?.status === 'rolled-back') {
        status = 'rolled-back';
        detail = 'rolled back';
      } else if (p.phase === 4 && calendar.isBootstrap(date)) {
        status = 'bootstrap';
        detail = 'skipped: bootstrap';
      } else if (games === 0) {
        status = 'no-games';
        detail = 'no games';
      } else {
        status = 'missing';
        detail = `missing (${games} games)`;
      }
      counts[status] += 1;
      return { date, status, detail };
    });
    return { processor: p.name, phase: p.phase, cells, counts };
  });
  const failures: ReportFailure[] = latest
    .filter((r) => r.status === 'failed')
    .map((r) => ({
      processor: String(r.processor_name),
      date: String(r.data_date),
      errorClass: (r.error_class as string | null) ?? null,
      message: lastErrorMessage(r.errors),
      runId: '',
    }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.processor < b.processor ? -1 : 1));
  const durations = hasHistory
    ? (
        await warehouse.query(
          `SELECT processor_name, COUNT(DISTINCT run_id) AS runs, COUNT(*) AS pairs, SUM(duration_ms) AS total_ms,
             AVG(duration_ms) AS mean_ms, MAX(duration_ms) AS max_ms
           FROM ${history} WHERE ${inRange} AND status IN ('success', 'failed') GROUP BY 1 ORDER BY 1`,
          params,
        )
      ).map((r) => ({
        processor: String(r.processor_name),
        runs: Number(r.runs),
        pairs: Number(r.pairs),
        totalMs: Number(r.total_ms),
        meanMs: Number(r.mean_ms),
        maxMs: Number(r.max_ms),
      }))
    : [];
  return { generatedAt: new Date().toISOString(), start, end, tables, failures, durations };
}
