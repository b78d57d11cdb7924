import type { ErrorClass } from '../vocabulary.js';
import type { ExecuteOptions, StopSwitch } from './execute.js';
import type { HistoryRow } from './history.js';
import type { PairOutcome } from './outcome.js';
import type { PlanItem } from './plan.js';

// What a pair leaves behind: its outcome for the summary and its history record.

export function base(item: PlanItem): Pick<PairOutcome, 'processor' | 'phase' | 'date'> {
  return { processor: item.processor.name, phase: item.processor.phase, date: item.date };
}

export function immediateOutcome(item: PlanItem): PairOutcome {
  if (item.action === 'skip') return { ...base(item), status: 'skipped', skipReason: item.skipReason, rowsWritten: 0, attempts: 0, durationMs: 0 };
  if (item.action === 'fail') {
    return { ...base(item), status: 'failed', errorClass: item.errorClass, message: item.message, missingDependencies: item.missingDependencies, rowsWritten: 0, attempts: 0, durationMs: 0 };
  }
  return { ...base(item), status: 'not-run', errorClass: item.errorClass, message: item.message, rowsWritten: 0, attempts: 0, durationMs: 0 };
}

export function notRun(item: PlanItem, errorClass: ErrorClass, message: string): PairOutcome {
  return { ...base(item), status: 'not-run', errorClass, message, rowsWritten: 0, attempts: 0, durationMs: 0 };
}

export interface RowDetails {
  status: HistoryRow['status'];
  skipReason?: HistoryRow['skip_reason'];
  errorClass?: ErrorClass;
  errors?: readonly unknown[];
  missing?: string[] | null;
  rowsWritten?: number;
  attempts?: number;
}

export function historyRow(options: Pick<ExecuteOptions, 'runId' | 'commandLine' | 'toolVersion'>, item: PlanItem, started: Date, finished: Date, details: RowDetails): HistoryRow {
  return {
    run_id: options.runId,
    processor_name: item.processor.name,
    phase: item.processor.phase,
    data_date: item.date,
    status: details.status,
    skip_reason: details.skipReason ?? null,
    error_class: details.errorClass ?? null,
    errors: details.errors && details.errors.length > 0 ? JSON.stringify(details.errors) : null,
    missing_dependencies: details.missing ?? null,
    rows_written: details.rowsWritten ?? null,
    attempts: details.attempts ?? 0,
    input_fingerprint: item.fingerprint ?? null,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    command_line: options.commandLine,
    tool_version: options.toolVersion,
  };
}

/** Waits, but wakes early when the run is being stopped. */
export function abortableSleep(ms: number, stopSwitch: StopSwitch): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (stopSwitch.stop || Date.now() - started >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, Math.min(ms, 200));
  });
}
