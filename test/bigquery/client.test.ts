import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParamType } from '../../src/warehouse/dialect.js';
import { bigQueryParams, createBigQueryClient, plainRows } from '../../src/warehouse/bigquery/bigquery-client.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { BigQueryStandIn } from '../helpers/bigquery-standin.js';

const standIn = new BigQueryStandIn();

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  await standIn.start();
});
afterAll(async () => {
  await standIn.stop();
});

describe('the real @google-cloud/bigquery client against a local stand-in', () => {
  it('sends DATE parameters as dates (not NULL), typed lists, no credentials, and reads rows back as plain values', async () => {
    const types = new Map<string, ParamType>();
    const d = bigQueryDialect({ project: 'nba-props-platform' }, types);
    const sql = `SELECT game_date, COUNT(*) AS n FROM ${d.table({ dataset: 'nba_raw', name: 'nbac_schedule' })}
      WHERE game_date BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')} AND ${d.inArray('game_id', d.param('ids', 'ARRAY<STRING>'))}
      GROUP BY game_date`;
    const client = createBigQueryClient({ project: 'nba-props-platform', apiEndpoint: standIn.endpoint });
    standIn.respond = () => [{ game_date: '2022-01-05', n: 7 }];
    const [rows] = await client.query({ query: sql, ...bigQueryParams(client, sql, { start: '2022-01-05', end: '2022-01-06', ids: [], unused: 1 }, types), labels: { run_id: 'r1' } });
    expect(plainRows(rows as Record<string, unknown>[])).toEqual([{ game_date: '2022-01-05', n: 7 }]);
    const insert = standIn.received.find((r) => r.method === 'POST');
    expect(insert?.authorization).toBeUndefined();
    // jobs.insert nests the query under configuration; jobs.query (the client's fast path) does not.
    type QueryBody = { query: string; queryParameters: { name: string }[] };
    const query = ((insert?.body?.configuration as { query?: QueryBody } | undefined)?.query ?? insert?.body) as QueryBody;
    const param = (name: string) => query.queryParameters.find((p) => p.name === name);
    expect(param('start')).toEqual({ name: 'start', parameterType: { type: 'DATE' }, parameterValue: { value: '2022-01-05' } });
    expect(param('ids')).toEqual({ name: 'ids', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [] } });
    expect(param('unused')).toBeUndefined();
    expect(query.query).toContain('`nba-props-platform`.nba_raw.nbac_schedule');
    expect(JSON.stringify(insert?.body)).toContain('"labels":{"run_id":"r1"}');
  });
});

describe('the BigQuery engine against the stand-in', () => {
  it('replaces a day with one query job writing the partition decorator with WRITE_TRUNCATE, guards inside, labelled', async () => {
    const { BigQueryWarehouse } = await import('../../src/warehouse/bigquery/bigquery-warehouse.js');
    const { playerGameSummary } = await import('../../src/processors/player-game-summary.js');
    const client = createBigQueryClient({ project: 'nba-props-platform', apiEndpoint: standIn.endpoint });
    const warehouse = new BigQueryWarehouse(client, { project: 'nba-props-platform', datasetPrefix: 'dev_', readOnly: false, labels: { run_id: '20261125T221500Z-3fa9c1' }, maxBytesBilled: 10_000_000_000 });
    standIn.received.length = 0;
    await warehouse.replaceDay({
      table: playerGameSummary.table,
      date: '2022-01-05',
      selectSql: playerGameSummary.select(warehouse.dialect),
      params: { start: '2022-01-05', end: '2022-01-05', season_start: '2021-10-19' },
      minRows: 16,
      allowShrink: false,
    });
    const jobs = standIn.received.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    expect(jobs).toHaveLength(1);
    const configuration = jobs[0]?.body?.configuration as {
      query: { destinationTable: { projectId: string; datasetId: string; tableId: string }; writeDisposition: string; query: string; maximumBytesBilled: string; queryParameters: { name: string; parameterType: { type: string }; parameterValue: { value: string } }[] };
      labels: Record<string, string>;
    };
    expect(configuration.query.destinationTable).toEqual({ projectId: 'nba-props-platform', datasetId: 'dev_nba_analytics', tableId: 'player_game_summary$20220105' });
    expect(configuration.query.writeDisposition).toBe('WRITE_TRUNCATE');
    expect(configuration.query.maximumBytesBilled).toBe('10000000000');
    expect(configuration.labels).toEqual({ run_id: '20261125t221500z-3fa9c1', processor: 'player_game_summary', date: '2022-01-05' });
    expect(configuration.query.query).toContain("ERROR(CONCAT('backfill guard: '");
    expect(configuration.query.query).toContain('`nba-props-platform`.dev_nba_raw.nbac_gamebook_player_stats');
    const param = (name: string) => configuration.query.queryParameters.find((p) => p.name === name);
    expect(param('__day')).toMatchObject({ parameterType: { type: 'DATE' }, parameterValue: { value: '2022-01-05' } });
    expect(param('start')).toMatchObject({ parameterType: { type: 'DATE' } });
    expect(param('__min_rows')).toMatchObject({ parameterType: { type: 'INT64' }, parameterValue: { value: 16 } });
    expect(param('__allow_shrink')).toMatchObject({ parameterType: { type: 'BOOL' }, parameterValue: { value: false } });
  });
});

