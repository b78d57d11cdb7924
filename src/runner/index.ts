import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar, type ScheduleSeason } from '../calendar/calendar.js';
import { maxDate, minDate, type IsoDate } from '../calendar/dates.js';
import { chainPredecessors } from '../phases/phases.js';
import { inputTables, referenceInputs, type ProcessorDefinition } from '../processors/processor.js';
import { qualifiedName, type TableDef } from '../warehouse/schema.js';
import { blockers, type TableFinding } from '../warehouse/preflight.js';
import { errorMessage } from '../warehouse/errors.js';
import type { Lease, Warehouse } from '../warehouse/warehouse.js';
import { dailyQuota, recentWrites, type DailyQuota } from './daily-quota.js';
import { estimatePlan, type PairEstimate } from './estimate.js';
import { planImpact, type TableImpact } from './impact.js';
import { executePlan, type StopSwitch } from './execute.js';
import { loadInputStats, processorVersion, type InputStats } from './fingerprint.js';
import { pairKey, processorRunHistory, readLatestStates } from './history.js';
import type { PairOutcome, RunStop } from './outcome.js';
import { buildPlan, decidePair, type PairDecision, type PlanInputs, type PlanItem } from './plan.js';
import { ProgressTracker, type ProcessorProgress, type ProgressSnapshot } from './progress.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RunFile } from './run-file.js';

export interface RunRequest {
  processors: readonly ProcessorDefinition[];
  /** Calendar days to consider (non-game days become `no-games` skips). */
  dates: readonly IsoDate[];
  dryRun: boolean;
  force: boolean;
  includeBootstrap: boolean;
  bootstrapDays: number;
  includePlayoffs: boolean;
  allowShrink: boolean;
  allowDropKeys: boolean;
  concurrency: number;
  policy: RetryPolicy;
  commandLine: string;
  toolVersion: string;
  /** Only these `processor|date` pairs (a retry of failed pairs); others are left out of the plan. */
  onlyPairs?: ReadonlySet<string>;
  /** Same-date predecessors of a processor; default: its chain in src/phases. */
  upstreamOf?: (name: string) => readonly string[];
  /** Apply the preflight's safe fixes (nullable columns, expiry removal) before writing. */
  migrate?: boolean;
  /** The schedule's seasons when the command has read them already (one read per command). */
  schedule?: readonly ScheduleSeason[];
}

export interface RunServices {
  warehouse: Warehouse;
  logger: Logger;
  runId: string;
  stopSwitch: StopSwitch;
  /** Creates the run file once the plan is accepted (a refused or dry run leaves none). */
  openRunFile?: (totalDates: number) => RunFile;
  /** Called every 10 dates finished by real work (the plain progress line). */
  onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Called after every finished pair with per-processor counts (the live terminal view). */
  onUpdate?: (snapshot: ProgressSnapshot, processors: ProcessorProgress[]) => void;
  /**
   * A check that runs alongside planning (`run`'s Phase 2 readiness); false stops the run before
   * anything is written or estimated (`gated` in the result).
   */
  gate?: Promise<boolean>;
  /**
   * Started once every pair of an executed plan has finished, while the end-of-run history is
   * still being written (`run` validates the season here); awaited before the run returns.
   */
  afterPairs?: (stop: RunStop | undefined) => Promise<unknown>;
}

export interface RunResult {
  runId: string;
  plan: PlanItem[];
  outcomes: PairOutcome[];
  stop?: RunStop;
  /** True when the dates hold no final game at all (nothing was planned). */
  noFinalGames: boolean;
  /** True when the services' gate said no: nothing was run. */
  gated?: boolean;
  elapsedMs: number;
  /** When the run started: the point a time-travel restore goes back to. */
  startedAt: Date;
  /** What the preflight found on the target tables (BigQuery); blockers stop the run. */
  preflight: TableFinding[];
  /** Dry runs on an engine that can estimate: one free dry-run job per planned pair. */
  estimates: PairEstimate[];
  /** Dry runs: what the writes would do to each target table (days, rows, keys, carried columns). */
  impact: TableImpact[];
  /** Engines with a daily partition-modification quota (BigQuery): the plan's writes per table against it. */
  quota?: DailyQuota;
}

