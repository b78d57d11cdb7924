import { cols, defineTable } from '../schema.js';

export { processorRunHistory } from './run-history.js';

/**
 * `nba_reference.backfill_leases` (product.md §4, BigQuery only): one row per run, covering the
 * processors and dates it plans to write; live while `expires_at` is ahead. Two runs whose leases
 * share a processor and a date never write at the same time.
 */
export const backfillLeases = defineTable({
  dataset: 'nba_reference',
  name: 'backfill_leases',
  dateColumn: 'taken_on',
  key: ['run_id'],
  columns: [
    ...cols('run_id holder', 'STRING'),
    ...cols('processors dates', 'ARRAY<STRING>'),
    ...cols('taken_at renewed_at expires_at', 'TIMESTAMP'),
    ...cols('taken_on', 'DATE'),
  ],
});
