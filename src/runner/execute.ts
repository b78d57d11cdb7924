import type { Logger } from 'pino';
import { inputTables, type ProcessorDefinition } from '../processors/processor.js';
import type { ErrorClass } from '../vocabulary.js';
import { errorMessage } from '../warehouse/errors.js';
import { qualifiedName } from '../warehouse/schema.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import { batchUnits } from './batch-units.js';
import { insertHistory, pairKey, platformHistoryRow, processorRunHistory, type HistoryRow } from './history.js';
import { abortableSleep, base, historyRow, immediateOutcome, notRun } from './pair-records.js';
import type { PairOutcome, RunStop } from './outcome.js';
import { inWindow, type PairDecision, type PlanItem } from './plan.js';
import { pairPriority, priorityLimit } from './priority-limit.js';
import { decide, type AttemptCounts, type RetryPolicy } from './retry-policy.js';
import { pacerFor } from './write-pacer.js';

/** Lets Ctrl-C (or a test) stop a run between pairs. */
export interface StopSwitch {
  stop?: RunStop;
}

export interface ExecuteOptions {
  warehouse: Warehouse;
  runId: string;
  concurrency: number;
  policy: RetryPolicy;
  allowShrink: boolean;
  allowDropKeys: boolean;
  commandLine: string;
  toolVersion: string;
  logger: Logger;
  stopSwitch: StopSwitch;
  /** Called once per pair as it finishes (skips included). */
  onOutcome?: (outcome: PairOutcome) => void;
  /** Decides deferred pairs again from fresh statistics, right before they run (one result per pair). */
  refresh?: (items: readonly PlanItem[]) => Promise<PairDecision[]>;
  /** Called when a pair starts. */
  onStart?: (item: PlanItem) => void;
  /** Started once every pair has finished, alongside the end-of-run history (run's validation). */
  afterPairs?: (stop: RunStop | undefined) => Promise<unknown>;
  sleep?: (ms: number, switchToWatch: StopSwitch) => Promise<void>;
  random?: () => number;
}

export interface ExecutionResult {
  outcomes: PairOutcome[];
  stop?: RunStop;
}

const BREAKER_WINDOW = 10;

/**
 * Runs a plan: records rule skips and plan-time failures in one batch, then runs the pairs with
 * bounded concurrency, oldest date first (an earlier phase a few dates ahead). A pair waits for
 * its same-date upstream in the plan; a failure blocks only that date's downstream pairs. Never
 * throws for a pair's failure.
 */
