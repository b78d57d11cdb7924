import { eachDay, type IsoDate } from '../calendar/dates.js';
import { quotaSplits, type DailyQuota } from '../runner/daily-quota.js';
import type { PlanItem } from '../runner/plan.js';
import { formatQuota, formatSplits } from '../reporting/quota-report.js';
import type { CommandContext } from './context.js';
import { backfillCommand } from './global-options.js';

/**
 * The daily quota for the output: the table on a dry run, and when the plan is over it, the
 * commands (`args` is the command and its processors) that split the dates into days that fit.
 */
export function quotaAdvice(
  context: CommandContext,
  quota: DailyQuota | undefined,
  plan: readonly PlanItem[],
  days: readonly IsoDate[],
  args: readonly string[],
): { text: string; json: (DailyQuota & { splitCommands: string[] }) | null } {
  if (!quota) return { text: '', json: null };
  const groups = quota.over.length > 0 ? quotaSplits(plan, quota) : [];
  const asked = new Set(days);
  const commands = groups
    .filter((g) => g.length > 0)
    .map((g) => {
      const first = g[0] as IsoDate;
      const last = g[g.length - 1] as IsoDate;
      const span = eachDay(first, last);
      const dates = span.every((d) => asked.has(d)) ? ['--start-date', first, '--end-date', last] : ['--dates', span.filter((d) => asked.has(d)).join(',')];
      return backfillCommand(context.globals, ...args, ...dates, ...(context.globals.force ? ['--force'] : []));
    });
  const splits = formatSplits(quota, commands, (groups[0]?.length ?? 0) > 0);
  const text = [context.globals.dryRun ? formatQuota(quota) : '', splits].filter(Boolean).join('\n');
  return { text, json: { ...quota, splitCommands: commands } };
}