describe('the BigQuery history buffer against the stand-in', () => {
  it('writes every row once: full batches go out at once, a reader of the table waits for them, a failed INSERT is tried again at close', async () => {
    const { BigQueryWarehouse } = await import('../../src/warehouse/bigquery/bigquery-warehouse.js');
    const { processorRunHistory } = await import('../../src/warehouse/tables/reference-tables.js');
    const client = createBigQueryClient({ project: 'nba-props-platform', apiEndpoint: standIn.endpoint, httpRetries: 0 });
    const warehouse = new BigQueryWarehouse(client, { project: 'nba-props-platform', readOnly: false, flushRows: 2, flushAfterMs: 3_600_000 });
    const row = (run_id: string) => ({ run_id, processor_name: 'player_game_summary', phase: 3, data_date: '2022-01-05', status: 'success', attempts: 1 });
    const inserts = () => standIn.queries.filter((q) => q.sql.startsWith('INSERT INTO') && q.sql.includes(processorRunHistory.name));
    const runIds = (q: { params: Record<string, unknown> }) => (JSON.parse(String(q.params.rows)) as { run_id: string }[]).map((r) => r.run_id);
    standIn.queries.length = 0;
    standIn.latencyMs = 60;
    try {
      // Two full batches: two INSERTs going at the same time; the reader's query arrives after both finished.
      await warehouse.insertRows(processorRunHistory, [row('r1'), row('r2')]);
      await warehouse.insertRows(processorRunHistory, [row('r3'), row('r4')]);
      await warehouse.query(`SELECT run_id FROM ${warehouse.dialect.table(processorRunHistory)}`);
      const [first, second, read] = standIn.queries;
      expect([first, second].map((q) => q && runIds(q))).toEqual([['r1', 'r2'], ['r3', 'r4']]);
      expect(read?.sql).toMatch(/^SELECT run_id/);
      expect((read?.at ?? 0) - Math.max(first?.at ?? 0, second?.at ?? 0)).toBeGreaterThanOrEqual(standIn.latencyMs);

      // A batch whose INSERT fails stays buffered and goes out at close.
      standIn.faults = [{ match: (q) => q.sql.startsWith('INSERT INTO'), status: 500, reason: 'backendError', times: 1 }];
      await warehouse.insertRows(processorRunHistory, [row('r5'), row('r6')]);
      await warehouse.close();
      expect(inserts().map(runIds)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5', 'r6'], ['r5', 'r6']]);
      expect(standIn.faults[0]?.times).toBe(0);
    } finally {
      standIn.latencyMs = 0;
      standIn.faults = [];
    }
  });
});

describe('the BigQuery lease against the stand-in', () => {
  it('is renewed while held and expired when released', async () => {
    const { BigQueryWarehouse } = await import('../../src/warehouse/bigquery/bigquery-warehouse.js');
    const client = createBigQueryClient({ project: 'nba-props-platform', apiEndpoint: standIn.endpoint });
    const warehouse = new BigQueryWarehouse(client, { project: 'nba-props-platform', readOnly: false, leaseRenewMs: 40 });
    const lease = await warehouse.lease({ runId: 'r-lease', holder: 'test pid 1', processors: ['player_game_summary'], dates: ['2022-01-05'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const row = standIn.leases.find((l) => l.run_id === 'r-lease');
    expect(row?.renewals).toBeGreaterThanOrEqual(2);
    expect(row?.expiresAt).toBeGreaterThan(Date.now() + 500_000);
    // The release goes out at once and close() waits for it (a run's validation need not).
    await lease.release();
    await warehouse.close();
    expect(row?.expiresAt).toBeLessThanOrEqual(Date.now());
    const renewals = row?.renewals;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(row?.renewals).toBe(renewals);
    // A second run claiming an overlapping pair is refused as lease-held while the first holds it.
    const first = await warehouse.lease({ runId: 'r-a', holder: 'a', processors: ['x', 'y'], dates: ['2022-01-05', '2022-01-06'] });
    await expect(warehouse.lease({ runId: 'r-b', holder: 'b', processors: ['y'], dates: ['2022-01-06'] })).rejects.toMatchObject({ errorClass: 'lease-held' });
    await first.release();
    await warehouse.close();
    const second = await warehouse.lease({ runId: 'r-b', holder: 'b', processors: ['y'], dates: ['2022-01-06'] });
    await second.release();
    await warehouse.close();
    expect(standIn.leases.filter((l) => l.expiresAt > Date.now())).toEqual([]);
  });
});