/** Plans the request against the warehouse, then (unless a dry run) executes the plan. */
export async function runBackfill(request: RunRequest, services: RunServices): Promise<RunResult> {
  const started = Date.now();
  const { warehouse, logger } = services;
  const targets = [...request.processors.map((p) => p.table), processorRunHistory, ...(warehouse.leaseTables ?? [])];
  // Planning, the targets' layout, this tool's recent writes and the caller's gate only read, so they run side by side.
  const [{ plan, inputs }, seen, recent, open] = await Promise.all([planRun(request, warehouse), warehouse.preflight(targets), recentWrites(warehouse), services.gate ?? true]);
  const result: RunResult = { runId: services.runId, plan, outcomes: [], noFinalGames: false, elapsedMs: 0, startedAt: new Date(started), preflight: [], estimates: [], impact: [] };
  const finish = () => {
    result.elapsedMs = Date.now() - started;
    return result;
  };
  if (!open) {
    result.gated = true;
    return finish();
  }
  if (!plan.some((item) => item.games > 0)) {
    result.noFinalGames = true;
    return finish();
  }
  if (warehouse.dailyWritesPerTable) result.quota = dailyQuota(plan, recent, warehouse.dailyWritesPerTable);
  if (request.dryRun) {
    result.preflight = seen;
    [result.estimates, result.impact] = await Promise.all([estimatePlan(plan, warehouse, request.concurrency), planImpact(plan, warehouse)]);
  }
  // A refused pair refuses the run: nothing is written until its upstream has been run.
  if (request.dryRun || plan.some((item) => item.action === 'refuse')) return finish();
  const over = result.quota?.over ?? [];
  if (over.length > 0) {
    const counts = over.map((t) => `${t.table}: ${t.total.toLocaleString('en-US')} (${t.planned.toLocaleString('en-US')} planned + ${t.recent.toLocaleString('en-US')} written by backfill in the last 24 h)`);
    result.stop = { kind: 'aborted', errorClass: 'quota', reason: `the plan would pass BigQuery's ${result.quota?.limit.toLocaleString('en-US')} partition modifications per table per day on ${counts.join('; ')}; nothing was written` };
    return finish();
  }
  result.preflight = await migrateIfAsked(warehouse, targets, seen, request.migrate ?? false, logger);
  const blocking = blockers(result.preflight);
  if (blocking.length > 0) {
    result.stop = {
      kind: 'aborted',
      errorClass: 'fatal',
      reason: `preflight: ${blocking.length} problem(s) on the target tables must be fixed before any write (${[...new Set(blocking.map((f) => f.table))].join(', ')})`,
    };
    return finish();
  }
  // The embedded file also gets every table its processors read (empty where nothing was loaded),
  // so a file made before a processor gained an input still runs; production's inputs are never made.
  const readTables = warehouse.engine === 'duckdb' ? request.processors.flatMap((p) => [...inputTables(p), ...referenceInputs(p)]) : [];
  await warehouse.ensureTables([...targets, ...uniqueTables(readTables)]);
  let lease: Lease | undefined;
  try {
    lease = await takeLease(warehouse, services.runId, plan);
  } catch (error) {
    if (warehouse.classifyError(error) !== 'lease-held') throw error;
    result.stop = { kind: 'aborted', errorClass: 'lease-held', reason: errorMessage(error) };
    return finish();
  }
  try {
    await executeRun(request, services, plan, inputs, result);
  } finally {
    // The lease release and the run's buffered history go out now and are finished by the
    // warehouse's close(), so what follows (validation) need not wait; close() also retries a
    // failed flush and reports it.
    await lease?.release();
    warehouse.flush?.().catch(() => undefined);
  }
  finish();
  logger.info({ elapsedMs: result.elapsedMs, stop: result.stop }, 'run finished');
  return result;
}

/** The lease on the pairs the plan will run, where the engine needs one (BigQuery). */
async function takeLease(warehouse: Warehouse, runId: string, plan: readonly PlanItem[]): Promise<Lease | undefined> {
  const running = plan.filter((item) => item.action === 'run');
  if (!warehouse.lease || running.length === 0) return undefined;
  return warehouse.lease({
    runId,
    holder: `${hostname()} pid ${process.pid}`,
    processors: [...new Set(running.map((i) => i.processor.name))],
    dates: [...new Set(running.map((i) => i.date))],
  });
}

/** Executes an accepted plan with progress, the run file and the live view. */
async function executeRun(request: RunRequest, services: RunServices, plan: PlanItem[], inputs: PlanInputs, result: RunResult): Promise<void> {
  const { warehouse, logger } = services;
  const runFile = services.openRunFile?.(new Set(plan.map((i) => i.date)).size);
  const progress = new ProgressTracker(plan.map((i) => ({ date: i.date, processor: i.processor.name, phase: i.processor.phase })));
  const counts: Record<string, number> = {};
  const current = new Set<string>();
  let printedTens = 0;
  logger.info({ pairs: plan.length, dates: progress.totalDates }, 'run started');
  const execution = await executePlan(plan, {
    warehouse,
    runId: services.runId,
    concurrency: request.concurrency,
    policy: request.policy,
    allowShrink: request.allowShrink,
    allowDropKeys: request.allowDropKeys,
    commandLine: request.commandLine,
    toolVersion: request.toolVersion,
    logger,
    stopSwitch: services.stopSwitch,
    refresh: (items) => refreshPairs(items, warehouse, inputs, request.force),
    afterPairs: services.afterPairs,
    onStart: (item) => {
      current.add(`${item.processor.name} ${item.date}`);
      runFile?.update({ currentPairs: [...current] });
    },
    onOutcome: (outcome) => {
      current.delete(`${outcome.processor} ${outcome.date}`);
      const key = outcome.status === 'skipped' ? `skipped:${outcome.skipReason}` : outcome.status;
      counts[key] = (counts[key] ?? 0) + 1;
      const dateDone = progress.record(outcome);
      const snapshot = progress.snapshot();
      runFile?.update({ counts, currentPairs: [...current], doneDates: snapshot.doneDates, etaMs: snapshot.etaMs });
      services.onUpdate?.(snapshot, progress.processors());
      // A line every 10 dates finished by real work; dates skipped by rule at the start print none.
      const tens = Math.floor(snapshot.doneDates / 10);
      if (dateDone && outcome.attempts > 0 && tens > printedTens) {
        printedTens = tens;
        services.onProgress?.(snapshot);
      }
    },
  });
  result.outcomes = execution.outcomes;
  result.stop = execution.stop;
}

