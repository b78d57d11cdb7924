import { Option, type Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** The options every command accepts, before or after the command name (product.md §2). */
export interface GlobalOptions {
  warehouse: 'duckdb' | 'bigquery';
  db: string;
  project?: string;
  location?: string;
  datasetPrefix?: string;
  dryRun: boolean;
  json: boolean;
  concurrency: number;
  /** DuckDB: at most this many game dates per statement (undefined: the engine's default, a season). */
  batchDays?: number;
  force: boolean;
  allowShrink: boolean;
  allowDropKeys: boolean;
  allowRecent: boolean;
  logFile?: string;
  quiet: boolean;
  verbose: boolean;
  rateLimitWaitMs?: number;
  retryDelayMs?: number;
  quotaWaitMs?: number;
  /** BigQuery: refuse jobs that would bill more bytes than this. */
  maxBytesBilled?: number;
  /** BigQuery on-demand price per TiB in USD, for dry-run cost estimates. */
  pricePerTiB: number;
  /** Apply the preflight's safe fixes before writing. */
  migrate: boolean;
}

export const DEFAULT_DB = '.backfill/warehouse.duckdb';

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(new Option('--warehouse <engine>', 'warehouse engine: duckdb or bigquery').env('BACKFILL_WAREHOUSE').default('duckdb'))
    .addOption(new Option('--db <path>', 'DuckDB file').env('BACKFILL_DB').default(DEFAULT_DB))
    .addOption(new Option('--project <id>', 'BigQuery project').env('GOOGLE_CLOUD_PROJECT'))
    .option('--location <location>', 'BigQuery location')
    .addOption(new Option('--dataset-prefix <prefix>', 'prefix for BigQuery datasets (sandbox rehearsals)').env('BACKFILL_DATASET_PREFIX'))
    .option('--dry-run', 'print the plan and check inputs; write nothing anywhere', false)
    .option('--json', 'print exactly one JSON document on stdout', false)
    .option('--concurrency <n>', 'concurrent (processor, date) pairs, 1 to 64 on DuckDB (default 4), 1 to 100 on BigQuery (default 16)')
    .option('--batch-days <n>', 'DuckDB: at most N game dates of a processor per statement, 1 to 366 (default: its season)')
    .option('--force', 'reprocess pairs that are up to date', false)
    .option('--allow-shrink', 'let a day be replaced by fewer than half its rows', false)
    .option('--allow-drop-keys', 'let a day write remove stored keys it does not produce', false)
    .option('--allow-recent', 'allow dates of the last two days (the live pipeline writes them too)', false)
    .option('--log-file <path>', 'write the JSON log here (default .backfill/logs/<run id>.log)')
    .option('--quiet', 'print only the summary', false)
    .option('--verbose', 'print debug logs', false)
    .option('--max-bytes-billed <bytes>', 'BigQuery: fail any job that would bill more bytes than this')
    .option('--price-per-tib <usd>', 'BigQuery on-demand price per TiB for dry-run estimates', '6.25')
    .option('--migrate', 'BigQuery: apply the safe fixes the preflight prints (add nullable columns, remove expiry)', false)
    .addOption(new Option('--rate-limit-wait <ms>', 'wait after a rate-limit error, in ms (default 60000)').hideHelp())
    .addOption(new Option('--retry-delay <ms>', 'first backoff after a transient error, in ms (default 1000)').hideHelp())
    .addOption(new Option('--quota-wait <ms>', 'wait after a quota error, in ms (default 600000)').hideHelp());
}

const raw = z.object({
  warehouse: z.string(),
  db: z.string().min(1, 'an empty --db path'),
  project: z.string().optional(),
  location: z.string().optional(),
  datasetPrefix: z.string().optional(),
  dryRun: z.boolean(),
  json: z.boolean(),
  concurrency: z.string().optional(),
  batchDays: z.string().optional(),
  force: z.boolean(),
  allowShrink: z.boolean(),
  allowDropKeys: z.boolean(),
  allowRecent: z.boolean(),
  logFile: z.string().optional(),
  quiet: z.boolean(),
  verbose: z.boolean(),
  rateLimitWait: z.string().optional(),
  retryDelay: z.string().optional(),
  quotaWait: z.string().optional(),
  maxBytesBilled: z.string().optional(),
  pricePerTib: z.string().default('6.25'),
  migrate: z.boolean().default(false),
});

const engine = z.enum(['duckdb', 'bigquery']);
/** Most concurrent pairs: DuckDB has a few cores; BigQuery queues up to 1,000 queries per project and writes are paced per table. */
const MAX_CONCURRENCY = { duckdb: 64, bigquery: 100 } as const;
const waitMs = z.coerce.number().int().min(0).max(3_600_000);

