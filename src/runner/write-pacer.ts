import type { Warehouse, WriteRate } from '../warehouse/warehouse.js';
import { decide, type AttemptCounts, type RetryDecision, type RetryPolicy } from './retry-policy.js';

/**
 * A share of each window left unused: a write reaches the service a little after it is let go
 * here, later when the client is busy (up to about 100 ms measured on a loaded 2-core machine).
 */
const MARGIN = 0.1;
/** After a rate limit the budget grows back by this share of its ceiling per window's worth of writes. */
const INCREASE = 0.1;

interface Budget {
  /** When writes were let go, oldest first, within the long window. */
  times: number[];
  /** Writes let go per window now: the ceiling, halved by a rate limit, growing back with successes. */
  rate: number;
  loweredAt: number;
}

/**
 * One write budget per target table, shared by every pair that writes it: at most `perWindow`
 * writes in any window and `perLongWindow` in any ten (sliding logs), evenly spaced, lowered by
 * AIMD when a rate limit happens anyway (another writer, a lower quota).
 */
export class WritePacer {
  private readonly budgets = new Map<string, Budget>();
  private readonly shortMs: number;
  private readonly longMs: number;

  constructor(
    private readonly limits: WriteRate,
    private readonly now: () => number = Date.now,
  ) {
    this.shortMs = limits.windowMs * (1 + MARGIN);
    this.longMs = this.shortMs * 10;
  }

  /** Milliseconds until `table` may take another write; 0 when it may now. */
  delay(table: string): number {
    const budget = this.budget(table);
    const now = this.now();
    while ((budget.times[0] ?? Infinity) <= now - this.longMs) budget.times.shift();
    const perShort = Math.max(1, Math.floor(budget.rate));
    const perLong = Math.max(1, Math.floor((budget.rate * this.limits.perLongWindow) / this.limits.perWindow));
    // Evenly spaced rather than in bursts: a burst reaches the service spread out by the client's
    // own work, and the next burst could then land in the same window.
    const spaced = (budget.times.at(-1) ?? -Infinity) + this.shortMs / perShort - now;
    return Math.max(0, spaced, until(budget.times, perShort, this.shortMs, now), until(budget.times, perLong, this.longMs, now));
  }

  /** Counts a write to `table` let go now. */
  take(table: string): void {
    this.budget(table).times.push(this.now());
  }

  /** A write went through: additive increase back towards the ceiling. */
  succeeded(table: string): void {
    const budget = this.budget(table);
    budget.rate = Math.min(this.limits.perWindow, budget.rate + (this.limits.perWindow * INCREASE) / budget.rate);
  }

  /**
   * A write was rate-limited: the budget halves (once per window, however many writes of that
   * window were refused) and the pair waits about a window, doubling per repeat up to ten, with
   * jitter; past the policy's rate-limit waits it fails.
   */
  retry(table: string, counts: AttemptCounts, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
    const budget = this.budget(table);
    const now = this.now();
    if (now - budget.loweredAt >= this.limits.windowMs) {
      budget.rate = Math.max(1, budget.rate / 2);
      budget.loweredAt = now;
    }
    const wait = Math.min(this.limits.windowMs * 2 ** Math.max(0, counts.rateLimit - 1), this.limits.windowMs * 10) * (0.5 + random());
    return decide('rate-limit', counts, { ...policy, rateLimitWaitMs: Math.round(wait) });
  }

  /** Writes per window `table` may take now (the ceiling unless lowered). */
  rate(table: string): number {
    return this.budget(table).rate;
  }

  private budget(table: string): Budget {
    let budget = this.budgets.get(table);
    if (!budget) this.budgets.set(table, (budget = { times: [], rate: this.limits.perWindow, loweredAt: -Infinity }));
    return budget;
  }
}

/** How long until fewer than `limit` of `times` fall in the window ending now. */
function until(times: readonly number[], limit: number, windowMs: number, now: number): number {
  const oldest = times[times.length - limit];
  return oldest === undefined ? 0 : oldest + windowMs - now;
}

const pacers = new WeakMap<Warehouse, WritePacer>();

/** The warehouse's pacer, kept across the stages of a command (`run` plans season by season). */
export function pacerFor(warehouse: Warehouse): WritePacer | undefined {
  if (!warehouse.writeRate) return undefined;
  let pacer = pacers.get(warehouse);
  if (!pacer) pacers.set(warehouse, (pacer = new WritePacer(warehouse.writeRate)));
  return pacer;
}

