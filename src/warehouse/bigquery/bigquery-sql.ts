import { composedRowsSql, droppedKeysSql, writePlan } from '../day-write.js';
import type { SqlDialect } from '../dialect.js';
import type { ExistingColumn } from '../preflight.js';
import { arrayElement, type ColumnType, type TableDef } from '../schema.js';
import type { DayReplace, Row, SqlParams } from '../warehouse.js';

// The SQL texts the BigQuery engine sends that are not a processor's: the guarded day write, the
// batched history INSERT, the rollback DELETE and the printed undo script. ZetaSQL checks each.

/** The time-travel restore of a table's days `from`..`to` to their state at `asOf` (see restoreStatement). */
export function restoreSql(d: SqlDialect, table: TableDef, from: string, to: string, asOf: Date): string {
  const name = d.table(table);
  const days = `${table.dateColumn} BETWEEN DATE '${from}' AND DATE '${to}'`;
  const at = `TIMESTAMP '${asOf.toISOString()}'`;
  return `BEGIN TRANSACTION; DELETE FROM ${name} WHERE ${days}; INSERT INTO ${name} SELECT * FROM ${name} FOR SYSTEM_TIME AS OF ${at} WHERE ${days}; COMMIT TRANSACTION;`;
}

/**
 * Deletes the rows of `@days` (a list of `YYYY-MM-DD`, bound as DATEs) from a table: the bare
 * partition column against the list, so BigQuery prunes to those days.
 */
export function deleteDatesSql(d: SqlDialect, table: TableDef): string {
  return `DELETE FROM ${d.table(table)} WHERE ${d.inArray(table.dateColumn, d.param('days', 'ARRAY<DATE>'))}`;
}

/**
 * One INSERT of rows, all of them in a single JSON text parameter unpacked in SQL. A parameter per
 * value (400 rows x 17 columns) cost the client about 0.2 s of CPU per batch, stalling every job
 * in flight; one string costs a JSON.stringify. A missing or null list becomes an empty one.
 */
export function insertSql(d: SqlDialect, table: TableDef, rows: readonly Row[]): { sql: string; params: Record<string, SqlParams[string]> } {
  const value = (name: string, type: ColumnType): string => {
    const text = `JSON_VALUE(r, '$.${name}')`;
    const element = arrayElement(type);
    if (element) {
      const item = element === 'STRING' ? 'JSON_VALUE(x)' : d.cast('JSON_VALUE(x)', element);
      return `ARRAY(SELECT ${item} FROM UNNEST(JSON_QUERY_ARRAY(r, '$.${name}')) AS x WITH OFFSET AS o ORDER BY o)`;
    }
    // A JSON null in the batch is SQL NULL in the table, as on DuckDB.
    if (type === 'JSON') return `PARSE_JSON(NULLIF(JSON_QUERY(r, '$.${name}'), 'null'))`;
    return type === 'STRING' ? text : d.cast(text, type);
  };
  const columns = table.columns.map((c) => c.name);
  const sql =
    `INSERT INTO ${d.table(table)} (${columns.join(', ')})\n` +
    `SELECT ${table.columns.map((c) => `${value(c.name, c.type)} AS ${c.name}`).join(', ')}\n` +
    `FROM UNNEST(JSON_QUERY_ARRAY(${d.param('rows', 'STRING')})) AS r`;
  const plain = rows.map((row) => Object.fromEntries(columns.map((name) => [name, jsonValue(row[name])])));
  return { sql, params: { rows: JSON.stringify(plain) } };
}

/** A value as JSON carries it: dates and timestamps as text BigQuery casts back. */
function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return String(value);
  return value;
}

/**
 * The day's rows at the table's full width (day-write.ts: computed columns cast to the table's
 * types, stored values carried for existing keys, bookkeeping recomputed), wrapped with the
 * output guards and the processor's check, all evaluated inside the write job: a guard that fails
 * raises ERROR() and the job writes nothing. The guard row is joined even when the SELECT is
 * empty, so "0 rows" fails too instead of truncating the day to nothing. `layout` is the existing
 * table's columns in order (the live metadata decides, columns only it has are carried).
 */
