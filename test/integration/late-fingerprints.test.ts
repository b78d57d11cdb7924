import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossPhaseUpstream, phaseProcessors } from '../../src/phases/phases.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { DEFAULT_RETRY_POLICY, runBackfill, type RunRequest } from '../../src/runner/index.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let sample: Awaited<ReturnType<typeof sampleSeasonFile>>;
beforeAll(async () => {
  sample = await sampleSeasonFile(dir);
});

/** DuckDB behaving like BigQuery towards the runner: one day per statement, history not atomic with the write. */
function likeBigQuery(inner: Warehouse): Warehouse {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'atomicHistory') return false;
      if (prop === 'batchDays') return 1;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const DAYS = ['2021-10-19', '2021-10-20', '2021-10-21', '2021-10-22', '2021-10-23', '2021-10-24', '2021-10-25', '2021-10-26', '2021-10-27', '2021-10-28', '2021-10-29', '2021-10-30'];
const request = (): RunRequest => ({
  processors: [...phaseProcessors(3, PROCESSORS), ...phaseProcessors(4, PROCESSORS)],
  upstreamOf: (name) => crossPhaseUpstream(name),
  dates: DAYS,
  dryRun: false,
  force: false,
  includeBootstrap: false,
  bootstrapDays: 7,
  includePlayoffs: false,
  allowShrink: false,
  allowDropKeys: false,
  concurrency: 4,
  policy: DEFAULT_RETRY_POLICY,
  commandLine: 'test',
  toolVersion: 'test',
});

describe('fingerprints decided at the end of the run (history not atomic with the write, as on BigQuery)', () => {
  it('records the same fingerprints a later plan computes: a re-run of the range writes nothing', async () => {
    const warehouse = await DuckDbWarehouse.open({ path: sample.copy('late'), readOnly: false });
    try {
      const engine = likeBigQuery(warehouse);
      const services = (runId: string) => ({ warehouse: engine, logger: pino({ enabled: false }), runId, stopSwitch: {} });
      const first = await runBackfill(request(), services('first'));
      const succeeded = first.outcomes.filter((o) => o.status === 'success');
      // Phase 3 on every game date, Phase 4 after the 7 bootstrap days: all deferred, all late.
      expect(succeeded.filter((o) => o.phase === 4).length).toBeGreaterThan(0);
      expect(first.outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run')).toEqual([]);
      const history = async () => Number((await warehouse.query('SELECT COUNT(*) AS n FROM nba_reference.processor_run_history'))[0]?.n);
      const rows = await history();
      const again = await runBackfill(request(), services('again'));
      expect(again.outcomes.filter((o) => o.status === 'success')).toEqual([]);
      expect(again.outcomes.filter((o) => o.skipReason === 'up-to-date')).toHaveLength(succeeded.length);
      expect(await history()).toBe(rows);
    } finally {
      await warehouse.close();
    }
  }, 120_000);
});
