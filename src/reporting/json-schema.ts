import { z } from 'zod';
import { ERROR_CLASSES, SKIP_REASONS } from '../vocabulary.js';

// The --json documents, one per command: a stable, documented contract (docs/json.md). Every
// document has `ok` and `exitCode`; tests parse real output with these schemas.

const base = { ok: z.boolean(), exitCode: z.number().int() };
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const errorClass = z.enum(ERROR_CLASSES);

export const errorDocument = z.object({ ...base, ok: z.literal(false), error: z.string() }).strict();

export const outcomeSchema = z.object({
  processor: z.string(),
  phase: z.number().int(),
  date,
  status: z.enum(['success', 'failed', 'skipped', 'not-run']),
  skipReason: z.enum(SKIP_REASONS).optional(),
  errorClass: errorClass.optional(),
  message: z.string().optional(),
  missingDependencies: z.array(z.string()).optional(),
  rowsWritten: z.number().int(),
  attempts: z.number().int(),
  rateLimited: z.number().int().optional(),
  durationMs: z.number(),
});

const stopSchema = z.object({ kind: z.enum(['interrupted', 'aborted']), errorClass: errorClass.optional(), reason: z.string() }).nullable();

const preflightFinding = z.object({ table: z.string(), kind: z.string(), detail: z.string(), blocking: z.boolean(), fix: z.string().optional(), safe: z.boolean() });
const costLine = z.object({ name: z.string(), pairs: z.number().int(), bytes: z.number(), billedBytes: z.number(), usd: z.number() });
const pairEstimate = z.object({ processor: z.string(), phase: z.number().int(), date, bytes: z.number(), tablesReferenced: z.number().int(), error: z.object({ errorClass, message: z.string() }).optional() });
/** BigQuery dry runs: bytes and on-demand cost per processor, per phase and in total. */
const costSchema = z.object({ pricePerTiB: z.number(), processors: z.array(costLine), phases: z.array(costLine), total: costLine, errors: z.array(pairEstimate), notEstimated: z.array(pairEstimate) });

const quotaTable = z.object({ table: z.string(), planned: z.number().int(), recent: z.number().int(), total: z.number().int() });

/** What every running command reports last: outcomes, failures, why it stopped, what to run next. */
const runEnding = {
  outcomes: z.array(outcomeSchema),
  failed: z.array(outcomeSchema),
  stop: stopSchema,
  retryCommand: z.string().nullable(),
  preflight: z.array(preflightFinding),
  cost: costSchema.nullable(),
  /** BigQuery: per table written, the time-travel statement that undoes the run. */
  restore: z.array(z.object({ table: z.string(), from: date, to: date, statement: z.string() })),
  /** BigQuery: per target table, the plan's partition modifications and this tool's of the last 24 h against the daily quota. */
  quota: z
    .object({
      limit: z.number().int(),
      tables: z.array(quotaTable),
      over: z.array(quotaTable),
      splitCommands: z.array(z.string()),
    })
    .nullable(),
  /** Dry runs: per target table, days and rows replaced, keys added and dropped, carried columns. */
  impact: z.array(
    z.object({
      table: z.string(),
      days: z.number().int(),
      daysReplaced: z.number().int(),
      rowsReplaced: z.number().int(),
      keysAdded: z.number().int().nullable(),
      keysDropped: z.number().int().nullable(),
      carried: z.array(z.string()),
      notCounted: z.string().optional(),
    }),
  ),
};

/** `phase3`, `phase4` (and each stage of `retry`). */
export const phaseRunDocument = z.object({
  ...base,
  runId: z.string(),
  dryRun: z.boolean(),
  elapsedMs: z.number(),
  dates: z.object({ first: date.nullable(), last: date.nullable(), count: z.number().int() }),
  noFinalGames: z.boolean(),
  plan: z.array(
    z.object({
      processor: z.string(),
      date,
      action: z.enum(['run', 'skip', 'fail', 'refuse']),
      skipReason: z.enum(SKIP_REASONS).nullable(),
      errorClass: errorClass.nullable(),
      message: z.string().nullable(),
    }),
  ),
  counts: z.object({ pairs: z.number(), success: z.number(), failed: z.number(), notRun: z.number(), skipped: z.record(z.string(), z.number()), rowsWritten: z.number(), rateLimited: z.number() }),
  ...runEnding,
});

/** `retry`: one document for all the stages it ran. */
export const retryDocument = z.object({ ...base, retriedRunId: z.string().nullable(), runs: z.array(phaseRunDocument), outcomes: z.array(outcomeSchema) });

const checkSchema = z.object({
  name: z.string(),
  phase: z.number().int(),
  outcome: z.enum(['pass', 'info', 'warn', 'block']),
  description: z.string(),
  remedy: z.string(),
  rows: z.array(z.record(z.string(), z.unknown())),
  dates: z.array(date),
});

export const validateDocument = z.object({ ...base, start: date, end: date, checks: z.array(checkSchema) });

/** `run`: all seasons in one document. */
export const runDocument = z.object({
  ...base,
  runId: z.string(),
  elapsedMs: z.number(),
  seasons: z.array(
    z.object({ season: z.string(), first: date.optional(), last: date.optional(), notRun: z.string().nullable(), warnings: z.array(z.string()), checks: z.array(checkSchema) }),
  ),
  ...runEnding,
});

export const statusDocument = z.object({
  ...base,
  since: z.string().nullable(),
  processors: z.array(
    z.object({
      processor: z.string(),
      phase: z.number().int(),
      ok: z.number(),
      failed: z.number(),
      skipped: z.number(),
      latestDate: date.nullable(),
      resumeFrom: date.nullable(),
      resumeTo: date.nullable(),
    }),
  ),
  failures: z.array(z.object({ runId: z.string(), processor: z.string(), date, errorClass: z.string().nullable(), message: z.string(), finishedAt: z.string().nullable() })),
  live: z.array(z.record(z.string(), z.unknown())),
});

export const seasonsDocument = z.object({
  ...base,
  bootstrapDays: z.number().int(),
  seasons: z.array(z.object({ season: z.string(), start: date, end: date, bootstrap: z.string(), source: z.enum(['schedule', 'defaults']) })),
});

export const processorsDocument = z.object({ ...base, processors: z.array(z.record(z.string(), z.unknown())) });

export const reportDocument = z.object({
  ...base,
  file: z.string().nullable(),
  start: date.optional(),
  end: date.optional(),
  tables: z.array(z.object({ processor: z.string(), phase: z.number().int(), counts: z.record(z.string(), z.number()) })).optional(),
  failures: z.array(z.record(z.string(), z.unknown())).optional(),
  durations: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const rollbackDocument = z.object({ ...base, dryRun: z.boolean().optional(), dates: z.array(date), rows: z.record(z.string(), z.number()), markedRolledBack: z.number().optional() });

export const sampleDataDocument = z.object({ ...base, seed: z.number(), db: z.string().optional(), dryRun: z.boolean().optional(), seasons: z.array(z.string()).optional(), rows: z.record(z.string(), z.record(z.string(), z.number())).optional() });

export const importDocument = z.object({ ...base, table: z.string(), rows: z.number(), dates: z.number(), dryRun: z.boolean().optional() });
