import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableDef } from '../schema.js';
import type { Row, SqlParams } from '../warehouse.js';
import { duckDbDialect } from './duckdb-dialect.js';
import { bindParams, readRows } from './duckdb-values.js';

export type FileFormat = 'csv' | 'parquet' | 'json';

export interface FileCheck {
  columns: string[];
  unknown: string[];
  missing: string[];
  /** Columns with values that do not convert to the column's type, with their counts. */
  unconvertible: string[];
  rows: number;
  dates: string[];
}

/**
 * Load bookkeeping an export may lack although the platform marks it REQUIRED: the time of the
 * load and the file it came from are filled in.
 */
const LOAD_DEFAULTS: Readonly<Record<string, string>> = {
  processed_at: 'CAST(now() AS TIMESTAMP)',
  created_at: 'CAST(now() AS TIMESTAMP)',
  source_file_path: 'CAST($file_name AS VARCHAR)',
};

/** A table function reading the file bound as `$path` (never spliced into the SQL). */
function fileReader(format: FileFormat): string {
  if (format === 'csv') return `read_csv($path, header = true, auto_detect = true)`;
  if (format === 'parquet') return `read_parquet($path)`;
  return `read_json($path, format = 'newline_delimited')`;
}

/** Columns of a local export against a table: unknown ones, missing required ones, rows and dates. */
export async function inspectFile(
  engine: { query(sql: string, params?: SqlParams): Promise<Row[]> },
  table: TableDef,
  path: string,
  format: FileFormat,
): Promise<FileCheck> {
  const reader = fileReader(format);
  const described = await engine.query(`DESCRIBE SELECT * FROM ${reader}`, { path });
  const columns = described.map((r) => String(r.column_name));
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = columns.filter((c) => !known.has(c));
  const missing = table.columns.filter((c) => c.required && !columns.includes(c.name) && !(c.name in LOAD_DEFAULTS)).map((c) => c.name);
  if (unknown.length > 0 || missing.length > 0) return { columns, unknown, missing, unconvertible: [], rows: 0, dates: [] };
  const typed = table.columns.filter((c) => columns.includes(c.name));
  const failures = typed
    .map((c) => `count(*) FILTER (WHERE ${c.name} IS NOT NULL AND ${duckDbDialect.tryCast(c.name, c.type)} IS NULL) AS ${c.name}`)
    .join(', ');
  const stats = await engine.query(
    `SELECT count(*) AS n, list(DISTINCT TRY_CAST(${table.dateColumn} AS DATE)::VARCHAR) AS dates, ${failures} FROM ${reader}`,
    { path },
  );
  const first = stats[0] ?? {};
  const unconvertible = typed.filter((c) => Number(first[c.name] ?? 0) > 0).map((c) => `${c.name} (${String(first[c.name])} not ${c.type})`);
  const dates = ((first.dates as string[] | null) ?? []).filter(Boolean).sort();
  return { columns, unknown, missing, unconvertible, rows: Number(first.n ?? 0), dates };
}

/** Replaces, inside the caller's transaction, the table's rows on the file's dates with the file's rows. */
export async function importFileOn(
  conn: DuckDBConnection,
  table: TableDef,
  path: string,
  format: FileFormat,
  fileColumns: readonly string[],
): Promise<{ rows: number; dates: number }> {
  const reader = fileReader(format);
  const present = new Set(fileColumns);
  const projection = table.columns
    .map((c) => {
      if (present.has(c.name)) return `${duckDbDialect.cast(c.name, c.type)} AS ${c.name}`;
      const fallback = LOAD_DEFAULTS[c.name];
      return `${fallback ?? duckDbDialect.cast('NULL', c.type)} AS ${c.name}`;
    })
    .join(', ');
  const name = duckDbDialect.table(table);
  const columns = table.columns.map((c) => c.name).join(', ');
  const stage = `CREATE OR REPLACE TEMP TABLE import_stage AS SELECT ${projection} FROM ${reader}`;
  await conn.run(stage, ...bindParams(stage, { path, file_name: basename(path) }));
  const counted = readRows(await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT ${table.dateColumn}) AS d FROM import_stage`));
  await conn.run(`DELETE FROM ${name} WHERE ${table.dateColumn} IN (SELECT DISTINCT ${table.dateColumn} FROM import_stage)`);
  await conn.run(`INSERT INTO ${name} (${columns}) SELECT ${columns} FROM import_stage`);
  await conn.run('DROP TABLE import_stage');
  return { rows: Number(counted[0]?.n ?? 0), dates: Number(counted[0]?.d ?? 0) };
}
