import type { IsoDate } from '../calendar/dates.js';
import type { ErrorClass, PairStatus, Phase, SkipReason } from '../vocabulary.js';
import { processorRunHistory } from '../warehouse/tables/reference-tables.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';

/** One row of `nba_reference.processor_run_history`. */
export interface HistoryRow {
  run_id: string;
  processor_name: string;
  phase: Phase;
  data_date: IsoDate;
  status: PairStatus;
  skip_reason: SkipReason | null;
  error_class: ErrorClass | null;
  /** JSON text: a list of `{ attempt, class, message }`. */
  errors: string | null;
  missing_dependencies: string[] | null;
  rows_written: number | null;
  attempts: number;
  input_fingerprint: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  command_line: string;
  tool_version: string;
}

/** The latest recorded state of a (processor, date) pair. */
export interface PairState {
  status: PairStatus;
  skipReason: SkipReason | null;
  fingerprint: string | null;
  rowsWritten: number | null;
  runId: string;
}

export function pairKey(processor: string, date: IsoDate): string {
  return `${processor}|${date}`;
}

/** Latest history row per (processor, date) for the given processors between two dates. */
export async function readLatestStates(
  warehouse: Warehouse,
  processors: readonly string[],
  from: IsoDate,
  to: IsoDate,
): Promise<Map<string, PairState>> {
  const states = new Map<string, PairState>();
  if (processors.length === 0 || !(await warehouse.tableExists(processorRunHistory))) return states;
  const rows = await warehouse.query(latestStatesSql(warehouse.dialect), { from, to, processors });
  for (const row of rows) {
    states.set(pairKey(String(row.processor_name), String(row.data_date)), {
      status: row.status as PairStatus,
      skipReason: (row.skip_reason as SkipReason | null) ?? null,
      fingerprint: (row.input_fingerprint as string | null) ?? null,
      rowsWritten: row.rows_written === null ? null : Number(row.rows_written),
      runId: String(row.run_id),
    });
  }
  return states;
}

/**
 * The latest history row of each (processor, date), with the given columns; optionally only
 * between `@from` and `@to`, and only for `@processors`.
 */
export function latestHistorySql(d: SqlDialect, columns: readonly string[], filter: { dates?: boolean; processors?: boolean } = {}): string {
  const where = [
    filter.dates ? `data_date BETWEEN ${d.param('from', 'DATE')} AND ${d.param('to', 'DATE')}` : '',
    filter.processors ? d.inArray('processor_name', d.param('processors', 'ARRAY<STRING>')) : '',
  ].filter(Boolean);
  return `SELECT ${columns.join(', ')} FROM (
       SELECT h.*, ROW_NUMBER() OVER (
         PARTITION BY processor_name, data_date
         ORDER BY COALESCE(finished_at, started_at) DESC, started_at DESC) AS recency
       FROM ${d.table(processorRunHistory)} AS h
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ) AS latest WHERE recency = 1`;
}

/** The latest history row per (processor, date) of `@processors` between `@from` and `@to`. */
export function latestStatesSql(d: SqlDialect): string {
  return latestHistorySql(d, ['processor_name', 'data_date', 'status', 'skip_reason', 'input_fingerprint', 'rows_written', 'run_id'], { dates: true, processors: true });
}

export async function insertHistory(warehouse: Warehouse, rows: readonly HistoryRow[]): Promise<void> {
  // History goes in batches: one statement per batch, never one per date.
  const batchSize = 500;
  for (let i = 0; i < rows.length; i += batchSize) {
    await warehouse.insertRows(processorRunHistory, rows.slice(i, i + batchSize) as unknown as Row[]);
  }
}

export { processorRunHistory };

/** The message of the last attempt recorded in a history row's `errors` JSON. */
export function lastErrorMessage(errors: unknown): string {
  if (typeof errors !== 'string') return '';
  try {
    return (JSON.parse(errors) as { message?: string }[]).at(-1)?.message ?? '';
  } catch {
    return errors;
  }
}
