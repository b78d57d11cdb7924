import type { IsoDate } from '../calendar/dates.js';
import type { PairOutcome } from './outcome.js';
import { formatDuration } from './summary.js';

export interface ProgressSnapshot {
  doneDates: number;
  totalDates: number;
  failedDates: number;
  etaMs: number | null;
}

/** Per-processor counts for the live terminal view. */
export interface ProcessorProgress {
  processor: string;
  phase: number;
  total: number;
  done: number;
  failed: number;
  skipped: number;
}

/**
 * Counts dates as their pairs finish; a date is done when all its planned pairs are. The ETA is
 * the mean time per date done by running so far times the dates left.
 */
export class ProgressTracker {
  private readonly remaining = new Map<IsoDate, number>();
  private readonly failed = new Set<IsoDate>();
  private done = 0;
  private ranDates = 0;
  private readonly startedAt = Date.now();
  private readonly perProcessor = new Map<string, ProcessorProgress>();

  constructor(pairs: readonly { date: IsoDate; processor: string; phase: number }[]) {
    for (const { date, processor, phase } of pairs) {
      this.remaining.set(date, (this.remaining.get(date) ?? 0) + 1);
      const entry = this.perProcessor.get(processor) ?? { processor, phase, total: 0, done: 0, failed: 0, skipped: 0 };
      entry.total += 1;
      this.perProcessor.set(processor, entry);
    }
  }

  /** Counts per processor, in the order the processors were planned. */
  processors(): ProcessorProgress[] {
    return [...this.perProcessor.values()].map((p) => ({ ...p }));
  }

  get totalDates(): number {
    return this.remaining.size;
  }

  /** Returns true when this outcome completed its date. */
  record(outcome: PairOutcome): boolean {
    if (outcome.status === 'failed' || outcome.status === 'not-run') this.failed.add(outcome.date);
    const entry = this.perProcessor.get(outcome.processor);
    if (entry) {
      if (outcome.status === 'success') entry.done += 1;
      else if (outcome.status === 'skipped') entry.skipped += 1;
      else entry.failed += 1;
    }
    const left = (this.remaining.get(outcome.date) ?? 0) - 1;
    this.remaining.set(outcome.date, left);
    if (left !== 0) return false;
    this.done += 1;
    if (outcome.attempts > 0) this.ranDates += 1;
    return true;
  }

  snapshot(): ProgressSnapshot {
    const left = this.totalDates - this.done;
    const elapsed = Date.now() - this.startedAt;
    const etaMs = this.ranDates > 0 ? Math.round((elapsed / this.ranDates) * left) : null;
    return { doneDates: this.done, totalDates: this.totalDates, failedDates: this.failed.size, etaMs };
  }
}

/** `10/163 dates, 2 failed, ETA 3m20s` */
export function formatProgress(p: ProgressSnapshot): string {
  const eta = p.doneDates >= p.totalDates ? 'done' : p.etaMs === null ? 'ETA unknown' : `ETA ${formatDuration(p.etaMs)}`;
  return `${p.doneDates}/${p.totalDates} dates, ${p.failedDates} failed, ${eta}`;
}
