import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { OutputGuardError, SchemaMismatchError, WarehouseBusyError } from '../../src/warehouse/errors.js';
import { cols, defineTable } from '../../src/warehouse/schema.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import { toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dayTable = defineTable({
  dataset: 'nba_analytics',
  name: 'guarded',
  dateColumn: 'game_date',
  key: ['id'],
  columns: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('value', 'INT64')],
});

const dir = tempDir();
let warehouse: DuckDbWarehouse;
let file: string;
let n = 0;

beforeEach(async () => {
  n += 1;
  file = join(dir, `w${n}.duckdb`);
  warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false });
  await warehouse.ensureTables([dayTable, processorRunHistory]);
  await warehouse.execute(
    `INSERT INTO nba_analytics.guarded SELECT DATE '2022-01-05', 'old' || i, i FROM range(10) t(i)
     UNION ALL SELECT DATE '2022-01-06', 'keep' || i, i FROM range(3) t(i)`,
  );
});
afterEach(async () => {
  await warehouse.close();
});

const rowsOn = async (day: string) =>
  (await warehouse.query(`SELECT id, value FROM nba_analytics.guarded WHERE game_date = CAST($d AS DATE) ORDER BY id`, { d: day })).map((r) => r.id);

const newRows = (count: number, day = '2022-01-05') =>
  `SELECT DATE '${day}' AS game_date, 'new' || i AS id, i AS value FROM range(${count}) t(i)`;

