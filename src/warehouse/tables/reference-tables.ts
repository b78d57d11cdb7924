import { cols, defineTable } from '../schema.js';

/**
 * `nba_reference.processor_run_history` (product.md §4): one row per (run, processor, date) the
 * run attempted or skipped by rule. The single source for dedup, resume, retry and status.
 */
export const processorRunHistory = defineTable({
  dataset: 'nba_reference',
  name: 'processor_run_history',
  dateColumn: 'data_date',
  key: ['run_id', 'processor_name'],
  columns: [
    ...cols('run_id processor_name', 'STRING'),
    ...cols('phase', 'INT64'),
    ...cols('data_date', 'DATE'),
    ...cols('status skip_reason error_class errors', 'STRING'),
    ...cols('missing_dependencies', 'ARRAY<STRING>'),
    ...cols('rows_written attempts', 'INT64'),
    ...cols('input_fingerprint', 'STRING'),
    ...cols('started_at finished_at', 'TIMESTAMP'),
    ...cols('duration_ms', 'INT64'),
    ...cols('command_line tool_version', 'STRING'),
  ],
});

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
