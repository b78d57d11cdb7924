import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameCountsSql, scheduleSeasonsSql } from '../../src/calendar/calendar.js';
import { rowCountSql } from '../../src/commands/rollback.js';
import { validateDates } from '../../src/commands/validate.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { recentWritesSql } from '../../src/runner/daily-quota.js';
import { inputStatsUnionSql } from '../../src/runner/fingerprint.js';
import { latestHistorySql, latestStatesSql } from '../../src/runner/history.js';
import { planImpact } from '../../src/runner/impact.js';
import type { PlanItem } from '../../src/runner/plan.js';
import { loadReportData } from '../../src/runner/report-data.js';
import { failedPairsOf } from '../../src/runner/retry-pairs.js';
import { historyStatus } from '../../src/runner/status.js';
import { CHECKS } from '../../src/validation/checks.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { overlappingLeasesSql, releaseLeaseSql, renewLeaseSql, takeLeaseSql } from '../../src/warehouse/bigquery/bigquery-lease.js';
import { deleteDatesSql, guardedDaySql } from '../../src/warehouse/bigquery/bigquery-sql.js';
import { tableResource } from '../../src/warehouse/bigquery/bigquery-tables.js';
import { BigQueryWarehouse } from '../../src/warehouse/bigquery/bigquery-warehouse.js';
import { createBigQueryClient } from '../../src/warehouse/bigquery/bigquery-client.js';
import type { ParamType } from '../../src/warehouse/dialect.js';
import { hasDayColumn, type ColumnType } from '../../src/warehouse/schema.js';
import { nbacSchedule, RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { backfillLeases, processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import { STATIC_TABLES } from '../../src/warehouse/tables/static-tables.js';
import type { Row, SqlParams, Warehouse } from '../../src/warehouse/warehouse.js';
import { partitionScans } from '../helpers/partition-filter-check.js';
import { BigQueryStandIn } from '../helpers/bigquery-standin.js';
import { startZetaSqlServer, type ZetaSql, type ZetaSqlServer } from '../helpers/zetasql.js';

// Every kind of SQL the tool sends, checked on ZetaSQL's resolved tree as if every day-partitioned
// table required a partition filter (BigQuery's rule; only some of the platform's tables have it).

const PROJECT = 'nba-props-platform';
const TABLES = [...RAW_TABLES, ...STATIC_TABLES, ...PROCESSORS.map((p) => p.table), processorRunHistory, backfillLeases];
const PARTITION = new Map(TABLES.map((t) => [`${t.dataset}.${t.name}`, t.dateColumn]));
/** Parameters the engine adds itself (the guarded write's), beyond those the dialect records. */
const ENGINE_PARAMS: Record<string, ColumnType> = { __day: 'DATE', __from: 'DATE', __to: 'DATE', __min_rows: 'INT64', __allow_shrink: 'BOOL', __allow_drop_keys: 'BOOL' };

interface Sent {
  name: string;
  sql: string;
  types: Record<string, ColumnType>;
}

let server: ZetaSqlServer;
let zeta: ZetaSql;
const standIn = new BigQueryStandIn();
beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startZetaSqlServer();
  zeta = await server.catalog(PROJECT, TABLES);
  standIn.partitionFilters = server;
  await standIn.start();
}, 60_000);
afterAll(async () => {
  await standIn.stop();
  await server?.stop();
});

/** Builds texts with a dialect that records each parameter's type, as the engine binds them. */
function built(name: string, build: (d: ReturnType<typeof bigQueryDialect>) => string): Sent {
  const types = new Map<string, ParamType>();
  const sql = build(bigQueryDialect({ project: PROJECT }, types));
  return { name, sql, types: { ...ENGINE_PARAMS, ...Object.fromEntries(types) } };
}

/** A BigQuery-dialect warehouse that records what the tool's readers send and answers a little. */
function recorder(): { warehouse: Warehouse; sent: Sent[] } {
  const types = new Map<string, ParamType>();
  const sent: Sent[] = [];
  const answer = (sql: string): Row[] => {
    if (sql.includes('regular_start')) return [{ season_year: 2021, regular_start: '2021-10-19', regular_end: '2022-04-10', last_scheduled: '2022-04-10' }];
    if (sql.includes('first_date')) return [{ first_date: '2021-10-19', last_date: '2022-04-10' }];
    if (sql.includes('GROUP BY run_id')) return [{ run_id: 'r1' }];
    return [];
  };
  const warehouse = {
    engine: 'bigquery',
    dialect: bigQueryDialect({ project: PROJECT }, types),
    tableExists: async () => true,
    query: async (sql: string, _params?: SqlParams) => {
      sent.push({ name: sql.slice(0, 60), sql, types: { ...ENGINE_PARAMS, ...Object.fromEntries(types) } });
      return answer(sql);
    },
  } as unknown as Warehouse;
  return { warehouse, sent };
}

