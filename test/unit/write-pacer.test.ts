import { afterEach, describe, expect, it, vi } from 'vitest';
import { priorityLimit } from '../../src/runner/priority-limit.js';
import { DEFAULT_RETRY_POLICY } from '../../src/runner/retry-policy.js';
import { WritePacer } from '../../src/runner/write-pacer.js';

/** A pacer on a fake clock, and the times at which a table took its writes when let go as soon as allowed. */
function paced(limits: { perWindow: number; perLongWindow: number; windowMs: number }, writes: number): number[] {
  let now = 0;
  const pacer = new WritePacer(limits, () => now);
  const times: number[] = [];
  for (let i = 0; i < writes; i += 1) {
    now += pacer.delay('t');
    expect(pacer.delay('t')).toBe(0);
    pacer.take('t');
    times.push(now);
  }
  return times;
}

/** The most writes in any window of `ms` (the window ending at each write). */
function most(times: readonly number[], ms: number): number {
  return Math.max(...times.map((t) => times.filter((x) => x > t - ms && x <= t).length));
}

describe('WritePacer (fake clock)', () => {
  it('keeps both windows: at most 5 writes in any second and 50 in any 10 s, evenly spaced', () => {
    const times = paced({ perWindow: 5, perLongWindow: 50, windowMs: 1000 }, 120);
    expect(most(times, 1000)).toBeLessThanOrEqual(5);
    expect(most(times, 10_000)).toBeLessThanOrEqual(50);
    // Spaced, not in bursts: a fifth of the window (with its margin) between writes.
    expect(new Set(times.slice(1).map((t, i) => t - (times[i] as number)))).toEqual(new Set([220]));
  });

  it('holds the long window on its own when it is the tighter one', () => {
    const times = paced({ perWindow: 5, perLongWindow: 20, windowMs: 1000 }, 41);
    expect(most(times, 10_000)).toBeLessThanOrEqual(20);
    // The 21st write waits for the 1st to leave the long window (10 windows and the margin).
    expect(times[20]).toBe(11_000);
    expect(times[40]).toBe(22_000);
  });

  it('gives every table its own budget', () => {
    let now = 0;
    const pacer = new WritePacer({ perWindow: 1, perLongWindow: 10, windowMs: 1000 }, () => now);
    pacer.take('a');
    expect(pacer.delay('a')).toBe(1100);
    expect(pacer.delay('b')).toBe(0);
    now = 1100;
    expect(pacer.delay('a')).toBe(0);
  });

  it('AIMD: a rate limit halves the budget once per window and backs off by the window with jitter; successes bring it back', () => {
    let now = 0;
    const pacer = new WritePacer({ perWindow: 8, perLongWindow: 80, windowMs: 1000 }, () => now);
    const counts = (rateLimit: number) => ({ transient: 0, rateLimit, quota: 0 });
    // random 0.5: no jitter; the wait doubles per repeat from one window, capped at ten.
    expect(pacer.retry('t', counts(1), DEFAULT_RETRY_POLICY, () => 0.5)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(pacer.rate('t')).toBe(4);
    // Other refusals of the same window do not lower it again.
    expect(pacer.retry('t', counts(2), DEFAULT_RETRY_POLICY, () => 0.5)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(pacer.rate('t')).toBe(4);
    expect(pacer.delay('t')).toBe(0);
    pacer.take('t');
    expect(pacer.delay('t')).toBe(275);
    now = 1000;
    expect(pacer.retry('t', counts(6), DEFAULT_RETRY_POLICY, () => 0)).toEqual({ action: 'retry', delayMs: 5000 });
    expect(pacer.rate('t')).toBe(2);
    now = 2000;
    pacer.retry('t', counts(1), DEFAULT_RETRY_POLICY, () => 0.5);
    now = 3000;
    pacer.retry('t', counts(1), DEFAULT_RETRY_POLICY, () => 0.5);
    expect(pacer.rate('t')).toBe(1);
    // Past the policy's rate-limit waits the pair fails; the error class stays rate-limit.
    expect(pacer.retry('t', counts(DEFAULT_RETRY_POLICY.maxRateLimitWaits + 1), DEFAULT_RETRY_POLICY)).toEqual({ action: 'fail' });
    // Additive increase: about a tenth of the ceiling per window's worth of successes, never past it.
    let successes = 0;
    while (pacer.rate('t') < 8) {
      pacer.succeeded('t');
      successes += 1;
    }
    expect(pacer.rate('t')).toBe(8);
    expect(successes).toBeGreaterThan(20);
    expect(successes).toBeLessThan(60);
  });
});

describe('priorityLimit with the pacer as lanes (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a pair waiting for its table's budget holds no slot, other tables flow, and each table's oldest date goes first", async () => {
    vi.useFakeTimers({ now: 0 });
    const pacer = new WritePacer({ perWindow: 1, perLongWindow: 10, windowMs: 1000 });
    const limit = priorityLimit(1, pacer);
    const started: string[] = [];
    const write = (name: string, ms: number) => async () => {
      started.push(`${name}@${Date.now()}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
    };
    // Keys are date ranks: table a's dates 3, 1, 2 and table b's 4 and 5, queued in that order.
    const all = Promise.all([limit(3, write('a3', 100), 'a'), limit(1, write('a1', 100), 'a'), limit(2, write('a2', 100), 'a'), limit(4, write('b4', 100), 'b'), limit(5, write('b5', 100), 'b')]);
    await vi.runAllTimersAsync();
    await all;
    // a3 got the free slot at once; then a1 (oldest) waits for a's budget while b4 uses the slot;
    // b5 waits for b's budget; a1 and a2 follow a's budget in date order, a3 already ran.
    expect(started).toEqual(['a3@0', 'b4@100', 'a1@1100', 'b5@1200', 'a2@2200']);
  });

  it('without lanes it is the plain priority limit', async () => {
    vi.useFakeTimers({ now: 0 });
    const limit = priorityLimit(2);
    const started: string[] = [];
    const task = (name: string) => async () => {
      started.push(name);
      await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const all = Promise.all([limit(7, task('a')), limit(8, task('b')), limit(6, task('c'))]);
    await vi.runAllTimersAsync();
    await all;
    expect(started).toEqual(['a', 'b', 'c']);
  });
});
