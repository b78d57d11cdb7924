import type { DailyQuota } from '../runner/daily-quota.js';

const n = (value: number) => value.toLocaleString('en-US');

/** Per target table: the plan's partition modifications, this tool's of the last 24 h, the total against the daily quota. */
export function formatQuota(quota: DailyQuota): string {
  const lines = [
    `Partition modifications per table (BigQuery allows ${n(quota.limit)} per table per day):`,
    `  ${'table'.padEnd(48)} ${'planned'.padStart(8)} ${'last 24 h'.padStart(10)} ${'total'.padStart(8)}`,
    ...quota.tables.map((t) => `  ${t.table.padEnd(48)} ${n(t.planned).padStart(8)} ${n(t.recent).padStart(10)} ${n(t.total).padStart(8)}${t.total > quota.limit ? '  OVER' : ''}`),
  ];
  return lines.join('\n');
}

/** The commands that split the dates so each day's writes fit, one per 24 h. */
export function formatSplits(quota: DailyQuota, commands: readonly string[], todayFits: boolean): string {
  if (quota.over.length === 0) return '';
  return [
    `Over the daily quota: ${quota.over.map((t) => `${t.table} ${n(t.total)} of ${n(quota.limit)}`).join(', ')}.`,
    `Split the dates, one command per 24 h${todayFits ? ' (the first fits what is left today)' : " (nothing fits today: start after this tool's writes of the last 24 h have aged out)"}:`,
    ...commands.map((c) => `  ${c}`),
  ].join('\n');
}
