import type { PlanItem } from './plan.js';

/** Budgets some tasks wait for besides a slot (the per-table write pacer): a delay, then a take. */
export interface Lanes {
  /** Milliseconds until the lane may start a task; 0 when it may now. */
  delay(lane: string): number;
  take(lane: string): void;
}

export type PriorityLimit = <T>(key: number, task: () => Promise<T>, lane?: string) => Promise<T>;

/**
 * Runs at most `concurrency` tasks at once; a waiting task with a smaller key starts first (FIFO
 * among equal keys). The runner keys pairs by date rank, so a Phase 4 step of an early date that
 * becomes ready overtakes the Phase 3 pairs of much later dates queued before it: the chain of
 * each date flows while later dates wait, instead of every Phase 3 pair going first. A task with a
 * lane also waits for its lane's budget without holding a slot, and tasks of open lanes go past it.
 */
export function priorityLimit(concurrency: number, lanes?: Lanes): PriorityLimit {
  let active = 0;
  let order = 0;
  let wake: { at: number; timer: NodeJS.Timeout } | undefined;
  const waiting: { key: number; order: number; lane?: string; start: () => void }[] = [];
  const next = () => {
    const delays = new Map<string, number>();
    const delay = (lane?: string) => {
      if (!lane || !lanes) return 0;
      let ms = delays.get(lane);
      if (ms === undefined) delays.set(lane, (ms = lanes.delay(lane)));
      return ms;
    };
    while (active < concurrency && waiting.length > 0) {
      let best = -1;
      for (let i = 0; i < waiting.length; i += 1) {
        const w = waiting[i] as (typeof waiting)[number];
        const b = waiting[best];
        if ((!b || w.key < b.key || (w.key === b.key && w.order < b.order)) && delay(w.lane) === 0) best = i;
      }
      if (best < 0) {
        // Every waiting task's lane is closed: look again when the first one opens.
        const at = Date.now() + Math.min(...[...delays.values()].filter((ms) => ms > 0));
        if (Number.isFinite(at) && (!wake || at < wake.at)) {
          if (wake) clearTimeout(wake.timer);
          wake = { at, timer: setTimeout(() => ((wake = undefined), next()), at - Date.now()) };
        }
        return;
      }
      const [chosen] = waiting.splice(best, 1);
      if (chosen?.lane && lanes) {
        lanes.take(chosen.lane);
        delays.delete(chosen.lane);
      }
      active += 1;
      chosen?.start();
    }
  };
  return <T>(key: number, task: () => Promise<T>, lane?: string) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        key,
        order: (order += 1),
        lane,
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