/**
 * With `migrate`, applies the preflight's safe fixes (adding nullable columns, removing an expiry)
 * and reads the layout again, so what is left is what blocks.
 */
async function migrateIfAsked(warehouse: Warehouse, targets: readonly TableDef[], findings: TableFinding[], migrate: boolean, logger: Logger): Promise<TableFinding[]> {
  const safe = blockers(findings).filter((f) => f.safe && f.fix);
  if (!migrate || safe.length === 0) return findings;
  for (const finding of safe) {
    logger.info({ table: finding.table, fix: finding.fix }, 'migrate: applying a safe fix');
    await warehouse.execute(finding.fix as string);
  }
  return warehouse.preflight(targets);
}

/** Reads the calendar, history and input statistics with grouped queries, then builds the plan. */
export async function planRun(request: RunRequest, warehouse: Warehouse): Promise<{ plan: PlanItem[]; inputs: PlanInputs }> {
  const first = minDate(request.dates) ?? '1970-01-01';
  const last = maxDate(request.dates) ?? first;
  const seasons = knownSeasons(request.schedule ?? (await loadScheduleSeasons(warehouse)), request.includePlayoffs);
  const seasonStart = new SeasonCalendar(seasons, new Map(), request.bootstrapDays).seasonStart(first);
  const windowStart = request.processors.some((p) => p.lookback) ? minDate([first, seasonStart]) ?? first : first;
  const inputs = uniqueTables(request.processors.flatMap(inputTables));
  const upstreamOf = request.upstreamOf ?? ((name: string) => chainPredecessors(name));
  const withUpstream = [...new Set(request.processors.flatMap((p) => [p.name, ...upstreamOf(p.name)]))];
  // Independent reads, side by side: on BigQuery each is a job of about a second.
  const [gameCounts, inputStats, outputStats, history] = await Promise.all([
    loadGameCounts(warehouse, first, last),
    loadInputStats(warehouse, inputs, windowStart, last),
    loadInputStats(warehouse, request.processors.map((p) => p.table), first, last),
    readLatestStates(warehouse, withUpstream, first, last),
  ]);
  const calendar = new SeasonCalendar(seasons, gameCounts, request.bootstrapDays);
  const versions = new Map(request.processors.map((p) => [p.name, processorVersion(p, warehouse.dialect)]));
  const planInputs = { processors: request.processors, dates: request.dates, calendar, inputStats, outputStats, history, versions, upstreamOf };
  const plan = buildPlan(planInputs, { force: request.force, includeBootstrap: request.includeBootstrap });
  const only = request.onlyPairs;
  return { plan: only ? plan.filter((i) => only.has(pairKey(i.processor.name, i.date))) : plan, inputs: planInputs };
}

/**
 * Decides deferred pairs again right before they run: their inputs written earlier in this run are
 * read fresh, with one grouped query per such table for the whole group of pairs, so fingerprints,
 * required inputs and up-to-date checks see what the upstream steps just wrote.
 */
export async function refreshPairs(items: readonly PlanItem[], warehouse: Warehouse, inputs: PlanInputs, force: boolean): Promise<PairDecision[]> {
  if (items.length === 0) return [];
  const produced = new Set(inputs.processors.map((p) => qualifiedName(p.table)));
  const stale = uniqueTables(items.flatMap((i) => inputTables(i.processor).filter((t) => produced.has(qualifiedName(t)))));
  const from = minDate(items.map((i) => (i.processor.lookback ? i.seasonStart : i.date))) as IsoDate;
  const first = minDate(items.map((i) => i.date)) as IsoDate;
  const last = maxDate(items.map((i) => i.date)) as IsoDate;
  const [fresh, output] = await Promise.all([
    loadInputStats(warehouse, stale, from, last),
    loadInputStats(warehouse, uniqueTables(items.map((i) => i.processor.table)), first, last),
  ]);
  const inputStats: InputStats = new Map(inputs.inputStats);
  for (const [table, byDate] of fresh) inputStats.set(table, byDate);
  const outputStats: InputStats = new Map(inputs.outputStats);
  for (const [table, byDate] of output) outputStats.set(table, byDate);
  return items.map((item) => decidePair(item.processor, item.date, item.seasonStart, { ...inputs, inputStats, outputStats }, force));
}

function uniqueTables(tables: readonly TableDef[]): TableDef[] {
  const seen = new Map<string, TableDef>();
  for (const t of tables) seen.set(qualifiedName(t), t);
  return [...seen.values()];
}

export type { PairOutcome, RunStop } from './outcome.js';
export type { PlanItem } from './plan.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
