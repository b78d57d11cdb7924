import type { IsoDate } from '../calendar/dates.js';
import type { PairOutcome, RunStop } from './outcome.js';

export interface SummaryCounts {
  pairs: number;
  success: number;
  failed: number;
  notRun: number;
  skipped: Record<string, number>;
  rowsWritten: number;
  /** Attempts refused by a rate limit, over all pairs. */
  rateLimited: number;
}

export function countOutcomes(outcomes: readonly PairOutcome[]): SummaryCounts {
  const counts: SummaryCounts = { pairs: outcomes.length, success: 0, failed: 0, notRun: 0, skipped: {}, rowsWritten: 0, rateLimited: 0 };
  for (const o of outcomes) {
    counts.rowsWritten += o.rowsWritten;
    counts.rateLimited += o.rateLimited ?? 0;
    if (o.status === 'success') counts.success += 1;
    else if (o.status === 'failed') counts.failed += 1;
    else if (o.status === 'not-run') counts.notRun += 1;
    else if (o.skipReason) counts.skipped[o.skipReason] = (counts.skipped[o.skipReason] ?? 0) + 1;
  }
  return counts;
}

/** Pairs that did not finish well (failed or never run), by processor, oldest date first. */
export function unfinishedByProcessor(outcomes: readonly PairOutcome[]): Map<string, PairOutcome[]> {
  const byProcessor = new Map<string, PairOutcome[]>();
  for (const o of outcomes) {
    if (o.status !== 'failed' && o.status !== 'not-run') continue;
    const list = byProcessor.get(o.processor) ?? [];
    list.push(o);
    byProcessor.set(o.processor, list);
  }
  for (const list of byProcessor.values()) list.sort((a, b) => (a.date < b.date ? -1 : 1));
  return byProcessor;
}

/** Every date that needs another run (failed or not run), sorted, without repeats. */
export function retryDates(outcomes: readonly PairOutcome[]): IsoDate[] {
  return [...new Set(outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run').map((o) => o.date))].sort();
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * The end-of-run summary: counts by status and skip reason, rows, elapsed time, every failed
 * date per processor with its error class, and one retry command covering all of them.
 */
export function formatSummary(args: {
  runId: string;
  outcomes: readonly PairOutcome[];
  elapsedMs: number;
  stop?: RunStop;
  retryCommand?: string;
  /** `backfill retry RUN_ID`, shown beside the retry command when the run recorded failures. */
  retryRunCommand?: string;
}): string {
  const c = countOutcomes(args.outcomes);
  const skipped = Object.entries(c.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const lines = [
    `Run ${args.runId} ${args.stop ? (args.stop.kind === 'interrupted' ? 'interrupted' : 'aborted') : 'finished'} in ${formatDuration(args.elapsedMs)}: ` +
      `${c.pairs} pairs, ${c.success} succeeded, ${c.failed} failed, ${c.notRun} not run` +
      `${skipped ? `, skipped: ${skipped}` : ''}; ${c.rowsWritten.toLocaleString('en-US')} rows written.`,
  ];
  if (c.rateLimited > 0) {
    const pairs = args.outcomes.filter((o) => (o.rateLimited ?? 0) > 0).length;
    lines.push(`Rate limits: ${c.rateLimited} attempt(s) of ${pairs} pair(s) were rate-limited and tried again.`);
  }
  if (args.stop) lines.push(`Stopped: ${args.stop.reason}`);
  const unfinished = unfinishedByProcessor(args.outcomes);
  if (unfinished.size > 0) {
    lines.push(`Dates to redo (${retryDates(args.outcomes).length}):`);
    for (const [processor, list] of unfinished) {
      const items = list.map((o) => `${o.date} (${o.status === 'not-run' ? `not run: ${o.errorClass ?? 'interrupted'}` : o.errorClass})`);
      lines.push(`  ${processor}: ${items.join(', ')}`);
    }
    const firstFailure = args.outcomes.find((o) => o.status === 'failed' && o.message);
    if (firstFailure) lines.push(`First error: ${firstFailure.processor} ${firstFailure.date}: ${firstFailure.message}`);
    if (args.retryCommand) lines.push(`Retry: ${args.retryCommand}`);
    if (args.retryRunCommand && args.outcomes.some((o) => o.status === 'failed')) lines.push(`   or: ${args.retryRunCommand}  (the failed pairs only)`);
  }
  return lines.join('\n');
}