export function guardedDaySql(
  d: SqlDialect,
  write: Pick<DayReplace, 'table' | 'selectSql' | 'check'> & { layout?: readonly ExistingColumn[] },
): string {
  const { table } = write;
  const plan = writePlan(table, write.layout);
  const day = d.param('__day', 'DATE');
  const range = { from: day, to: day };
  const output = plan.columns.map((c) => `p.${c.name}`);
  const keys = table.key.map((k) => `CAST(${k} AS STRING)`).join(", '|', ");
  const check = write.check ? `,\n  problems AS (SELECT CAST(problem AS STRING) AS problem FROM (${write.check('new_rows')}) AS c)` : '';
  const checkCounts = write.check ? ',\n      (SELECT COUNT(*) FROM problems) AS problems, (SELECT MIN(problem) FROM problems) AS first_problem' : '';
  const checkGuard = write.check
    ? `\n  AND IF(guard.problems > 0, ERROR(CONCAT('backfill guard: ', CAST(guard.problems AS STRING), ' check failure(s): ', guard.first_problem)), TRUE)`
    : '';
  const missingRequired = plan.requiredCarried.length === 0
    ? `''`
    : `CONCAT(${plan.requiredCarried.map((c) => `IF(COUNTIF(${c} IS NULL) > 0, '${c} ', '')`).join(', ')})`;
  const allowDrop = d.param('__allow_drop_keys', 'BOOL');
  return `WITH new_rows AS (${composedRowsSql(d, table, write.selectSql, plan, range)}),
  produced AS (SELECT *, TRUE AS __present FROM new_rows)${check},
  dropped_keys AS (${droppedKeysSql(d, table, 'new_rows', range)}),
  guard AS (
    SELECT COUNT(*) AS n, COUNTIF(${table.dateColumn} != ${day}) AS outside,
      COUNT(*) - COUNT(DISTINCT CONCAT(${keys})) AS duplicates,
      (SELECT COUNT(*) FROM ${d.table(table)} WHERE ${table.dateColumn} = ${day}) AS previous,
      (SELECT SUM(dropped) FROM dropped_keys) AS dropped, (SELECT MIN(first_key) FROM dropped_keys) AS dropped_key,
      ${missingRequired} AS missing_required${checkCounts}
    FROM produced
  )
SELECT ${output.join(', ')}
FROM guard LEFT JOIN produced AS p ON TRUE
WHERE IF(guard.outside > 0, ERROR(CONCAT('backfill guard: ', CAST(guard.outside AS STRING), ' rows fall outside the day')), TRUE)
  AND IF(guard.duplicates > 0, ERROR(CONCAT('backfill guard: ', CAST(guard.duplicates AS STRING), ' duplicate keys')), TRUE)
  AND IF(guard.n < ${d.param('__min_rows', 'INT64')}, ERROR(CONCAT('backfill guard: ', CAST(guard.n AS STRING), ' rows, expected at least ', CAST(${d.param('__min_rows', 'INT64')} AS STRING))), TRUE)
  AND IF(NOT ${d.param('__allow_shrink', 'BOOL')} AND guard.previous > 0 AND guard.n * 2 < guard.previous,
         ERROR(CONCAT('backfill guard: would shrink from ', CAST(guard.previous AS STRING), ' to ', CAST(guard.n AS STRING), ' rows')), TRUE)
  AND IF(NOT ${allowDrop} AND guard.dropped > 0,
         ERROR(CONCAT('backfill guard: would drop ', CAST(guard.dropped AS STRING), ' stored key(s) it does not produce (', guard.dropped_key, '); use --allow-drop-keys to accept')), TRUE)
  AND IF(guard.missing_required != '', ERROR(CONCAT('backfill guard: new keys would leave REQUIRED column(s) NULL: ', guard.missing_required)), TRUE)${checkGuard}
  AND p.__present`;
}
