import type { SeasonCalendar } from '../calendar/calendar.js';
import type { IsoDate } from '../calendar/dates.js';
import type { ProcessorDefinition } from '../processors/processor.js';
import { minimumRows } from '../processors/processor.js';
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
}

/**
 * Dates x processors with a decision and a reason for each. Pure: everything it needs was read
 * beforehand with grouped queries, so planning a season costs no per-date round trips.
 */
export function buildPlan(inputs: PlanInputs, options: PlanOptions): PlanItem[] {
  const items: PlanItem[] = [];
  for (const date of inputs.dates) {
    const games = inputs.calendar.games(date);
    const seasonStart = inputs.calendar.seasonStart(date);
    for (const processor of inputs.processors) {
      const base = { processor, date, seasonStart, games, minRows: minimumRows(processor.expectedRows, games) };
      const latest = inputs.history.get(pairKey(processor.name, date));
      const ruleSkip = skipRule(processor, date, games, inputs.calendar, options);
      if (ruleSkip) {
        const alreadyRecorded = latest?.status === 'skipped' && latest.skipReason === ruleSkip;
        items.push({ ...base, action: 'skip', skipReason: ruleSkip, recordSkip: !alreadyRecorded });
        continue;
      }
      const version = inputs.versions.get(processor.name) ?? '';
      const print = fingerprint(processor, version, inputs.inputStats, date, seasonStart);
      const missing = missingDependencies(processor, inputs.inputStats, date);
      if (missing.length > 0) {
        items.push({
          ...base,
          action: 'fail',
          errorClass: 'missing-dependency',
          missingDependencies: missing,
          message: `no rows on ${date} in ${missing.join(' or ')}`,
          fingerprint: print,
          recordSkip: false,
        });
        continue;
      }
      if (!options.force && isUpToDate(latest, print, inputs.outputStats, processor, date)) {
        items.push({ ...base, action: 'skip', skipReason: 'up-to-date', fingerprint: print, recordSkip: false });
        continue;
      }
      items.push({ ...base, action: 'run', fingerprint: print, recordSkip: false });
    }
  }
  return items;
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
