import type { SqlDialect } from '../dialect.js';
import { ClassifiedError } from '../errors.js';
import { historyFloor } from '../partition-filter.js';
import { backfillLeases } from '../tables/reference-tables.js';
import type { Lease, LeaseClaim, Row, SqlParams } from '../warehouse.js';

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

/** The jobs a lease needs: DML that says how many rows it changed, and a query. */
export interface LeaseJobs {
  readonly dialect: SqlDialect;
  dml(sql: string, params: SqlParams): Promise<number>;
  query(sql: string, params: SqlParams): Promise<Row[]>;
}

export interface LeaseOptions {
  renewMs: number;
  /** Told when a renewal fails (the run goes on; the lease lives LEASE_MINUTES). */
  onError?: (error: unknown) => void;
  /** Where the release goes, for the engine's close() to wait on. */
  finishing: Promise<unknown>[];
}

/**
 * Takes the run's lease with one statement (inserted only if no live lease overlaps), then looks
 * again: two runs that raced both see each other, and both step back rather than both write.
 */
export async function takeLease(jobs: LeaseJobs, claim: LeaseClaim, options: LeaseOptions): Promise<Lease> {
  const d = jobs.dialect;
  const params = { run_id: claim.runId, holder: claim.holder, processors: [...claim.processors], dates: [...claim.dates] };
  const taken = await jobs.dml(takeLeaseSql(d), params);
  const others = await jobs.query(overlappingLeasesSql(d), params);
  if (taken === 0 || others.length > 0) {
    if (taken > 0) await jobs.dml(releaseLeaseSql(d), { run_id: claim.runId });
    const other = others[0];
    const who = other ? `run ${String(other.run_id)} (${String(other.holder)}) until ${String(other.expires_at)}` : 'another run';
    throw new ClassifiedError(
      `another backfill is writing some of the same (processor, date) pairs: ${who}; wait for it to finish, or for its lease to expire ${LEASE_MINUTES} minutes after its last renewal`,
      'lease-held',
    );
  }
  const timer = setInterval(() => {
    jobs.dml(renewLeaseSql(d), { run_id: claim.runId }).catch((error: unknown) => options.onError?.(error));
  }, options.renewMs);
  timer.unref();
  return {
    // The release goes out now and close() waits for it, so validation need not.
    release: async () => {
      clearInterval(timer);
      options.finishing.push(jobs.dml(releaseLeaseSql(d), { run_id: claim.runId }));
    },
  };
}
