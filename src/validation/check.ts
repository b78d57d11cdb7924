import type { SqlDialect } from '../warehouse/dialect.js';
import type { TableDef } from '../warehouse/schema.js';
import type { Row } from '../warehouse/warehouse.js';

/** What a check's SQL is built with: the dialect, and table references that read a missing table as empty. */
export interface CheckSqlContext {
  d: SqlDialect;
  table(table: TableDef): string;
}

/** How a check's rows count: `block` fails validation (exit 1), `warn` and `info` only report. */
export type CheckLevel = 'block' | 'warn' | 'info';

/** The parameters every check query may use. */
export interface CheckScope {
  /** First and last date checked (inclusive). */
  start: string;
  end: string;
  /** Phase 4 bootstrap days of the dates checked (as `YYYY-MM-DD`). */
  bootstrapDates: string[];
}

/**
 * A validation check is data: a query that returns the offending rows (zero rows is a pass). Each
 * row may carry its own `level` (for example coverage that warns at 95-99 % and blocks below);
 * otherwise it has the check's level. A `game_date` column names the offending date.
 */
export interface ValidationCheck {
  readonly name: string;
  readonly phase: 2 | 3 | 4;
  readonly level: CheckLevel;
  readonly description: string;
  /** What to do when it fails, shown with the result and in docs/operations.md. */
  readonly remedy: string;
  sql(ctx: CheckSqlContext): string;
}

export interface CheckResult {
  name: string;
  phase: 2 | 3 | 4;
  /** The most severe level among the rows, or `pass`. */
  outcome: CheckLevel | 'pass';
  description: string;
  remedy: string;
  rows: Row[];
  /** Dates named by the offending rows. */
  dates: string[];
}

export function defineCheck(check: ValidationCheck): ValidationCheck {
  return check;
}
