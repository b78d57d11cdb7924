import { addDays, type IsoDate } from '../calendar/dates.js';
import type { PlanItem } from '../runner/plan.js';

/** `2021-10-19..2021-10-25 (7), 2021-11-02` from sorted dates. */
export function compactDates(dates: readonly IsoDate[]): string {
  const sorted = [...new Set(dates)].sort();
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === addDays(sorted[j] as IsoDate, 1)) j += 1;
    const first = sorted[i] as IsoDate;
    const last = sorted[j] as IsoDate;
    parts.push(first === last ? first : `${first}..${last} (${j - i + 1})`);
    i = j + 1;
  }
  return parts.join(', ');
}

function label(item: PlanItem): string {
  if (item.action === 'skip') return `skip: ${item.skipReason}`;
  if (item.action === 'fail') return `would fail: ${item.errorClass}`;
  if (item.action === 'refuse') return `refused: ${item.errorClass}`;
  return 'run';
}

/** The plan per processor: each decision with its dates, and the reason of each failure. */
export function formatPlan(plan: readonly PlanItem[]): string {
  const lines: string[] = [];
  const processors = [...new Set(plan.map((i) => i.processor.name))];
  for (const name of processors) {
    const items = plan.filter((i) => i.processor.name === name);
    lines.push(`${name} (phase ${items[0]?.processor.phase}): ${items.length} dates`);
    const groups = new Map<string, PlanItem[]>();
    for (const item of items) groups.set(label(item), [...(groups.get(label(item)) ?? []), item]);
    for (const [what, group] of groups) {
      lines.push(`  ${what.padEnd(28)} ${String(group.length).padStart(4)}  ${compactDates(group.map((i) => i.date))}`);
    }
    for (const item of items.filter((i) => i.message)) lines.push(`    ${item.date}: ${item.message}`);
  }
  return lines.join('\n');
}
