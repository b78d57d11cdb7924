import type { BigQuery } from '@google-cloud/bigquery';
import { compactDate } from '../../calendar/dates.js';
import type { ErrorClass } from '../../vocabulary.js';
import type { ParamType, SqlDialect } from '../dialect.js';
import type { ExistingColumn, TableFinding } from '../preflight.js';
import { DATASETS, qualifiedName, type TableDef } from '../schema.js';
import { backfillLeases } from '../tables/reference-tables.js';
import type { DayEstimate, DayReplace, DayReplaceResult, DaysReplace, Lease, LeaseClaim, Row, SqlParams, Warehouse, WriteRate } from '../warehouse.js';
import { bigQueryParams, plainRows } from './bigquery-client.js';
import { bigQueryDialect, type BigQueryNames } from './bigquery-dialect.js';
import { classifyBigQueryError, isTableRateLimit } from './bigquery-errors.js';
import { LEASE_RENEW_MS, takeLease } from './bigquery-lease.js';
import { compareTable, existingColumns, type TableMetadata } from './bigquery-preflight.js';
import { deleteDatesSql, guardedDaySql, insertSql, restoreSql } from './bigquery-sql.js';
import { PARTITION_MODIFICATIONS_PER_DAY, tableWriteRate } from './quotas.js';
import { tableResource, twinResource, type TableResource } from './bigquery-tables.js';

export { deleteDatesSql, guardedDaySql, insertSql, restoreSql } from './bigquery-sql.js';
export { tableResource, twinResource } from './bigquery-tables.js';

export interface BigQueryOptions extends BigQueryNames {
  location?: string;
  readOnly: boolean;
  /** Labels on every job (the run id; processor and date are added per write). */
  labels?: Record<string, string>;
  /** Refuse jobs that would bill more than this (`--max-bytes-billed`). */
  maxBytesBilled?: number;
  /** Pending history rows are written once this many wait, or after `flushAfterMs`. */
  flushRows?: number;
  flushAfterMs?: number;
  /** How often a lease is renewed (default every minute). */
  leaseRenewMs?: number;
  /** Told when a lease renewal fails (the run goes on; the lease lives 10 minutes). */
  onLeaseError?: (error: unknown) => void;
  /** Multiplies the per-table write budget: only for a simulation on a faster clock (docs/testing.md). */
  writeRateScale?: number;
}

/** Label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
function label(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/** At most this many rows per INSERT keeps it under BigQuery's 10,000 query parameters. */
const ROWS_PER_INSERT = 400;

