import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigQueryClient } from '../../src/warehouse/bigquery/bigquery-client.js';
import { BigQueryWarehouse } from '../../src/warehouse/bigquery/bigquery-warehouse.js';
import { DATASETS, cols, defineTable } from '../../src/warehouse/schema.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';

/**
 * The live tier: real BigQuery, only with BACKFILL_TEST_BIGQUERY_PROJECT set (Application Default
 * Credentials, docs/bigquery.md). Everything lives in datasets with a random prefix, dropped at the end.
 */
const project = process.env.BACKFILL_TEST_BIGQUERY_PROJECT;
const location = process.env.BACKFILL_TEST_BIGQUERY_LOCATION ?? 'US';
const prefix = `backfill_test_${randomBytes(4).toString('hex')}_`;
const probe = defineTable({
  dataset: 'nba_analytics',
  name: 'backfill_live_probe',
  dateColumn: 'game_date',
  key: ['id'],
  columns: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('value', 'INT64')],
});
const rows = (n: number, day = '2022-01-05') => `SELECT DATE '${day}' AS game_date, CAST(x AS STRING) AS id, x AS value FROM UNNEST(GENERATE_ARRAY(1, ${n})) AS x`;

describe.skipIf(!project)('live BigQuery (BACKFILL_TEST_BIGQUERY_PROJECT)', () => {
  let warehouse: BigQueryWarehouse;
  beforeAll(() => {
    const client = createBigQueryClient({ project: project as string, location });
    warehouse = new BigQueryWarehouse(client, { project: project as string, location, datasetPrefix: prefix, readOnly: false, labels: { tool: 'backfill-test' } });
  });
  afterAll(async () => {
    if (!warehouse) return;
    await warehouse.close();
    for (const dataset of DATASETS) await warehouse.execute(`DROP SCHEMA IF EXISTS \`${project}\`.${prefix}${dataset} CASCADE`).catch(() => undefined);
  }, 120_000);

  it('creates partitioned tables that pass the preflight, replaces a day in one job behind its guards, and batches history', async () => {
    await warehouse.ensureTables([probe, processorRunHistory, ...warehouse.leaseTables]);
    expect((await warehouse.preflight([probe, processorRunHistory])).filter((f) => f.blocking)).toEqual([]);
    const write = (selectSql: string, minRows = 1) => warehouse.replaceDay({ table: probe, date: '2022-01-05', selectSql, params: {}, minRows, allowShrink: false, labels: { run_id: 'live-test' } });
    expect((await write(rows(20))).rowsWritten).toBe(20);
    await expect(write(rows(5))).rejects.toSatisfy((e) => warehouse.classifyError(e) === 'shrink-guard');
    await expect(write(`${rows(20)} UNION ALL ${rows(2, '2022-01-06')}`)).rejects.toSatisfy((e) => warehouse.classifyError(e) === 'invalid-data');
    await expect(write(rows(20), 30)).rejects.toSatisfy((e) => warehouse.classifyError(e) === 'invalid-data');
    expect(await warehouse.query(`SELECT COUNT(*) AS n FROM ${warehouse.dialect.table(probe)}`)).toEqual([{ n: 20 }]);
    const estimate = await warehouse.estimateDay({ table: probe, date: '2022-01-05', selectSql: `SELECT * FROM ${warehouse.dialect.table(probe)}`, params: {} });
    expect(estimate.bytes).toBeGreaterThan(0);
    await warehouse.insertRows(processorRunHistory, [{ run_id: 'live-test', processor_name: 'probe', phase: 3, data_date: '2022-01-05', status: 'success', attempts: 1 }]);
    expect(await warehouse.query(`SELECT COUNT(*) AS n FROM ${warehouse.dialect.table(processorRunHistory)} WHERE run_id = 'live-test'`)).toEqual([{ n: 1 }]);
    const lease = await warehouse.lease({ runId: 'live-a', holder: 'live test', processors: ['probe'], dates: ['2022-01-05'] });
    await expect(warehouse.lease({ runId: 'live-b', holder: 'live test', processors: ['probe'], dates: ['2022-01-05'] })).rejects.toSatisfy((e) => warehouse.classifyError(e) === 'lease-held');
    await lease.release();
  }, 300_000);
});
