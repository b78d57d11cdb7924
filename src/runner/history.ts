import { userInfo } from 'node:os';
import { seasonYearOf, type IsoDate } from '../calendar/dates.js';
import type { ErrorClass, PairStatus, Phase, SkipReason } from '../vocabulary.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import {
  ERROR_TYPES,
  FAILURE_CATEGORIES,
  PLATFORM_PHASES,
  PLATFORM_PROCESSOR_NAMES,
  processorRunHistory,
  TOOL_EXECUTION_HOST,
  TOOL_MARKER,
  toolHistorySql,
} from '../warehouse/tables/run-history.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';

/**
 * One history record in the tool's words; stored in the platform's layout of
 * `nba_reference.processor_run_history` (platformHistoryRow) and read back through toolHistorySql.
 */
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
       FROM (${toolHistorySql(d)}) AS h
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
    await warehouse.insertRows(processorRunHistory, rows.slice(i, i + batchSize).map(platformHistoryRow));
  }
}

/** Whose runs these are, for `triggered_by`. */
const TRIGGERED_BY = (() => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
})();

/**
 * A record as the platform's table holds it: class name, phase name, the platform's status (a
 * rollback is `skipped`, with the tool's state in `summary`), JSON errors naming `DependencyError`
 * for missing inputs, and the tool's own fields in `summary`.
 */
export function platformHistoryRow(row: HistoryRow): Row {
  const rolledBack = row.status === 'rolled-back';
  const errorType = row.error_class ? ERROR_TYPES[row.error_class] : undefined;
  const errors = row.errors ? (JSON.parse(row.errors) as Record<string, unknown>[]).map((e) => (errorType ? { error_type: errorType, ...e } : e)) : null;
  const summary = Object.fromEntries(
    Object.entries({
      tool: TOOL_MARKER,
      state: rolledBack ? 'rolled-back' : undefined,
      skip_reason: row.skip_reason ?? undefined,
      error_class: row.error_class ?? undefined,
      input_fingerprint: row.input_fingerprint ?? undefined,
      command_line: row.command_line,
      tool_version: row.tool_version,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    processor_name: PLATFORM_PROCESSOR_NAMES[row.processor_name] ?? row.processor_name,
    run_id: row.run_id,
    season_year: seasonYearOf(row.data_date),
    status: rolledBack ? 'skipped' : row.status,
    duration_seconds: row.duration_ms === null ? null : row.duration_ms / 1000,
    records_processed: row.rows_written,
    backfill_mode: true,
    execution_host: TOOL_EXECUTION_HOST,
    triggered_by: TRIGGERED_BY,
    errors,
    summary,
    data_date: row.data_date,
    started_at: row.started_at,
    processed_at: row.finished_at,
    phase: PLATFORM_PHASES[row.phase],
    output_table: row.processor_name,
    output_dataset: row.phase === 3 ? 'nba_analytics' : 'nba_precompute',
    trigger_source: TOOL_EXECUTION_HOST,
    dependency_check_passed: row.status === 'failed' ? row.error_class !== 'missing-dependency' : true,
    missing_dependencies: row.missing_dependencies,
    retry_attempt: row.attempts,
    skipped: row.status === 'skipped' || rolledBack,
    skip_reason: rolledBack ? 'rolled-back' : row.skip_reason,
    failure_category: row.status === 'failed' && row.error_class ? (FAILURE_CATEGORIES[row.error_class] ?? 'unknown') : null,
  };
}

export { processorRunHistory, toolHistorySql };

/** The message of the last attempt recorded in a history row's `errors` JSON. */
export function lastErrorMessage(errors: unknown): string {
  if (typeof errors !== 'string') return '';
  try {
    const parsed = JSON.parse(errors) as { message?: string }[] | null;
    return Array.isArray(parsed) ? (parsed.at(-1)?.message ?? '') : '';
  } catch {
    return errors;
  }
}
