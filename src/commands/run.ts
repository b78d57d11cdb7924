import { Command } from 'commander';
import { loadScheduleSeasons, type ScheduleSeason } from '../calendar/calendar.js';
import { seasonYearOf, type IsoDate } from '../calendar/dates.js';
import { seasonLabel } from '../calendar/seasons.js';
import { CommandFailed, UsageError } from '../errors.js';
import { EXIT, exitCodeForRun, type ExitCode } from '../exit-code.js';
import { crossPhaseUpstream, phaseProcessors } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import { compactDates } from '../reporting/plan-report.js';
import { runBackfill, type PairOutcome, type RunRequest, type RunResult, type RunServices } from '../runner/index.js';
import { mergeQuotas, type DailyQuota } from '../runner/daily-quota.js';
import { costReport } from '../runner/estimate.js';
import { formatImpact } from '../runner/impact.js';
import { formatRestore, restoreStatements } from '../runner/restore.js';
import { formatSummary, retryDates } from '../runner/summary.js';
import { formatCostReport } from '../reporting/cost-table.js';
import { formatFindings, shownFindings } from '../warehouse/preflight.js';
import type { CheckResult } from '../validation/check.js';
import { CHECKS, p2Readiness } from '../validation/checks.js';
import { blocked, runChecks } from '../validation/run-checks.js';
import { checkScope } from '../validation/scope.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { commandContext, openWarehouse, type CommandContext } from './context.js';
import { addDateOptions, parseBootstrapDays, parseDateSelector, resolveDates } from './date-selector.js';
import { backfillCommand } from './global-options.js';
import { quotaAdvice } from './quota-advice.js';
import { RunSession } from './run-session.js';
import { formatValidation } from './validate.js';

interface SeasonReport {
  season: string;
  dates: IsoDate[];
  notRun?: string;
  warnings: string[];
  validation?: CheckResult[];
}

/** `backfill run <dates>`: the runbook per season: readiness, Phase 3, Phase 4, validation. */
export function runCommand(): Command {
  const command = new Command('run')
    .description('the whole runbook per season: Phase 2 readiness, Phase 3, Phase 4 on the dates Phase 3 completed, validation')
    .option('--bootstrap-days <n>', 'Phase 4 skips the first N days of each season', '7')
    .option('--include-bootstrap', 'process the bootstrap days anyway', false);
  addDateOptions(command);
  return command.action(async (_options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const options = cmd.opts();
    const selector = parseDateSelector(options);
    if (!selector) throw new UsageError('no dates given');
    const bootstrapDays = parseBootstrapDays(options.bootstrapDays);
    const includePlayoffs = Boolean(options.includePlayoffs);
    const reader = await openWarehouse(context, { readOnly: true });
    let dates: IsoDate[];
    let schedule: ScheduleSeason[];
    try {
      schedule = await loadScheduleSeasons(reader);
      ({ dates } = resolveDates(selector, schedule, { includePlayoffs, allowRecent: context.globals.allowRecent }));
    } finally {
      await reader.close();
    }
    await runSeasons(context, dates, { bootstrapDays, includeBootstrap: Boolean(options.includeBootstrap), includePlayoffs, schedule });
  });
}

