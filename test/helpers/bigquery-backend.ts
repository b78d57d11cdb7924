import { PROCESSORS } from '../../src/processors/index.js';
import { OutputGuardError } from '../../src/warehouse/errors.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { SqlDialect } from '../../src/warehouse/dialect.js';
import type { TableDef } from '../../src/warehouse/schema.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import type { Row } from '../../src/warehouse/warehouse.js';
import { mirrorResponder } from './bigquery-mirror.js';
import type { BigQueryStandIn, JobResult, ReceivedQuery } from './bigquery-standin.js';

/**
 * The rehearsal's warehouse: the stand-in's jobs done on a DuckDB file, so a BigQuery run goes end
 * to end over real data (ZetaSQL cannot apply DML; its texts are evaluated on small fixtures in
 * test/bigquery/zetasql-evaluate.test.ts). Reads run the DuckDB text of the same query (built by the
 * same function, see bigquery-mirror.ts); a day write runs the DuckDB engine's day write of the
 * same processor, day and parameters, under the file's NOT NULL columns (set to production's
 * REQUIRED ones); a history INSERT stores the rows its JSON parameter carries; ALTER ... ADD
 * COLUMN adds the column to the file as well.
 */
export async function duckDbBackend(
  path: string,
  project: string,
  standIn: BigQueryStandIn,
  more?: (d: SqlDialect) => string[],
): Promise<{ close: () => Promise<void>; warehouse: DuckDbWarehouse }> {
  const duck = await DuckDbWarehouse.open({ path, readOnly: false });
  await duck.ensureTables([...RAW_TABLES, ...PROCESSORS.map((p) => p.table), processorRunHistory]);
  const respond = mirrorResponder(duck, project, { more });
  const byTable = new Map<string, TableDef>(PROCESSORS.map((p) => [`${p.table.dataset}.${p.table.name}`, p.table]));
  // One statement at a time, as one writer on the file.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  standIn.respond = (query) => serial(() => respond(query));
  standIn.backend = (query) => serial(() => store(query));

  async function store(query: ReceivedQuery): Promise<JobResult | undefined> {
    if (query.destination) return dayWrite(query);
    const insert = /^INSERT INTO `[^`]+`\.(\w+)\.(\w+)/.exec(query.sql);
    if (insert && `${insert[1]}.${insert[2]}` === `${processorRunHistory.dataset}.${processorRunHistory.name}`) {
      const rows = JSON.parse(String(query.params.rows)) as Row[];
      await duck.insertRows(processorRunHistory, rows);
      return { rows: [], totalRows: 0, affected: rows.length };
    }
    const add = /^ALTER TABLE `[^`]+`\.(\w+)\.(\w+) ADD COLUMN IF NOT EXISTS (\w+) (\S+?);?$/.exec(query.sql);
    if (add) {
      await duck.execute(`ALTER TABLE ${add[1]}.${add[2]} ADD COLUMN IF NOT EXISTS ${add[3]} ${duck.dialect.type(add[4] as never)}`);
      return { rows: [], totalRows: 0 };
    }
    if (/^\s*ALTER TABLE/.test(query.sql)) return { rows: [], totalRows: 0 };
    throw new Error(`the rehearsal's backend does not apply: ${query.sql.slice(0, 80)}`);
  }

  async function dayWrite(query: ReceivedQuery): Promise<JobResult> {
    const [name, day] = query.destination?.split('$') as [string, string];
    const table = byTable.get(name);
    const processor = PROCESSORS.find((p) => p.table === table);
    if (!table || !processor) throw new Error(`the rehearsal writes only processor tables, not ${name}`);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const p = query.params;
    const flag = (v: unknown) => v === true || v === 'true';
    try {
      const result = await duck.replaceDay({
        table,
        date,
        selectSql: processor.select(duck.dialect),
        params: { start: String(p.start), end: String(p.end), season_start: String(p.season_start) },
        minRows: Number(p.__min_rows ?? 1),
        check: processor.check ? (rows) => processor.check?.(duck.dialect, rows) as string : undefined,
        allowShrink: flag(p.__allow_shrink),
        allowDropKeys: flag(p.__allow_drop_keys),
      });
      return { rows: [], totalRows: result.rowsWritten };
    } catch (error) {
      // A guard's ERROR() fails the BigQuery job with its text; the engine classifies it by that.
      if (error instanceof OutputGuardError) return { rows: [], totalRows: 0, error: { status: 400, reason: 'invalidQuery', message: `backfill guard: ${error.message}` } };
      throw error;
    }
  }

  return {
    warehouse: duck,
    close: async () => {
      standIn.backend = undefined;
      await queue;
      await duck.close();
    },
  };
}
