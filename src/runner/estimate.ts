import pLimit from 'p-limit';
import type { ErrorClass, Phase } from '../vocabulary.js';
import { MIN_BILLED_BYTES, queryCost } from '../warehouse/bigquery/cost.js';
import { errorMessage } from '../warehouse/errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { PlanItem } from './plan.js';

/** One planned (processor, date) as a dry-run job saw it. */
export interface PairEstimate {
  processor: string;
  phase: Phase;
  date: string;
  bytes: number;
  tablesReferenced: number;
  /** The SQL did not pass the dry run. `missing-dependency`: an input table does not exist yet. */
  error?: { errorClass: ErrorClass; message: string };
}

export interface CostLine {
  name: string;
  pairs: number;
  bytes: number;
  /** What on-demand pricing bills: at least 10 MiB per query and per table it reads. */
  billedBytes: number;
  usd: number;
}

export interface CostReport {
  pricePerTiB: number;
  processors: CostLine[];
  phases: CostLine[];
  total: CostLine;
  /** Pairs whose SQL the dry run rejected (every SQL error, before anything runs). */
  errors: PairEstimate[];
  /** Pairs not estimated because an input table does not exist yet (an earlier step makes it). */
  notEstimated: PairEstimate[];
}

/** A free dry-run job for every pair the plan would run, `concurrency` at a time. */
export async function estimatePlan(plan: readonly PlanItem[], warehouse: Warehouse, concurrency: number): Promise<PairEstimate[]> {
  const estimateDay = warehouse.estimateDay?.bind(warehouse);
  if (!estimateDay) return [];
  const limit = pLimit(Math.max(1, concurrency));
  const runnable = plan.filter((item) => item.action === 'run');
  const sqlOf = new Map([...new Set(runnable.map((i) => i.processor))].map((p) => [p, p.select(warehouse.dialect)]));
  return Promise.all(
    runnable.map((item) =>
      limit(async (): Promise<PairEstimate> => {
        const pair = { processor: item.processor.name, phase: item.processor.phase, date: item.date };
        try {
          const estimate = await estimateDay({
            table: item.processor.table,
            date: item.date,
            selectSql: sqlOf.get(item.processor) as string,
            params: { start: item.date, end: item.date, season_start: item.seasonStart },
          });
          return { ...pair, ...estimate };
        } catch (error) {
          return { ...pair, bytes: 0, tablesReferenced: 0, error: { errorClass: warehouse.classifyError(error), message: errorMessage(error) } };
        }
      }),
    ),
  );
}

/** Bytes and on-demand cost per processor, per phase and in total. */
export function costReport(estimates: readonly PairEstimate[], pricePerTiB: number): CostReport {
  const ok = estimates.filter((e) => !e.error);
  const line = (name: string, items: readonly PairEstimate[]): CostLine => {
    const bytes = items.reduce((n, e) => n + e.bytes, 0);
    const billedBytes = items.reduce((n, e) => n + Math.max(e.bytes, MIN_BILLED_BYTES * Math.max(1, e.tablesReferenced)), 0);
    const usd = items.reduce((n, e) => n + queryCost(e.bytes, pricePerTiB, e.tablesReferenced), 0);
    return { name, pairs: items.length, bytes, billedBytes, usd };
  };
  const group = (key: (e: PairEstimate) => string) => {
    const names = [...new Set(ok.map(key))];
    return names.map((name) => line(name, ok.filter((e) => key(e) === name)));
  };
  return {
    pricePerTiB,
    processors: group((e) => e.processor),
    phases: group((e) => `phase ${e.phase}`),
    total: line('total', ok),
    errors: estimates.filter((e) => e.error && e.error.errorClass !== 'missing-dependency'),
    notEstimated: estimates.filter((e) => e.error?.errorClass === 'missing-dependency'),
  };
}