async function unpruned(text: Sent): Promise<string[]> {
  const { tree, error } = await zeta.resolve(text.sql, text.types);
  if (error) return [`does not resolve: ${error}`];
  const scans = partitionScans(tree, (t) => PARTITION.get(t));
  // Every text here reads a partitioned table: none found means the walk missed it.
  if (scans.length === 0) return ['no scan of a partitioned table found'];
  return scans.filter((v) => !v.pruned).map((v) => `${v.table} (${v.column})`);
}

/** Every text resolves and prunes; a failure names each text and its unpruned scans. */
async function expectPruned(texts: readonly Sent[]): Promise<void> {
  const failures = (await Promise.all(texts.map(async (text) => (await unpruned(text)).map((scan) => `${text.name}: ${scan}`)))).flat();
  expect(failures).toEqual([]);
}

describe('the tree walker', () => {
  const t = (sql: string) => ({ name: sql, sql, types: { s: 'DATE', e: 'DATE', dates: 'ARRAY<DATE>' } as Record<string, ColumnType> });
  const sched = `\`${PROJECT}\`.nba_raw.nbac_schedule`;
  it('accepts constant and parameter ranges on the bare column under projections, DELETE ... WHERE', async () => {
    await expectPruned([
      t(`SELECT * FROM ${sched} WHERE game_date BETWEEN @s AND @e`),
      t(`SELECT * FROM (SELECT game_id, game_date FROM ${sched} WHERE game_id != 'x' AND game_date >= DATE '2000-10-01') AS s WHERE game_id = 'y'`),
      t(`SELECT * FROM ${sched} WHERE game_date IN UNNEST(@dates) OR game_date = DATE_SUB(@s, INTERVAL 3 DAY)`),
      t(`SELECT COUNT(*) FROM ${sched} AS s WHERE @s <= s.game_date`),
      t(`DELETE FROM ${sched} WHERE game_date IN (DATE '2022-01-05', @s)`),
    ]);
  });
  it('rejects a missing filter, a filter after a window, join or aggregate, a cast column, a column bound, OR with an unfiltered branch', async () => {
    const bad = [
      `SELECT * FROM ${sched}`,
      `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id) AS r FROM ${sched}) WHERE game_date = @s`,
      `SELECT * FROM ${sched} AS a JOIN ${sched} AS b USING (game_id) WHERE a.game_date = @s AND b.game_date = @s`,
      `SELECT * FROM (SELECT game_date, COUNT(*) AS n FROM ${sched} GROUP BY 1) WHERE game_date = @s`,
      `SELECT * FROM ${sched} WHERE CAST(game_date AS STRING) = '2022-01-05'`,
      `SELECT * FROM ${sched} WHERE game_date = DATE(processed_at)`,
      `SELECT * FROM ${sched} WHERE game_date = @s OR game_id = 'x'`,
      `WITH s AS (SELECT * FROM ${sched}) SELECT * FROM s WHERE game_date = @s`,
      `DELETE FROM ${sched} WHERE game_id = 'x'`,
    ];
    for (const sql of bad) expect(new Set(await unpruned(t(sql))), sql).toEqual(new Set(['nba_raw.nbac_schedule (game_date)']));
  });
});

