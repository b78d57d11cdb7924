import { gameCountsSql, scheduleSeasonsSql } from '../../src/calendar/calendar.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { inputStatsSql } from '../../src/runner/fingerprint.js';
import { latestStatesSql } from '../../src/runner/history.js';
import { CHECKS } from '../../src/validation/checks.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { tableResource } from '../../src/warehouse/bigquery/bigquery-warehouse.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { SqlDialect } from '../../src/warehouse/dialect.js';
import type { TableDef } from '../../src/warehouse/schema.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import type { ReceivedQuery, ResultRow, TableMetadata } from './bigquery-standin.js';

const TABLES: readonly TableDef[] = [...RAW_TABLES, ...PROCESSORS.map((p) => p.table), processorRunHistory];

const STATS_TABLES = TABLES.filter((t) => t.columns.some((c) => c.name === 'processed_at'));

/** The read queries the runner sends while planning, built by the same functions for either engine. */
function readQueries(d: SqlDialect): string[] {
  // Validation checks as they read when every table they name exists (the readiness check of raw data).
  return [scheduleSeasonsSql(d), gameCountsSql(d), latestStatesSql(d), ...CHECKS.map((c) => c.sql({ d, table: (t) => d.table(t) }))];
}

export interface MirrorOptions {
  /** Partitions the stand-in has written (`dataset.table` -> date): their input statistics come from here. */
  written?: ReadonlyMap<string, ReadonlyMap<string, { rows: number; processedAt: string }>>;
  /** Answer queries it does not know (validation) with no rows instead of an error (the benchmark). */
  lenient?: boolean;
  /** More queries to answer, built by the same functions for either engine. */
  more?: (d: SqlDialect) => string[];
}

/**
 * Answers the stand-in's planning queries from a DuckDB file: each BigQuery text the runner sends
 * is matched to the DuckDB text of the same query and run there, so a BigQuery dry run plans over
 * real sample data. An unknown query throws (the stand-in answers it as an invalid query).
 */
export async function duckDbMirror(
  path: string,
  project: string,
  options: MirrorOptions = {},
): Promise<{ respond: (q: ReceivedQuery) => Promise<ResultRow[]>; close: () => Promise<void> }> {
  const duck = await DuckDbWarehouse.open({ path, readOnly: true });
  return { respond: mirrorResponder(duck, project, options), close: () => duck.close() };
}

/** The answers of duckDbMirror from a warehouse already open (read-write in the rehearsal). */
export function mirrorResponder(duck: DuckDbWarehouse, project: string, options: MirrorOptions = {}): (q: ReceivedQuery) => Promise<ResultRow[]> {
  const texts = (d: SqlDialect) => [...readQueries(d), ...(options.more?.(d) ?? [])];
  const bq = texts(bigQueryDialect({ project }));
  const local = texts(duck.dialect);
  const translation = new Map(bq.map((sql, i) => [sql, local[i] as string]));
  /** Input statistics, one table at a time: from the partitions the stand-in wrote, else from DuckDB. */
  const statsOf = async (name: string, from: string, to: string): Promise<ResultRow[]> => {
    const written = options.written?.get(name);
    if (written) return [...written].filter(([day]) => day >= from && day <= to).map(([day, s]) => ({ table_name: name, day, row_count: s.rows, max_processed_at: s.processedAt }));
    const table = STATS_TABLES.find((t) => `${t.dataset}.${t.name}` === name);
    if (!table) return [];
    try {
      return ((await duck.query(inputStatsSql(duck.dialect, table), { from, to })) as ResultRow[]).map((r) => ({ table_name: name, ...r }));
    } catch (error) {
      if (/does not exist/.test(String(error))) return [];
      throw error;
    }
  };
  return async (query) => {
    const tagged = [...query.sql.matchAll(/SELECT '(\w+\.\w+)' AS table_name/g)].map((m) => m[1] as string);
    if (tagged.length > 0) {
      const { from, to } = query.params as { from: string; to: string };
      return (await Promise.all(tagged.map((name) => statsOf(name, from, to)))).flat();
    }
    const sql = translation.get(query.sql);
    if (!sql && options.lenient) return [];
    if (!sql) throw new Error(`the stand-in has no answer for: ${query.sql.slice(0, 80)}`);
    try {
      return (await duck.query(sql, query.params as never)) as ResultRow[];
    } catch (error) {
      // Tables the stand-in has but the sample file lacks (outputs, history) read as empty.
      if (/does not exist/.test(String(error))) return [];
      throw error;
    }
  };
}

/** REST metadata of a table as the tool creates it (tables.insert's body). */
export function tableMetadata(table: TableDef): TableMetadata {
  return tableResource(table);
}