describe('DuckDB warehouse', () => {
  it('replaces one day atomically and writes history in the same transaction', async () => {
    const result = await warehouse.replaceDay({
      table: dayTable,
      date: '2022-01-05',
      selectSql: newRows(8),
      params: {},
      minRows: 1,
      allowShrink: false,
        allowDropKeys: true,
      alsoInsert: { table: processorRunHistory, rows: (r) => [{ run_id: 'r1', processor_name: 'guarded', data_date: '2022-01-05', status: 'success', records_processed: r.rowsWritten, retry_attempt: 1, missing_dependencies: ['a', 'b'], started_at: '2022-01-05T01:02:03.000Z' }] },
    });
    expect(result).toEqual({ rowsWritten: 8, previousRows: 10 });
    expect(await rowsOn('2022-01-05')).toHaveLength(8);
    expect(await rowsOn('2022-01-06')).toEqual(['keep0', 'keep1', 'keep2']);
    const history = await warehouse.query(`SELECT records_processed, CAST(missing_dependencies AS VARCHAR) AS missing, started_at FROM nba_reference.processor_run_history`);
    expect(history).toEqual([{ records_processed: 8, missing: '["a","b"]', started_at: '2022-01-05T01:02:03.000Z' }]);
  });

  it('keeps the old day when the new rows break a guard', async () => {
    const attempt = (selectSql: string, minRows = 1, check?: (rows: string) => string) =>
      warehouse.replaceDay({
        table: dayTable,
        date: '2022-01-05',
        selectSql,
        params: {},
        minRows,
        check,
        allowShrink: false,
        allowDropKeys: true,
        alsoInsert: { table: processorRunHistory, rows: () => [{ run_id: 'r', processor_name: 'guarded', data_date: '2022-01-05', status: 'success' }] },
      });
    await expect(attempt(newRows(4))).rejects.toThrow(/would shrink from 10 to 4 rows/);
    await expect(attempt(newRows(4))).rejects.toMatchObject({ errorClass: 'shrink-guard' });
    await expect(attempt(`${newRows(9)} UNION ALL ${newRows(2, '2022-01-07')}`)).rejects.toThrow(/2 of 11 new rows of guarded fall outside 2022-01-05/);
    await expect(attempt(`${newRows(9)} UNION ALL ${newRows(1)}`)).rejects.toThrow(/1 duplicate keys/);
    await expect(attempt(newRows(9), 12)).rejects.toThrow(/produced 9 rows for 2022-01-05, expected at least 12/);
    await expect(attempt(newRows(0), 1)).rejects.toBeInstanceOf(OutputGuardError);
    await expect(attempt(newRows(9), 1, (rows) => `SELECT game_date AS day, 'value ' || value AS problem FROM ${rows} WHERE game_date BETWEEN CAST($__from AS DATE) AND CAST($__to AS DATE) AND value > 7`)).rejects.toThrow(
      /1 check failure\(s\): value 8/,
    );
    await expect(attempt('SELECT no_such_column FROM nba_analytics.guarded')).rejects.toThrow(/no_such_column/);
    expect(await rowsOn('2022-01-05')).toHaveLength(10);
    expect(await warehouse.query(`SELECT * FROM nba_reference.processor_run_history`)).toEqual([]);
  });

  it('replaces a batch of days in one statement, its check run once for the batch and charged to the day it names', async () => {
    const rows = (day: string, count: number, bad = -1) => `SELECT DATE '${day}' AS game_date, 'b' || i AS id, CASE WHEN i = ${bad} THEN 99 ELSE i END AS value FROM range(${count}) t(i)`;
    const check = (relation: string) =>
      `SELECT game_date AS day, 'value ' || value AS problem FROM ${relation} WHERE game_date BETWEEN CAST($__from AS DATE) AND CAST($__to AS DATE) AND value > 50`;
    const batch = (selectSql: string) =>
      warehouse.replaceDays({ table: dayTable, dates: ['2022-01-05', '2022-01-06'], selectSql, params: {}, minRows: new Map([['2022-01-05', 1], ['2022-01-06', 1]]), check, allowShrink: true, allowDropKeys: true });
    await expect(batch(`${rows('2022-01-05', 4)} UNION ALL ${rows('2022-01-06', 5, 2)}`)).rejects.toThrow(/2022-01-06: 1 check failure\(s\): value 99/);
    expect(await rowsOn('2022-01-06')).toEqual(['keep0', 'keep1', 'keep2']);
    const results = await batch(`${rows('2022-01-05', 4)} UNION ALL ${rows('2022-01-06', 5)}`);
    expect([...results]).toEqual([['2022-01-05', { rowsWritten: 4, previousRows: 10 }], ['2022-01-06', { rowsWritten: 5, previousRows: 3 }]]);
  });

  it('puts many rows in by name, also into an older table whose columns came in another order', async () => {
    const wide = defineTable({ dataset: 'nba_reference', name: 'wide', dateColumn: 'day', key: ['id'], columns: [...cols('day', 'DATE'), ...cols('id', 'STRING'), ...cols('tags', 'ARRAY<STRING>'), ...cols('n', 'INT64')] });
    // An older file: the table lacks `tags`, which ensureTables then adds at the end.
    await warehouse.execute('CREATE TABLE nba_reference.wide (day DATE, id VARCHAR, n BIGINT)');
    await warehouse.ensureTables([wide]);
    const rows = Array.from({ length: 60 }, (_, i) => ({ day: '2022-01-05', id: `r${i}`, tags: i % 2 ? ['a', 'b'] : null, n: i }));
    await warehouse.insertRows(wide, rows);
    const fresh = defineTable({ ...wide, name: 'wide_fresh' });
    await warehouse.ensureTables([fresh]);
    await warehouse.insertRows(fresh, rows);
    for (const name of ['wide', 'wide_fresh']) {
      const back = await warehouse.query(`SELECT CAST(day AS VARCHAR) AS day, id, tags, n FROM nba_reference.${name} WHERE id IN ('r0', 'r7') ORDER BY n`);
      expect(back, name).toEqual([{ day: '2022-01-05', id: 'r0', tags: null, n: 0 }, { day: '2022-01-05', id: 'r7', tags: ['a', 'b'], n: 7 }]);
    }
  });

  it('folds the write-ahead log into the file once it passes the threshold, so close has little left to do', async () => {
    const write = (w: DuckDbWarehouse) => w.replaceDay({ table: dayTable, date: '2022-01-05', selectSql: newRows(8), params: {}, minRows: 1, allowShrink: true, allowDropKeys: true });
    const walBytes = () => (existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0);
    await write(warehouse);
    expect(walBytes()).toBeGreaterThan(0);
    await warehouse.close();
    warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false, checkpointBytes: 1 });
    await write(warehouse);
    expect(walBytes()).toBe(0);
    expect(await rowsOn('2022-01-05')).toHaveLength(8);
  });

  it('lets a day shrink with --allow-shrink', async () => {
    const result = await warehouse.replaceDay({ table: dayTable, date: '2022-01-05', selectSql: newRows(2), params: {}, minRows: 1, allowShrink: true, allowDropKeys: true });
    expect(result.rowsWritten).toBe(2);
  });

  it('adds new columns to an older table and refuses a type conflict', async () => {
    const wider = defineTable({ ...dayTable, columns: [...dayTable.columns, ...cols('extra', 'FLOAT64')] });
    await warehouse.ensureTables([wider]);
    expect((await warehouse.query(`SELECT extra FROM nba_analytics.guarded LIMIT 1`))[0]).toEqual({ extra: null });
    const conflicting = defineTable({ ...dayTable, columns: [...cols('game_date', 'DATE'), ...cols('id', 'INT64'), ...cols('value', 'INT64')] });
    await expect(warehouse.ensureTables([conflicting])).rejects.toBeInstanceOf(SchemaMismatchError);
    await expect(warehouse.ensureTables([conflicting])).rejects.toThrow('nba_analytics.guarded.id is VARCHAR in the warehouse but the tool writes BIGINT');
  });

  it('keeps the stored values of columns it does not compute, deduplicated by key, and recomputes bookkeeping', async () => {
    // The platform's shape in small: the tool computes `value`; `note` and `score` belong to the source.
    const wide = defineTable({
      dataset: 'nba_analytics',
      name: 'carried',
      dateColumn: 'game_date',
      key: ['id'],
      columns: [...cols('game_date', 'DATE'), ...cols('id note', 'STRING'), ...cols('value', 'INT64'), ...cols('score', 'NUMERIC'), ...cols('created_at processed_at', 'TIMESTAMP')],
      produced: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('value', 'FLOAT64'), ...cols('processed_at', 'TIMESTAMP')],
    });
    await warehouse.ensureTables([wide]);
    await warehouse.execute(`INSERT INTO nba_analytics.carried VALUES
      (DATE '2022-01-05', 'a', 'stale a', 1, 1.5, TIMESTAMP '2021-01-01', TIMESTAMP '2022-01-01'),
      (DATE '2022-01-05', 'a', 'latest a', 1, 2.25, TIMESTAMP '2021-01-01', TIMESTAMP '2022-01-02'),
      (DATE '2022-01-05', 'b', 'b note', 2, 0.123456789, TIMESTAMP '2021-01-01', TIMESTAMP '2022-01-01')`);
    const produced = `SELECT DATE '2022-01-05' AS game_date, id, value, CAST(now() AS TIMESTAMP) AS processed_at
      FROM (VALUES ('a', 2.5), ('b', -2.5), ('c', 7.0)) t(id, value)`;
    const result = await warehouse.replaceDay({ table: wide, date: '2022-01-05', selectSql: produced, params: {}, minRows: 1, allowShrink: false });
    expect(result).toEqual({ rowsWritten: 3, previousRows: 3 });
    const rows = await warehouse.query(`SELECT id, note, value, score, created_at > TIMESTAMP '2022-06-01' AS created_now FROM nba_analytics.carried ORDER BY id`);
    // a: the latest of its two stored rows is carried; 2.5 and -2.5 round half away from zero into INT64.
    expect(rows).toEqual([
      { id: 'a', note: 'latest a', value: 3, score: 2.25, created_now: true },
      { id: 'b', note: 'b note', value: -3, score: 0.123456789, created_now: true },
      { id: 'c', note: null, value: 7, score: null, created_now: true },
    ]);
  });

  it('refuses to drop stored keys the new rows lack unless allowed, naming the count and keys', async () => {
    const attempt = (allowDropKeys: boolean) =>
      warehouse.replaceDay({ table: dayTable, date: '2022-01-06', selectSql: `SELECT DATE '2022-01-06' AS game_date, 'keep' || i AS id, i AS value FROM range(2) t(i)`, params: {}, minRows: 1, allowShrink: false, allowDropKeys });
    await expect(attempt(false)).rejects.toMatchObject({ errorClass: 'shrink-guard', message: expect.stringContaining('would drop 1 stored key(s) it does not produce (keep2)') });
    expect(await rowsOn('2022-01-06')).toEqual(['keep0', 'keep1', 'keep2']);
    expect((await attempt(true)).rowsWritten).toBe(2);
    expect(await rowsOn('2022-01-06')).toEqual(['keep0', 'keep1']);
  });

  it('upgrades an older file in place, after keeping a copy, when a column changes type within its family', async () => {
    await warehouse.execute(`CREATE TABLE nba_analytics.older (game_date DATE, id VARCHAR, rate DOUBLE, minutes DOUBLE)`);
    await warehouse.execute(`INSERT INTO nba_analytics.older VALUES (DATE '2022-01-05', 'a', 0.1234567891, 45.5)`);
    await warehouse.close();
    const notices: string[] = [];
    warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false, onNotice: (m) => notices.push(m) });
    const platformShaped = defineTable({ dataset: 'nba_analytics', name: 'older', dateColumn: 'game_date', key: ['id'], columns: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('rate', 'NUMERIC'), ...cols('minutes', 'INT64')] });
    await warehouse.ensureTables([platformShaped]);
    const types = await warehouse.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'older' ORDER BY ordinal_position`);
    expect(types.map((t) => t.data_type)).toEqual(['DATE', 'VARCHAR', 'DECIMAL(38,9)', 'BIGINT']);
    expect(await warehouse.query(`SELECT rate, minutes FROM nba_analytics.older`)).toEqual([{ rate: 0.123456789, minutes: 46 }]);
    expect(notices).toHaveLength(1);
    const copy = /kept at (\S+)$/.exec(notices[0] as string)?.[1] as string;
    expect(existsSync(copy)).toBe(true);
    const old = await DuckDbWarehouse.open({ path: copy, readOnly: true });
    expect(await old.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'older' AND column_name = 'rate'`)).toEqual([{ data_type: 'DOUBLE' }]);
    await old.close();
  });

  it("copies the run history of an older file into the platform's layout, which the tool then reads back as before", async () => {
    await warehouse.execute('DROP TABLE nba_reference.processor_run_history');
    await warehouse.execute(`CREATE TABLE nba_reference.processor_run_history (run_id VARCHAR, processor_name VARCHAR, phase BIGINT, data_date DATE,
      status VARCHAR, skip_reason VARCHAR, error_class VARCHAR, errors VARCHAR, missing_dependencies VARCHAR[], rows_written BIGINT, attempts BIGINT,
      input_fingerprint VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, duration_ms BIGINT, command_line VARCHAR, tool_version VARCHAR)`);
    await warehouse.execute(`INSERT INTO nba_reference.processor_run_history VALUES
      ('r0', 'player_game_summary', 3, DATE '2022-01-05', 'success', NULL, NULL, NULL, NULL, 250, 1, 'fp-a', TIMESTAMP '2022-01-06 01:00:00', TIMESTAMP '2022-01-06 01:00:02', 2000, 'backfill phase3', '0.1.0'),
      ('r0', 'ml_feature_store', 4, DATE '2022-01-05', 'rolled-back', NULL, NULL, NULL, NULL, 0, 0, NULL, TIMESTAMP '2022-01-06 02:00:00', TIMESTAMP '2022-01-06 02:00:00', 0, 'backfill rollback', '0.1.0'),
      ('r0', 'player_game_summary', 3, DATE '2022-01-06', 'failed', NULL, 'missing-dependency', '[{"attempt":0,"message":"no stats"}]', ['nba_raw.bdl_player_boxscores'], NULL, 0, NULL, TIMESTAMP '2022-01-06 01:00:00', TIMESTAMP '2022-01-06 01:00:00', 0, 'backfill phase3', '0.1.0')`);
    await warehouse.close();
    const notices: string[] = [];
    warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false, onNotice: (m) => notices.push(m) });
    await warehouse.ensureTables([processorRunHistory]);
    expect(notices[0]).toMatch(/the run history copied into the platform's processor_run_history; the file as it was is kept at/);
    const platform = await warehouse.query(`SELECT processor_name, phase, status, skip_reason, records_processed, execution_host FROM nba_reference.processor_run_history ORDER BY data_date, processor_name`);
    expect(platform).toEqual([
      { processor_name: 'MLFeatureStoreProcessor', phase: 'phase_4_precompute', status: 'skipped', skip_reason: 'rolled-back', records_processed: 0, execution_host: 'backfill-cli' },
      { processor_name: 'PlayerGameSummaryProcessor', phase: 'phase_3_analytics', status: 'success', skip_reason: null, records_processed: 250, execution_host: 'backfill-cli' },
      { processor_name: 'PlayerGameSummaryProcessor', phase: 'phase_3_analytics', status: 'failed', skip_reason: null, records_processed: null, execution_host: 'backfill-cli' },
    ]);
    const tool = await warehouse.query(`SELECT processor_name, phase, status, error_class, input_fingerprint, rows_written, attempts, duration_ms, missing_dependencies FROM ${toolHistory()} ORDER BY data_date, processor_name`);
    expect(tool).toEqual([
      { processor_name: 'ml_feature_store', phase: 4, status: 'rolled-back', error_class: null, input_fingerprint: null, rows_written: 0, attempts: 0, duration_ms: 0, missing_dependencies: null },
      { processor_name: 'player_game_summary', phase: 3, status: 'success', error_class: null, input_fingerprint: 'fp-a', rows_written: 250, attempts: 1, duration_ms: 2000, missing_dependencies: null },
      { processor_name: 'player_game_summary', phase: 3, status: 'failed', error_class: 'missing-dependency', input_fingerprint: null, rows_written: null, attempts: 0, duration_ms: 0, missing_dependencies: ['nba_raw.bdl_player_boxscores'] },
    ]);
  });

  it('binds values as parameters, never as SQL text', async () => {
    const hostile = "x'); DROP TABLE nba_analytics.guarded; --";
    const rows = await warehouse.query(`SELECT count(*) AS n FROM nba_analytics.guarded WHERE id = $id`, { id: hostile });
    expect(rows).toEqual([{ n: 0 }]);
    expect(await warehouse.tableExists(dayTable)).toBe(true);
  });

  it('refuses a second open of the same file in one process', async () => {
    await expect(DuckDbWarehouse.open({ path: file, readOnly: false })).rejects.toThrow(/already open in this process/);
  });

  it('reports another process holding the file as busy, with its pid', async () => {
    await warehouse.close();
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(${JSON.stringify(file)}); process.stdout.write('ready\\n'); setTimeout(() => {}, 20000);`,
    ], { cwd: process.cwd() });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', () => reject(new Error('holder exited')));
      });
      const error = await DuckDbWarehouse.open({ path: file, readOnly: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseBusyError);
      expect((error as WarehouseBusyError).holderPid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false });
    }
  });

  it('reads a missing file as an empty warehouse without creating it', async () => {
    const missing = join(dir, 'missing.duckdb');
    const reader = await DuckDbWarehouse.open({ path: missing, readOnly: true });
    expect(await reader.tableExists(dayTable)).toBe(false);
    await reader.close();
    const { existsSync } = await import('node:fs');
    expect(existsSync(missing)).toBe(false);
  });
});
