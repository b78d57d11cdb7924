import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executePlan, type StopSwitch } from '../../src/runner/execute.js';
import { DEFAULT_RETRY_POLICY, runBackfill, type RunRequest } from '../../src/runner/index.js';
import { ClassifiedError } from '../../src/warehouse/errors.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { nbacSchedule } from '../../src/warehouse/tables/raw-tables.js';
import type { DayReplace, Warehouse } from '../../src/warehouse/warehouse.js';
import type { ErrorClass } from '../../src/vocabulary.js';
import { inputTable, testProcessor } from '../helpers/test-processors.js';
import { toolHistory } from '../helpers/sample-warehouse.js';

const DATES = ['2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06', '2022-01-07', '2022-01-08'];
const logger = pino({ enabled: false });
let base: DuckDbWarehouse;

/** Wraps a warehouse so replaceDay throws the scripted errors first, per (table, date). */
function faulty(inner: Warehouse, script: (w: DayReplace, attempt: number) => ErrorClass | undefined): Warehouse {
  const attempts = new Map<string, number>();
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'batchDays') return 1; // faults are scripted per (table, date)
      if (prop === 'replaceDay') {
        return async (write: DayReplace) => {
          const key = `${write.table.name}|${write.date}`;
          const attempt = (attempts.get(key) ?? 0) + 1;
          attempts.set(key, attempt);
          const errorClass = script(write, attempt);
          if (errorClass) throw new ClassifiedError(`injected ${errorClass}`, errorClass);
          return target.replaceDay(write);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function request(processors: RunRequest['processors'], overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    processors,
    dates: DATES,
    dryRun: false,
    force: false,
    includeBootstrap: true,
    bootstrapDays: 7,
    includePlayoffs: false,
    allowShrink: false,
    allowDropKeys: false,
    concurrency: 2,
    policy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2, rateLimitWaitMs: 1 },
    commandLine: 'test',
    toolVersion: 'test',
    ...overrides,
  };
}

beforeEach(async () => {
  base = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await base.ensureTables([inputTable, nbacSchedule]);
  // One final game per date, except 2022-01-08; input rows for every date but 2022-01-07.
  await base.execute(`INSERT INTO nba_raw.nbac_schedule (game_id, game_date, game_status, home_team_tricode, away_team_tricode, processed_at)
    SELECT '00221000' || i, DATE '2022-01-03' + CAST(i AS INTEGER), 3, 'BOS', 'NYK', TIMESTAMP '2022-01-09 10:00:00' FROM range(5) t(i)`);
  await base.execute(`INSERT INTO nba_raw.test_input SELECT DATE '2022-01-03' + CAST(d AS INTEGER), 'id' || k, k, TIMESTAMP '2022-01-09 10:00:00'
    FROM range(4) a(d), range(3) b(k)`);
});
afterEach(async () => {
  await base.close();
});

const services = (warehouse: Warehouse, stopSwitch: StopSwitch = {}) => ({ warehouse, logger, runId: 'run-1', stopSwitch });