async function runSeasons(
  context: CommandContext,
  dates: IsoDate[],
  options: SeasonOptions,
): Promise<void> {
  const { globals, out } = context;
  const warehouse = await openWarehouse(context, { readOnly: globals.dryRun });
  const session = new RunSession(context, 'run', globals.dryRun);
  const outcomes: PairOutcome[] = [];
  const reports: SeasonReport[] = [];
  let stop: RunResult['stop'];
  const estimates: RunResult['estimates'] = [];
  const impact: RunResult['impact'] = [];
  const findings: RunResult['preflight'] = [];
  const quotas: { quota: DailyQuota; plan: RunResult['plan'] }[] = [];
  let worst: ExitCode = EXIT.ok;
  const started = Date.now();
  try {
    const bySeason = new Map<number, IsoDate[]>();
    for (const date of dates) bySeason.set(seasonYearOf(date), [...(bySeason.get(seasonYearOf(date)) ?? []), date]);
    for (const [year, seasonDates] of [...bySeason].sort((a, b) => a[0] - b[0])) {
      if (stop) break;
      const report: SeasonReport = { season: seasonLabel(year), dates: seasonDates, warnings: [] };
      reports.push(report);
      const scope = checkScope(options.schedule, seasonDates[0] as IsoDate, seasonDates[seasonDates.length - 1] as IsoDate, options);
      // Phase 2 readiness runs alongside planning; below 95 % the season is not run (nothing written).
      const describe = (r: Record<string, unknown>) => `${String(r.input_group)} ${String(r.coverage_pct)} % (missing ${compactDates(String(r.missing_dates ?? '').split(','))})`;
      const ready = runChecks(warehouse, [p2Readiness], scope).then(([readiness]) => {
        const gaps = (readiness as CheckResult).rows.filter((r) => r.level === 'block' || r.level === 'warn');
        if ((readiness as CheckResult).outcome === 'block') {
          report.notRun = `Phase 2 readiness below 95 %: ${gaps.filter((r) => r.level === 'block').map(describe).join('; ')}`;
          out.warn(`${report.season} not run: ${report.notRun}`);
          return false;
        }
        for (const gap of gaps) report.warnings.push(`Phase 2 readiness 95-99 %: ${describe(gap)}`);
        for (const warning of report.warnings) out.warn(`${report.season}: ${warning}`);
        return true;
      });

      // Phase 3 and Phase 4 in one pipelined stage: a date's Phase 4 starts once its Phase 3 (and the
      // season's earlier dates' Phase 3) is done, not when all of Phase 3 is (product.md §5).
      // Validation starts as soon as the last pair has finished, alongside the end-of-run history.
      const validate = () => runChecks(warehouse, CHECKS.filter((c) => c.phase !== 2), scope);
      let validation: Promise<CheckResult[]> | undefined;
      const afterPairs = (halted: RunResult['stop']) => (halted ? Promise.resolve() : (validation = validate()));
      const phase3 = phaseProcessors(3, PROCESSORS);
      const season = await stage(session, warehouse, [...phase3, ...phaseProcessors(4, PROCESSORS)], seasonDates, options, { gate: ready, afterPairs });
      if (season.gated) {
        worst = EXIT.failed;
        continue;
      }
      outcomes.push(...season.outcomes);
      estimates.push(...season.estimates);
      impact.push(...season.impact);
      if (season.quota) quotas.push({ quota: season.quota, plan: season.plan });
      findings.push(...shownFindings(season.preflight, globals.dryRun));
      stop = season.stop;
      if (season.noFinalGames) report.notRun = 'the schedule has no final game in these dates';
      const thin = thinDates(season.outcomes, new Set(phase3.map((p) => p.name)));
      if (thin) {
        report.warnings.push(thin);
        out.warn(`${report.season}: ${thin}`);
      }
      if (stop || globals.dryRun || season.noFinalGames) continue;
      report.validation = await (validation ?? validate());
      if (blocked(report.validation)) worst = EXIT.failed;
    }
    const result: RunResult = { runId: session.runId, plan: [], outcomes, stop, noFinalGames: false, elapsedMs: Date.now() - started, startedAt: new Date(started), preflight: findings, estimates, impact };
    const runCode = exitCodeForRun(result, globals.dryRun);
    const exitCode = (stop ? runCode : Math.max(worst, runCode)) as ExitCode;
    const redo = retryDates(outcomes);
    const retry = redo.length > 0 ? backfillCommand(globals, 'run', '--dates', redo.join(',')) : undefined;
    const cost = estimates.length > 0 ? costReport(estimates, globals.pricePerTiB) : undefined;
    const restore = globals.dryRun ? [] : restoreStatements(warehouse, outcomes, new Date(started));
    // A run is refused season by season, each against the history so far; a dry run adds up its seasons.
    const counted = globals.dryRun ? quotas : quotas.slice(-1);
    const quota = quotaAdvice(context, mergeQuotas(counted.map((q) => q.quota)), counted.flatMap((q) => q.plan), dates, ['run']);
    out.json({
      ok: exitCode === EXIT.ok,
      exitCode,
      runId: session.runId,
      elapsedMs: result.elapsedMs,
      seasons: reports.map((r) => ({ season: r.season, first: r.dates[0], last: r.dates.at(-1), notRun: r.notRun ?? null, warnings: r.warnings, checks: r.validation ?? [] })),
      outcomes,
      failed: outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run'),
      stop: stop ?? null,
      retryCommand: retry ?? null,
      preflight: findings,
      cost: cost ?? null,
      restore,
      impact,
      quota: quota.json,
    });
    const lines = reports.map((r) => {
      if (r.notRun) return `${r.season}: not run: ${r.notRun}`;
      const blocking = r.validation?.filter((c) => c.outcome === 'block') ?? [];
      return `${r.season}: ${r.dates[0]}..${r.dates.at(-1)}, validation ${r.validation ? (blocking.length > 0 ? `BLOCKED by ${blocking.map((c) => c.name).join(', ')}` : 'passed') : 'not run'}`;
    });
    const details = reports
      .filter((r) => r.validation && blocked(r.validation))
      .map((r) => formatValidation({ start: r.dates[0] as string, end: r.dates.at(-1) as string, results: r.validation as CheckResult[] }));
    const retryRun = backfillCommand(globals, 'retry', session.runId);
    const extra = [
      findings.length > 0 ? formatFindings(findings, !globals.migrate) : '',
      formatImpact(impact) ?? '',
      cost ? formatCostReport(cost) : '',
      quota.text,
      formatRestore(restore, new Date(started)) ?? '',
    ].filter(Boolean);
    out.result([formatSummary({ runId: session.runId, outcomes, elapsedMs: result.elapsedMs, stop, retryCommand: retry, retryRunCommand: retryRun }), 'Seasons:', ...lines.map((l) => `  ${l}`), ...details, ...extra].join('\n'));
    session.finish(exitCode);
    if (exitCode !== EXIT.ok) throw new CommandFailed('run did not complete', exitCode as 1 | 3 | 130);
  } finally {
    session.finish();
    await warehouse.close();
  }
}

