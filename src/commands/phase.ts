import { Command } from 'commander';
import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar, type ScheduleSeason } from '../calendar/calendar.js';
import { CommandFailed } from '../errors.js';
import { EXIT, exitCodeForRun } from '../exit-code.js';
import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import { compactDates, formatPlan } from '../reporting/plan-report.js';
import { runBackfill, type RunResult } from '../runner/index.js';
import { thinPhase3Windows } from '../runner/phase3-check.js';
import type { PlanItem } from '../runner/plan.js';
import { costReport } from '../runner/estimate.js';
import { formatImpact } from '../runner/impact.js';
import { formatRestore, restoreStatements, type RestoreStatement } from '../runner/restore.js';
import { countOutcomes, formatSummary, retryDates } from '../runner/summary.js';
import { formatCostReport } from '../reporting/cost-table.js';
import { formatFindings, shownFindings } from '../warehouse/preflight.js';
import type { Phase } from '../vocabulary.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { commandContext, openWarehouse, type CommandContext } from './context.js';
import { addDateOptions, parseBootstrapDays, parseDateSelector, resolveDates } from './date-selector.js';
import { backfillCommand } from './global-options.js';
import { selectProcessors } from './processor-args.js';
import { quotaAdvice } from './quota-advice.js';
import { RunSession } from './run-session.js';

export interface PhaseCommandSpec {
  name: string;
  phase: Phase;
  description: string;
}

/** `backfill phase3|phase4 [PROCESSOR...] <dates>`: plan, run day by day, summarise. */
export function phaseCommand(spec: PhaseCommandSpec): Command {
  const command = new Command(spec.name)
    .description(spec.description)
    .argument('[processor...]', 'processors to run (default: all of the phase), e.g. player_game_summary')
    .option('--bootstrap-days <n>', 'Phase 4 skips the first N days of each season', '7')
    .option('--include-bootstrap', 'process the bootstrap days anyway', false);
  if (spec.phase === 4) command.option('--with-upstream', 'also run the chain steps before the named processors', false);
  addDateOptions(command);
  return command.action(async (names: string[], _options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const options = cmd.opts();
    const processors = selectProcessors(spec.phase, names, Boolean(options.withUpstream));
    const selector = parseDateSelector(options);
    const bootstrapDays = parseBootstrapDays(options.bootstrapDays);
    await runPhase(context, {
      spec,
      processors,
      selector: selector as NonNullable<typeof selector>,
      bootstrapDays,
      includeBootstrap: Boolean(options.includeBootstrap),
      includePlayoffs: Boolean(options.includePlayoffs),
      names,
    });
  });
}

export async function runPhase(
  context: CommandContext,
  args: {
    spec: PhaseCommandSpec;
    /** Only these `processor|date` pairs (retry). */
    onlyPairs?: ReadonlySet<string>;
    /** Takes the --json document instead of printing it (a command that runs several stages). */
    emitJson?: (document: unknown) => void;
    processors: ReturnType<typeof selectProcessors>;
    selector: NonNullable<ReturnType<typeof parseDateSelector>>;
    bootstrapDays: number;
    includeBootstrap: boolean;
    includePlayoffs: boolean;
    names: string[];
  },
): Promise<RunResult> {
  const { globals } = context;
  const dryRun = globals.dryRun;
  // Facts that need the warehouse (does the season exist) come from a read-only look first, so a
  // usage error never creates or changes the DuckDB file.
  const reader = await openWarehouse(context, { readOnly: true });
  let dates: string[];
  let schedule: ScheduleSeason[];
  try {
    schedule = await loadScheduleSeasons(reader);
    ({ dates } = resolveDates(args.selector, schedule, { includePlayoffs: args.includePlayoffs, allowRecent: globals.allowRecent }));
  } finally {
    await reader.close();
  }
  const warehouse = await openWarehouse(context, { readOnly: dryRun });
  const session = new RunSession(context, args.spec.name, dryRun);
  try {
    if (args.spec.phase === 4) await warnThinPhase3(context, warehouse, schedule, dates, args.bootstrapDays, args.includePlayoffs);
    const calendar = { bootstrapDays: args.bootstrapDays, includeBootstrap: args.includeBootstrap, includePlayoffs: args.includePlayoffs, schedule };
    const result = await runBackfill(
      session.request(args.processors, dates, calendar, args.onlyPairs),
      session.services(warehouse, args.processors.length),
    );
    const exitCode = exitCodeForRun(result, dryRun);
    const retry = retryCommand(context, args.spec.name, args.names.length > 0 ? args.processors.map((p) => p.name) : [], result);
    const restore = dryRun ? [] : restoreStatements(warehouse, result.outcomes, result.startedAt);
    const quota = quotaAdvice(context, result.quota, result.plan, dates, [args.spec.name, ...(args.names.length > 0 ? args.processors.map((p) => p.name) : [])]);
    report(context, result, { dryRun, exitCode, retry, dates, restore, quota, emitJson: args.emitJson });
    session.finish(exitCode);
    if (exitCode !== EXIT.ok) throw new CommandFailed('run did not complete', exitCode as 1 | 3 | 130);
    return result;
  } finally {
    session.finish();
    await warehouse.close();
  }
}

