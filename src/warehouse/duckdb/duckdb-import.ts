import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { hasDayColumn, type TableDef } from '../schema.js';
import type { Row, SqlParams } from '../warehouse.js';
import { duckDbDialect } from './duckdb-dialect.js';
import { fileSource, notFlat, type FileFormat, type FileSource } from './duckdb-file-source.js';
import { bindParams, readRows } from './duckdb-values.js';

export type { FileFormat } from './duckdb-file-source.js';

export interface FileCheck {
  columns: string[];
  unknown: string[];
  missing: string[];
  /** Columns a CSV cannot hold (REPEATED, STRUCT, JSON), with their types. */
  nested: string[];
  /** Columns with values that do not convert to the column's type, with their counts. */
  unconvertible: string[];
  rows: number;
  /** The file's dates; none for a table without a day column (replaced whole). */
  dates: string[];
}

/**
 * Load bookkeeping an export may lack although the platform marks it REQUIRED: the time of the
 * load and the file it came from are filled in.
 */
const LOAD_DEFAULTS: Readonly<Record<string, string>> = {
  processed_at: "timezone('UTC', now())",
  created_at: "timezone('UTC', now())",
  source_file_path: 'CAST($file_name AS VARCHAR)',
};

/** Columns of a local export against a table: unknown ones, missing required ones, rows and dates. */
export async function inspectFile(
  engine: { query(sql: string, params?: SqlParams): Promise<Row[]> },
  table: TableDef,
  path: string,
  format: FileFormat,
): Promise<FileCheck> {
  const source = await fileSource((sql, params) => engine.query(sql, params), path, format);
  const columns = [...source.columns];
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = columns.filter((c) => !known.has(c));
  const missing = table.columns.filter((c) => c.required && !columns.includes(c.name) && !(c.name in LOAD_DEFAULTS)).map((c) => c.name);
  const typed = table.columns.filter((c) => columns.includes(c.name));
  const nested = format === 'csv' ? typed.filter((c) => notFlat(c.type)).map((c) => `${c.name} (${c.type})`) : [];
  const refused = { columns, unknown, missing, nested, unconvertible: [], rows: 0, dates: [] };
  if (unknown.length > 0 || missing.length > 0 || nested.length > 0) return refused;
  const failures = typed.map((c) => `, count(*) FILTER (WHERE ${source.raw(c.name)} IS NOT NULL AND ${source.value(c.name, c.type, false)} IS NULL) AS ${c.name}`);
  const dated = hasDayColumn(table) && columns.includes(table.dateColumn);
  const dates = dated ? `list(DISTINCT CAST(${source.value(table.dateColumn, 'DATE', false)} AS VARCHAR))` : 'NULL';
  const stats = await engine.query(`SELECT count(*) AS n, ${dates} AS dates${failures.join('')} FROM ${source.from}`, { path });
  const first = stats[0] ?? {};
  const unconvertible = typed.filter((c) => Number(first[c.name] ?? 0) > 0).map((c) => `${c.name} (${String(first[c.name])} not ${c.type})`);
  return { ...refused, unconvertible, rows: Number(first.n ?? 0), dates: ((first.dates as string[] | null) ?? []).filter(Boolean).sort() };
}

/**
 * Replaces, inside the caller's transaction, the table's rows on the file's dates with the file's
 * rows; a table without a day column is replaced whole.
 */
export async function importFileOn(
  conn: DuckDBConnection,
  table: TableDef,
  path: string,
  format: FileFormat,
  fileColumns: readonly string[],
): Promise<{ rows: number; dates: number }> {
  const query = async (sql: string, params?: SqlParams) => readRows(await conn.runAndReadAll(sql, ...bindParams(sql, params)));
  const source: FileSource = await fileSource(query, path, format);
  const present = new Set(fileColumns);
  const projection = table.columns
    .map((c) => {
      if (present.has(c.name)) return `${source.value(c.name, c.type, true)} AS ${c.name}`;
      return `${LOAD_DEFAULTS[c.name] ?? duckDbDialect.cast('NULL', c.type)} AS ${c.name}`;
    })
    .join(', ');
  const name = duckDbDialect.table(table);
  const columns = table.columns.map((c) => c.name).join(', ');
  const stage = `CREATE OR REPLACE TEMP TABLE import_stage AS SELECT ${projection} FROM ${source.from}`;
  await conn.run(stage, ...bindParams(stage, { path, file_name: basename(path) }));
  const dated = hasDayColumn(table);
  const counted = await query(`SELECT count(*) AS n, ${dated ? `count(DISTINCT ${table.dateColumn})` : '0'} AS d FROM import_stage`);
  await conn.run(`DELETE FROM ${name}${dated ? ` WHERE ${table.dateColumn} IN (SELECT DISTINCT ${table.dateColumn} FROM import_stage)` : ''}`);
  await conn.run(`INSERT INTO ${name} (${columns}) SELECT ${columns} FROM import_stage`);
  await conn.run('DROP TABLE import_stage');
  return { rows: Number(counted[0]?.n ?? 0), dates: Number(counted[0]?.d ?? 0) };
}
