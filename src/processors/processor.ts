import type { Phase } from '../vocabulary.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { hasDayColumn, type TableDef } from '../warehouse/schema.js';

/** Inputs of which any one table having rows on the date satisfies the group. */
export interface InputGroup {
  /** What the group provides, for messages ("player stats"). */
  readonly name: string;
  readonly tables: readonly TableDef[];
}

/**
 * How many rows a day must produce. `perGame` scales with the final games of the date; `min`
 * is a floor (default 1, since 0 rows on a game date is never a success).
 */
export interface ExpectedRows {
  readonly perGame?: number;
  readonly min?: number;
  /** Shown when a day falls short ("2 per final game"). */
  readonly description: string;
}

/**
 * A processor is data: the runner plans, runs, guards and records it. Its SQL covers the dates
 * `$start..$end` (one day in day-by-day runs) and may read back to `$season_start` for windows.
 */
export interface ProcessorDefinition {
  /** The snake_case output table name, e.g. `player_game_summary`. */
  readonly name: string;
  readonly phase: Phase;
  readonly description: string;
  readonly table: TableDef;
  /** Required input groups: an empty group fails the date as `missing-dependency`. */
  readonly requires: readonly InputGroup[];
  /**
   * Optional inputs: missing ones leave their columns at a defined value (NULL, or 0 with lower
   * completeness where the column is REQUIRED); dated ones feed the fingerprint. Reference tables
   * (no day column, read whole) are read but not fingerprinted: a reload of one needs --force.
   */
  readonly optional: readonly TableDef[];
  /** True when the SQL reads a window back to the season start, so the fingerprint covers it. */
  readonly lookback: boolean;
  /** Same-date upstream processors (Phase 4 chain); they must succeed for the date first. */
  readonly dependsOn: readonly string[];
  readonly expectedRows: ExpectedRows;
  /** The day's rows (`$start..$end`), every column of `table`. */
  select(dialect: SqlDialect): string;
  /**
   * Optional query over the new rows of the days `$__from`..`$__to` returning one row per violation:
   * `day` (the date it concerns) and `problem`. A range, not a day, so a batch of days is checked
   * in one statement. `rows` names the relation holding them: the table itself on DuckDB (read
   * inside the write's transaction), the produced rows inside BigQuery's write job.
   */
  check?(dialect: SqlDialect, rows: string): string;
}

export function defineProcessor(definition: ProcessorDefinition): ProcessorDefinition {
  if (definition.table.name !== definition.name) {
    throw new Error(`processor ${definition.name} must write the table of the same name, not ${definition.table.name}`);
  }
  return definition;
}

/**
 * Every dated table a processor reads (required groups and optional inputs), without repeats: the
 * tables whose per-date statistics plan and fingerprint a pair. Reference tables are left out.
 */
export function inputTables(processor: ProcessorDefinition): readonly TableDef[] {
  let tables = inputsOf.get(processor);
  if (!tables) {
    const all = [...processor.requires.flatMap((g) => g.tables), ...processor.optional].filter(hasDayColumn);
    tables = all.filter((t, i) => all.findIndex((u) => u.dataset === t.dataset && u.name === t.name) === i);
    inputsOf.set(processor, tables);
  }
  return tables;
}

/** The reference tables (no day column) a processor reads whole; they must exist before it runs. */
export function referenceInputs(processor: ProcessorDefinition): readonly TableDef[] {
  return processor.optional.filter((t) => !hasDayColumn(t));
}

/** Planning asks for every pair; a definition never changes. */
const inputsOf = new WeakMap<ProcessorDefinition, readonly TableDef[]>();

/** Minimum rows for a day with `games` final games. */
export function minimumRows(expected: ExpectedRows, games: number): number {
  return Math.max(expected.min ?? 1, (expected.perGame ?? 0) * games);
}
