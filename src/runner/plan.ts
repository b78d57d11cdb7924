import type { SeasonCalendar } from '../calendar/calendar.js';
import type { IsoDate } from '../calendar/dates.js';
import type { ProcessorDefinition } from '../processors/processor.js';
import { inputTables, minimumRows } from '../processors/processor.js';
import type { ErrorClass, SkipReason } from '../vocabulary.js';
import { qualifiedName } from '../warehouse/schema.js';
import { fingerprint, missingDependencies, statsFor, type InputStats } from './fingerprint.js';
import { pairKey, type PairState } from './history.js';

/** What the runner will do with one (processor, date). */
export type PlanAction =
  /** Run the processor for the date. */
  | 'run'
  /** Skipped by a rule (no games, bootstrap, up to date). */
  | 'skip'
  /** Known to fail before running (a required input is empty); recorded as failed. */
  | 'fail'
  /** Refused at plan time (upstream not done); reported, never recorded. */
  | 'refuse';

export interface PlanItem {
  processor: ProcessorDefinition;
  date: IsoDate;
  seasonStart: IsoDate;
  games: number;
  action: PlanAction;
  skipReason?: SkipReason;
  errorClass?: ErrorClass;
  /** Why the pair is refused or fails before running. */
  message?: string;
  missingDependencies?: string[];
  fingerprint?: string;
  minRows: number;
  /** Write a history row for this skip (not when the latest row already records the same skip). */
  recordSkip: boolean;
  /** Same-date processors of this run that must succeed first (the chain before it). */
  upstream: string[];
  /**
   * The pair reads a table this run rewrites first: whether it is up to date (and its inputs
   * present) is decided again right before it runs, from fresh statistics.
   */
  deferred: boolean;
  /**
   * A deferred pair that was up to date at plan time: it stays so when no upstream pair of this
   * run writes its date or a date of its window (say a retried upstream date fails again).
   */
  upToDateUnlessRewritten?: boolean;
}

export interface PlanOptions {
  /** Reprocess pairs that are up to date. */
  force: boolean;
  /** Run Phase 4 on bootstrap days too. */
  includeBootstrap: boolean;
}

export interface PlanInputs {
  processors: readonly ProcessorDefinition[];
  dates: readonly IsoDate[];
  calendar: SeasonCalendar;
  inputStats: InputStats;
  /** Row counts of the processors' own output tables per date. */
  outputStats: InputStats;
  history: ReadonlyMap<string, PairState>;
  versions: ReadonlyMap<string, string>;
  /** The processors that must have succeeded for a date before this one (its chain predecessors). */
  upstreamOf: (name: string) => readonly string[];
}

/** The decision for a pair that no rule skips: fail (missing input), up to date, or run. */
export type PairDecision =
  | { action: 'fail'; fingerprint: string; missing: string[] }
  | { action: 'skip'; fingerprint: string }
  | { action: 'run'; fingerprint: string };

/**
 * Fingerprint, required inputs and up-to-date check of one pair from the given statistics.
 * `assumePresent` lists tables this run writes before the pair runs: they satisfy their group.
 */
export function decidePair(
  processor: ProcessorDefinition,
  date: IsoDate,
  seasonStart: IsoDate,
  inputs: Pick<PlanInputs, 'inputStats' | 'outputStats' | 'history' | 'versions'>,
  force: boolean,
  assumePresent: ReadonlySet<string> = new Set(),
): PairDecision {
  const version = inputs.versions.get(processor.name) ?? '';
  const print = fingerprint(processor, version, inputs.inputStats, date, seasonStart);
  const missing = missingDependencies(processor, inputs.inputStats, date, assumePresent);
  if (missing.length > 0) return { action: 'fail', fingerprint: print, missing };
  const latest = inputs.history.get(pairKey(processor.name, date));
  if (!force && isUpToDate(latest, print, inputs.outputStats, processor, date)) return { action: 'skip', fingerprint: print };
  return { action: 'run', fingerprint: print };
}

/**
 * Dates x processors with a decision and a reason for each. Pure: everything it needs was read
 * beforehand with grouped queries, so planning a season costs no per-date round trips.
 */
export function buildPlan(planInputs: PlanInputs, options: PlanOptions): PlanItem[] {
  // Each processor's upstream, worked out once instead of for every pair.
  const upstreams = new Map(planInputs.processors.map((p) => [p.name, planInputs.upstreamOf(p.name)]));
  const inputs = { ...planInputs, upstreamOf: (name: string) => upstreams.get(name) ?? planInputs.upstreamOf(name) };
  const items: PlanItem[] = [];
  const inRun = new Set(inputs.processors.map((p) => p.name));
  const producer = new Map(inputs.processors.map((p) => [qualifiedName(p.table), p.name]));
  /** Dates each processor of the run will rewrite. */
  const rewrites = new Map<string, IsoDate[]>(inputs.processors.map((p) => [p.name, []]));
  for (const date of inputs.dates) {
    const games = inputs.calendar.games(date);
    const seasonStart = inputs.calendar.seasonStart(date);
    const byName = new Map<string, PlanItem>();
    for (const processor of inputs.processors) {
      const upstream = inputs.upstreamOf(processor.name).filter((name) => inRun.has(name));
      const base = { processor, date, seasonStart, games, minRows: minimumRows(processor.expectedRows, games), upstream, deferred: false };
      const item = planPair(base, inputs, options, inRun, producer, rewrites, byName);
      byName.set(processor.name, item);
      if (item.action === 'run') rewrites.get(processor.name)?.push(date);
      items.push(item);
    }
  }
  return items;
}