export async function executePlan(items: readonly PlanItem[], options: ExecuteOptions): Promise<ExecutionResult> {
  const { warehouse, logger, stopSwitch } = options;
  const sleep = options.sleep ?? abortableSleep;
  const outcomes: PairOutcome[] = [];
  /** Dates each processor wrote in this run (successes), for deferred pairs that may stay up to date. */
  const wrote = new Map<string, string[]>();
  const finish = (outcome: PairOutcome) => {
    if (outcome.status === 'success') wrote.set(outcome.processor, [...(wrote.get(outcome.processor) ?? []), outcome.date]);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };

  const immediate = items.filter((i) => i.action !== 'run');
  const history = immediate
    .filter((i) => (i.action === 'skip' && i.recordSkip) || i.action === 'fail')
    .map((i) => historyRow(options, i, new Date(), new Date(), i.action === 'skip'
      ? { status: 'skipped', skipReason: i.skipReason ?? null }
      : { status: 'failed', errorClass: i.errorClass ?? 'missing-dependency', errors: [{ attempt: 0, class: i.errorClass, message: i.message }], missing: i.missingDependencies ?? null, attempts: 0 }));
  await insertHistory(warehouse, history);
  for (const item of immediate) finish(immediateOutcome(item));

  const recent: boolean[] = [];
  const late: { item: PlanItem; row: HistoryRow }[] = [];
  // Where the engine caps writes per table, each write waits for its table's budget without a slot.
  const pacer = pacerFor(warehouse);
  const limit = priorityLimit(Math.max(1, options.concurrency), pacer);
  const done = new Map<string, Promise<PairOutcome>>();
  const runnable = items
    .filter((i) => i.action === 'run')
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const planned = new Map(items.map((i) => [pairKey(i.processor.name, i.date), i]));
  const priority = pairPriority(runnable, options.concurrency);

  /** The outcome of an upstream pair: awaited when it runs, immediate when the plan decided it. */
  const upstreamOutcome = (name: string, date: string): Promise<PairOutcome> | PairOutcome | undefined => {
    const key = pairKey(name, date);
    const running = done.get(key);
    if (running) return running;
    const item = planned.get(key);
    return item ? immediateOutcome(item) : undefined;
  };

  /** Feeds the circuit breaker with a pair that ran. */
  const account = (outcome: PairOutcome) => {
    if (outcome.status !== 'success' && outcome.status !== 'failed') return;
    recent.push(outcome.status === 'failed');
    if (recent.length > BREAKER_WINDOW) recent.shift();
    const failures = recent.filter(Boolean).length;
    if (recent.length === BREAKER_WINDOW && failures * 2 > BREAKER_WINDOW && !stopSwitch.stop) {
      stopSwitch.stop = { kind: 'aborted', reason: `circuit breaker: ${failures} of the last ${BREAKER_WINDOW} finished pairs failed` };
    }
  };

  /** Each processor's planned pairs, oldest first, to find the earlier upstream pairs of a unit. */
  const plannedOf = new Map<string, PlanItem[]>();
  for (const item of items) {
    const list = plannedOf.get(item.processor.name) ?? [];
    list.push(item);
    plannedOf.set(item.processor.name, list);
  }
  for (const list of plannedOf.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  /**
   * `processor|date` -> settles once every runnable pair of that processor in the season, up to and
   * including the date, has finished: built once as a running chain, so a unit waits on one promise
   * per upstream instead of one per earlier date.
   */
  const finishedThrough = new Map<string, Promise<unknown>>();
  const buildFinishedThrough = () => {
    for (const [name, list] of plannedOf) {
      let chain: Promise<unknown> = Promise.resolve();
      let season = '';
      for (const item of list) {
        if (item.seasonStart !== season) [chain, season] = [Promise.resolve(), item.seasonStart];
        const own = done.get(pairKey(name, item.date));
        if (own) chain = Promise.all([chain, own]);
        finishedThrough.set(pairKey(name, item.date), chain);
      }
    }
  };
  /** The upstream's latest planned date of the season before `date`, if any. */
  const earlierThan = (name: string, seasonStart: string, date: string): string | undefined => {
    const list = plannedOf.get(name) ?? [];
    let found: string | undefined;
    for (const item of list) {
      if (item.date >= date) break;
      if (item.date >= seasonStart) found = item.date;
    }
    return found;
  };

  /**
   * Runs a unit (one pair, or a batch of one processor's consecutive dates) once its upstream is
   * done: the same-date upstream pairs must have succeeded, and the upstream pairs of the earlier
   * dates of the season must have finished (their outputs feed this step's windows and fingerprint).
   */
  const schedule = (unit: PlanItem[]): Promise<Map<string, PairOutcome>> => {
    const waits = unit.map((item) =>
      Promise.all(item.upstream.map((name) => upstreamOutcome(name, item.date)).filter((u) => u !== undefined)),
    );
    const first = unit[0] as PlanItem;
    const last = unit[unit.length - 1] as PlanItem;
    const earlier = first.upstream
      .map((name) => {
        const before = earlierThan(name, first.seasonStart, last.date);
        return before === undefined ? undefined : finishedThrough.get(pairKey(name, before));
      })
      .filter((p) => p !== undefined);
    return Promise.all([Promise.all(waits), Promise.all(earlier)]).then(async ([upstreams]) => {
      const outcomes = new Map<string, PairOutcome>();
      const ready: PlanItem[] = [];
      unit.forEach((item, i) => {
        const failedUp = (upstreams[i] ?? []).find((u) => u.status !== 'success' && !(u.status === 'skipped' && u.skipReason === 'up-to-date'));
        if (failedUp) outcomes.set(item.date, notRun(item, 'upstream-not-done', `${failedUp.processor} did not succeed for ${item.date}`));
        else ready.push(item);
      });
      if (ready.length > 0) {
        const work = async () => {
          if (stopSwitch.stop) return ready.map((item) => notRun(item, 'interrupted', stopSwitch.stop?.reason ?? 'stopped'));
          // Deferred pairs are decided again from fresh statistics; those still to run go together.
          // Where history is written later anyway, they run as planned and get their fingerprints
          // at the end of the run from one query (writeLateHistory), not one query per pair.
          const deferred = options.refresh && warehouse.atomicHistory ? ready.filter((i) => i.deferred) : [];
          const decisions = deferred.length > 0 && options.refresh ? await options.refresh(deferred) : [];
          const decided = ready.map((item) => {
            const at = deferred.indexOf(item);
            if (at >= 0) return redecide(item, decisions[at] as PairDecision);
            return item.upToDateUnlessRewritten && !inputsRewritten(item) ? ({ ...item, action: 'skip', skipReason: 'up-to-date' } as PlanItem) : item;
          });
          const settled: PairOutcome[] = [];
          for (const item of decided.filter((i) => i.action !== 'run')) settled.push(await finishImmediately(item));
          return [...settled, ...(await runBatch(decided.filter((i) => i.action === 'run')))];
        };
        // Paced pairs take a slot per attempt (runPair), so a backoff or a budget wait holds none.
        const ran = await (pacer ? work() : limit(priority(first), work));
        for (const outcome of ran) outcomes.set(outcome.date, outcome);
      }
      for (const item of unit) finish(outcomes.get(item.date) as PairOutcome);
      return outcomes;
    });
  };
  /** Whether a pair of this run wrote an input of the item: its date, or (with a lookback) a date of its window. */
  const producerOf = new Map(items.map((i) => [qualifiedName(i.processor.table), i.processor.name]));
  const inputsRewritten = (item: PlanItem): boolean =>
    inputTables(item.processor).some((table) =>
      (wrote.get(producerOf.get(qualifiedName(table)) ?? '') ?? []).some((d) => d === item.date || inWindow(item.processor, item.date, item.seasonStart, d)),
    );
  // Every runnable pair gets its promise before any unit is scheduled: units of different
  // processors span different dates, so a unit may wait for one that comes later in the list.
  const settle = new Map<string, { resolve: (outcome: PairOutcome) => void; reject: (error: unknown) => void }>();
  for (const item of runnable) {
    const key = pairKey(item.processor.name, item.date);
    done.set(key, new Promise((resolve, reject) => settle.set(key, { resolve, reject })));
  }
  buildFinishedThrough();
  for (const unit of batchUnits(runnable, items, warehouse.batchDays)) {
    const gates = unit.map((item) => ({ item, gate: settle.get(pairKey(item.processor.name, item.date)) }));
    schedule(unit).then(
      (outcomes) => gates.forEach(({ item, gate }) => gate?.resolve(outcomes.get(item.date) as PairOutcome)),
      (error: unknown) => gates.forEach(({ gate }) => gate?.reject(error)),
    );
  }
  await Promise.all(done.values());
  await Promise.all([writeLateHistory(), options.afterPairs?.(stopSwitch.stop)]);
  return { outcomes, stop: stopSwitch.stop };

  /** A success row now, or held for writeLateHistory when the pair's fingerprint is decided late. */
  function lateOrNow(item: PlanItem, row: HistoryRow): Row[] {
    if (warehouse.atomicHistory || !item.deferred || !options.refresh) return [platformHistoryRow(row)];
    late.push({ item, row });
    return [];
  }

  /**
   * The fingerprints of deferred pairs that ran, from the inputs as they stand now (their upstream
   * finished before them, so nothing this run wrote after them is in their windows), in one refresh.
   */
  async function writeLateHistory(): Promise<void> {
    if (late.length === 0 || !options.refresh) return;
    const decisions = await options.refresh(late.map((l) => l.item));
    await insertHistory(warehouse, late.map((l, i) => ({ ...l.row, input_fingerprint: decisions[i]?.fingerprint ?? l.row.input_fingerprint })));
  }

  /**
   * Runs one processor over consecutive dates in one statement, with one history row and one
   * status per date; a failing batch is split in halves until the failing dates run alone, under
   * the retry policy of a single pair.
   */
  async function runBatch(batch: PlanItem[]): Promise<PairOutcome[]> {
    if (batch.length === 0) return [];
    if (stopSwitch.stop) return batch.map((item) => notRun(item, 'interrupted', stopSwitch.stop?.reason ?? 'stopped'));
    if (batch.length === 1) {
      const outcome = await runPair(batch[0] as PlanItem);
      account(outcome);
      return [outcome];
    }
    const first = batch[0] as PlanItem;
    const last = batch[batch.length - 1] as PlanItem;
    for (const item of batch) options.onStart?.(item);
    const started = new Date();
    try {
      const results = await warehouse.replaceDays({
        table: first.processor.table,
        dates: batch.map((i) => i.date),
        selectSql: sqlFor(first.processor, warehouse),
        params: { start: first.date, end: last.date, season_start: first.seasonStart },
        minRows: new Map(batch.map((i) => [i.date, i.minRows])),
        check: checkOf(first.processor, warehouse),
        allowShrink: options.allowShrink,
        allowDropKeys: options.allowDropKeys,
        labels: { run_id: options.runId },
        alsoInsert: {
          table: processorRunHistory,
          rows: (r) => batch.flatMap((i) => lateOrNow(i, historyRow(options, i, started, new Date(), { status: 'success', rowsWritten: r.get(i.date)?.rowsWritten ?? 0, attempts: 1 }))),
        },
      });
      const share = Math.round((Date.now() - started.getTime()) / batch.length);
      logger.info({ processor: first.processor.name, from: first.date, to: last.date, days: batch.length }, 'batch succeeded');
      return batch.map((i) => {
        const outcome: PairOutcome = { ...base(i), status: 'success', rowsWritten: results.get(i.date)?.rowsWritten ?? 0, attempts: 1, durationMs: share };
        account(outcome);
        return outcome;
      });
    } catch (error) {
      logger.warn({ processor: first.processor.name, from: first.date, to: last.date, err: errorMessage(error) }, 'batch failed; splitting it');
      const middle = Math.ceil(batch.length / 2);
      return [...(await runBatch(batch.slice(0, middle))), ...(await runBatch(batch.slice(middle)))];
    }
  }

  /** A deferred pair re-decided as up to date or failing: finish it the way the plan would have. */
  async function finishImmediately(item: PlanItem): Promise<PairOutcome> {
    if (item.action === 'fail') {
      await insertHistory(warehouse, [
        historyRow(options, item, new Date(), new Date(), {
          status: 'failed',
          errorClass: 'missing-dependency',
          errors: [{ attempt: 0, class: 'missing-dependency', message: item.message }],
          missing: item.missingDependencies ?? null,
        }),
      ]);
    }
    return immediateOutcome(item);
  }

  async function runPair(item: PlanItem): Promise<PairOutcome> {
    let started = new Date();
    const counts: AttemptCounts = { transient: 0, rateLimit: 0, quota: 0 };
    const errors: { attempt: number; class: ErrorClass; message: string }[] = [];
    const log = logger.child({ processor: item.processor.name, date: item.date });
    log.debug({ fingerprint: item.fingerprint, minRows: item.minRows }, 'pair started');
    const lane = pacer ? qualifiedName(item.processor.table) : undefined;
    const rateLimited = () => (counts.rateLimit > 0 ? { rateLimited: counts.rateLimit } : {});
    for (let attempt = 1; ; attempt += 1) {
      try {
        const write = () => {
          if (attempt === 1) {
            started = new Date();
            options.onStart?.(item);
          }
          return warehouse.replaceDay({
          table: item.processor.table,
          date: item.date,
          selectSql: sqlFor(item.processor, warehouse),
          params: { start: item.date, end: item.date, season_start: item.seasonStart },
          minRows: item.minRows,
          check: checkOf(item.processor, warehouse),
          allowShrink: options.allowShrink,
          allowDropKeys: options.allowDropKeys,
          labels: { run_id: options.runId },
          alsoInsert: {
            table: processorRunHistory,
            rows: (r) => lateOrNow(item, historyRow(options, item, started, new Date(), { status: 'success', rowsWritten: r.rowsWritten, attempts: attempt, errors })),
          },
          });
        };
        // Paced: a slot and the table's budget per attempt; a pair stopped while it waited does not run.
        const result = lane ? await limit(priority(item), async () => (attempt === 1 && stopSwitch.stop ? undefined : write()), lane) : await write();
        if (!result) return notRun(item, 'interrupted', stopSwitch.stop?.reason ?? 'stopped');
        if (lane) pacer?.succeeded(lane);
        log.info({ attempt, rows: result.rowsWritten, previous: result.previousRows }, 'pair succeeded');
        return { ...base(item), status: 'success', rowsWritten: result.rowsWritten, attempts: attempt, ...rateLimited(), durationMs: Date.now() - started.getTime() };
      } catch (error) {
        const errorClass = warehouse.classifyError(error);
        const message = errorMessage(error);
        errors.push({ attempt, class: errorClass, message });
        if (errorClass === 'transient') counts.transient += 1;
        if (errorClass === 'rate-limit') counts.rateLimit += 1;
        if (errorClass === 'quota') counts.quota += 1;
        // The table's own rate limit backs off by its window and slows the table's budget down.
        const decision = lane && pacer && errorClass === 'rate-limit' && warehouse.tableRateLimited?.(error)
          ? pacer.retry(lane, counts, options.policy, options.random)
          : decide(errorClass, counts, options.policy, options.random);
        if (decision.action === 'retry' && !stopSwitch.stop) {
          log.warn({ attempt, errorClass, delayMs: decision.delayMs, err: message }, `attempt ${attempt} failed (${errorClass}); retrying`);
          await sleep(decision.delayMs, stopSwitch);
          if (!stopSwitch.stop) continue;
        }
        if (decision.action === 'abort' && !stopSwitch.stop) {
          stopSwitch.stop = { kind: 'aborted', errorClass, reason: `${errorClass} error on ${item.processor.name} ${item.date}: ${message}` };
        }
        log.error({ attempt, errorClass, err: message }, 'pair failed');
        const finishedAt = new Date();
        await insertHistory(warehouse, [
          historyRow(options, item, started, finishedAt, { status: 'failed', errorClass, errors, attempts: attempt }),
        ]).catch((e: unknown) => log.error({ err: errorMessage(e) }, 'could not record the failure in run history'));
        return { ...base(item), status: 'failed', errorClass, message, rowsWritten: 0, attempts: attempt, ...rateLimited(), durationMs: finishedAt.getTime() - started.getTime() };
      }
    }
  }
}

/** Applies an execution-time decision to a deferred plan item. */
function redecide(item: PlanItem, decision: PairDecision): PlanItem {
  if (decision.action === 'run') return { ...item, fingerprint: decision.fingerprint };
  if (decision.action === 'skip') return { ...item, action: 'skip', skipReason: 'up-to-date', fingerprint: decision.fingerprint };
  return {
    ...item,
    action: 'fail',
    errorClass: 'missing-dependency',
    missingDependencies: decision.missing,
    message: `no rows on ${item.date} in ${decision.missing.join(' or ')}`,
    fingerprint: decision.fingerprint,
  };
}

const sqlCache = new WeakMap<ProcessorDefinition, Map<string, string>>();

/** The processor's SQL for this engine, rendered once per run. */
function sqlFor(processor: ProcessorDefinition, warehouse: Warehouse): string {
  let byEngine = sqlCache.get(processor);
  if (!byEngine) sqlCache.set(processor, (byEngine = new Map()));
  let sql = byEngine.get(warehouse.engine);
  if (sql === undefined) byEngine.set(warehouse.engine, (sql = processor.select(warehouse.dialect)));
  return sql;
}

/** The processor's output check, for the relation the engine holds the new rows in. */
function checkOf(processor: ProcessorDefinition, warehouse: Warehouse): ((rows: string) => string) | undefined {
  const { check } = processor;
  return check ? (rows) => check.call(processor, warehouse.dialect, rows) : undefined;
}
