// The words of run history, the summary and --json (product.md §4). Shared by every layer.

export const PAIR_STATUSES = ['running', 'success', 'failed', 'skipped', 'rolled-back'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];

export const SKIP_REASONS = ['no-games', 'bootstrap', 'up-to-date'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const ERROR_CLASSES = [
  'transient',
  'rate-limit',
  'quota',
  'missing-dependency',
  'upstream-not-done',
  'invalid-data',
  'shrink-guard',
  'lease-held',
  'fatal',
  'interrupted',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type Phase = 3 | 4;