/** Warns (never stops) when Phase 3 lacks game dates inside the planned dates' lookback windows. */
async function warnThinPhase3(
  context: CommandContext,
  warehouse: Warehouse,
  schedule: readonly ScheduleSeason[],
  dates: string[],
  bootstrapDays: number,
  includePlayoffs: boolean,
): Promise<void> {
  const first = dates[0];
  const last = dates.at(-1);
  if (!first || !last) return;
  const seasons = knownSeasons(schedule, includePlayoffs);
  const calendar = new SeasonCalendar(seasons, await loadGameCounts(warehouse, calendarStart(seasons, first), last), bootstrapDays);
  const planned = dates.filter((d) => calendar.games(d) > 0 && !calendar.isBootstrap(d));
  for (const thin of await thinPhase3Windows(warehouse, calendar, planned)) {
    context.out.warn(
      `Phase 3 is thin: ${thin.table} has no rows on ${thin.missingDates.length} game date(s) (${compactDates(thin.missingDates)}) ` +
        `inside the windows of ${thin.affectedDates} planned date(s); their Phase 4 rows will rest on less history`,
    );
  }
}

function calendarStart(seasons: ReturnType<typeof knownSeasons>, first: string): string {
  return new SeasonCalendar(seasons, new Map(), 0).seasonStart(first);
}

function refusalLines(refused: readonly PlanItem[]): string[] {
  const byProcessor = new Map<string, PlanItem[]>();
  for (const item of refused) byProcessor.set(item.processor.name, [...(byProcessor.get(item.processor.name) ?? []), item]);
  return [...byProcessor].map(([name, items]) => {
    const missing = [...new Set(items.flatMap((i) => i.missingDependencies ?? []))];
    return `  ${name}: ${compactDates(items.map((i) => i.date))} waits for ${missing.join(', ')}`;
  });
}

/** The command that runs the missing upstream steps for the refused dates. */
function runFirstCommand(context: CommandContext, refused: readonly PlanItem[]): string {
  const upstream = [...new Set(refused.flatMap((i) => i.missingDependencies ?? []))];
  const ordered = phaseProcessors(4, PROCESSORS).map((p) => p.name).filter((n) => upstream.includes(n));
  const dates = [...new Set(refused.map((i) => i.date))].sort();
  const command = backfillCommand(context.globals, 'phase4', ...ordered, '--dates', dates.join(','));
  return `${command}   (or repeat this command with --with-upstream)`;
}

function retryCommand(context: CommandContext, commandName: string, processorNames: string[], result: RunResult): string | undefined {
  const dates = retryDates(result.outcomes);
  if (dates.length === 0) return undefined;
  const failing = new Set(result.outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run').map((o) => o.processor));
  // Name the failing processors when the user named processors or when not all of them failed.
  const ofPhase = new Set(result.plan.map((i) => i.processor.name));
  const showNames = processorNames.length > 0 || failing.size < ofPhase.size ? [...ofPhase].filter((n) => failing.has(n)) : [];
  return backfillCommand(context.globals, commandName, ...showNames, '--dates', dates.join(','));
}

function report(
  context: CommandContext,
  result: RunResult,
  info: { dryRun: boolean; exitCode: number; retry?: string; dates: string[]; restore: RestoreStatement[]; quota: ReturnType<typeof quotaAdvice>; emitJson?: (document: unknown) => void },
): void {
  const { out } = context;
  const cost = result.estimates.length > 0 ? costReport(result.estimates, context.globals.pricePerTiB) : undefined;
  const json = {
    ok: info.exitCode === EXIT.ok,
    exitCode: info.exitCode,
    runId: result.runId,
    dryRun: info.dryRun,
    elapsedMs: result.elapsedMs,
    dates: { first: info.dates[0] ?? null, last: info.dates.at(-1) ?? null, count: info.dates.length },
    noFinalGames: result.noFinalGames,
    plan: result.plan.map((i) => ({
      processor: i.processor.name,
      date: i.date,
      action: i.action,
      skipReason: i.skipReason ?? null,
      errorClass: i.errorClass ?? null,
      message: i.message ?? null,
    })),
    counts: countOutcomes(result.outcomes),
    outcomes: result.outcomes,
    failed: result.outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run'),
    stop: result.stop ?? null,
    retryCommand: info.retry ?? null,
    preflight: result.preflight,
    cost: cost ?? null,
    restore: info.restore,
    impact: result.impact,
    quota: info.quota.json,
  };
  (info.emitJson ?? ((doc) => out.json(doc)))(json);
  if (result.noFinalGames) {
    const hint = context.globals.warehouse === 'duckdb' ? "; load one with 'backfill sample-data' or 'backfill import nbac_schedule FILE'" : '';
    out.error(`the schedule (nba_raw.nbac_schedule) has no final game between ${info.dates[0]} and ${info.dates.at(-1)}${hint}`);
    return;
  }
  const refused = result.plan.filter((i) => i.action === 'refuse');
  if (refused.length > 0 && !info.dryRun) {
    out.error(`refused: ${refused.length} pair(s) need upstream steps that have not succeeded; nothing was written`);
    out.result(`Refused (upstream-not-done):\n${refusalLines(refused).join('\n')}\nRun first: ${runFirstCommand(context, refused)}`);
    return;
  }
  const findings = shownFindings(result.preflight, info.dryRun);
  const preflightText = findings.length > 0 ? formatFindings(findings, !context.globals.migrate) : undefined;
  if (info.dryRun) {
    const parts = [`Plan (dry run, nothing written): ${compactDates(info.dates)}\n${formatPlan(result.plan)}`, formatImpact(result.impact), preflightText, cost && formatCostReport(cost), info.quota.text];
    out.result(parts.filter(Boolean).join('\n'));
    return;
  }
  if (preflightText) out.result(preflightText);
  const retryRun = backfillCommand(context.globals, 'retry', result.runId);
  const summary = formatSummary({ runId: result.runId, outcomes: result.outcomes, elapsedMs: result.elapsedMs, stop: result.stop, retryCommand: info.retry, retryRunCommand: retryRun });
  out.result([summary, info.quota.text, formatRestore(info.restore, result.startedAt)].filter(Boolean).join('\n'));
}
