import { writePlan } from '../warehouse/day-write.js';
import { errorMessage } from '../warehouse/errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { PlanItem } from './plan.js';

/** What a dry run's writes would do to one target table, before anything is written. */
export interface TableImpact {
  table: string;
  /** Days the run would write, and how many of them already hold rows (those are replaced). */
  days: number;
  daysReplaced: number;
  rowsReplaced: number;
  /** Keys the processor would produce that are not stored yet, and stored keys it would not produce. */
  keysAdded: number | null;
  keysDropped: number | null;
  /** Columns the write keeps from the stored rows (the processor does not compute them). */
  carried: string[];
  /** Why keys were not counted (an input table does not exist yet: an earlier step makes it). */
  notCounted?: string;
}

/**
 * Per target table, one query per season over the planned days: stored rows and keys against the
 * keys the processor's SELECT would produce. The reads are real (on BigQuery: billed like the
 * run's own reads, with its byte cap), the writes are not made.
 */
export async function planImpact(plan: readonly PlanItem[], warehouse: Warehouse): Promise<TableImpact[]> {
  const d = warehouse.dialect;
  const groups = new Map<string, PlanItem[]>();
  for (const item of plan.filter((i) => i.action === 'run')) {
    const key = `${item.processor.name}|${item.seasonStart}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const byTable = new Map<string, TableImpact>();
  for (const items of groups.values()) {
    const { processor, seasonStart } = items[0] as PlanItem;
    const table = processor.table;
    const name = `${table.dataset}.${table.name}`;
    const dates = items.map((i) => i.date).sort();
    const impact: TableImpact = byTable.get(name) ?? { table: name, days: 0, daysReplaced: 0, rowsReplaced: 0, keysAdded: 0, keysDropped: 0, carried: [...writePlan(table).carried] };
    byTable.set(name, impact);
    impact.days += dates.length;
    const params = { start: dates[0] as string, end: dates.at(-1) as string, season_start: seasonStart, dates };
    const keys = [table.dateColumn, ...table.key];
    const planned = (alias: string) =>
      `${alias}.${table.dateColumn} BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')} AND ${d.inArray(d.cast(`${alias}.${table.dateColumn}`, 'STRING'), d.param('dates', 'ARRAY<STRING>'))}`;
    const stored = `SELECT ${keys.map((k) => `t.${k}`).join(', ')}, COUNT(*) AS copies FROM ${d.table(table)} AS t WHERE ${planned('t')} GROUP BY ${keys.map((k) => `t.${k}`).join(', ')}`;
    try {
      if (!(await warehouse.tableExists(table))) {
        const sql = `SELECT COUNT(*) AS n FROM (SELECT DISTINCT ${keys.map((k) => `s.${k}`).join(', ')} FROM (${processor.select(d)}) AS s WHERE ${planned('s')}) AS p`;
        const [produced] = await warehouse.query(sql, params);
        impact.keysAdded = (impact.keysAdded ?? 0) + Number(produced?.n ?? 0);
        continue;
      }
      const [counts] = await warehouse.query(
        `WITH stored AS (${stored}), produced AS (SELECT DISTINCT ${keys.map((k) => `s.${k}`).join(', ')} FROM (${processor.select(d)}) AS s WHERE ${planned('s')})
        SELECT (SELECT COUNT(DISTINCT ${table.dateColumn}) FROM stored) AS days_replaced, (SELECT SUM(copies) FROM stored) AS rows_replaced,
          (SELECT COUNT(*) FROM produced AS p WHERE NOT EXISTS (SELECT 1 FROM stored AS e WHERE ${keys.map((k) => `e.${k} = p.${k}`).join(' AND ')})) AS keys_added,
          (SELECT COUNT(*) FROM stored AS e WHERE NOT EXISTS (SELECT 1 FROM produced AS p WHERE ${keys.map((k) => `e.${k} = p.${k}`).join(' AND ')})) AS keys_dropped`,
        params,
      );
      impact.daysReplaced += Number(counts?.days_replaced ?? 0);
      impact.rowsReplaced += Number(counts?.rows_replaced ?? 0);
      impact.keysAdded = impact.keysAdded === null ? null : impact.keysAdded + Number(counts?.keys_added ?? 0);
      impact.keysDropped = impact.keysDropped === null ? null : impact.keysDropped + Number(counts?.keys_dropped ?? 0);
    } catch (error) {
      impact.keysAdded = null;
      impact.keysDropped = null;
      impact.notCounted = errorMessage(error).split('\n')[0];
    }
  }
  return [...byTable.values()];
}

/** The impact table of a dry run. */
export function formatImpact(impacts: readonly TableImpact[]): string | undefined {
  if (impacts.length === 0) return undefined;
  const count = (n: number | null) => (n === null ? '?' : n.toLocaleString('en-US'));
  const lines = ['Impact on the target tables (nothing written):'];
  for (const i of impacts) {
    lines.push(
      `  ${i.table}: ${i.days} days (${i.daysReplaced} replaced, ${i.rowsReplaced.toLocaleString('en-US')} rows), keys +${count(i.keysAdded)} -${count(i.keysDropped)}` +
        `${i.notCounted ? ` (keys not counted: ${i.notCounted})` : ''}; ${i.carried.length} carried column(s)${i.carried.length > 0 ? `: ${i.carried.join(', ')}` : ''}`,
    );
  }
  if (impacts.some((i) => (i.keysDropped ?? 0) > 0)) lines.push('  Dropped keys fail their dates as shrink-guard unless --allow-drop-keys.');
  return lines.join('\n');
}
