import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ErrorClass } from '../../vocabulary.js';
import type { TargetColumn } from '../day-write.js';
import { ClassifiedError, WarehouseBusyError, errorMessage } from '../errors.js';
import { DATASETS, qualifiedName, type TableDef } from '../schema.js';
import type { TableFinding } from '../preflight.js';
import type { DayReplace, DayReplaceResult, DaysReplace, Row, SqlParams, Warehouse } from '../warehouse.js';
import { duckDbDialect } from './duckdb-dialect.js';
import { replaceDaysOn } from './duckdb-day-write.js';
import { importFileOn, inspectFile, type FileCheck, type FileFormat } from './duckdb-import.js';
import { reconcileTable } from './duckdb-tables.js';
import { upgradeStatements, type ColumnUpgrade } from './duckdb-upgrade.js';
import { appendValue, bindParams, jsonText, readRows } from './duckdb-values.js';

export type { FileCheck, FileFormat } from './duckdb-import.js';

export interface DuckDbOptions {
  /** The database file; `:memory:` for a throwaway warehouse. */
  path: string;
  /** Open without the write lock; a missing file then reads as an empty in-memory warehouse. */
  readOnly: boolean;
  /** Connections handed out at once (concurrent statements). Default 4. */
  connections?: number;
  /** Most days one statement replaces. Default: a season (see DEFAULT_BATCH_DAYS). */
  batchDays?: number;
  /** Fold the write-ahead log into the file once it is this large (default 16 MiB; see checkpointIfLarge). */
  checkpointBytes?: number;
  /** Told what the engine did that a user should know (an in-place upgrade of an older file). */
  onNotice?: (message: string) => void;
}

/**
 * Dates per statement: in practice a processor's whole season (batches never cross a season).
 * On an embedded engine each statement's fixed cost outweighs a day's work; measured here with
 * four sample seasons' `run`: 44.5 s and 816 MB peak at a season per statement, 59.9 s and 913 MB
 * at 31 days. A failing batch is split in halves until the failing dates run alone.
 */
const DEFAULT_BATCH_DAYS = 366;
/** The write-ahead log is folded into the file once it is this large (DuckDB's own threshold). */
const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** From this many rows on, rows go in through the appender (see insertOn). */
const APPEND_FROM = 50;

/** Files this process has open: a second instance on one file would bypass DuckDB's OS lock. */
const openFiles = new Set<string>();

