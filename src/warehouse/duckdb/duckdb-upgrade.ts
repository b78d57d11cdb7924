import { qualifiedName, typeFamily, type ColumnDef, type TableDef } from '../schema.js';
import { PLATFORM_PHASES, PLATFORM_PROCESSOR_NAMES, processorRunHistory, TOOL_EXECUTION_HOST, TOOL_MARKER } from '../tables/run-history.js';
import { duckDbDialect } from './duckdb-dialect.js';

/** A column of an older file whose type changes to the layout's, within one family. */
export interface ColumnUpgrade {
  table: string;
  column: string;
  from: string;
  to: string;
  /** How a stored value becomes the new type (rounding half away from zero into integers). */
  using: string;
}

const SCALAR_NAMES: Record<string, string> = {
  VARCHAR: 'STRING',
  BIGINT: 'INT64',
  INTEGER: 'INT64',
  DOUBLE: 'FLOAT64',
  BOOLEAN: 'BOOL',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  JSON: 'JSON',
};

/** BigQuery's name for a DuckDB column type, as far as the tool uses them (else STRING). */
export function bigQueryTypeOf(duckDbType: string): ColumnDef['type'] {
  if (/^DECIMAL\(/.test(duckDbType)) return 'NUMERIC';
  if (duckDbType.endsWith('[]')) return `ARRAY<${bigQueryTypeOf(duckDbType.slice(0, -2))}>`;
  return (SCALAR_NAMES[duckDbType] ?? 'STRING') as ColumnDef['type'];
}

/** The upgrade of a column stored as `have`, or undefined when the types are not of one family. */
export function columnUpgrade(table: TableDef, column: ColumnDef, have: string): ColumnUpgrade | undefined {
  if (!/^DECIMAL\(/.test(have) && SCALAR_NAMES[have] === undefined) return undefined; // lists, structs: never changed
  const family = typeFamily(bigQueryTypeOf(have));
  if ((family !== 'number' && family !== 'text') || family !== typeFamily(column.type)) return undefined;
  const to = duckDbDialect.type(column.type);
  const using = column.type === 'INT64' ? `CAST(ROUND(${column.name}) AS BIGINT)` : column.type === 'NUMERIC' ? `CAST(ROUND(${column.name}, 9) AS ${to})` : `CAST(${column.name} AS ${to})`;
  return { table: `${table.dataset}.${table.name}`, column: column.name, from: have, to, using };
}

export function upgradeStatements(upgrades: readonly ColumnUpgrade[]): string[] {
  return upgrades.map((u) => `ALTER TABLE ${u.table} ALTER COLUMN ${u.column} SET DATA TYPE ${u.to} USING ${u.using}`);
}

/**
 * The run history of a file made before the platform's layout (its own columns: `input_fingerprint`,
 * `phase` as a number, ...) becomes the platform's table: the old table is kept under another name
 * and its rows are copied over in the platform's vocabulary, the tool's fields into `summary`.
 */
export function legacyHistoryUpgrade(table: TableDef, existing: ReadonlyMap<string, string>): string[] | undefined {
  if (qualifiedName(table) !== qualifiedName(processorRunHistory) || !existing.has('input_fingerprint')) return undefined;
  const kept = 'processor_run_history_before_platform_layout';
  const names = Object.entries(PLATFORM_PROCESSOR_NAMES).map(([t, c]) => `WHEN '${t}' THEN '${c}'`).join(' ');
  const mapped: Record<string, string> = {
    processor_name: `CASE processor_name ${names} ELSE processor_name END`,
    run_id: 'run_id',
    season_year: 'EXTRACT(YEAR FROM data_date) - CASE WHEN EXTRACT(MONTH FROM data_date) >= 10 THEN 0 ELSE 1 END',
    status: `CASE WHEN status = 'rolled-back' THEN 'skipped' ELSE status END`,
    duration_seconds: 'duration_ms / 1000.0',
    records_processed: 'rows_written',
    backfill_mode: 'TRUE',
    execution_host: `'${TOOL_EXECUTION_HOST}'`,
    triggered_by: `'upgrade'`,
    errors: 'CAST(errors AS JSON)',
    summary: `json_object('tool', '${TOOL_MARKER}', 'state', CASE WHEN status = 'rolled-back' THEN 'rolled-back' END, 'skip_reason', skip_reason,
      'error_class', error_class, 'input_fingerprint', input_fingerprint, 'command_line', command_line, 'tool_version', tool_version)`,
    data_date: 'data_date',
    started_at: 'started_at',
    processed_at: 'finished_at',
    phase: `CASE phase WHEN 3 THEN '${PLATFORM_PHASES[3]}' ELSE '${PLATFORM_PHASES[4]}' END`,
    output_table: 'processor_name',
    output_dataset: `CASE phase WHEN 3 THEN 'nba_analytics' ELSE 'nba_precompute' END`,
    trigger_source: `'${TOOL_EXECUTION_HOST}'`,
    missing_dependencies: 'to_json(missing_dependencies)',
    retry_attempt: 'attempts',
    skipped: `status IN ('skipped', 'rolled-back')`,
    skip_reason: `CASE WHEN status = 'rolled-back' THEN 'rolled-back' ELSE skip_reason END`,
  };
  const columns = table.columns.map((c) => `${c.name} ${duckDbDialect.type(c.type)}`).join(', ');
  const targets = Object.keys(mapped);
  return [
    `ALTER TABLE nba_reference.processor_run_history RENAME TO ${kept}`,
    `CREATE TABLE nba_reference.processor_run_history (${columns})`,
    `INSERT INTO nba_reference.processor_run_history (${targets.join(', ')}) SELECT ${targets.map((t) => mapped[t]).join(', ')} FROM nba_reference.${kept}`,
  ];
}
