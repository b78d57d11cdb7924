import type { PlanItem } from './plan.js';

/**
 * Runs at most `concurrency` tasks at once; a waiting task with a smaller key starts first (FIFO
 * among equal keys). The runner keys pairs by date rank, so a Phase 4 step of an early date that
 * becomes ready overtakes the Phase 3 pairs of much later dates queued before it: the chain of
 * each date flows while later dates wait, instead of every Phase 3 pair going first.
 */
export function priorityLimit(concurrency: number): <T>(key: number, task: () => Promise<T>) => Promise<T> {
  let active = 0;
  let order = 0;
  const waiting: { key: number; order: number; start: () => void }[] = [];
  const next = () => {
    if (active >= concurrency || waiting.length === 0) return;
    let best = 0;
    for (let i = 1; i < waiting.length; i += 1) {
      const w = waiting[i] as (typeof waiting)[number];
      const b = waiting[best] as (typeof waiting)[number];
      if (w.key < b.key || (w.key === b.key && w.order < b.order)) best = i;
    }
    const [chosen] = waiting.splice(best, 1);
    active += 1;
    chosen?.start();
  };
  return <T>(key: number, task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        key,
        order: (order += 1),
        start: () => {
          task()
            .then(resolve, reject)
            .finally(() => {
              active -= 1;
              next();
            });
        },
      });
      next();
    });
}

/**
 * The key a pair waits with: its date's rank, oldest first, but an earlier phase runs
 * `concurrency` dates ahead of the next. When Phase 3 runs out, that many dates of Phase 4 chains
 * are left to keep every slot busy, instead of the last date's five-step chain running nearly alone.
 */
export function pairPriority(pairs: readonly Pick<PlanItem, 'date' | 'processor'>[], concurrency: number): (pair: Pick<PlanItem, 'date' | 'processor'>) => number {
  const dates = [...new Set(pairs.map((p) => p.date))].sort();
  const rank = new Map(dates.map((d, i) => [d, i]));
  const lastPhase = Math.max(0, ...pairs.map((p) => p.processor.phase));
  return (pair) => ((rank.get(pair.date) ?? 0) - (lastPhase - pair.processor.phase) * concurrency) * 10 + pair.processor.phase;
}
