import { gameCountsSql, scheduleSeasonsSql } from '../../src/calendar/calendar.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { inputStatsSql } from '../../src/runner/fingerprint.js';
import { latestStatesSql } from '../../src/runner/history.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { SqlDialect } from '../../src/warehouse/dialect.js';
import type { TableDef } from '../../src/warehouse/schema.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import type { ReceivedQuery, ResultRow, TableMetadata } from './bigquery-standin.js';

const TABLES: readonly TableDef[] = [...RAW_TABLES, ...PROCESSORS.map((p) => p.table), processorRunHistory];

/** The read queries the runner sends while planning, built by the same functions for either engine. */
function readQueries(d: SqlDialect): string[] {
  return [scheduleSeasonsSql(d), gameCountsSql(d), latestStatesSql(d), ...TABLES.filter((t) => t.columns.some((c) => c.name === 'processed_at')).map((t) => inputStatsSql(d, t))];
}

/**
 * Answers the stand-in's planning queries from a DuckDB file: each BigQuery text the runner sends
 * is matched to the DuckDB text of the same query and run there, so a BigQuery dry run plans over
 * real sample data. An unknown query throws (the stand-in answers it as an invalid query).
 */
export async function duckDbMirror(path: string, project: string): Promise<{ respond: (q: ReceivedQuery) => Promise<ResultRow[]>; close: () => Promise<void> }> {
  const duck = await DuckDbWarehouse.open({ path, readOnly: true });
  const bq = readQueries(bigQueryDialect({ project }));
  const local = readQueries(duck.dialect);
  const translation = new Map(bq.map((sql, i) => [sql, local[i] as string]));
  return {
    respond: async (query) => {
      const sql = translation.get(query.sql);
      if (!sql) throw new Error(`the stand-in has no answer for: ${query.sql.slice(0, 80)}`);
      try {
        return (await duck.query(sql, query.params as never)) as ResultRow[];
      } catch (error) {
        // Tables the stand-in has but the sample file lacks (outputs, history) read as empty.
        if (/does not exist/.test(String(error))) return [];
        throw error;
      }
    },
    close: () => duck.close(),
  };
}

/** REST metadata of a table as the tool would create it: day-partitioned on its date column. */
export function tableMetadata(table: TableDef): TableMetadata {
  return {
    schema: {
      fields: table.columns.map((c) => {
        const array = /^ARRAY<(\w+)>$/.exec(c.type);
        return array ? { name: c.name, type: array[1] as string, mode: 'REPEATED' } : { name: c.name, type: c.type, mode: 'NULLABLE' };
      }),
    },
    timePartitioning: { type: 'DAY', field: table.dateColumn },
  };
}
