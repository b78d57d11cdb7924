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
 * One grouped query per input table gives the row counts and latest `processed_at` of every date
 * in the range: the fingerprints of a whole range cost as many queries as there are input tables.
 */
export async function loadInputStats(
  warehouse: Warehouse,
  tables: readonly TableDef[],
  from: IsoDate,
  to: IsoDate,
): Promise<InputStats> {
  const d = warehouse.dialect;
  const stats: InputStats = new Map();
  await Promise.all(
    tables.map(async (table) => {
      const byDate = new Map<IsoDate, DayStats>();
      stats.set(qualifiedName(table), byDate);
      if (!(await warehouse.tableExists(table))) return;
      const rows = await warehouse.query(inputStatsSql(d, table), { from, to });
      for (const row of rows) {
        byDate.set(String(row.day), { rows: Number(row.row_count), maxProcessedAt: (row.max_processed_at as string | null) ?? null });
      }
    }),
  );
  return stats;
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
  let rows = 0;
  let maxProcessedAt: string | null = null;
  for (const [day, s] of byDate) {
    if (day < windowStart || day > date) continue;
    rows += s.rows;
    if (s.maxProcessedAt !== null && (maxProcessedAt === null || s.maxProcessedAt > maxProcessedAt)) maxProcessedAt = s.maxProcessedAt;
  }
  return { rows, maxProcessedAt };
}

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
