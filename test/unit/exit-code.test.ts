import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { AbortError, CommandFailed, UsageError } from '../../src/errors.js';
import { exitCodeForError, exitCodeForRun } from '../../src/exit-code.js';
import type { PairOutcome, RunResult } from '../../src/runner/index.js';

function result(outcomes: Partial<PairOutcome>[], extra: Partial<RunResult> = {}): RunResult {
  return {
    runId: 'r',
    plan: [],
    noFinalGames: false,
    elapsedMs: 1,
    startedAt: new Date(0),
    impact: [],
    preflight: [],
    estimates: [],
    outcomes: outcomes.map((o) => ({ processor: 'p', phase: 3, date: '2022-01-05', status: 'success', rowsWritten: 1, attempts: 1, durationMs: 1, ...o })),
    ...extra,
  };
}

describe('exit codes', () => {
  it('maps run results', () => {
    expect(exitCodeForRun(result([{ status: 'success' }, { status: 'skipped', skipReason: 'no-games' }]), false)).toBe(0);
    expect(exitCodeForRun(result([{ status: 'success' }, { status: 'failed', errorClass: 'invalid-data' }]), false)).toBe(1);
    expect(exitCodeForRun(result([{ status: 'not-run', errorClass: 'upstream-not-done' }]), false)).toBe(1);
    expect(exitCodeForRun(result([], { noFinalGames: true }), false)).toBe(1);
    expect(exitCodeForRun(result([], { stop: { kind: 'aborted', reason: 'circuit breaker' } }), false)).toBe(3);
    expect(exitCodeForRun(result([{ status: 'failed' }], { stop: { kind: 'interrupted', reason: 'Ctrl-C' } }), false)).toBe(130);
  });

  it('a dry run that finds a preflight blocker or an SQL error exits 1; a table to create or an input made by an earlier step does not', () => {
    const finding = { table: 'nba_analytics.x', detail: 'd', safe: true };
    const estimate = { processor: 'p', phase: 3 as const, date: '2022-01-05', bytes: 0, tablesReferenced: 0 };
    expect(exitCodeForRun(result([], { preflight: [{ ...finding, kind: 'missing-table', blocking: false }] }), true)).toBe(0);
    expect(exitCodeForRun(result([], { preflight: [{ ...finding, kind: 'partition-expiry', blocking: true }] }), true)).toBe(1);
    expect(exitCodeForRun(result([], { estimates: [{ ...estimate, error: { errorClass: 'missing-dependency', message: 'Not found: Table' } }] }), true)).toBe(0);
    expect(exitCodeForRun(result([], { estimates: [{ ...estimate, error: { errorClass: 'fatal', message: 'Unrecognized name' } }] }), true)).toBe(1);
  });

  it('maps errors', () => {
    expect(exitCodeForError(new UsageError('x'))).toBe(2);
    expect(exitCodeForError(new AbortError('x'))).toBe(3);
    expect(exitCodeForError(new CommandFailed('x', 130))).toBe(130);
    expect(exitCodeForError(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(2);
    expect(exitCodeForError(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
    expect(exitCodeForError(new Error('boom'))).toBe(3);
  });
});