/** Whether `day` lies in the lookback window of a processor's pair: the season's days before its date. */
export function inWindow(processor: ProcessorDefinition, date: IsoDate, seasonStart: IsoDate, day: IsoDate): boolean {
  return Boolean(processor.lookback) && day >= seasonStart && day < date;
}

function planPair(
  base: Omit<PlanItem, 'action' | 'recordSkip'>,
  inputs: PlanInputs,
  options: PlanOptions,
  inRun: ReadonlySet<string>,
  producer: ReadonlyMap<string, string>,
  rewrites: ReadonlyMap<string, IsoDate[]>,
  sameDate: ReadonlyMap<string, PlanItem>,
): PlanItem {
  const { processor, date, seasonStart, games } = base;
  const latest = inputs.history.get(pairKey(processor.name, date));
  const ruleSkip = skipRule(processor, date, games, inputs.calendar, options);
  if (ruleSkip) {
    const alreadyRecorded = latest?.status === 'skipped' && latest.skipReason === ruleSkip;
    return { ...base, action: 'skip', skipReason: ruleSkip, recordSkip: !alreadyRecorded };
  }
  // A chain step never runs for a date whose upstream has not succeeded and is not in this run.
  const notDone = inputs
    .upstreamOf(processor.name)
    .filter((name) => !inRun.has(name) && inputs.history.get(pairKey(name, date))?.status !== 'success');
  if (notDone.length > 0) {
    return {
      ...base,
      action: 'refuse',
      errorClass: 'upstream-not-done',
      message: `${notDone.join(', ')} has not succeeded for ${date}; run it first (or add --with-upstream)`,
      missingDependencies: notDone,
      recordSkip: false,
    };
  }
  // Inputs this run rewrites before the pair: same-date upstream output, or a lookback window
  // holding a date the producer rewrites.
  const rewritten = new Set<string>();
  for (const table of inputTables(processor)) {
    const name = producer.get(qualifiedName(table));
    if (!name || name === processor.name) continue;
    const dates = rewrites.get(name) ?? [];
    const sameDay = sameDate.get(name)?.action === 'run';
    const window = dates.some((d) => inWindow(processor, date, seasonStart, d));
    if (sameDay || window || sameDate.has(name)) rewritten.add(qualifiedName(table));
  }
  const decision = decidePair(processor, date, seasonStart, inputs, options.force, rewritten);
  const deferred = [...rewritten].some((t) => {
    const name = producer.get(t) as string;
    return sameDate.get(name)?.action === 'run' || (rewrites.get(name) ?? []).some((d) => inWindow(processor, date, seasonStart, d));
  });
  if (decision.action === 'fail') {
    return {
      ...base,
      action: 'fail',
      errorClass: 'missing-dependency',
      missingDependencies: decision.missing,
      message: `no rows on ${date} in ${decision.missing.join(' or ')}`,
      fingerprint: decision.fingerprint,
      recordSkip: false,
    };
  }
  if (decision.action === 'skip' && !deferred) {
    return { ...base, action: 'skip', skipReason: 'up-to-date', fingerprint: decision.fingerprint, recordSkip: false };
  }
  const upToDate = decision.action === 'skip' ? { upToDateUnlessRewritten: true } : {};
  return { ...base, action: 'run', fingerprint: decision.fingerprint, deferred, recordSkip: false, ...upToDate };
}

function skipRule(
  processor: ProcessorDefinition,
  date: IsoDate,
  games: number,
  calendar: SeasonCalendar,
  options: PlanOptions,
): SkipReason | undefined {
  // Every bootstrap day is recorded as bootstrap, game or not (the runbook's expected-empty lists).
  if (processor.phase === 4 && !options.includeBootstrap && calendar.isBootstrap(date)) return 'bootstrap';
  if (games === 0) return 'no-games';
  return undefined;
}

/** Its last success has the same fingerprint and its output still holds the rows it wrote. */
function isUpToDate(
  latest: PairState | undefined,
  print: string,
  outputStats: InputStats,
  processor: ProcessorDefinition,
  date: IsoDate,
): boolean {
  if (!latest || latest.status !== 'success' || latest.fingerprint !== print) return false;
  const current = statsFor(outputStats, processor.table, date).rows;
  return latest.rowsWritten !== null && current === latest.rowsWritten && current > 0;
}

/** Counts of plan decisions, for the dry-run table and the summary. */
export function countPlan(items: readonly PlanItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = item.action === 'skip' ? `skip:${item.skipReason}` : item.action;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function outputTableName(processor: ProcessorDefinition): string {
  return qualifiedName(processor.table);
}
