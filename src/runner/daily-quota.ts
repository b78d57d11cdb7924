import { timestampText, type IsoDate } from '../calendar/dates.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { qualifiedName } from '../warehouse/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { processorRunHistory, toolHistorySql } from './history.js';
import type { PlanItem } from './plan.js';

/** One target table's partition modifications over a day: the plan's and this tool's recent ones. */
export interface TableQuota {
  /** `dataset.table`. */
  table: string;
  /** Day writes the plan makes (one partition modification each). */
  planned: number;
  /** This tool's day writes to the table in the last 24 h (successes in its run history). */
  recent: number;
  total: number;
}

/** The plan against the engine's daily partition modifications per table (BigQuery: 30,000). */
export interface DailyQuota {
  limit: number;
  tables: TableQuota[];
  /** Tables the plan would take past the limit. */
  over: TableQuota[];
}

/** This tool's successful day writes per table since `@since` (the history's floor keeps partition pruning). */
export function recentWritesSql(d: SqlDialect): string {
  return `SELECT processor_name, COUNT(*) AS writes FROM (${toolHistorySql(d)}) AS tool_history
    WHERE status = 'success' AND started_at >= ${d.param('since', 'TIMESTAMP')} GROUP BY processor_name`;
}

/** This tool's day writes of the last 24 h per processor (its table), where the engine has a daily quota. */
export async function recentWrites(warehouse: Warehouse, now = new Date()): Promise<Map<string, number>> {
  if (!warehouse.dailyWritesPerTable || !(await warehouse.tableExists(processorRunHistory))) return new Map();
  const since = timestampText(new Date(now.getTime() - 86_400_000));
  const rows = await warehouse.query(recentWritesSql(warehouse.dialect), { since });
  return new Map(rows.map((r) => [String(r.processor_name), Number(r.writes)]));
}

/** The plan's writes per target table added to the recent ones, against `limit`. */
export function dailyQuota(plan: readonly PlanItem[], recent: ReadonlyMap<string, number>, limit: number): DailyQuota {
  const tables = new Map<string, TableQuota>();
  for (const item of plan) {
    const table = qualifiedName(item.processor.table);
    const entry = tables.get(table) ?? { table, planned: 0, recent: recent.get(item.processor.name) ?? 0, total: 0 };
    if (item.action === 'run') entry.planned += 1;
    entry.total = entry.planned + entry.recent;
    tables.set(table, entry);
  }
  return withOver(limit, [...tables.values()].filter((t) => t.planned > 0));
}

/** Several stages' quotas as one (`run`, season by season): planned writes add up, recent ones are shared. */
export function mergeQuotas(quotas: readonly DailyQuota[]): DailyQuota | undefined {
  const first = quotas[0];
  if (!first) return undefined;
  const tables = new Map<string, TableQuota>();
  for (const t of quotas.flatMap((q) => q.tables)) {
    const entry = tables.get(t.table);
    const planned = (entry?.planned ?? 0) + t.planned;
    tables.set(t.table, { ...t, planned, total: planned + t.recent });
  }
  return withOver(first.limit, [...tables.values()]);
}

function withOver(limit: number, tables: TableQuota[]): DailyQuota {
  return { limit, tables, over: tables.filter((t) => t.total > limit) };
}

/**
 * The plan's dates in consecutive groups whose writes fit a day's quota on every table: the first
 * group what is left of today's (it may be empty), each later one a whole day's.
 */
export function quotaSplits(plan: readonly PlanItem[], quota: DailyQuota): IsoDate[][] {
  const byDate = new Map<IsoDate, string[]>();
  for (const item of plan.filter((i) => i.action === 'run')) byDate.set(item.date, [...(byDate.get(item.date) ?? []), qualifiedName(item.processor.table)]);
  const recent = new Map(quota.tables.map((t) => [t.table, t.recent]));
  const groups: IsoDate[][] = [[]];
  let used = new Map<string, number>();
  for (const [date, tables] of [...byDate].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const budget = (table: string) => quota.limit - (groups.length === 1 ? (recent.get(table) ?? 0) : 0);
    const fits = () => tables.every((t) => (used.get(t) ?? 0) + tables.filter((x) => x === t).length <= budget(t));
    if (!fits()) {
      groups.push([]);
      used = new Map();
    }
    for (const t of tables) used.set(t, (used.get(t) ?? 0) + 1);
    (groups[groups.length - 1] as IsoDate[]).push(date);
  }
  return groups;
}
