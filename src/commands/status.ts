import { Command } from 'commander';
import { AbortError, UpgradeNeededError, UsageError } from '../errors.js';
import { table } from '../reporting/output.js';
import { liveRuns, type RunFileState } from '../runner/run-file.js';
import { historyStatus, type HistoryStatus } from '../runner/status.js';
import { formatDuration } from '../runner/summary.js';
import { commandContext, openWarehouse, runsDir, type CommandContext } from './context.js';
import { backfillCommand } from './global-options.js';

function parseSince(value: string | undefined, now = Date.now()): Date | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(m|h|d)$/.exec(value.trim());
  if (!match) throw new UsageError(`invalid --since '${value}': expected a duration such as 30m, 2h or 7d`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return new Date(now - Number(match[1]) * unit);
}

/** `backfill status [--since 2h]`: progress per processor, recent failures, where to resume. */
export function statusCommand(): Command {
  return new Command('status')
    .description('per processor ok / failed / skipped and latest date, recent failures, and where to resume')
    .option('--since <duration>', 'only history started within this long, e.g. 2h, 30m, 7d (default: all)')
    .action(async (_options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      const since = parseSince(cmd.opts().since as string | undefined);
      let warehouse;
      try {
        warehouse = await openWarehouse(context, { readOnly: true });
      } catch (error) {
        if (!(error instanceof AbortError) || error instanceof UpgradeNeededError) throw error;
        // The file is held by a run: show that run's live state from its run file instead.
        reportLive(context, liveRuns(runsDir(context)), error.message);
        return;
      }
      try {
        const status = await historyStatus(warehouse, since);
        const live = liveRuns(runsDir(context));
        context.out.json({ ok: true, exitCode: 0, since: since?.toISOString() ?? null, ...status, live });
        context.out.result(formatStatus(context, status));
      } finally {
        await warehouse.close();
      }
    });
}

function formatStatus(context: CommandContext, status: HistoryStatus): string {
  const resume = (p: HistoryStatus['processors'][number]) =>
    p.ok + p.failed + p.skipped === 0 && !p.resumeFrom
      ? 'not started'
      : p.resumeFrom
      ? backfillCommand(context.globals, `phase${p.phase}`, p.processor, '--start-date', p.resumeFrom, '--end-date', p.resumeTo ?? p.resumeFrom)
      : 'done';
  const lines = [
    table(
      ['processor', 'phase', 'ok', 'failed', 'skipped', 'latest', 'resume'],
      status.processors.map((p) => [p.processor, p.phase, p.ok, p.failed, p.skipped, p.latestDate ?? '-', resume(p)]),
    ),
  ];
  if (status.failures.length > 0) {
    lines.push('', 'Recent failures:');
    for (const f of status.failures) lines.push(`  ${f.date} ${f.processor} ${f.errorClass ?? ''}: ${f.message.slice(0, 160)} (run ${f.runId})`);
    lines.push(`Retry the last run's failures: ${backfillCommand(context.globals, 'retry')}`);
  }
  return lines.join('\n');
}

function reportLive(context: CommandContext, runs: RunFileState[], busy: string): void {
  context.out.json({ ok: true, exitCode: 0, live: runs, note: busy });
  if (runs.length === 0) {
    context.out.result(`${busy}\n(no run file found for it)`);
    return;
  }
  const lines = runs.map((r) => {
    const counts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(', ');
    const eta = r.etaMs === null ? 'ETA unknown' : `ETA ${formatDuration(r.etaMs)}`;
    return [
      `Run ${r.runId} (pid ${r.pid}) is running: ${r.commandLine}`,
      `  ${r.doneDates}/${r.totalDates} dates, ${eta}; ${counts || 'nothing finished yet'}`,
      `  in flight: ${r.currentPairs.join(', ') || '-'}`,
      `  log: ${r.logFile ?? '-'}; updated ${r.updatedAt}`,
    ].join('\n');
  });
  context.out.result(lines.join('\n'));
}
