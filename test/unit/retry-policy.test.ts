import { describe, expect, it } from 'vitest';
import { backoffDelay, decide, DEFAULT_RETRY_POLICY } from '../../src/runner/retry-policy.js';

const policy = DEFAULT_RETRY_POLICY;
const none = { transient: 0, rateLimit: 0, quota: 0 };

describe('retry policy', () => {
  it('backs off 1 s x 2^n, capped at 60 s, with +-50 % jitter', () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(1000);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(2000);
    expect(backoffDelay(4, policy, () => 0.5)).toBe(8000);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(60_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(6000);
  });

  it('retries transient errors up to 5 attempts in all', () => {
    expect(decide('transient', { ...none, transient: 1 }, policy, () => 0.5)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decide('transient', { ...none, transient: 4 }, policy, () => 0.5)).toEqual({ action: 'retry', delayMs: 8000 });
    expect(decide('transient', { ...none, transient: 5 }, policy)).toEqual({ action: 'fail' });
  });

  it('waits 60 s on rate limits and 10 min on quota, aborting after 3 quota waits', () => {
    expect(decide('rate-limit', { ...none, rateLimit: 1 }, policy)).toEqual({ action: 'retry', delayMs: 60_000 });
    expect(decide('quota', { ...none, quota: 3 }, policy)).toEqual({ action: 'retry', delayMs: 600_000 });
    expect(decide('quota', { ...none, quota: 4 }, policy)).toEqual({ action: 'abort' });
  });

  it('fails the date on data errors and stops the run on fatal ones', () => {
    for (const errorClass of ['missing-dependency', 'invalid-data', 'shrink-guard'] as const) {
      expect(decide(errorClass, none, policy)).toEqual({ action: 'fail' });
    }
    expect(decide('fatal', none, policy)).toEqual({ action: 'abort' });
  });
});
