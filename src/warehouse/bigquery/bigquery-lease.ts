import type { SqlDialect } from '../dialect.js';
import { historyFloor } from '../partition-filter.js';
import { backfillLeases } from '../tables/reference-tables.js';

/** How long a lease lives without renewal, and how often a run renews it. */
export const LEASE_MINUTES = 10;
export const LEASE_RENEW_MS = 60_000;

/**
 * Live leases of other runs that share a processor and a date with `@processors` x `@dates`. A
 * renewed lease can be older than any window, so its partition column is read from the constant
 * floor: BigQuery accepts the table even with a partition-filter rule.
 */
function overlapping(d: SqlDialect, alias: string): string {
  return `${historyFloor(`${alias}.taken_on`)} AND ${alias}.expires_at > CURRENT_TIMESTAMP() AND ${alias}.run_id != ${d.param('run_id', 'STRING')}
    AND EXISTS (SELECT 1 FROM UNNEST(${alias}.processors) AS p WHERE p IN UNNEST(${d.param('processors', 'ARRAY<STRING>')}))
    AND EXISTS (SELECT 1 FROM UNNEST(${alias}.dates) AS day WHERE day IN UNNEST(${d.param('dates', 'ARRAY<STRING>')}))`;
}

/** Takes the lease in one statement: the row goes in only if no live lease overlaps it. */
export function takeLeaseSql(d: SqlDialect): string {
  const table = d.table(backfillLeases);
  return `INSERT INTO ${table} (run_id, holder, processors, dates, taken_at, renewed_at, expires_at, taken_on)
SELECT ${d.param('run_id', 'STRING')}, ${d.param('holder', 'STRING')}, ${d.param('processors', 'ARRAY<STRING>')}, ${d.param('dates', 'ARRAY<STRING>')},
  CURRENT_TIMESTAMP(), CURRENT_TIMESTAMP(), TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL ${LEASE_MINUTES} MINUTE), CURRENT_DATE()
FROM UNNEST([1]) AS one
WHERE NOT EXISTS (SELECT 1 FROM ${table} AS l WHERE ${overlapping(d, 'l')})`;
}

/** The live leases that overlap (after taking ours: two runs that raced both see each other). */
export function overlappingLeasesSql(d: SqlDialect): string {
  return `SELECT l.run_id, l.holder, CAST(l.expires_at AS STRING) AS expires_at FROM ${d.table(backfillLeases)} AS l WHERE ${overlapping(d, 'l')} ORDER BY l.taken_at`;
}

/** Pushes the expiry another LEASE_MINUTES ahead. */
export function renewLeaseSql(d: SqlDialect): string {
  return `UPDATE ${d.table(backfillLeases)} SET renewed_at = CURRENT_TIMESTAMP(), expires_at = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL ${LEASE_MINUTES} MINUTE)
WHERE ${historyFloor('taken_on')} AND run_id = ${d.param('run_id', 'STRING')} AND expires_at > CURRENT_TIMESTAMP()`;
}

/** Ends the lease now; the row stays as a record of the run. */
export function releaseLeaseSql(d: SqlDialect): string {
  return `UPDATE ${d.table(backfillLeases)} SET expires_at = CURRENT_TIMESTAMP() WHERE ${historyFloor('taken_on')} AND run_id = ${d.param('run_id', 'STRING')}`;
}
