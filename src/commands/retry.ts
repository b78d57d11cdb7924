import { Command } from 'commander';
import { CommandFailed, UsageError } from '../errors.js';
import { exitCodeForError } from '../exit-code.js';
import { findProcessor } from '../processors/index.js';
import { failedPairsOf } from '../runner/retry-pairs.js';
import { pairKey } from '../runner/history.js';
import { commandContext, openWarehouse } from './context.js';
import { runPhase } from './phase.js';

/** `backfill retry [RUN_ID]`: re-runs exactly the failed (processor, date) pairs of a run. */
export function retryCommand(): Command {
  return new Command('retry')
    .description('re-run exactly the failed (processor, date) pairs of a run (default: the last run that had failures)')
    .argument('[run-id]', 'the run whose failures to re-run, e.g. 20261125T221500Z-3fa9c1')
    .option('--bootstrap-days <n>', 'Phase 4 bootstrap window of the original run', '7')
    .action(async (runId: string | undefined, _options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      if (runId !== undefined && !/^\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(runId)) {
        throw new UsageError(`invalid run id '${runId}': expected the form 20261125T221500Z-3fa9c1`);
      }
      const reader = await openWarehouse(context, { readOnly: true });
      const found = await failedPairsOf(reader, runId).finally(() => reader.close());
      if (!found) {
        if (runId) throw new UsageError(`run ${runId} has no failed pairs in run history`);
        context.out.json({ ok: true, exitCode: 0, retriedRunId: null, runs: [], outcomes: [] });
        context.out.result('no run has failed pairs: nothing to retry');
        return;
      }
      context.out.note(`retrying ${found.pairs.length} failed pair(s) of run ${found.runId}`);
      let worst = 0;
      const runs: Record<string, unknown>[] = [];
      for (const phase of [3, 4] as const) {
        const pairs = found.pairs.filter((p) => p.phase === phase);
        if (pairs.length === 0) continue;
        const processors = [...new Set(pairs.map((p) => p.processor))].map((name) => findProcessor(name)).filter((p) => p !== undefined);
        try {
          await runPhase(context, {
            spec: { name: `phase${phase}`, phase, description: '' },
            onlyPairs: new Set(pairs.map((p) => pairKey(p.processor, p.date))),
            processors,
            selector: { kind: 'dates', dates: [...new Set(pairs.map((p) => p.date))].sort() },
            bootstrapDays: Number(cmd.opts().bootstrapDays),
            includeBootstrap: false,
            includePlayoffs: true,
            names: processors.map((p) => p.name),
            emitJson: (doc) => runs.push(doc as Record<string, unknown>),
          });
        } catch (error) {
          if (!(error instanceof CommandFailed)) throw error;
          worst = Math.max(worst, exitCodeForError(error));
          if (error.exitCode !== 1) break; // aborted or interrupted: stop here
        }
      }
      context.out.json({ ok: worst === 0, exitCode: worst, retriedRunId: found.runId, runs, outcomes: runs.flatMap((r) => (r.outcomes as unknown[]) ?? []) });
      if (worst !== 0) throw new CommandFailed('retry did not complete', worst as 1 | 3 | 130);
    });
}
