import type { ErrorClass } from '../vocabulary.js';
import type { SqlDialect } from './dialect.js';
import type { TableFinding } from './preflight.js';
import type { TableDef } from './schema.js';

export type SqlValue = string | number | boolean | null | readonly string[];
export type SqlParams = Readonly<Record<string, SqlValue>>;
/** A result row: DATE as `YYYY-MM-DD`, TIMESTAMP as ISO text, integers as numbers. */
export type Row = Record<string, unknown>;

/** One day of a table replaced by the rows of a SELECT, atomically, behind the output guards. */
export interface DayReplace {
  table: TableDef;
  date: string;
  /** Produces every column of `table`; rows of any other day make the write fail. */
  selectSql: string;
  params: SqlParams;
  /** Fewer rows than this fails the day as `invalid-data` (0 rows is never a success). */
  minRows: number;
  /**
   * Optional query over the new rows of `$__from`..`$__to` (here both the day) that returns one row
   * per violation (`day`, `problem`); any row fails the day. Given the relation the engine holds
   * the new rows in (see ProcessorDefinition.check).
   */
  check?: (rows: string) => string;
  /** Let a day be replaced by fewer than half of its current rows. */
  allowShrink: boolean;
  /** Let a day write remove stored keys it does not produce (otherwise `shrink-guard`). */
  allowDropKeys?: boolean;
  /** Rows to insert into another table in the same transaction (run history), built from the result. */
  alsoInsert?: { table: TableDef; rows: (result: DayReplaceResult) => readonly Row[] };
  /** Labels for the job (BigQuery: run id; the engine adds processor and date). */
  labels?: Readonly<Record<string, string>>;
}

/** A day's write, estimated without running it (a free dry-run job on BigQuery). */
export interface DayEstimate {
  bytes: number;
  /** Tables the query reads; each is billed at least 10 MiB on BigQuery. */
  tablesReferenced: number;
}

export interface DayReplaceResult {
  rowsWritten: number;
  previousRows: number;
}

/**
 * Several days of a table replaced by one SELECT over `$start..$end`, in one transaction, with the
 * guards and the history rows of every day: the same result as one `DayReplace` per day.
 */
export interface DaysReplace {
  table: TableDef;
  /** The days replaced, sorted; rows the SELECT makes for other days are not written. */
  dates: readonly string[];
  selectSql: string;
  params: SqlParams;
  /** Minimum rows per day. */
  minRows: ReadonlyMap<string, number>;
  /** As in DayReplace, run once for the batch (`$__from` the first day, `$__to` the last). */
  check?: (rows: string) => string;
  allowShrink: boolean;
  allowDropKeys?: boolean;
  alsoInsert?: { table: TableDef; rows: (results: ReadonlyMap<string, DayReplaceResult>) => readonly Row[] };
  labels?: Readonly<Record<string, string>>;
}

/** What a run claims: the processors and dates it plans to write. */
export interface LeaseClaim {
  runId: string;
  /** Who holds it, for the message another run prints (host and pid). */
  holder: string;
  processors: readonly string[];
  dates: readonly string[];
}

/**
 * A per-table write budget: at most `perWindow` writes to one table in any `windowMs`, and at most
 * `perLongWindow` in any ten windows (BigQuery: 5 per second, 50 per 10 s).
 */
export interface WriteRate {
  perWindow: number;
  perLongWindow: number;
  windowMs: number;
}

export interface Lease {
  /** Ends the lease. An engine may finish this in the background; close() waits for it. */
  release(): Promise<void>;
}

/** The seam between the runner and an engine. */
export interface Warehouse {
  readonly engine: 'duckdb' | 'bigquery';
  readonly dialect: SqlDialect;
  /** Where the warehouse lives, for messages (a file path or a project). */
  readonly location: string;
  /** True when opened only to read (dry runs, status): writes throw. */
  readonly readOnly: boolean;
  /**
   * True when `alsoInsert` rows commit with the day's write (DuckDB: one transaction). False when
   * they are buffered and written later (BigQuery): then the runner may also fill in fingerprints
   * of pairs it decided late, at the end of the run, with one query instead of one per pair.
   */
  readonly atomicHistory: boolean;
  /**
   * Where the engine caps writes per table (BigQuery's partition-modification rate): day writes are
   * paced to this budget per target table. Absent: unpaced (DuckDB).
   */
  readonly writeRate?: WriteRate;
  /** True when an error is the per-table write rate limit, not a limit on API requests. */
  tableRateLimited?(error: unknown): boolean;
  /** Partition modifications allowed per table per day (BigQuery: 30,000); plans are checked against it. */
  readonly dailyWritesPerTable?: number;
  /** Largest useful number of concurrent statements. */
  readonly maxConcurrency: number;
  /**
   * Most consecutive days one statement may replace (`replaceDays`). 1 where a statement per day
   * costs little next to the work (BigQuery: one partition per job); more where the fixed cost of
   * a statement dominates (DuckDB).
   */
  readonly batchDays: number;
  query(sql: string, params?: SqlParams): Promise<Row[]>;
  execute(sql: string, params?: SqlParams): Promise<void>;
  /** Creates datasets and tables that are missing and adds missing columns; type conflicts throw. */
  ensureTables(tables: readonly TableDef[]): Promise<void>;
  /**
   * Reads the target tables' layout before any write and says what is missing, expiring or
   * conflicting (BigQuery); an engine whose ensureTables mends everything itself returns [].
   */
  preflight(tables: readonly TableDef[]): Promise<TableFinding[]>;
  /**
   * Where one writer is not enforced by the engine itself (BigQuery; DuckDB has its file lock): a
   * lease on the claimed pairs, kept alive until released; throws a `lease-held` error when a live
   * lease of another run overlaps. `leaseTables` are created with the run's targets.
   */
  lease?(claim: LeaseClaim): Promise<Lease>;
  readonly leaseTables?: readonly TableDef[];
  /**
   * The statement that puts a table's days `from`..`to` back as they were at `asOf`, where the
   * engine keeps history (BigQuery time travel, 7 days); printed after a run, never run by it.
   */
  restoreStatement?(table: TableDef, from: string, to: string, asOf: Date): string;
  /** Estimates a day's write without running it, where the engine can (BigQuery dry runs). */
  estimateDay?(write: Pick<DayReplace, 'table' | 'date' | 'selectSql' | 'params'>): Promise<DayEstimate>;
  /** Whether a table exists (a missing input table reads as empty). */
  tableExists(table: TableDef): Promise<boolean>;
  replaceDay(write: DayReplace): Promise<DayReplaceResult>;
  /** Replaces several days at once (at most `batchDays`); any guard failure rolls back all of them. */
  replaceDays(write: DaysReplace): Promise<Map<string, DayReplaceResult>>;
  /** Appends rows (history, sample data); one statement or appender per call, or buffered. */
  insertRows(table: TableDef, rows: readonly Row[]): Promise<void>;
  /** Writes the rows an engine that buffers `insertRows` still holds (BigQuery); close() does too. */
  flush?(): Promise<void>;
  /** Deletes the rows of `dates` and inserts `rows`, in one transaction. */
  replaceDates(table: TableDef, dates: readonly string[], rows: readonly Row[]): Promise<number>;
  /** The class of an error this engine raised. */
  classifyError(error: unknown): ErrorClass;
  /** Finishes what is buffered or still going (history rows, a lease release); errors surface here. */
  close(): Promise<void>;
}