/**
 * The production warehouse. A day is replaced by one query job writing the partition
 * `table$YYYYMMDD` with WRITE_TRUNCATE: atomic, no DML quota, and rows of another day make the job
 * fail. The output guards and the processor's check run inside that same job with ERROR(), so a
 * (processor, date) costs one job and a failing guard writes nothing. Appended rows (run history)
 * wait in a buffer and go in one INSERT per batch, never one DML statement per date; a query that
 * reads a buffered table writes the buffer first.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly engine = 'bigquery' as const;
  readonly dialect: SqlDialect;
  readonly maxConcurrency = 16;
  readonly atomicHistory = false;
  readonly batchDays = 1;
  readonly leaseTables = [backfillLeases];
  readonly dailyWritesPerTable = PARTITION_MODIFICATIONS_PER_DAY;
  readonly writeRate: WriteRate;
  readonly location: string;
  private readonly paramTypes = new Map<string, ParamType>();
  /** Column layout of existing tables read by the preflight, by `dataset.table`. */
  private readonly layouts = new Map<string, ExistingColumn[]>();
  private readonly pending = new Map<string, { table: TableDef; rows: Row[] }>();
  /** Tables (as the SQL names them) that rows were ever buffered for: their readers flush first. */
  private readonly buffered = new Set<string>();
  private readonly existing = new Set<string>();
  /** Tables the preflight found missing (ensureTables creates them without asking again). */
  private readonly absent = new Set<string>();
  /** Production's table of a missing table under --dataset-prefix: the copy is made in its layout. */
  private readonly twins = new Map<string, TableResource>();
  private readonly asking = new Map<string, Promise<boolean>>();
  /** Statements sent and not awaited (a lease release) that close() waits for. */
  private readonly finishing: Promise<unknown>[] = [];
  private readonly rawReads = new Map<string, Promise<Row[]>>();
  /** Guarded day writes by table and SELECT (see replaceDay). */
  private readonly daySql = new Map<string, string>();
  /** Flushes still going. */
  private readonly flushes = new Set<Promise<void>>();
  private lastFlush = Date.now();

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQueryOptions,
  ) {
    this.dialect = bigQueryDialect(options, this.paramTypes);
    this.writeRate = tableWriteRate(options.writeRateScale);
    this.location = `${options.project}${options.datasetPrefix ? ` (datasets ${options.datasetPrefix}*)` : ''}`;
  }

  get readOnly(): boolean {
    return this.options.readOnly;
  }

  private jobOptions(sql: string, params: SqlParams | undefined, labels: Readonly<Record<string, string>> = {}) {
    return {
      query: sql,
      ...bigQueryParams(this.client, sql, params, this.paramTypes),
      location: this.options.location,
      labels: Object.fromEntries(Object.entries({ ...this.options.labels, ...labels }).map(([k, v]) => [k, label(v)])),
      ...(this.options.maxBytesBilled ? { maximumBytesBilled: String(this.options.maxBytesBilled) } : {}),
    };
  }

  async query(sql: string, params?: SqlParams): Promise<Row[]> {
    // Read your own writes: buffered rows (and a flush still going) of a table this query reads go in first.
    if ([...this.buffered].some((table) => sql.includes(table))) await this.flush();
    if (!this.readsOnlyRaw(sql)) return this.runQuery(sql, params);
    // Phase 2 is never written by this tool on BigQuery, so a query of raw tables only gives the
    // same answer all command long: the calendar, read by date selection, scope and plan, costs one job.
    const key = `${sql}\u0000${JSON.stringify(params ?? {})}`;
    let answer = this.rawReads.get(key);
    if (!answer) {
      answer = this.runQuery(sql, params);
      this.rawReads.set(key, answer);
      answer.catch(() => this.rawReads.delete(key));
    }
    return answer;
  }

  private async runQuery(sql: string, params?: SqlParams): Promise<Row[]> {
    const [rows] = await this.client.query(this.jobOptions(sql, params));
    return plainRows(rows as Record<string, unknown>[]);
  }

  /** True when every table the SQL names is in the raw dataset. */
  private readsOnlyRaw(sql: string): boolean {
    const datasets = [...sql.matchAll(/`[^`]+`\.(\w+)\./g)].map((m) => m[1]);
    return datasets.length > 0 && datasets.every((d) => d === this.datasetName('nba_raw'));
  }

  async execute(sql: string, params?: SqlParams): Promise<void> {
    this.assertWritable();
    await this.query(sql, params);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error('the BigQuery warehouse was opened read-only (dry run): nothing may be written');
  }

  private datasetName(dataset: string): string {
    return `${this.options.datasetPrefix ?? ''}${dataset}`;
  }

  private tableRef(table: Pick<TableDef, 'dataset' | 'name'>, partition?: string) {
    return this.client.dataset(this.datasetName(table.dataset)).table(partition ? `${table.name}$${compactDate(partition)}` : table.name);
  }

  /**
   * A table seen to exist is remembered: within a run tables are created, never dropped. Callers
   * asking at the same time share one request.
   */
  async tableExists(table: TableDef): Promise<boolean> {
    const name = qualifiedName(table);
    if (this.existing.has(name)) return true;
    let asking = this.asking.get(name);
    if (!asking) {
      asking = this.tableRef(table)
        .exists()
        .then(([exists]) => {
          if (exists) this.existing.add(name);
          return exists;
        })
        .finally(() => this.asking.delete(name));
      this.asking.set(name, asking);
    }
    return asking;
  }

  /** A table's metadata, or undefined when it does not exist; `production` reads it without the prefix. */
  private async metadata(table: TableDef, production = false): Promise<TableMetadata | undefined> {
    try {
      const ref = production ? this.client.dataset(table.dataset).table(table.name) : this.tableRef(table);
      const [metadata] = await ref.getMetadata();
      return metadata as TableMetadata;
    } catch (error) {
      if (Number((error as { code?: unknown }).code) === 404) return undefined;
      throw error;
    }
  }

  /** Reads every target table's metadata (one GET each) and remembers existing layouts for writes. */
  async preflight(tables: readonly TableDef[]): Promise<TableFinding[]> {
    this.daySql.clear();
    const seen = await Promise.all(tables.map((table) => this.metadata(table)));
    // A rehearsal under a prefix copies production's layout for the tables it has to create.
    const twins = await Promise.all(
      tables.map((table, i) => (seen[i] || !this.options.datasetPrefix || !table.platform ? undefined : this.metadata(table, true))),
    );
    return tables.flatMap((table, i) => {
      const metadata = seen[i];
      const twin = twins[i];
      // ensureTables comes right after: what the preflight saw need not be fetched again.
      if (metadata) {
        this.existing.add(qualifiedName(table));
        this.layouts.set(qualifiedName(table), existingColumns(metadata));
      } else this.absent.add(qualifiedName(table));
      if (!metadata && twin) {
        const copy = twinResource(table, twin);
        this.twins.set(qualifiedName(table), copy);
        this.layouts.set(qualifiedName(table), existingColumns(copy));
        const created = { table: qualifiedName(table), kind: 'missing-table' as const, blocking: false, safe: true,
          detail: `missing; it will be created as a copy of production's layout (${table.dataset}.${table.name}: ${copy.schema?.fields?.length ?? 0} columns, partitioned by ${copy.timePartitioning?.field}, clustered by ${(copy.clustering?.fields ?? []).join(', ') || 'nothing'}${copy.requirePartitionFilter ? ', partition filter required' : ''})` };
        return [created, ...compareTable(table, copy, this.dialect.table(table)).filter((f) => f.kind !== 'missing-column')];
      }
      return compareTable(table, metadata, this.dialect.table(table));
    });
  }

  /**
   * Datasets and missing tables, day-partitioned on their date column and clustered on their key,
   * through the metadata API (datasets.insert, tables.insert): a DDL statement would be a query job
   * of a second or more each; these are plain requests. "Already exists" is fine (another run).
   */
  async ensureTables(tables: readonly TableDef[]): Promise<void> {
    this.assertWritable();
    // A table the preflight found missing is created without asking again.
    const exists = await Promise.all(tables.map((table) => !this.absent.has(qualifiedName(table)) && this.tableExists(table)));
    const missing = tables.filter((_, i) => !exists[i]);
    const datasets = DATASETS.filter((ds) => missing.some((t) => t.dataset === ds));
    await Promise.all(datasets.map((ds) => unlessExists(this.client.createDataset(this.datasetName(ds), this.options.location ? { location: this.options.location } : {}))));
    await Promise.all(
      missing.map((table) =>
        unlessExists(this.client.dataset(this.datasetName(table.dataset)).createTable(table.name, this.twins.get(qualifiedName(table)) ?? tableResource(table))),
      ),
    );
    for (const table of missing) {
      this.existing.add(qualifiedName(table));
      this.absent.delete(qualifiedName(table));
    }
  }

  /** Runs a DML statement as one job and returns the rows it changed. */
  private async dml(sql: string, params: SqlParams): Promise<number> {
    this.assertWritable();
    const [job] = await this.client.createQueryJob(this.jobOptions(sql, params));
    const [, , response] = await job.getQueryResults({ maxResults: 0 });
    return Number((response as { numDmlAffectedRows?: string } | undefined)?.numDmlAffectedRows ?? 0);
  }

  async lease(claim: LeaseClaim): Promise<Lease> {
    const jobs = { dialect: this.dialect, dml: (sql: string, params: SqlParams) => this.dml(sql, params), query: (sql: string, params: SqlParams) => this.query(sql, params) };
    return takeLease(jobs, claim, { renewMs: this.options.leaseRenewMs ?? LEASE_RENEW_MS, onError: this.options.onLeaseError, finishing: this.finishing });
  }

  /**
   * One script per table: the days the run wrote, deleted and copied back from the table as it
   * was at the run's start (time travel), in one transaction; the range keeps partition pruning.
   */
  restoreStatement(table: TableDef, from: string, to: string, asOf: Date): string {
    return restoreSql(this.dialect, table, from, to, asOf);
  }

  /** A free dry-run job of the day's write: the bytes it would scan and the tables it reads. */
  async estimateDay(write: Pick<DayReplace, 'table' | 'date' | 'selectSql' | 'params'>): Promise<DayEstimate> {
    const params = { ...write.params, __day: write.date };
    this.paramTypes.set('__day', 'DATE');
    const [job] = await this.client.createQueryJob({ ...this.jobOptions(write.selectSql, params), dryRun: true });
    const statistics = (job.metadata as { statistics?: { totalBytesProcessed?: string; query?: { referencedTables?: unknown[] } } }).statistics;
    return { bytes: Number(statistics?.totalBytesProcessed ?? 0), tablesReferenced: statistics?.query?.referencedTables?.length ?? 1 };
  }

  async replaceDay(write: DayReplace): Promise<DayReplaceResult> {
    this.assertWritable();
    const { table, date } = write;
    // The same text for every day of a processor: built once (the layout is fixed after the preflight).
    const key = `${qualifiedName(table)}\u0000${write.selectSql}`;
    let sql = this.daySql.get(key);
    if (sql === undefined) this.daySql.set(key, (sql = guardedDaySql(this.dialect, { ...write, layout: this.layouts.get(qualifiedName(table)) })));
    // The check covers `$__from`..`$__to`: here both are the day.
    const params = {
      ...write.params,
      __day: date,
      __from: date,
      __to: date,
      __min_rows: write.minRows,
      __allow_shrink: write.allowShrink,
      __allow_drop_keys: write.allowDropKeys ?? false,
    };
    this.paramTypes.set('__day', 'DATE');
    const [job] = await this.client.createQueryJob({
      ...this.jobOptions(sql, params, { ...write.labels, processor: table.name, date }),
      destination: this.tableRef(table, date),
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
          check: write.check,
          allowShrink: write.allowShrink,
          ...(write.allowDropKeys !== undefined ? { allowDropKeys: write.allowDropKeys } : {}),
          labels: write.labels,
        }),
      );
    }
    return results;
  }

  /**
   * Appends rows through the buffer: they are written in one INSERT per batch (at most
   * `flushRows`, or after `flushAfterMs`), before any query reads the table, and on close.
   */
  async insertRows(table: TableDef, rows: readonly Row[]): Promise<void> {
    this.assertWritable();
    if (rows.length === 0) return;
    const key = qualifiedName(table);
    const entry = this.pending.get(key) ?? { table, rows: [] };
    entry.rows.push(...rows);
    this.pending.set(key, entry);
    this.buffered.add(this.dialect.table(table));
    const waiting = [...this.pending.values()].reduce((n, p) => n + p.rows.length, 0);
    // The flush is not awaited: the pair that filled the batch need not hold its slot for the
    // INSERT job. Rows of a failed flush go back to the buffer; close() retries and reports.
    if (waiting >= (this.options.flushRows ?? ROWS_PER_INSERT) || Date.now() - this.lastFlush >= (this.options.flushAfterMs ?? 15_000)) {
      this.flush().catch(() => undefined);
    }
  }

  /**
   * Writes every buffered row, one INSERT per table and chunk, all at once, and waits for flushes
   * started before it too (a reader after a flush sees every row buffered before it). Flushes
   * take disjoint rows, so they may overlap.
   */
  async flush(): Promise<void> {
    const earlier = [...this.flushes];
    this.lastFlush = Date.now();
    const entries = [...this.pending.values()];
    this.pending.clear();
    const own = this.insertChunks(entries);
    this.flushes.add(own);
    void own.catch(() => undefined).finally(() => this.flushes.delete(own));
    await Promise.allSettled(earlier);
    await own;
  }

  private async insertChunks(entries: readonly { table: TableDef; rows: Row[] }[]): Promise<void> {
    const chunks = entries.flatMap((entry) => {
      const out: { table: TableDef; rows: Row[] }[] = [];
      for (let at = 0; at < entry.rows.length; at += ROWS_PER_INSERT) out.push({ table: entry.table, rows: entry.rows.slice(at, at + ROWS_PER_INSERT) });
      return out;
    });
    const results = await Promise.allSettled(
      chunks.map(({ table, rows }) => {
        const { sql, params } = insertSql(this.dialect, table, rows);
        return this.client.query(this.jobOptions(sql, params));
      }),
    );
    // Keep what was not written for the next flush (close() tries again).
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ chunk: chunks[i] as (typeof chunks)[number], reason: r.reason as unknown }] : []));
    for (const { chunk } of failed) {
      const key = qualifiedName(chunk.table);
      const entry = this.pending.get(key) ?? { table: chunk.table, rows: [] };
      entry.rows.push(...chunk.rows);
      this.pending.set(key, entry);
    }
    if (failed[0]) throw failed[0].reason;
  }

  /**
   * Rollback's delete: one DML statement for all the dates of a table. Rows are never loaded this
   * way (sample-data and import are local only).
   */
  async replaceDates(table: TableDef, dates: readonly string[], rows: readonly Row[]): Promise<number> {
    this.assertWritable();
    if (rows.length > 0) throw new Error('raw data is never written to BigQuery by this tool (sample-data and import are local only)');
    if (dates.length === 0) return 0;
    return this.dml(deleteDatesSql(this.dialect, table), { days: [...dates] });
  }

  classifyError(error: unknown): ErrorClass {
    return classifyBigQueryError(error);
  }

  tableRateLimited(error: unknown): boolean {
    return isTableRateLimit(error);
  }

  /** Waits for a flush and a lease release still going, then writes what is still buffered. */
  async close(): Promise<void> {
    // A failed flush put its rows back: they are tried once more here, and that failure is reported.
    await Promise.allSettled(this.flushes);
    const settled = await Promise.allSettled(this.finishing);
    if (this.pending.size > 0) await this.flush();
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Resolves when the create succeeded or the dataset or table was there already (409). */
async function unlessExists(create: Promise<unknown>): Promise<void> {
  try {
    await create;
  } catch (error) {
    if (Number((error as { code?: unknown }).code) !== 409) throw error;
  }
}
