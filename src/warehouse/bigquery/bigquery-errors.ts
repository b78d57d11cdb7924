import type { ErrorClass } from '../../vocabulary.js';
import { ClassifiedError } from '../errors.js';

interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: { reason?: string; message?: string }[];
  response?: { statusCode?: number };
}

const BY_REASON: Record<string, ErrorClass> = {
  rateLimitExceeded: 'rate-limit',
  userRateLimitExceeded: 'rate-limit',
  jobRateLimitExceeded: 'transient',
  quotaExceeded: 'quota',
  backendError: 'transient',
  internalError: 'transient',
  jobBackendError: 'transient',
  jobInternalError: 'transient',
  timeout: 'transient',
  accessDenied: 'fatal',
  invalidQuery: 'fatal',
  invalid: 'fatal',
  responseTooLarge: 'fatal',
  billingNotEnabled: 'fatal',
  notFound: 'fatal',
};

/**
 * The class of a BigQuery error, from its `errors[].reason` first (a 403 can be a rate limit or a
 * permission error; a 400 can be a retryable job failure), the HTTP code only without a reason, and
 * network failures as transient. A missing table is `missing-dependency`; a guard's ERROR() inside the write job is `invalid-data`.
 */
export function classifyBigQueryError(error: unknown): ErrorClass {
  if (error instanceof ClassifiedError) return error.errorClass;
  const e = (error ?? {}) as ApiErrorLike;
  const message = e.message ?? String(error);
  if (/backfill guard:/.test(message)) return /would shrink|would drop/.test(message) ? 'shrink-guard' : 'invalid-data';
  for (const item of e.errors ?? []) {
    // A table or dataset the SQL reads is missing: an upstream has not been loaded, not a bug.
    if (item.reason === 'notFound' && /Not found: (Table|Dataset)/i.test(item.message ?? message)) return 'missing-dependency';
    const known = item.reason ? BY_REASON[item.reason] : undefined;
    if (known) return known;
  }
  const status = Number(e.code ?? e.response?.statusCode);
  if (status === 429) return 'rate-limit';
  if (status >= 500 && status < 600) return 'transient';
  if (status === 401 || status === 403) return 'fatal';
  if (typeof e.code === 'string' && /ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|EPIPE/.test(e.code)) return 'transient';
  if (/timed? ?out|socket hang up/i.test(message)) return 'transient';
  return 'fatal';
}

/**
 * The per-table write rate limit ("too many partitioned table update operations"): `rateLimitExceeded`
 * on a job, not HTTP 429, which limits API requests and keeps the long wait.
 */
export function isTableRateLimit(error: unknown): boolean {
  const e = (error ?? {}) as ApiErrorLike;
  const status = Number(e.code ?? e.response?.statusCode);
  return status !== 429 && (e.errors ?? []).some((item) => item.reason === 'rateLimitExceeded');
}