/** The warning for Phase 4 dates that ran after a failed Phase 3 date of the season (thin history). */
function thinDates(outcomes: readonly PairOutcome[], phase3: ReadonlySet<string>): string | undefined {
  const failed = [...new Set(outcomes.filter((o) => phase3.has(o.processor) && o.status === 'failed').map((o) => o.date))].sort();
  const first = failed[0];
  if (!first) return undefined;
  const later = new Set(outcomes.filter((o) => !phase3.has(o.processor) && o.status === 'success' && o.date > first).map((o) => o.date));
  if (later.size === 0) return undefined;
  return `Phase 3 failed on ${compactDates(failed)}; Phase 4 for ${later.size} later date(s) ran on that thinner history (re-run them after fixing Phase 3)`;
}

interface SeasonOptions {
  bootstrapDays: number;
  includeBootstrap: boolean;
  includePlayoffs: boolean;
  /** The schedule's seasons, read once by the command. */
  schedule: readonly ScheduleSeason[];
}

async function stage(
  session: RunSession,
  warehouse: Warehouse,
  processors: RunRequest['processors'],
  dates: IsoDate[],
  options: SeasonOptions,
  hooks: Pick<RunServices, 'gate' | 'afterPairs'>,
): Promise<RunResult> {
  return runBackfill(
    { ...session.request(processors, dates, options), upstreamOf: (name) => crossPhaseUpstream(name) },
    { ...session.services(warehouse, processors.length), ...hooks },
  );
}
