import { PROCESSORS } from '../processors/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { PairOutcome } from './outcome.js';

export interface RestoreStatement {
  table: string;
  from: string;
  to: string;
  statement: string;
}

/**
 * Undo one command away: per table the run wrote, the statement that restores its written days
 * to their state at the run's start, where the engine can (BigQuery keeps 7 days of history).
 */
export function restoreStatements(warehouse: Warehouse, outcomes: readonly PairOutcome[], startedAt: Date): RestoreStatement[] {
  if (!warehouse.restoreStatement) return [];
  const written = new Map<string, { from: string; to: string }>();
  for (const o of outcomes) {
    if (o.status !== 'success') continue;
    const range = written.get(o.processor);
    if (!range) written.set(o.processor, { from: o.date, to: o.date });
    else written.set(o.processor, { from: o.date < range.from ? o.date : range.from, to: o.date > range.to ? o.date : range.to });
  }
  return PROCESSORS.filter((p) => written.has(p.name)).map((p) => {
    const { from, to } = written.get(p.name) as { from: string; to: string };
    return { table: `${p.table.dataset}.${p.table.name}`, from, to, statement: warehouse.restoreStatement?.(p.table, from, to, startedAt) as string };
  });
}

export function formatRestore(statements: readonly RestoreStatement[], startedAt: Date): string | undefined {
  if (statements.length === 0) return undefined;
  return [
    `Undo: each table's written days as they were at the run's start (${startedAt.toISOString()}), with BigQuery time travel (within 7 days):`,
    ...statements.map((s) => `  ${s.statement}`),
  ].join('\n');
}
