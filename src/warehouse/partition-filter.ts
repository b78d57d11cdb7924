/**
 * The first day any backfill reads: a constant lower bound on a partition column for the queries
 * that have no dates of their own (`seasons`, `validate` and `report` without dates, `--season
 * all`, `status` without `--since`, the history), so BigQuery can prune partitions and accepts
 * tables that require a partition filter.
 */
export const HISTORY_FLOOR = '2000-10-01';

export function historyFloor(column: string): string {
  return `${column} >= DATE '${HISTORY_FLOOR}'`;
}
