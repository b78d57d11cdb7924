import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ErrorClass } from '../../vocabulary.js';
import { ClassifiedError, OutputGuardError, SchemaMismatchError, WarehouseBusyError, errorMessage } from '../errors.js';
import { DATASETS, qualifiedName, type TableDef } from '../schema.js';
import type { TableFinding } from '../preflight.js';
import type { DayReplace, DayReplaceResult, DaysReplace, Row, SqlParams, Warehouse } from '../warehouse.js';
import { duckDbDialect } from './duckdb-dialect.js';
import { appendValue, bindParams, readRows } from './duckdb-values.js';

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

  async tableExists(table: TableDef): Promise<boolean> {
    const rows = await this.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $schema AND table_name = $name`,
      { schema: table.dataset, name: table.name },
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async ensureTables(tables: readonly TableDef[]): Promise<void> {
    this.columnOrder.clear();
    for (const table of tables) {
      const name = this.dialect.table(table);
      const existing = await this.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $schema AND table_name = $name`,
        { schema: table.dataset, name: table.name },
      );
      if (existing.length === 0) {
        if (this.readOnly && this.fileKey) continue; // an old file opened to read: missing tables read as absent
        const columns = table.columns.map((c) => `${c.name} ${this.dialect.type(c.type)}`).join(', ');
        await this.execute(`CREATE TABLE IF NOT EXISTS ${name} (${columns})`);
        continue;
      }
      const types = new Map(existing.map((r) => [String(r.column_name), String(r.data_type)]));
      for (const column of table.columns) {
        const want = this.dialect.type(column.type);
        const have = types.get(column.name);
        if (have === undefined) {
          if (!this.readOnly) await this.execute(`ALTER TABLE ${name} ADD COLUMN ${column.name} ${want}`);
        } else if (have !== want) {
          throw new SchemaMismatchError(
            `${qualifiedName(table)}.${column.name} is ${have} in the warehouse but the tool writes ${want}`,
          );
        }
      }
    }
  }

  async replaceDay(write: DayReplace): Promise<DayReplaceResult> {
    const { table, date } = write;
    const name = this.dialect.table(table);
    const dayFilter = `${table.dateColumn} = CAST($__day AS DATE)`;
    const columns = table.columns.map((c) => c.name).join(', ');
    const params = { ...write.params, __day: date, __from: date, __to: date };
    return this.inTransaction(async (conn) => {
      const count = async (sql: string) => Number(readRows(await conn.runAndReadAll(sql, ...bindParams(sql, params)))[0]?.n ?? 0);
      const previousRows = await count(`SELECT count(*) AS n FROM ${name} WHERE ${dayFilter}`);
      await conn.run(`DELETE FROM ${name} WHERE ${dayFilter}`, ...bindParams(dayFilter, params));
      const insertSql = `INSERT INTO ${name} (${columns}) SELECT ${columns} FROM (${write.selectSql}) AS produced`;
      const inserted = (await conn.run(insertSql, ...bindParams(insertSql, params))).rowsChanged;
      const onDay = await count(`SELECT count(*) AS n FROM ${name} WHERE ${dayFilter}`);
      if (onDay !== inserted) {
        throw new OutputGuardError(`${inserted - onDay} of ${inserted} new rows of ${table.name} fall outside ${date}`, 'invalid-data');
      }
      const keyList = table.key.join(', ');
      const duplicates = await count(
        `SELECT count(*) AS n FROM (SELECT ${keyList} FROM ${name} WHERE ${dayFilter} GROUP BY ${keyList} HAVING count(*) > 1)`,
      );
      if (duplicates > 0) {
        throw new OutputGuardError(`${duplicates} duplicate keys (${keyList}) in ${table.name} for ${date}`, 'invalid-data');
      }
      if (inserted < write.minRows) {
        throw new OutputGuardError(
          `${table.name} produced ${inserted} rows for ${date}, expected at least ${write.minRows}`,
          'invalid-data',
        );
      }
      if (!write.allowShrink && previousRows > 0 && inserted * 2 < previousRows) {
        throw new OutputGuardError(
          `${table.name} for ${date} would shrink from ${previousRows} to ${inserted} rows (use --allow-shrink to accept)`,
          'shrink-guard',
        );
      }
      if (write.check) {
        const checkSql = write.check(this.dialect.table(table));
        const problems = readRows(await conn.runAndReadAll(checkSql, ...bindParams(checkSql, params)));
        if (problems.length > 0) {
          const shown = problems.slice(0, 3).map((p) => String(p.problem)).join('; ');
          throw new OutputGuardError(
            `${table.name} for ${date}: ${problems.length} check failure(s): ${shown}`,
            'invalid-data',
          );
        }
      }
      const result = { rowsWritten: inserted, previousRows };
      if (write.alsoInsert) await this.insertOn(conn, write.alsoInsert.table, write.alsoInsert.rows(result));
      return result;
    });
  }

  async replaceDays(write: DaysReplace): Promise<Map<string, DayReplaceResult>> {
    const { table, dates } = write;
    const name = this.dialect.table(table);
    const inBatch = `CAST(${table.dateColumn} AS VARCHAR) IN (SELECT unnest(CAST($__dates AS VARCHAR[])))`;
    const columns = table.columns.map((c) => c.name).join(', ');
    const params = { ...write.params, __dates: [...dates] };
    return this.inTransaction(async (conn) => {
      const perDay = async (sql: string) => {
        const rows = readRows(await conn.runAndReadAll(sql, ...bindParams(sql, params)));
        return new Map(rows.map((r) => [String(r.day), Number(r.n)]));
      };
      const countSql = `SELECT ${table.dateColumn} AS day, count(*) AS n FROM ${name} WHERE ${inBatch} GROUP BY 1`;
      const previous = await perDay(countSql);
      await conn.run(`DELETE FROM ${name} WHERE ${inBatch}`, ...bindParams(inBatch, params));
      const insertSql = `INSERT INTO ${name} (${columns}) SELECT ${columns} FROM (${write.selectSql}) AS produced WHERE ${inBatch}`;
      await conn.run(insertSql, ...bindParams(insertSql, params));
      const written = await perDay(countSql);
      const keyList = table.key.join(', ');
      const duplicates = await perDay(
        `SELECT day, count(*) AS n FROM (SELECT ${table.dateColumn} AS day FROM ${name} WHERE ${inBatch}
         GROUP BY ${table.dateColumn}, ${keyList} HAVING count(*) > 1) GROUP BY 1`,
      );
      // The processor's check once for the batch, its problems by day (days outside it do not count).
      const problems = new Map<string, string[]>();
      if (write.check) {
        const checkSql = write.check(name);
        const checkParams = { ...write.params, __from: dates[0] as string, __to: dates[dates.length - 1] as string };
        for (const row of readRows(await conn.runAndReadAll(checkSql, ...bindParams(checkSql, checkParams)))) {
          const day = String(row.day);
          problems.set(day, [...(problems.get(day) ?? []), String(row.problem)]);
        }
      }
      const failures: string[] = [];
      const results = new Map<string, DayReplaceResult>();
      for (const date of dates) {
        const rowsWritten = written.get(date) ?? 0;
        const previousRows = previous.get(date) ?? 0;
        results.set(date, { rowsWritten, previousRows });
        if ((duplicates.get(date) ?? 0) > 0) failures.push(`${date}: ${duplicates.get(date)} duplicate keys`);
        else if (rowsWritten < (write.minRows.get(date) ?? 1)) failures.push(`${date}: ${rowsWritten} rows, expected at least ${write.minRows.get(date) ?? 1}`);
        else if (!write.allowShrink && previousRows > 0 && rowsWritten * 2 < previousRows) failures.push(`${date}: would shrink from ${previousRows} to ${rowsWritten} rows`);
        else if (problems.has(date)) failures.push(`${date}: ${problems.get(date)?.length} check failure(s): ${problems.get(date)?.[0]}`);
      }
      if (failures.length > 0) {
        throw new OutputGuardError(`${table.name}: batch of ${dates.length} days failed its guards (${failures.join('; ')})`, 'invalid-data');
      }
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
    const reader = fileReader(format);
    const described = await this.query(`DESCRIBE SELECT * FROM ${reader}`, { path });
    const columns = described.map((r) => String(r.column_name));
    const known = new Set(table.columns.map((c) => c.name));
    const unknown = columns.filter((c) => !known.has(c));
    const missing = table.columns.filter((c) => c.required && !columns.includes(c.name)).map((c) => c.name);
    if (unknown.length > 0 || missing.length > 0) return { columns, unknown, missing, unconvertible: [], rows: 0, dates: [] };
    const typed = table.columns.filter((c) => columns.includes(c.name));
    const failures = typed
      .map((c) => `count(*) FILTER (WHERE ${c.name} IS NOT NULL AND ${duckDbDialect.tryCast(c.name, c.type)} IS NULL) AS ${c.name}`)
      .join(', ');
    const stats = await this.query(
      `SELECT count(*) AS n, list(DISTINCT TRY_CAST(${table.dateColumn} AS DATE)::VARCHAR) AS dates, ${failures} FROM ${reader}`,
      { path },
    );
    const first = stats[0] ?? {};
    const unconvertible = typed.filter((c) => Number(first[c.name] ?? 0) > 0).map((c) => `${c.name} (${String(first[c.name])} not ${c.type})`);
    const dates = ((first.dates as string[] | null) ?? []).filter(Boolean).sort();
    return { columns, unknown, missing, unconvertible, rows: Number(first.n ?? 0), dates };
  }

  /** Replaces, in one transaction, the table's rows on the file's dates with the file's rows. */
  async importFile(table: TableDef, path: string, format: FileFormat, fileColumns: readonly string[]): Promise<{ rows: number; dates: number }> {
    const reader = fileReader(format);
    const present = new Set(fileColumns);
    const projection = table.columns
      .map((c) => {
        if (present.has(c.name)) return `${duckDbDialect.cast(c.name, c.type)} AS ${c.name}`;
        if (c.name === 'processed_at') return `CAST(now() AS TIMESTAMP) AS processed_at`;
        return `${duckDbDialect.cast('NULL', c.type)} AS ${c.name}`;
      })
      .join(', ');
    const name = this.dialect.table(table);
    return this.inTransaction(async (conn) => {
      const stage = `CREATE OR REPLACE TEMP TABLE import_stage AS SELECT ${projection} FROM ${reader}`;
      await conn.run(stage, ...bindParams(stage, { path }));
      const counted = readRows(await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT ${table.dateColumn}) AS d FROM import_stage`));
      await conn.run(`DELETE FROM ${name} WHERE ${table.dateColumn} IN (SELECT DISTINCT ${table.dateColumn} FROM import_stage)`);
      await conn.run(`INSERT INTO ${name} SELECT * FROM import_stage`);
      await conn.run('DROP TABLE import_stage');
      return { rows: Number(counted[0]?.n ?? 0), dates: Number(counted[0]?.d ?? 0) };
    });
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

/** A table function reading the file bound as `$path` (never spliced into the SQL). */
function fileReader(format: FileFormat): string {
  if (format === 'csv') return `read_csv($path, header = true, auto_detect = true)`;
  if (format === 'parquet') return `read_parquet($path)`;
  return `read_json($path, format = 'newline_delimited')`;
}

/** A multi-row INSERT with every value bound as a parameter (small row counts: history). */
async function insertWithSql(conn: DuckDBConnection, table: TableDef, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const params: Record<string, SqlParams[string]> = {};
  const tuples = rows.map((row, r) =>
    `(${table.columns
      .map((column, c) => {
        const key = `v${r}_${c}`;
        params[key] = (row[column.name] ?? null) as SqlParams[string];
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
