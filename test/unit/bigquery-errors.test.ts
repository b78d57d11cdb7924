import { describe, expect, it } from 'vitest';
import { classifyBigQueryError } from '../../src/warehouse/bigquery/bigquery-errors.js';
import { formatBytes, queryCost } from '../../src/warehouse/bigquery/cost.js';

const apiError = (code: number, reason?: string, message = 'x') => Object.assign(new Error(message), { code, errors: reason ? [{ reason, message }] : [] });

describe('BigQuery error classes', () => {
  it('reads the reason before the HTTP code', () => {
    expect(classifyBigQueryError(apiError(403, 'rateLimitExceeded'))).toBe('rate-limit');
    expect(classifyBigQueryError(apiError(403, 'quotaExceeded'))).toBe('quota');
    expect(classifyBigQueryError(apiError(403, 'accessDenied'))).toBe('fatal');
    expect(classifyBigQueryError(apiError(400, 'jobRateLimitExceeded'))).toBe('transient');
    expect(classifyBigQueryError(apiError(400, 'jobBackendError'))).toBe('transient');
    expect(classifyBigQueryError(apiError(400, 'invalidQuery'))).toBe('fatal');
    expect(classifyBigQueryError(apiError(500, 'backendError'))).toBe('transient');
    expect(classifyBigQueryError(apiError(500, 'internalError'))).toBe('transient');
    expect(classifyBigQueryError(apiError(404, 'notFound', 'Not found: Table nba-props:nba_analytics.player_game_summary was not found in location US'))).toBe('missing-dependency');
    expect(classifyBigQueryError(apiError(404, 'notFound', 'Not found: Job nba-props:US.job_1'))).toBe('fatal');
  });

  it('falls back to the HTTP code, network errors and guard messages', () => {
    expect(classifyBigQueryError(apiError(429))).toBe('rate-limit');
    expect(classifyBigQueryError(apiError(503))).toBe('transient');
    expect(classifyBigQueryError(apiError(401))).toBe('fatal');
    expect(classifyBigQueryError(Object.assign(new Error('connect'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyBigQueryError(new Error('backfill guard: 3 rows for 2022-01-05, expected at least 16'))).toBe('invalid-data');
    expect(classifyBigQueryError(new Error('backfill guard: would shrink from 400 to 12 rows'))).toBe('shrink-guard');
  });
});

describe('BigQuery cost', () => {
  it('bills at least 10 MiB per query at 6.25 USD per TiB', () => {
    expect(queryCost(0)).toBeCloseTo((10 / (1024 * 1024)) * 6.25, 12);
    expect(queryCost(1024 ** 4)).toBe(6.25);
    expect(queryCost(2 * 1024 ** 4, 5)).toBe(10);
    expect(queryCost(0, 6.25, 3)).toBeCloseTo(3 * (10 / (1024 * 1024)) * 6.25, 12);
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MiB');
  });
});
