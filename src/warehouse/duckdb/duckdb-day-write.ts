import type { DuckDBConnection } from '@duckdb/node-api';
import { composedRowsSql, droppedKeysSql, writePlan, type TargetColumn } from '../day-write.js';
import { OutputGuardError } from '../errors.js';
import type { DayReplaceResult, DaysReplace, SqlParams } from '../warehouse.js';
import { duckDbDialect as d } from './duckdb-dialect.js';
import { bindParams, readRows } from './duckdb-values.js';

let writes = 0;

/**
 * Replaces the days of a batch inside the caller's transaction: the processor's rows go into a
 * temporary table, are composed with the stored rows (carried columns, bookkeeping), checked by
 * every guard, and only then replace the days. One day reports its own error class
 * (`shrink-guard` for shrinking or dropped keys); a batch reports its failing days as one
 * `invalid-data` error, which makes the runner split it until the failing days run alone.
 */
export async function replaceDaysOn(
  conn: DuckDBConnection,
  write: DaysReplace,
  layout: readonly TargetColumn[] | undefined,
): Promise<Map<string, DayReplaceResult>> {
  const { table, dates } = write;
  const single = dates.length === 1;
  const first = dates[0] as string;
  const last = dates[dates.length - 1] as string;
  const params: SqlParams = { ...write.params, __dates: [...dates], __from: first, __to: last, __day: first };
  const run = async (sql: string) => conn.run(sql, ...bindParams(sql, params));
  const rows = async (sql: string) => readRows(await conn.runAndReadAll(sql, ...bindParams(sql, params)));
  const perDay = async (sql: string) => new Map((await rows(sql)).map((r) => [String(r.day), Number(r.n)]));

  writes += 1;
  const producedTable = `__produced_${writes}`;
  const newRows = `__new_rows_${writes}`;
  const inBatch = (column: string) => `CAST(${column} AS VARCHAR) IN (SELECT unnest(CAST($__dates AS VARCHAR[])))`;
  const range = { from: 'CAST($__from AS DATE)', to: 'CAST($__to AS DATE)' };
  const plan = writePlan(table, layout);
  const name = d.table(table);
  const columns = plan.columns.map((c) => c.name).join(', ');
  try {
    await run(`CREATE TEMP TABLE ${producedTable} AS SELECT * FROM (${write.selectSql}) AS s`);
    if (single) {
      const [counts] = await rows(`SELECT count(*) AS n, count(*) FILTER (WHERE NOT ${inBatch(table.dateColumn)}) AS outside FROM ${producedTable}`);
      const outside = Number(counts?.outside ?? 0);
      if (outside > 0) throw new OutputGuardError(`${outside} of ${Number(counts?.n ?? 0)} new rows of ${table.name} fall outside ${first}`, 'invalid-data');
    }
    const composed = composedRowsSql(d, table, `SELECT * FROM ${producedTable}`, plan, { ...range, producedFilter: inBatch(table.dateColumn) });
    await run(`CREATE TEMP TABLE ${newRows} AS ${composed}`);

    const countSql = (relation: string) => `SELECT ${table.dateColumn} AS day, count(*) AS n FROM ${relation} WHERE ${inBatch(table.dateColumn)} GROUP BY 1`;
    const previous = await perDay(countSql(name));
    const written = await perDay(countSql(newRows));
    const keyList = table.key.join(', ');
    const duplicates = await perDay(
      `SELECT day, count(*) AS n FROM (SELECT ${table.dateColumn} AS day FROM ${newRows} GROUP BY ${table.dateColumn}, ${keyList} HAVING count(*) > 1) GROUP BY 1`,
    );
    const dropped = new Map<string, { n: number; keys: string }>();
    if (!write.allowDropKeys) {
      for (const r of await rows(droppedKeysSql(d, table, newRows, range))) {
        if (!dates.includes(String(r.day))) continue;
        const keys = r.first_key === r.last_key ? String(r.first_key) : `${String(r.first_key)}, ${String(r.last_key)}`;
        dropped.set(String(r.day), { n: Number(r.dropped), keys });
      }
    }
    const missingRequired = new Map<string, string[]>();
    for (const column of plan.requiredCarried) {
      for (const [day, n] of await perDay(`SELECT ${table.dateColumn} AS day, count(*) AS n FROM ${newRows} WHERE ${column} IS NULL GROUP BY 1`)) {
        if (n > 0) missingRequired.set(day, [...(missingRequired.get(day) ?? []), `${column} (${n} rows)`]);
      }
    }
    const problems = new Map<string, string[]>();
    if (write.check) {
      for (const row of await rows(write.check(newRows))) {
        const day = String(row.day);
        problems.set(day, [...(problems.get(day) ?? []), String(row.problem)]);
      }
    }

    // One day: each guard's own message and class. A batch: one line per failing day (the runner
    // then splits the batch until the failing days run alone and get their own messages).
    const failures: { message: string; batchMessage: string; errorClass: 'invalid-data' | 'shrink-guard' }[] = [];
    const results = new Map<string, DayReplaceResult>();
    for (const date of dates) {
      const rowsWritten = written.get(date) ?? 0;
      const previousRows = previous.get(date) ?? 0;
      const minRows = write.minRows.get(date) ?? 1;
      results.set(date, { rowsWritten, previousRows });
      const fail = (message: string, batchMessage: string, errorClass: 'invalid-data' | 'shrink-guard' = 'invalid-data') =>
        failures.push({ message, batchMessage: `${date}: ${batchMessage}`, errorClass });
      const dayProblems = problems.get(date);
      const dayDropped = dropped.get(date);
      if ((duplicates.get(date) ?? 0) > 0) {
        fail(`${duplicates.get(date)} duplicate keys (${keyList}) in ${table.name} for ${date}`, `${duplicates.get(date)} duplicate keys`);
      } else if (rowsWritten < minRows) {
        fail(`${table.name} produced ${rowsWritten} rows for ${date}, expected at least ${minRows}`, `${rowsWritten} rows, expected at least ${minRows}`);
      } else if (!write.allowShrink && previousRows > 0 && rowsWritten * 2 < previousRows) {
        fail(
          `${table.name} for ${date} would shrink from ${previousRows} to ${rowsWritten} rows (use --allow-shrink to accept)`,
          `would shrink from ${previousRows} to ${rowsWritten} rows`,
          'shrink-guard',
        );
      } else if (dayDropped) {
        fail(
          `${table.name} for ${date} would drop ${dayDropped.n} stored key(s) it does not produce (${dayDropped.keys}); use --allow-drop-keys to accept`,
          `would drop ${dayDropped.n} stored key(s) (${dayDropped.keys})`,
          'shrink-guard',
        );
      } else if (missingRequired.has(date)) {
        const columns = missingRequired.get(date)?.join(', ');
        fail(`${table.name} for ${date}: new keys would leave REQUIRED column(s) NULL: ${columns}`, `REQUIRED column(s) left NULL: ${columns}`);
      } else if (dayProblems) {
        fail(
          `${table.name} for ${date}: ${dayProblems.length} check failure(s): ${dayProblems.slice(0, 3).join('; ')}`,
          `${dayProblems.length} check failure(s): ${dayProblems[0]}`,
        );
      }
    }
    if (failures.length > 0) {
      const only = failures[0] as (typeof failures)[number];
      if (single) throw new OutputGuardError(only.message, only.errorClass);
      throw new OutputGuardError(`${table.name}: batch of ${dates.length} days failed its guards (${failures.map((f) => f.batchMessage).join('; ')})`, 'invalid-data');
    }
    await run(`DELETE FROM ${name} WHERE ${inBatch(table.dateColumn)}`);
    await run(`INSERT INTO ${name} (${columns}) SELECT ${columns} FROM ${newRows}`);
    return results;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${newRows}`).catch(() => undefined);
    await conn.run(`DROP TABLE IF EXISTS ${producedTable}`).catch(() => undefined);
  }
}