describe('every query the tool sends prunes the partitions of every table it reads', () => {
  it("processors' day SQL, their checks, and the guarded day writes", async () => {
    const texts: Sent[] = [];
    for (const p of PROCESSORS) {
      texts.push(built(`${p.name} select`, (d) => p.select(d)));
      if (p.check) texts.push(built(`${p.name} check`, (d) => p.check?.(d, d.table(p.table)) as string));
      texts.push(built(`${p.name} guarded write`, (d) => guardedDaySql(d, { table: p.table, selectSql: p.select(d), check: p.check ? (rows) => p.check?.(d, rows) as string : undefined })));
    }
    await expectPruned(texts);
  });

  it('validation checks, with dates and without (validate over the whole schedule)', async () => {
    await expectPruned(CHECKS.map((c) => built(`check ${c.name}`, (d) => c.sql({ d, table: (t) => d.table(t) }))));
    const { warehouse, sent } = recorder();
    await validateDates(warehouse, undefined, { phases: [2, 3, 4], bootstrapDays: 7, includePlayoffs: false, allowRecent: true });
    expect(sent.length).toBeGreaterThan(CHECKS.length);
    await expectPruned(sent);
  });

  it("calendar, fingerprints (input statistics), history readers, the daily quota's recent writes", async () => {
    const stats = TABLES.filter((t) => hasDayColumn(t) && t.columns.some((c) => c.name === 'processed_at'));
    await expectPruned([
      built('schedule seasons', scheduleSeasonsSql),
      built('game counts', gameCountsSql),
      built('input stats', (d) => inputStatsUnionSql(d, stats)),
      built('latest states', latestStatesSql),
      built('latest history', (d) => latestHistorySql(d, ['processor_name', 'data_date', 'status'])),
      built("the daily quota's recent writes", recentWritesSql),
    ]);
  });

  it('status (with and without --since), retry, report (with and without dates), dry-run impact', async () => {
    const { warehouse, sent } = recorder();
    await historyStatus(warehouse, undefined);
    await historyStatus(warehouse, new Date('2026-01-01T00:00:00Z'));
    await failedPairsOf(warehouse);
    await failedPairsOf(warehouse, 'r2');
    await loadReportData(warehouse);
    await loadReportData(warehouse, { start: '2022-01-01', end: '2022-01-31' });
    const plan = PROCESSORS.map((processor) => ({ action: 'run', processor, date: '2022-01-05', seasonStart: '2021-10-19' }) as unknown as PlanItem);
    await planImpact(plan, warehouse);
    expect(sent.length).toBeGreaterThan(10);
    await expectPruned(sent);
  });

  it('rollback (row counts and DELETE) and the lease statements', async () => {
    await expectPruned([
      ...PROCESSORS.flatMap((p) => [built(`rollback count ${p.name}`, (d) => rowCountSql(d, p.table)), built(`rollback delete ${p.name}`, (d) => deleteDatesSql(d, p.table))]),
      built('take lease', takeLeaseSql),
      built('overlapping leases', overlappingLeasesSql),
      built('renew lease', renewLeaseSql),
      built('release lease', releaseLeaseSql),
    ]);
  });
});

describe('the BigQuery stand-in refuses what BigQuery refuses', () => {
  it('a query job or dry run reading a table that requires a partition filter without one: 400 invalidQuery, BigQuery\'s message', async () => {
    expect(tableResource(nbacSchedule).requirePartitionFilter).toBe(true);
    standIn.tables.set('nba_raw.nbac_schedule', tableResource(nbacSchedule));
    const warehouse = new BigQueryWarehouse(createBigQueryClient({ project: PROJECT, apiEndpoint: standIn.endpoint }), { project: PROJECT, readOnly: true });
    const d = warehouse.dialect;
    const message = "Cannot query over table 'nba-props-platform.nba_raw.nbac_schedule' without a filter over column(s) 'game_date' that can be used for partition elimination";
    const unfiltered = `SELECT game_id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id ORDER BY processed_at DESC) AS r FROM ${d.table(nbacSchedule)}) WHERE r = 1 AND game_date = ${d.param('start', 'DATE')}`;
    try {
      const query = warehouse.query(unfiltered, { start: '2022-01-05' });
      await expect(query).rejects.toThrow(message);
      expect(warehouse.classifyError(await query.catch((e: unknown) => e))).toBe('fatal');
      await expect(warehouse.estimateDay({ table: nbacSchedule, date: '2022-01-05', selectSql: unfiltered, params: { start: '2022-01-05' } })).rejects.toThrow(message);
      // The tool's own schedule reads filter before the window: accepted.
      await expect(warehouse.query(scheduleSeasonsSql(d))).resolves.toEqual([]);
      await expect(warehouse.query(gameCountsSql(d), { start: '2022-01-05', end: '2022-01-06' })).resolves.toEqual([]);
    } finally {
      await warehouse.close();
    }
  });
});
