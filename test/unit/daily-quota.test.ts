import { describe, expect, it } from 'vitest';
import { dailyQuota, mergeQuotas, quotaSplits } from '../../src/runner/daily-quota.js';
import type { PlanItem } from '../../src/runner/plan.js';

const processor = (name: string) => ({ name, phase: 3, table: { dataset: 'nba_analytics', name } }) as never;
const item = (name: string, date: string, action: PlanItem['action'] = 'run') => ({ processor: processor(name), date, action }) as unknown as PlanItem;
const days = (n: number) => Array.from({ length: n }, (_, i) => `2022-01-${String(i + 1).padStart(2, '0')}`);

describe('the daily partition-modification quota', () => {
  it("adds the plan's writes per table to this tool's of the last 24 h; skips do not count", () => {
    const plan = [...days(3).map((d) => item('a', d)), item('a', '2022-01-04', 'skip'), item('b', '2022-01-01')];
    const quota = dailyQuota(plan, new Map([['a', 9]]), 10);
    expect(quota.tables).toEqual([
      { table: 'nba_analytics.a', planned: 3, recent: 9, total: 12 },
      { table: 'nba_analytics.b', planned: 1, recent: 0, total: 1 },
    ]);
    expect(quota.over.map((t) => t.table)).toEqual(['nba_analytics.a']);
    // Stages of one command add their planned writes; the recent ones are the same count.
    expect(mergeQuotas([quota, dailyQuota([item('a', '2022-02-01')], new Map([['a', 9]]), 10)])?.tables[0]).toEqual({ table: 'nba_analytics.a', planned: 4, recent: 9, total: 13 });
  });

  it("splits the dates: the first part fits what is left today, each later part a whole day's", () => {
    const plan = days(25).flatMap((d) => [item('a', d), item('b', d)]);
    expect(quotaSplits(plan, dailyQuota(plan, new Map([['a', 7]]), 10)).map((g) => g.length)).toEqual([3, 10, 10, 2]);
    // Nothing left today: the first part is empty.
    expect(quotaSplits(plan, dailyQuota(plan, new Map([['b', 10]]), 10)).map((g) => g.length)).toEqual([0, 10, 10, 5]);
  });
});
