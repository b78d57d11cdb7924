import type { SqlDialect } from './dialect.js';
import { normalizeType, typeFamily, type ColumnDef, type ColumnMode, type TableDef } from './schema.js';

/**
 * How a day write builds every column of the target table (both engines share this SQL):
 * - computed: what the processor's SELECT produces, cast to the table's type;
 * - bookkeeping: recomputed by the write (`processed_at`, `created_at`, `data_hash`);
 * - carried: any other column keeps, for each (date, key), the value already stored (NULL for a
 *   new key), so a day write never blanks a column it does not compute.
 */
export type ColumnSource = 'computed' | 'bookkeeping' | 'carried';

/** Columns a write recomputes when the SELECT does not produce them; never carried. */
export const BOOKKEEPING_COLUMNS = ['processed_at', 'created_at', 'data_hash'] as const;

function isBookkeeping(name: string): boolean {
  return (BOOKKEEPING_COLUMNS as readonly string[]).includes(name.toLowerCase());
}

/** A column of the table as it exists (live metadata), in the table's order. */
export interface TargetColumn {
  readonly name: string;
  readonly type: string;
  readonly mode?: ColumnMode;
}

export interface WritePlan {
  readonly columns: readonly (TargetColumn & { source: ColumnSource })[];
  readonly carried: readonly string[];
  /** REQUIRED columns the write cannot fill for a new key (carried ones): named when NULL. */
  readonly requiredCarried: readonly string[];
}

/** What each target column is built from; `layout` is the existing table's, else the definition's. */
export function writePlan(table: TableDef, layout?: readonly TargetColumn[]): WritePlan {
  const produced = new Map((table.produced ?? table.columns).map((c) => [c.name.toLowerCase(), c]));
  const target = layout ?? table.columns;
  const columns = target.map((c) => {
    const lower = c.name.toLowerCase();
    const source: ColumnSource = produced.has(lower) ? 'computed' : isBookkeeping(lower) ? 'bookkeeping' : 'carried';
    return { name: c.name, type: c.type, ...(c.mode ? { mode: c.mode } : {}), source };
  });
  const carried = columns.filter((c) => c.source === 'carried').map((c) => c.name);
  const requiredCarried = columns.filter((c) => c.source === 'carried' && c.mode === 'REQUIRED').map((c) => c.name);
  return { columns, carried, requiredCarried };
}

/**
 * A value of type `from` written into a column of type `to`, within one family (numbers; STRING
 * and JSON). Fractions going into INT64 or NUMERIC round half away from zero on both engines:
 * DuckDB's own DOUBLE-to-BIGINT cast rounds half to even, so ROUND comes first.
 */
export function castForWrite(d: SqlDialect, expr: string, from: string, to: string): string {
  const source = normalizeType(from);
  const target = normalizeType(to);
  if (source === target) return expr;
  if (typeFamily(source) !== typeFamily(target)) {
    throw new Error(`cannot write ${source} into a ${target} column`);
  }
  if (target === 'INT64') return d.cast(source === 'INT64' ? expr : `ROUND(${expr})`, 'INT64');
  if (target === 'NUMERIC') return d.cast(source === 'FLOAT64' ? `ROUND(${expr}, 9)` : expr, 'NUMERIC');
  if (target === 'FLOAT64') return d.cast(expr, 'FLOAT64');
  if (target === 'JSON') return d.parseJson(expr);
  return d.jsonText(expr);
}

export interface ComposeOptions {
  /** SQL expressions bounding the days written (inclusive); existing rows are read in this range. */
  from: string;
  to: string;
  /** An extra condition on the produced rows (DuckDB batches: only the batch's days). */
  producedFilter?: string;
}

/**
 * The full-width rows of a day write: the processor's rows joined with the stored rows of the
 * same (date, key), deduplicated first (the platform has known duplicates; the latest
 * `processed_at` wins), every column in the target's order and type. The stored rows are read
 * through a constant range on the partition column, before the window, so BigQuery prunes.
 */
export function composedRowsSql(d: SqlDialect, table: TableDef, selectSql: string, plan: WritePlan, options: ComposeOptions): string {
  const produced = new Map((table.produced ?? table.columns).map((c) => [c.name.toLowerCase(), c]));
  const computed = plan.columns.filter((c) => c.source === 'computed');
  // The hash covers the computed values, not when they were computed.
  const hashInputs = computed.filter((c) => !isBookkeeping(c.name)).map((c) => `p.${c.name}`);
  const expressions = plan.columns.map((c) => {
    const lower = c.name.toLowerCase();
    if (c.source === 'computed') {
      const from = (produced.get(lower) as ColumnDef).type;
      return `${castForWrite(d, `p.${c.name}`, from, c.type)} AS ${c.name}`;
    }
    if (c.source === 'bookkeeping') {
      const value = lower === 'data_hash' ? d.cast(d.hash(hashInputs), 'STRING') : d.currentTimestamp();
      return `${value} AS ${c.name}`;
    }
    return `e.${c.name} AS ${c.name}`;
  });
  const filter = options.producedFilter ? ` WHERE ${options.producedFilter}` : '';
  const producedCte = `produced AS (SELECT * FROM (${selectSql}) AS s${filter})`;
  if (plan.carried.length === 0) return `WITH ${producedCte}\nSELECT ${expressions.join(', ')}\nFROM produced AS p`;
  const keys = [table.dateColumn, ...table.key];
  return `WITH ${producedCte},
  existing AS (${storedRowsSql(d, table, [...keys, ...plan.carried.filter((c) => !keys.includes(c))], options)})
SELECT ${expressions.join(', ')}
FROM produced AS p LEFT JOIN existing AS e ON ${keys.map((k) => `e.${k} = p.${k}`).join(' AND ')}`;
}

/** The stored rows of the range, one per (date, key): the latest `processed_at` wins. */
export function storedRowsSql(d: SqlDialect, table: TableDef, columns: readonly string[], options: Pick<ComposeOptions, 'from' | 'to'>): string {
  const keys = [table.dateColumn, ...table.key];
  const order = table.columns.some((c) => c.name === 'processed_at') ? 'processed_at DESC' : keys.join(', ');
  return `SELECT ${columns.join(', ')} FROM ${d.table(table)}
    WHERE ${table.dateColumn} BETWEEN ${options.from} AND ${options.to}
    QUALIFY ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${order}) = 1`;
}

/** One text per key (for messages): the key columns joined with `|`. */
export function keyText(d: SqlDialect, table: TableDef, alias: string): string {
  return table.key.map((k) => d.cast(`${alias}.${k}`, 'STRING')).join(` || '|' || `);
}

/**
 * Per day, the stored keys the new rows no longer have: `day`, `dropped`, and two of them
 * (`first_key`, `last_key`). `rows` names the relation holding the new rows.
 */
export function droppedKeysSql(d: SqlDialect, table: TableDef, rows: string, options: Pick<ComposeOptions, 'from' | 'to'>): string {
  const keys = [table.dateColumn, ...table.key];
  return `SELECT e.${table.dateColumn} AS day, COUNT(*) AS dropped, MIN(${keyText(d, table, 'e')}) AS first_key, MAX(${keyText(d, table, 'e')}) AS last_key
FROM (SELECT DISTINCT ${keys.join(', ')} FROM ${d.table(table)} WHERE ${table.dateColumn} BETWEEN ${options.from} AND ${options.to}) AS e
WHERE NOT EXISTS (SELECT 1 FROM ${rows} AS n WHERE ${keys.map((k) => `n.${k} = e.${k}`).join(' AND ')})
GROUP BY e.${table.dateColumn}`;
}
