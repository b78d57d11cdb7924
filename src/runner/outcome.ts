import type { IsoDate } from '../calendar/dates.js';
import type { ErrorClass, Phase, SkipReason } from '../vocabulary.js';

/**
 * What happened to one (processor, date) in a run. `not-run` means the run never attempted it: it
 * was interrupted or aborted first, or its same-date upstream failed, or it was refused at plan time.
 */
export interface PairOutcome {
  processor: string;
  phase: Phase;
  date: IsoDate;
  status: 'success' | 'failed' | 'skipped' | 'not-run';
  skipReason?: SkipReason;
  errorClass?: ErrorClass;
  message?: string;
  missingDependencies?: string[];
  rowsWritten: number;
  attempts: number;
  /** Attempts refused by a rate limit (BigQuery's per-table write rate), when any. */
  rateLimited?: number;
  durationMs: number;
}

/** Why a run stopped before finishing its plan. */
export interface RunStop {
  kind: 'interrupted' | 'aborted';
  /** For aborts: fatal, quota, circuit breaker. */
  errorClass?: ErrorClass;
  reason: string;
}