/** Validates commander's raw values; every problem becomes a one-line UsageError naming the value. */
export function parseGlobalOptions(values: Record<string, unknown>): GlobalOptions {
  const parsed = raw.safeParse(values);
  if (!parsed.success) throw new UsageError(`invalid options: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const v = parsed.data;
  const warehouse = engine.safeParse(v.warehouse);
  if (!warehouse.success) throw new UsageError(`invalid --warehouse '${v.warehouse}': expected duckdb or bigquery`);
  let parallel = warehouse.data === 'bigquery' ? 16 : 4;
  if (v.concurrency !== undefined) {
    const max = MAX_CONCURRENCY[warehouse.data];
    const n = z.coerce.number().int().min(1).max(max).safeParse(v.concurrency.trim() === '' ? 'x' : v.concurrency);
    if (!n.success) throw new UsageError(`invalid --concurrency '${v.concurrency}': expected an integer from 1 to ${max}${warehouse.data === 'bigquery' ? ' on BigQuery' : ''}`);
    parallel = n.data;
  }
  let batchDays: number | undefined;
  if (v.batchDays !== undefined) {
    const n = z.coerce.number().int().min(1).max(366).safeParse(v.batchDays.trim() === '' ? 'x' : v.batchDays);
    if (!n.success) throw new UsageError(`invalid --batch-days '${v.batchDays}': expected an integer from 1 to 366`);
    batchDays = n.data;
  }
  let rateLimitWaitMs: number | undefined;
  if (v.rateLimitWait !== undefined) {
    const n = waitMs.safeParse(v.rateLimitWait);
    if (!n.success) throw new UsageError(`invalid --rate-limit-wait '${v.rateLimitWait}': expected milliseconds from 0 to 3600000`);
    rateLimitWaitMs = n.data;
  }
  let retryDelayMs: number | undefined;
  if (v.retryDelay !== undefined) {
    const n = waitMs.safeParse(v.retryDelay);
    if (!n.success) throw new UsageError(`invalid --retry-delay '${v.retryDelay}': expected milliseconds from 0 to 3600000`);
    retryDelayMs = n.data;
  }
  let quotaWaitMs: number | undefined;
  if (v.quotaWait !== undefined) {
    const n = waitMs.safeParse(v.quotaWait);
    if (!n.success) throw new UsageError(`invalid --quota-wait '${v.quotaWait}': expected milliseconds from 0 to 3600000`);
    quotaWaitMs = n.data;
  }
  let maxBytesBilled: number | undefined;
  if (v.maxBytesBilled !== undefined) {
    // BigQuery bills at least 10 MiB per query, so a smaller cap would refuse every job.
    const n = z.coerce.number().int().min(10_485_760).max(Number.MAX_SAFE_INTEGER).safeParse(v.maxBytesBilled.trim() === '' ? 'x' : v.maxBytesBilled);
    if (!n.success) throw new UsageError(`invalid --max-bytes-billed '${v.maxBytesBilled}': expected a whole number of bytes, at least 10485760 (10 MiB, BigQuery's minimum per query)`);
    maxBytesBilled = n.data;
  }
  const price = z.coerce.number().min(0).max(1000).safeParse(v.pricePerTib.trim() === '' ? 'x' : v.pricePerTib);
  if (!price.success) throw new UsageError(`invalid --price-per-tib '${v.pricePerTib}': expected US dollars from 0 to 1000`);
  if (warehouse.data === 'bigquery' && v.project !== undefined && !/^[a-z][a-z0-9-]{4,62}$/.test(v.project)) {
    throw new UsageError(`invalid --project '${v.project}': expected a Google Cloud project id (lowercase letters, digits, hyphens)`);
  }
  if (v.datasetPrefix !== undefined && !/^[A-Za-z0-9_]{0,64}$/.test(v.datasetPrefix)) {
    throw new UsageError(`invalid --dataset-prefix '${v.datasetPrefix}': expected letters, digits and underscores`);
  }
  return {
    warehouse: warehouse.data,
    db: v.db,
    project: v.project,
    location: v.location,
    datasetPrefix: v.datasetPrefix,
    dryRun: v.dryRun,
    json: v.json,
    concurrency: parallel,
    batchDays,
    force: v.force,
    allowShrink: v.allowShrink,
    allowDropKeys: v.allowDropKeys,
    allowRecent: v.allowRecent,
    logFile: v.logFile,
    quiet: v.quiet,
    verbose: v.verbose,
    rateLimitWaitMs,
    retryDelayMs,
    quotaWaitMs,
    maxBytesBilled,
    pricePerTiB: price.data,
    migrate: v.migrate,
  };
}

/** The global options as they were given, to repeat them in a retry command. */
export function globalArgs(options: GlobalOptions): string[] {
  const args: string[] = [];
  if (options.warehouse !== 'duckdb') args.push('--warehouse', options.warehouse);
  if (options.warehouse === 'duckdb' && options.db !== DEFAULT_DB) args.push('--db', options.db);
  if (options.project) args.push('--project', options.project);
  if (options.location) args.push('--location', options.location);
  if (options.datasetPrefix) args.push('--dataset-prefix', options.datasetPrefix);
  const defaultConcurrency = options.warehouse === 'bigquery' ? 16 : 4;
  if (options.concurrency !== defaultConcurrency) args.push('--concurrency', String(options.concurrency));
  if (options.warehouse === 'duckdb' && options.batchDays !== undefined) args.push('--batch-days', String(options.batchDays));
  if (options.maxBytesBilled !== undefined) args.push('--max-bytes-billed', String(options.maxBytesBilled));
  if (options.allowShrink) args.push('--allow-shrink');
  if (options.allowDropKeys) args.push('--allow-drop-keys');
  if (options.allowRecent) args.push('--allow-recent');
  return args;
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A copy-pasteable `backfill ...` command that repeats the global options in use. */
export function backfillCommand(options: GlobalOptions, ...args: string[]): string {
  return ['backfill', ...globalArgs(options), ...args].map(shellQuote).join(' ');
}