describe('runner on DuckDB', () => {
  it('runs game dates, skips the rest, fails a date with an empty input and reports every pair', async () => {
    const p = testProcessor('copy_a', 3);
    const result = await runBackfill(request([p]), services(base));
    const byDate = Object.fromEntries(result.outcomes.map((o) => [o.date, o.status + (o.skipReason ? `:${o.skipReason}` : '') + (o.errorClass ? `:${o.errorClass}` : '')]));
    expect(byDate).toEqual({
      '2022-01-03': 'success',
      '2022-01-04': 'success',
      '2022-01-05': 'success',
      '2022-01-06': 'success',
      '2022-01-07': 'failed:missing-dependency',
      '2022-01-08': 'skipped:no-games',
    });
    const rows = await base.query(`SELECT game_date, sum(value) AS total FROM nba_analytics.copy_a GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual(['2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06'].map((d) => ({ game_date: d, total: 6 })));
    const history = await base.query(`SELECT data_date, status, skip_reason, error_class, missing_dependencies, rows_written FROM ${toolHistory()} ORDER BY data_date`);
    expect(history).toHaveLength(6);
    expect(history[4]).toMatchObject({ status: 'failed', error_class: 'missing-dependency', missing_dependencies: ['nba_raw.test_input'] });

    // A re-run writes nothing and reports the finished pairs as up to date.
    const again = await runBackfill(request([p], {}), { ...services(base), runId: 'run-2' });
    expect(again.outcomes.filter((o) => o.skipReason === 'up-to-date')).toHaveLength(4);
    expect(again.outcomes.find((o) => o.date === '2022-01-08')?.skipReason).toBe('no-games');
    expect(await base.query(`SELECT count(*) AS n FROM ${toolHistory()} WHERE run_id = 'run-2'`)).toEqual([{ n: 1 }]);
  });

  it('retries transient errors and counts the attempts', async () => {
    const p = testProcessor('copy_b', 3);
    const warehouse = faulty(base, (w, attempt) => (w.date === '2022-01-04' && attempt <= 2 ? 'transient' : undefined));
    const result = await runBackfill(request([p], { dates: DATES.slice(0, 3) }), services(warehouse));
    expect(result.outcomes.find((o) => o.date === '2022-01-04')).toMatchObject({ status: 'success', attempts: 3 });
    const row = await base.query(`SELECT attempts, errors FROM ${toolHistory()} WHERE data_date = DATE '2022-01-04'`);
    expect(row[0]?.attempts).toBe(3);
    expect(JSON.parse(String(row[0]?.errors))).toHaveLength(2);
  });

  it('gives up on a date after 5 transient attempts and goes on with the others', async () => {
    const p = testProcessor('copy_c', 3);
    const warehouse = faulty(base, (w) => (w.date === '2022-01-05' ? 'transient' : undefined));
    const result = await runBackfill(request([p], { dates: DATES.slice(0, 4) }), services(warehouse));
    expect(result.outcomes.find((o) => o.date === '2022-01-05')).toMatchObject({ status: 'failed', errorClass: 'transient', attempts: 5 });
    expect(result.outcomes.filter((o) => o.status === 'success')).toHaveLength(3);
    expect(result.stop).toBeUndefined();
  });

  it('stops the run on a fatal error within the in-flight dates', async () => {
    const p = testProcessor('copy_d', 3);
    const warehouse = faulty(base, (w) => (w.date === '2022-01-03' ? 'fatal' : undefined));
    const result = await runBackfill(request([p], { concurrency: 1, dates: DATES.slice(0, 4) }), services(warehouse));
    expect(result.stop).toMatchObject({ kind: 'aborted', errorClass: 'fatal' });
    expect(result.outcomes.filter((o) => o.status === 'not-run').map((o) => o.date)).toEqual(['2022-01-04', '2022-01-05', '2022-01-06']);
  });

  it('blocks only the same-date downstream pair when an upstream pair fails', async () => {
    const up = testProcessor('chain_up', 4);
    const down = testProcessor('chain_down', 4, ['chain_up']);
    const warehouse = faulty(base, (w) => (w.table.name === 'chain_up' && w.date === '2022-01-04' ? 'invalid-data' : undefined));
    const upstreamOf = (name: string) => (name === 'chain_down' ? ['chain_up'] : []);
    const result = await runBackfill(request([up, down], { dates: DATES.slice(0, 3), upstreamOf }), services(warehouse));
    const status = (name: string, date: string) => result.outcomes.find((o) => o.processor === name && o.date === date);
    expect(status('chain_up', '2022-01-04')).toMatchObject({ status: 'failed', errorClass: 'invalid-data' });
    expect(status('chain_down', '2022-01-04')).toMatchObject({ status: 'not-run', errorClass: 'upstream-not-done' });
    expect(status('chain_down', '2022-01-03')?.status).toBe('success');
    expect(status('chain_down', '2022-01-05')?.status).toBe('success');
  });

  it('trips the circuit breaker when more than half of the last 10 finished pairs failed', async () => {
    await base.execute(`INSERT INTO nba_raw.nbac_schedule (game_id, game_date, game_status, home_team_tricode, away_team_tricode, processed_at)
      SELECT '00222000' || i, DATE '2022-02-01' + CAST(i AS INTEGER), 3, 'BOS', 'NYK', TIMESTAMP '2022-03-01 10:00:00' FROM range(20) t(i)`);
    await base.execute(`INSERT INTO nba_raw.test_input SELECT DATE '2022-02-01' + CAST(d AS INTEGER), 'id', 1, TIMESTAMP '2022-03-01 10:00:00' FROM range(20) t(d)`);
    const dates = Array.from({ length: 20 }, (_, i) => `2022-02-${String(i + 1).padStart(2, '0')}`);
    const p = testProcessor('copy_e', 3);
    const warehouse = faulty(base, (w) => (w.date >= '2022-02-05' ? 'invalid-data' : undefined));
    const result = await runBackfill(request([p], { dates, concurrency: 1 }), services(warehouse));
    expect(result.stop?.reason).toMatch(/circuit breaker: 6 of the last 10 finished pairs failed/);
    expect(result.outcomes.filter((o) => o.status === 'failed')).toHaveLength(6);
    expect(result.outcomes.filter((o) => o.status === 'not-run')).toHaveLength(10);
  });

  it('finishes in-flight pairs and leaves the rest when stopped', async () => {
    const p = testProcessor('copy_f', 3);
    const stopSwitch: StopSwitch = {};
    const warehouse = faulty(base, (w) => {
      if (w.date === '2022-01-03') stopSwitch.stop = { kind: 'interrupted', reason: 'Ctrl-C' };
      return undefined;
    });
    const result = await runBackfill(request([p], { concurrency: 1, dates: DATES.slice(0, 4) }), services(warehouse, stopSwitch));
    expect(result.outcomes.find((o) => o.date === '2022-01-03')?.status).toBe('success');
    expect(result.outcomes.filter((o) => o.status === 'not-run' && o.errorClass === 'interrupted')).toHaveLength(3);
    expect(result.stop?.kind).toBe('interrupted');
  });

  it('executes nothing for an empty plan', async () => {
    const result = await executePlan([], {
      warehouse: base,
      runId: 'x',
      concurrency: 1,
      policy: DEFAULT_RETRY_POLICY,
      allowShrink: false,
      allowDropKeys: false,
      commandLine: '',
      toolVersion: '',
      logger,
      stopSwitch: {},
    });
    expect(result.outcomes).toEqual([]);
  });
});
