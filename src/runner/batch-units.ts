import { pairKey } from './history.js';
import type { PlanItem } from './plan.js';

/**
 * Groups a processor's runnable pairs into batches of consecutive game dates of one season (at
 * most `maxDays`); a game date of the processor that does not run breaks a batch. Units come out
 * oldest first.
 */
export function batchUnits(runnable: readonly PlanItem[], all: readonly PlanItem[], maxDays: number): PlanItem[][] {
  if (maxDays <= 1) return runnable.map((item) => [item]);
  const breaks = new Set(all.filter((i) => i.action !== 'run' && i.games > 0).map((i) => pairKey(i.processor.name, i.date)));
  const units: PlanItem[][] = [];
  const open = new Map<string, PlanItem[]>();
  const byDate = [...runnable].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const gameDates = [...new Set(all.filter((i) => i.games > 0).map((i) => i.date))].sort();
  for (const item of byDate) {
    const name = item.processor.name;
    const current = open.get(name);
    const previous = current?.[current.length - 1];
    const between = previous ? gameDates.filter((d) => d > previous.date && d < item.date) : [];
    const contiguous =
      previous !== undefined &&
      previous.seasonStart === item.seasonStart &&
      (current?.length ?? 0) < maxDays &&
      between.every((d) => !breaks.has(pairKey(name, d)));
    if (current && contiguous) {
      current.push(item);
      continue;
    }
    const unit = [item];
    units.push(unit);
    open.set(name, unit);
  }
  return units;
}
