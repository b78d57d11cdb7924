import type { BigQuery } from '@google-cloud/bigquery';
import { compactDate } from '../../calendar/dates.js';
import type { ErrorClass } from '../../vocabulary.js';
import type { ParamType, SqlDialect } from '../dialect.js';
import { DATASETS, type TableDef } from '../schema.js';
import type { DayReplace, DayReplaceResult, DaysReplace, Row, SqlParams, Warehouse } from '../warehouse.js';
import { bigQueryParams, plainRows } from './bigquery-client.js';
import { bigQueryDialect, type BigQueryNames } from './bigquery-dialect.js';
import { classifyBigQueryError } from './bigquery-errors.js';

export interface BigQueryOptions extends BigQueryNames {
  location?: string;
  readOnly: boolean;
  /** Labels on every job (run id; processor and date are added per write). */
  labels?: Record<string, string>;
  /** Refuse jobs that would bill more than this (`--max-bytes-billed`). */
  maxBytesBilled?: number;
}

/** Label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
function label(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/**
 * The production warehouse. A day is replaced by one query job writing the partition
 * `table$YYYYMMDD` with WRITE_TRUNCATE: atomic, no DML quota, and rows of another day make the job
 * fail. The output guards run inside that same job with ERROR(), so a guard failure writes nothing.
 *
 * Work in progress (see docs/bigquery.md): the preflight, dry-run cost report, batched history and
 * leases are not here yet, and the CLI still refuses `--warehouse bigquery`.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly engine = 'bigquery' as const;
  readonly dialect: SqlDialect;
  readonly maxConcurrency = 16;
  readonly batchDays = 1;
  readonly location: string;
  private readonly paramTypes = new Map<string, ParamType>();

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQueryOptions,
  ) {
    this.dialect = bigQueryDialect(options, this.paramTypes);
    this.location = `${options.project}${options.datasetPrefix ? ` (datasets ${options.datasetPrefix}*)` : ''}`;
  }

  get readOnly(): boolean {
    return this.options.readOnly;
  }

  private jobOptions(sql: string, params: SqlParams | undefined, labels: Record<string, string> = {}) {
    return {
      query: sql,
      ...bigQueryParams(this.client, sql, params, this.paramTypes),
      location: this.options.location,
      labels: Object.fromEntries(Object.entries({ ...this.options.labels, ...labels }).map(([k, v]) => [k, label(v)])),
      ...(this.options.maxBytesBilled ? { maximumBytesBilled: String(this.options.maxBytesBilled) } : {}),
    };
  }

  async query(sql: string, params?: SqlParams): Promise<Row[]> {
    const [rows] = await this.client.query(this.jobOptions(sql, params));
    return plainRows(rows as Record<string, unknown>[]);
  }

  async execute(sql: string, params?: SqlParams): Promise<void> {
    await this.query(sql, params);
  }

  private datasetName(dataset: string): string {
    return `${this.options.datasetPrefix ?? ''}${dataset}`;
  }

  async tableExists(table: TableDef): Promise<boolean> {
    const [exists] = await this.client.dataset(this.datasetName(table.dataset)).table(table.name).exists();
    return exists;
  }

  /** Datasets and missing tables, day-partitioned on their date column and clustered on their key. */
  async ensureTables(tables: readonly TableDef[]): Promise<void> {
    if (this.readOnly) return;
    for (const dataset of DATASETS.filter((ds) => tables.some((t) => t.dataset === ds))) {
      await this.execute(`CREATE SCHEMA IF NOT EXISTS \`${this.options.project}\`.${this.datasetName(dataset)}`);
    }
    for (const table of tables) await this.execute(createTableSql(this.dialect, table));
  }

  async replaceDay(write: DayReplace): Promise<DayReplaceResult> {
    const { table, date } = write;
    const destination = this.client.dataset(this.datasetName(table.dataset)).table(`${table.name}$${compactDate(date)}`);
    const sql = guardedDaySql(this.dialect, write);
    const params = { ...write.params, __day: date, __min_rows: write.minRows, __allow_shrink: write.allowShrink };
    this.paramTypes.set('__day', 'DATE');
    const [job] = await this.client.createQueryJob({
      ...this.jobOptions(sql, params, { processor: table.name, date }),
      destination,
      writeDisposition: 'WRITE_TRUNCATE',
    });
    // One job per (processor, date): the rows written come back with its results, no second query.
    const [, , response] = await job.getQueryResults({ maxResults: 0 });
    const result = { rowsWritten: Number((response as { totalRows?: string } | undefined)?.totalRows ?? 0), previousRows: 0 };
    if (write.alsoInsert) await this.insertRows(write.alsoInsert.table, write.alsoInsert.rows(result));
    return result;
  }

  async replaceDays(write: DaysReplace): Promise<Map<string, DayReplaceResult>> {
    const results = new Map<string, DayReplaceResult>();
    for (const date of write.dates) {
      results.set(
        date,
        await this.replaceDay({
          table: write.table,
          date,
          selectSql: write.selectSql,
          params: { ...write.params, start: date, end: date },
          minRows: write.minRows.get(date) ?? 1,
          allowShrink: write.allowShrink,
        }),
      );
    }
    return results;
  }

  /** One INSERT for all the rows (history goes in batches, never one DML statement per date). */
  async insertRows(table: TableDef, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const params: Record<string, SqlParams[string]> = {};
    const tuples = rows.map((row, r) =>
      `(${table.columns
        .map((column, c) => {
          const name = `v${r}_${c}`;
          params[name] = (row[column.name] ?? null) as SqlParams[string];
          const type: ParamType = column.type === 'ARRAY<FLOAT64>' ? 'ARRAY<STRING>' : (column.type as ParamType);
          return this.dialect.cast(this.dialect.param(name, type), column.type);
        })
        .join(', ')})`,
    );
    await this.execute(`INSERT INTO ${this.dialect.table(table)} (${table.columns.map((c) => c.name).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }

  async replaceDates(): Promise<number> {
    throw new Error('raw data is never written to BigQuery by this tool (sample-data and import are local only)');
  }

  classifyError(error: unknown): ErrorClass {
    return classifyBigQueryError(error);
  }

  async close(): Promise<void> {}
}

/** DDL: day partitions on the date column, clustered on (up to four) key columns. */
export function createTableSql(d: SqlDialect, table: TableDef): string {
  const columns = table.columns.map((c) => `${c.name} ${d.type(c.type)}`).join(', ');
  const cluster = table.key.slice(0, 4).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${d.table(table)} (${columns}) PARTITION BY ${table.dateColumn} CLUSTER BY ${cluster}`;
}

/**
 * The day's SELECT wrapped with the output guards, evaluated inside the write job: a guard that
 * fails raises ERROR() and the job writes nothing. The guard row is joined even when the SELECT is
 * empty, so "0 rows" fails too instead of truncating the day to nothing.
 */
export function guardedDaySql(d: SqlDialect, write: Pick<DayReplace, 'table' | 'selectSql'>): string {
  const { table } = write;
  const columns = table.columns.map((c) => c.name);
  const day = d.param('__day', 'DATE');
  const keys = table.key.map((k) => `CAST(${k} AS STRING)`).join(", '|', ");
  return `WITH produced AS (SELECT ${columns.join(', ')}, TRUE AS __present FROM (${write.selectSql}) AS s),
  guard AS (
    SELECT COUNT(*) AS n, COUNTIF(${table.dateColumn} != ${day}) AS outside,
      COUNT(*) - COUNT(DISTINCT CONCAT(${keys})) AS duplicates,
      (SELECT COUNT(*) FROM ${d.table(table)} WHERE ${table.dateColumn} = ${day}) AS previous
    FROM produced
  )
SELECT ${columns.map((c) => `p.${c}`).join(', ')}
FROM guard LEFT JOIN produced AS p ON TRUE
WHERE IF(guard.outside > 0, ERROR(CONCAT('backfill guard: ', CAST(guard.outside AS STRING), ' rows fall outside the day')), TRUE)
  AND IF(guard.duplicates > 0, ERROR(CONCAT('backfill guard: ', CAST(guard.duplicates AS STRING), ' duplicate keys')), TRUE)
  AND IF(guard.n < ${d.param('__min_rows', 'INT64')}, ERROR(CONCAT('backfill guard: ', CAST(guard.n AS STRING), ' rows, expected at least ', CAST(${d.param('__min_rows', 'INT64')} AS STRING))), TRUE)
  AND IF(NOT ${d.param('__allow_shrink', 'BOOL')} AND guard.previous > 0 AND guard.n * 2 < guard.previous,
         ERROR(CONCAT('backfill guard: would shrink from ', CAST(guard.previous AS STRING), ' to ', CAST(guard.n AS STRING), ' rows')), TRUE)
  AND p.__present`;
}
