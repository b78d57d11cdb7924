import type { ColumnType, TableDef } from './schema.js';

/** Types a bound parameter may have. */
export type ParamType = 'DATE' | 'TIMESTAMP' | 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'ARRAY<STRING>' | 'ARRAY<DATE>';

/**
 * The SQL differences between the engines, so processors and checks write their SQL once.
 * Everything else in the SQL is the portable subset both engines accept (CTEs, window functions,
 * CASE, COALESCE, COUNTIF, ROUND, EXTRACT, GREATEST/LEAST on non-NULL values, `||`).
 */
export interface SqlDialect {
  readonly engine: 'duckdb' | 'bigquery';
  /** Fully qualified table name, quoted as the engine needs it. */
  table(table: Pick<TableDef, 'dataset' | 'name'>): string;
  /** A bound parameter, typed; the value travels separately, never inside the SQL text. */
  param(name: string, type: ParamType): string;
  /** The engine's name for a column type (DDL and casts). */
  type(type: ColumnType): string;
  cast(expr: string, type: ColumnType): string;
  /** A cast that gives NULL instead of an error. */
  tryCast(expr: string, type: ColumnType): string;
  /** `date + days` as a DATE; `days` may be a number or an integer expression. */
  addDays(date: string, days: number | string): string;
  /** Whole days from `earlier` to `later`. */
  dateDiffDays(later: string, earlier: string): string;
  /** a / b, NULL when b is 0 or NULL (never Infinity). */
  safeDivide(a: string, b: string): string;
  /** The n-th (1-based) part of `expr` split on `separator`, NULL when absent. */
  splitPart(expr: string, separator: string, index: number): string;
  /** `YYYYMMDD` text of a DATE. */
  compactDate(date: string): string;
  /** A deterministic 64-bit hash of the given expressions, used as a tie-breaker. */
  hash(exprs: readonly string[]): string;
  boolOr(expr: string): string;
  /** Aggregate into an ordered array. */
  arrayAgg(expr: string, orderBy: string): string;
  /** An array literal of SQL expressions. */
  array(items: readonly string[], elementType: ColumnType): string;
  /** TRUE when `value` is an element of `array`. */
  inArray(value: string, array: string): string;
  /** Number of elements of an array. */
  arrayLength(expr: string): string;
  currentTimestamp(): string;
  /**
   * The UTC instant of a TIMESTAMP that holds an Eastern wall-clock time (the platform's
   * `game_date_est`: a 7:30 PM ET tip is stored as `19:30:00 UTC`), daylight saving aware.
   */
  easternWallTimeToUtc(expr: string): string;
  /** A JSON value from JSON text. */
  parseJson(expr: string): string;
  /** The text of a JSON value (BigQuery cannot CAST or LIKE a JSON column). */
  jsonText(expr: string): string;
  /** The scalar at a JSONPath (`$.a.b`) of a JSON value as STRING, NULL when absent. */
  jsonString(expr: string, path: string): string;
  /** The strings of a JSON array as ARRAY<STRING>, NULL when the value is NULL. */
  jsonStringArray(expr: string): string;
}
