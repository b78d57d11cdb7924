import { CommanderError } from 'commander';
import { AbortError, CommandFailed, UsageError } from './errors.js';
import type { RunResult } from './runner/index.js';
import { blockers } from './warehouse/preflight.js';

/** Exit codes (product.md §2): the only place they are decided. */
export const EXIT = { ok: 0, failed: 1, usage: 2, aborted: 3, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 0 all planned pairs succeeded or were skipped by rule; 1 a date failed or would fail; 3 aborted; 130 Ctrl-C. */
export function exitCodeForRun(result: RunResult, dryRun: boolean): ExitCode {
  if (result.stop?.kind === 'interrupted') return EXIT.interrupted;
  if (result.stop?.kind === 'aborted') return EXIT.aborted;
  if (result.noFinalGames) return EXIT.failed;
  if (dryRun) return result.plan.some((i) => i.action === 'fail' || i.action === 'refuse') || dryRunFoundProblems(result) ? EXIT.failed : EXIT.ok;
  if (result.plan.some((i) => i.action === 'refuse')) return EXIT.failed;
  return result.outcomes.some((o) => o.status === 'failed' || o.status === 'not-run') ? EXIT.failed : EXIT.ok;
}

/** A dry run that found a preflight blocker, an SQL error or a plan over the daily quota would fail if run for real. */
function dryRunFoundProblems(result: RunResult): boolean {
  return (
    blockers(result.preflight).length > 0 ||
    result.estimates.some((e) => e.error && e.error.errorClass !== 'missing-dependency') ||
    (result.quota?.over.length ?? 0) > 0
  );
}

/** The exit code of an error that ended a command. */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof AbortError) return EXIT.aborted;
  if (error instanceof CommandFailed) return error.exitCode;
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  return EXIT.aborted;
}
