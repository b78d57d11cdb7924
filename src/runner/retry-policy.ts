import type { ErrorClass } from '../vocabulary.js';

/** How the runner reacts to each error class (product.md §5). All waits are injectable for tests. */
export interface RetryPolicy {
  /** Attempts for `transient` errors, the first included. Default 5. */
  maxTransientAttempts: number;
  /** Backoff base: 1 s x 2^n, capped, with +-50 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait after a `rate-limit` error before trying again. Default 60 s (`--rate-limit-wait`). */
  rateLimitWaitMs: number;
  /** Rate-limit waits before the pair fails. Default 10. */
  maxRateLimitWaits: number;
  /** Wait after a `quota` error. Default 10 min. */
  quotaWaitMs: number;
  /** Quota waits before the run aborts (exit 3). Default 3. */
  maxQuotaWaits: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTransientAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  rateLimitWaitMs: 60_000,
  maxRateLimitWaits: 10,
  quotaWaitMs: 600_000,
  maxQuotaWaits: 3,
};

/** Backoff before attempt `attempt + 1` after `attempt` transient failures (1-based). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(base * (0.5 + random()));
}

/** What to do after an error: wait and retry, fail the pair, or stop the run. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'fail' }
  | { action: 'abort' };

/** Counts of earlier tries of one pair, by kind. */
export interface AttemptCounts {
  transient: number;
  rateLimit: number;
  quota: number;
}

export function decide(
  errorClass: ErrorClass,
  counts: AttemptCounts,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  switch (errorClass) {
    case 'transient':
      return counts.transient < policy.maxTransientAttempts
        ? { action: 'retry', delayMs: backoffDelay(counts.transient, policy, random) }
        : { action: 'fail' };
    case 'rate-limit':
      return counts.rateLimit <= policy.maxRateLimitWaits ? { action: 'retry', delayMs: policy.rateLimitWaitMs } : { action: 'fail' };
    case 'quota':
      return counts.quota <= policy.maxQuotaWaits ? { action: 'retry', delayMs: policy.quotaWaitMs } : { action: 'abort' };
    case 'fatal':
      return { action: 'abort' };
    default:
      return { action: 'fail' };
  }
}
