import { typeFamily, type ColumnDef, type TableDef } from '../schema.js';
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
