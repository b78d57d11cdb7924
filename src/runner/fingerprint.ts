import { createHash } from 'node:crypto';
import type { IsoDate } from '../calendar/dates.js';
import type { ProcessorDefinition } from '../processors/processor.js';
import { inputTables } from '../processors/processor.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { qualifiedName, type TableDef } from '../warehouse/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** Rows and latest `processed_at` of one input table on one date. */
export interface DayStats {
  rows: number;
  maxProcessedAt: string | null;
}

/** Per input table (qualified name), per date. */
export type InputStats = Map<string, Map<IsoDate, DayStats>>;

/**
 * One grouped statement over the input tables gives the row counts and latest `processed_at` of
 * every date in the range: the fingerprints of a whole range cost one query.
 */
export async function loadInputStats(
  warehouse: Warehouse,
  tables: readonly TableDef[],
  from: IsoDate,
  to: IsoDate,
): Promise<InputStats> {
  const stats: InputStats = new Map(tables.map((t) => [qualifiedName(t), new Map<IsoDate, DayStats>()]));
  const present = (await Promise.all(tables.map(async (t) => ((await warehouse.tableExists(t)) ? t : undefined)))).filter((t) => t !== undefined);
  if (present.length === 0) return stats;
  // One statement for all the tables: on BigQuery every statement is a job with its own latency
  // and its own 10 MiB minimum bill.
  const rows = await warehouse.query(inputStatsUnionSql(warehouse.dialect, present), { from, to });
  for (const row of rows) {
    stats.get(String(row.table_name))?.set(String(row.day), { rows: Number(row.row_count), maxProcessedAt: (row.max_processed_at as string | null) ?? null });
  }
  return stats;
}

/** inputStatsSql of several tables in one statement, each row tagged with its table's qualified name. */
export function inputStatsUnionSql(d: SqlDialect, tables: readonly TableDef[]): string {
  return tables
    .map((t) => `SELECT '${qualifiedName(t)}' AS table_name, day, row_count, max_processed_at FROM (${inputStatsSql(d, t)}) AS s`)
    .join('\nUNION ALL\n');
}

/** Rows and latest processed_at per date of one table between `@from` and `@to`: one grouped query. */
export function inputStatsSql(d: SqlDialect, table: TableDef): string {
  return `SELECT ${table.dateColumn} AS day, COUNT(*) AS row_count, ${d.cast('MAX(processed_at)', 'STRING')} AS max_processed_at
         FROM ${d.table(table)}
         WHERE ${table.dateColumn} BETWEEN ${d.param('from', 'DATE')} AND ${d.param('to', 'DATE')}
         GROUP BY ${table.dateColumn}`;
}

/** The processor's version: a hash of its SQL (as the engine runs it) and its guards. */
export function processorVersion(processor: ProcessorDefinition, dialect: SqlDialect): string {
  return shortHash([processor.select(dialect), processor.check?.(dialect, dialect.table(processor.table)) ?? '', JSON.stringify(processor.expectedRows)].join('\n'));
}

/** Rows and latest processed_at of a table on a date, or over `windowStart..date` for lookbacks. */
export function statsFor(stats: InputStats, table: TableDef, date: IsoDate, windowStart?: IsoDate): DayStats {
  const byDate = stats.get(qualifiedName(table));
  if (!byDate) return { rows: 0, maxProcessedAt: null };
  if (windowStart === undefined) return byDate.get(date) ?? { rows: 0, maxProcessedAt: null };
  // Every lookback processor reading this table asks for the same windows: sum each one once.
  let windows = windowSums.get(byDate);
  if (!windows) windowSums.set(byDate, (windows = new Map()));
  const key = `${windowStart}|${date}`;
  const known = windows.get(key);
  if (known) return known;
  let rows = 0;
  let maxProcessedAt: string | null = null;
  for (const [day, s] of byDate) {
    if (day < windowStart || day > date) continue;
    rows += s.rows;
    if (s.maxProcessedAt !== null && (maxProcessedAt === null || s.maxProcessedAt > maxProcessedAt)) maxProcessedAt = s.maxProcessedAt;
  }
  const sum = { rows, maxProcessedAt };
  windows.set(key, sum);
  return sum;
}

/** Window sums per statistics map (a map is never changed once loaded; fresh statistics are new maps). */
const windowSums = new WeakMap<Map<IsoDate, DayStats>, Map<string, DayStats>>();

/**
 * The input fingerprint of a (processor, date): its version plus, per input table, the row count
 * and latest processed_at over the date (or the window from the season start for lookbacks).
 */
export function fingerprint(
  processor: ProcessorDefinition,
  version: string,
  stats: InputStats,
  date: IsoDate,
  seasonStart: IsoDate,
): string {
  const inputs = inputTables(processor).map((table) => {
    const s = statsFor(stats, table, date, processor.lookback ? seasonStart : undefined);
    return [qualifiedName(table), s.rows, s.maxProcessedAt];
  });
  return shortHash(JSON.stringify({ version, inputs }));
}

/** Tables of each required group with no rows on the date (empty when satisfied); `assumePresent` tables count as present. */
export function missingDependencies(
  processor: ProcessorDefinition,
  stats: InputStats,
  date: IsoDate,
  assumePresent: ReadonlySet<string> = new Set(),
): string[] {
  const missing: string[] = [];
  for (const group of processor.requires) {
    const satisfied = group.tables.some((t) => assumePresent.has(qualifiedName(t)) || statsFor(stats, t, date).rows > 0);
    if (!satisfied) missing.push(...group.tables.map(qualifiedName));
  }
  return missing;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
