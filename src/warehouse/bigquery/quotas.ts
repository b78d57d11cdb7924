import type { WriteRate } from '../warehouse.js';

// BigQuery's limits on writing one partitioned table (docs/bigquery.md#quotas-and-limits): the one
// place the runner's write pacing and the daily check read them from.

/** Partition modifications per table in any second (BigQuery: "about 5"; 50 per 10 s). */
export const TABLE_WRITES_PER_SECOND = 5;
/** Partition modifications per table in any 10 seconds. */
export const TABLE_WRITES_PER_10_SECONDS = 50;
/** Partition modifications per column-partitioned table per day; cannot be raised. */
export const PARTITION_MODIFICATIONS_PER_DAY = 30_000;

/**
 * The per-table write budget. `scale` multiplies the writes per window and exists for the
 * benchmark's faster clock (`BACKFILL_BIGQUERY_WRITE_RATE_SCALE`, docs/testing.md), where the
 * stand-in's cap is scaled the same way.
 */
export function tableWriteRate(scale = 1): WriteRate {
  return { perWindow: TABLE_WRITES_PER_SECOND * scale, perLongWindow: TABLE_WRITES_PER_10_SECONDS * scale, windowMs: 1000 };
}