/** The embedded warehouse: one DuckDB file, datasets as schemas, a small pool of connections. */
export class DuckDbWarehouse implements Warehouse {
  readonly engine = 'duckdb' as const;
  readonly dialect = duckDbDialect;
  readonly maxConcurrency: number;
  readonly atomicHistory = true;
  readonly batchDays: number;
  private readonly idle: DuckDBConnection[] = [];
  /** The columns each ensured table has, in order: what a day write produces (see day-write.ts). */
  private readonly layouts = new Map<string, TargetColumn[]>();
  /** Whether a table's columns are its definition's, in order (see insertOn); reset by ensureTables. */
  private readonly columnOrder = new Map<string, boolean>();
  private checkpointing = false;
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private created = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly location: string,
    readonly readOnly: boolean,
    private readonly fileKey: string | undefined,
    connections: number,
    batchDays: number,
    private readonly checkpointBytes: number,
    /** Told what the engine did that a user should know (an in-place upgrade of an older file). */
    public onNotice: ((message: string) => void) | undefined,
  ) {
    this.maxConcurrency = connections;
    this.batchDays = batchDays;
  }

  static async open(options: DuckDbOptions): Promise<DuckDbWarehouse> {
    const inMemory = options.path === ':memory:';
    const absolute = inMemory ? undefined : resolve(options.path);
    const missing = absolute !== undefined && !existsSync(absolute);
    // A reader never creates the file: a missing warehouse is an empty one.
    const target = inMemory || (options.readOnly && missing) ? ':memory:' : (absolute as string);
    const fileKey = target === ':memory:' ? undefined : target;
    if (fileKey && openFiles.has(fileKey)) {
      throw new Error(`the warehouse ${options.path} is already open in this process`);
    }
    if (fileKey && !options.readOnly) mkdirSync(dirname(fileKey), { recursive: true });
    const settings: Record<string, string> = { autoinstall_known_extensions: 'false', threads: '2' };
    if (fileKey && options.readOnly) settings.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(target, settings);
    } catch (error) {
      const message = errorMessage(error);
      if (/Could not set lock|Conflicting lock/i.test(message)) {
        const pid = /PID (\d+)/.exec(message)?.[1];
        throw new WarehouseBusyError(options.path, pid ? Number(pid) : undefined);
      }
      throw error;
    }
    if (fileKey) openFiles.add(fileKey);
    const warehouse = new DuckDbWarehouse(
      instance,
      options.path,
      options.readOnly,
      fileKey,
      Math.max(1, options.connections ?? 4),
      Math.max(1, options.batchDays ?? DEFAULT_BATCH_DAYS),
      options.checkpointBytes ?? WAL_CHECKPOINT_BYTES,
      options.onNotice,
    );
    if (target === ':memory:' || !options.readOnly) {
      for (const dataset of DATASETS) await warehouse.execute(`CREATE SCHEMA IF NOT EXISTS ${dataset}`);
    }
    return warehouse;
  }

  async query(sql: string, params?: SqlParams): Promise<Row[]> {
    return this.withConnection(async (conn) => readRows(await conn.runAndReadAll(sql, ...bindParams(sql, params))));
  }

  async execute(sql: string, params?: SqlParams): Promise<void> {
    await this.withConnection(async (conn) => {
      await conn.run(sql, ...bindParams(sql, params));
    });
  }

  /** Nothing to report: ensureTables adds missing columns itself and a type conflict is fatal there. */
  async preflight(): Promise<TableFinding[]> {
    return [];
  }

  /**
   * True when the file's run history predates the platform's layout: readers cannot use it until
   * a writing command (or `backfill upgrade`) has copied it into the layout.
   */
  async hasLegacyHistory(): Promise<boolean> {
    const rows = await this.query(
      `SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'nba_reference' AND table_name = 'processor_run_history' AND column_name = 'input_fingerprint'`,
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async tableExists(table: TableDef): Promise<boolean> {
    const rows = await this.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $schema AND table_name = $name`,
      { schema: table.dataset, name: table.name },
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  /**
   * Creates missing tables, adds missing columns, and upgrades in place a file made by an older
   * version whose columns have another type of the same family (DOUBLE where the platform has
   * NUMERIC or INT64; see duckdb-upgrade.ts). Any other type difference is fatal.
   */
  async ensureTables(tables: readonly TableDef[]): Promise<void> {
    this.columnOrder.clear();
    const upgrades: ColumnUpgrade[] = [];
    const rebuilt: string[][] = [];
    const engine = { query: (sql: string, params?: SqlParams) => this.query(sql, params), execute: (sql: string) => this.execute(sql), readOnly: this.readOnly, isFile: this.fileKey !== undefined };
    for (const table of tables) {
      const reconciled = await reconcileTable(engine, table);
      if (reconciled.layout) this.layouts.set(qualifiedName(table), reconciled.layout);
      upgrades.push(...reconciled.upgrades);
      if (reconciled.rebuild) rebuilt.push(reconciled.rebuild);
    }
    if ((upgrades.length > 0 || rebuilt.length > 0) && !this.readOnly) await this.upgrade(upgrades, rebuilt);
  }

  /** Keeps a copy of the file, then changes column types and rebuilds tables in one transaction. */
  private async upgrade(upgrades: readonly ColumnUpgrade[], rebuilt: readonly string[][]): Promise<void> {
    let copy: string | undefined;
    if (this.fileKey) {
      await this.execute('CHECKPOINT');
      copy = `${this.fileKey}.before-upgrade-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
      copyFileSync(this.fileKey, copy);
    }
    await this.inTransaction(async (conn) => {
      for (const sql of [...upgradeStatements(upgrades), ...rebuilt.flat()]) await conn.run(sql);
    });
    const tables = new Set(upgrades.map((u) => u.table)).size;
    const history = rebuilt.length > 0 ? ', the run history copied into the platform\'s processor_run_history' : '';
    this.onNotice?.(
      `upgraded ${this.location} in place to the platform layouts: ${upgrades.length} column type(s) in ${tables} table(s)${history}` +
        (copy ? `; the file as it was is kept at ${copy}` : ''),
    );
  }

  async replaceDay(write: DayReplace): Promise<DayReplaceResult> {
    const results = await this.replaceDays({
      ...write,
      dates: [write.date],
      params: write.params,
      minRows: new Map([[write.date, write.minRows]]),
      alsoInsert: write.alsoInsert && { table: write.alsoInsert.table, rows: (r) => write.alsoInsert?.rows(r.get(write.date) as DayReplaceResult) ?? [] },
    });
    return results.get(write.date) as DayReplaceResult;
  }

  async replaceDays(write: DaysReplace): Promise<Map<string, DayReplaceResult>> {
    return this.inTransaction(async (conn) => {
      const results = await replaceDaysOn(conn, write, this.layouts.get(qualifiedName(write.table)));
      if (write.alsoInsert) await this.insertOn(conn, write.alsoInsert.table, write.alsoInsert.rows(results));
      return results;
    });
  }

  async insertRows(table: TableDef, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length <= APPEND_FROM) {
      await this.withConnection((conn) => insertWithSql(conn, table, rows));
      return;
    }
    await this.inTransaction((conn) => this.insertOn(conn, table, rows));
  }

  /**
   * Rows into a table on a connection (inside its transaction): many rows through the appender,
   * which is much faster than a VALUES statement with a parameter per value (a batch's 160
   * history rows cost 0.1 s that way) but writes by position, so only into a table whose columns
   * are the definition's, in order (an older file whose table gained columns later is not).
   */
  private async insertOn(conn: DuckDBConnection, table: TableDef, rows: readonly Row[]): Promise<void> {
    if (rows.length <= APPEND_FROM || !(await this.inDefinedOrder(conn, table))) return insertWithSql(conn, table, rows);
    return appendRows(conn, table, rows);
  }

  private async inDefinedOrder(conn: DuckDBConnection, table: TableDef): Promise<boolean> {
    const key = `${table.dataset}.${table.name}`;
    let known = this.columnOrder.get(key);
    if (known === undefined) {
      const sql = `SELECT column_name FROM information_schema.columns WHERE table_schema = $schema AND table_name = $name ORDER BY ordinal_position`;
      const names = readRows(await conn.runAndReadAll(sql, ...bindParams(sql, { schema: table.dataset, name: table.name }))).map((r) => String(r.column_name));
      known = names.join(',') === table.columns.map((c) => c.name).join(',');
      this.columnOrder.set(key, known);
    }
    return known;
  }

  async replaceDates(table: TableDef, dates: readonly string[], rows: readonly Row[]): Promise<number> {
    return this.inTransaction(async (conn) => {
      if (dates.length > 0) {
        const sql = `DELETE FROM ${this.dialect.table(table)} WHERE ${table.dateColumn} IN (SELECT unnest(CAST($dates AS DATE[])))`;
        await conn.run(sql, ...bindParams(sql, { dates }));
      }
      await this.insertOn(conn, table, rows);
      return rows.length;
    });
  }

  /** Columns of a local export against a table: unknown ones, missing required ones, rows and dates. */
  async inspectFile(table: TableDef, path: string, format: FileFormat): Promise<FileCheck> {
    return inspectFile(this, table, path, format);
  }

  /** Replaces, in one transaction, the table's rows on the file's dates with the file's rows. */
  async importFile(table: TableDef, path: string, format: FileFormat, fileColumns: readonly string[]): Promise<{ rows: number; dates: number }> {
    return this.inTransaction((conn) => importFileOn(conn, table, path, format, fileColumns));
  }

  classifyError(error: unknown): ErrorClass {
    if (error instanceof ClassifiedError) return error.errorClass;
    const message = errorMessage(error);
    if (/Conflict on|TransactionContext Error|write-write conflict/i.test(message)) return 'transient';
    if (/No space left|disk full|Out of Memory/i.test(message)) return 'fatal';
    return 'fatal';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.idle) conn.closeSync();
    this.idle.length = 0;
    this.instance.closeSync();
    if (this.fileKey) openFiles.delete(this.fileKey);
  }

  private async inTransaction<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.withConnection(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        const result = await work(conn);
        await conn.run('COMMIT');
        await this.checkpointIfLarge(conn);
        return result;
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Folds the write-ahead log into the file once it has grown past `checkpointBytes`. With
   * writers always busy DuckDB's own checkpoint rarely gets its turn, and one checkpoint of a
   * whole run at close raised the peak memory of a four-season run by about 200 MB.
   */
  private async checkpointIfLarge(conn: DuckDBConnection): Promise<void> {
    if (!this.fileKey || this.checkpointing) return;
    let size = 0;
    try {
      size = statSync(`${this.fileKey}.wal`).size;
    } catch {
      return; // no log: nothing to fold in
    }
    if (size < this.checkpointBytes) return;
    this.checkpointing = true;
    try {
      await conn.run('CHECKPOINT');
    } catch {
      // Another checkpoint or a conflicting writer: the next commit tries again, close() at the latest.
    } finally {
      this.checkpointing = false;
    }
  }

  private async withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await work(conn);
    } finally {
      this.release(conn);
    }
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the warehouse is closed');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.created < this.maxConcurrency + 1) {
      this.created += 1;
      return this.instance.connect();
    }
    return new Promise((resolveConn) => this.waiting.push(resolveConn));
  }

  private release(conn: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(conn);
    else if (this.closed) conn.closeSync();
    else this.idle.push(conn);
  }
}

/** A multi-row INSERT with every value bound as a parameter (small row counts: history). */
async function insertWithSql(conn: DuckDBConnection, table: TableDef, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const params: Record<string, SqlParams[string]> = {};
  const tuples = rows.map((row, r) =>
    `(${table.columns
      .map((column, c) => {
        const key = `v${r}_${c}`;
        const value = row[column.name] ?? null;
        params[key] = (column.type === 'JSON' && value !== null ? jsonText(value) : value) as SqlParams[string];
        return duckDbDialect.cast(`$${key}`, column.type);
      })
      .join(', ')})`,
  );
  const sql = `INSERT INTO ${duckDbDialect.table(table)} (${table.columns.map((c) => c.name).join(', ')}) VALUES ${tuples.join(', ')}`;
  await conn.run(sql, ...bindParams(sql, params));
}

async function appendRows(conn: DuckDBConnection, table: TableDef, rows: readonly Row[]): Promise<void> {
  const appender = await conn.createAppender(table.name, table.dataset);
  try {
    for (const row of rows) {
      for (const column of table.columns) appendValue(appender, column.type, row[column.name]);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
