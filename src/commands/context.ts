import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { createLogger } from '../reporting/logger.js';
import { newRunId } from '../runner/run-file.js';
import { AbortError, UpgradeNeededError, UsageError } from '../errors.js';
import { Output } from '../reporting/output.js';
import { findRunByPid } from '../runner/run-file.js';
import { errorMessage, WarehouseBusyError } from '../warehouse/errors.js';
import { FaultyWarehouse, parseFaultSpec } from '../warehouse/faulty-warehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { backfillCommand, parseGlobalOptions, type GlobalOptions } from './global-options.js';

export { TOOL_VERSION } from '../version.js';

/** What every command action starts from: validated global options and the output. */
export interface CommandContext {
  globals: GlobalOptions;
  out: Output;
  /** The folder of runs/ and logs/: beside the DuckDB file, or .backfill/ for BigQuery. */
  stateDir: string;
}

export function commandContext(command: Command): CommandContext {
  const globals = parseGlobalOptions(command.optsWithGlobals());
  const stateDir = globals.warehouse === 'duckdb' ? dirname(resolve(globals.db)) : resolve('.backfill');
  return { globals, out: new Output({ json: globals.json, quiet: globals.quiet }), stateDir };
}

export function runsDir(context: CommandContext): string {
  return join(context.stateDir, 'runs');
}

export function logsDir(context: CommandContext): string {
  return join(context.stateDir, 'logs');
}

/**
 * Opens the warehouse. Each engine's module (and its client library) is loaded only when it is
 * used: both together cost about half a second at every start. Readers never create a missing DuckDB file (it reads as empty); a file held
 * by another process is a one-line abort naming the holder's pid, run id and log file.
 */
export async function openWarehouse(context: CommandContext, access: { readOnly: boolean }): Promise<Warehouse> {
  const { globals } = context;
  let faults;
  try {
    faults = parseFaultSpec(process.env.BACKFILL_FAULTS);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (globals.warehouse === 'bigquery') {
    const warehouse = await openBigQuery(globals, access);
    return faults ? new FaultyWarehouse(warehouse, faults) : warehouse;
  }
  const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse.js');
  try {
    const warehouse = await DuckDbWarehouse.open({
      path: globals.db,
      readOnly: access.readOnly,
      connections: Math.max(globals.concurrency, 2),
      batchDays: globals.batchDays,
      onNotice: (message) => context.out.note(message),
    });
    if (access.readOnly && (await warehouse.hasLegacyHistory())) {
      await warehouse.close();
      throw new UpgradeNeededError(
        `the warehouse ${globals.db} was made by an earlier version of backfill; upgrade it once with: ${backfillCommand(globals, 'upgrade')} (a copy of the file is kept beside it)`,
      );
    }
    return faults ? new FaultyWarehouse(warehouse, faults) : warehouse;
  } catch (error) {
    if (error instanceof WarehouseBusyError) throw new AbortError(busyMessage(context, error));
    throw error;
  }
}

/**
 * The BigQuery engine with Application Default Credentials (none looked up with
 * BIGQUERY_EMULATOR_HOST). BACKFILL_BIGQUERY_HTTP_RETRIES sets the client's own HTTP retries (tests
 * use 0 so every injected fault reaches the runner); BACKFILL_BIGQUERY_WRITE_RATE_SCALE multiplies
 * the per-table write budget (the benchmark's faster clock).
 */
async function openBigQuery(globals: GlobalOptions, access: { readOnly: boolean }): Promise<Warehouse> {
  if (!globals.project) throw new UsageError('--warehouse bigquery needs a project: give --project ID or set GOOGLE_CLOUD_PROJECT');
  const retries = process.env.BACKFILL_BIGQUERY_HTTP_RETRIES;
  const httpRetries = retries === undefined ? undefined : Number(retries);
  if (httpRetries !== undefined && !(Number.isInteger(httpRetries) && httpRetries >= 0 && httpRetries <= 10)) {
    throw new UsageError(`invalid BACKFILL_BIGQUERY_HTTP_RETRIES '${retries}': expected an integer from 0 to 10`);
  }
  const scaleText = process.env.BACKFILL_BIGQUERY_WRITE_RATE_SCALE;
  const writeRateScale = scaleText === undefined ? undefined : Number(scaleText);
  if (writeRateScale !== undefined && !(writeRateScale > 0 && writeRateScale <= 1000)) {
    throw new UsageError(`invalid BACKFILL_BIGQUERY_WRITE_RATE_SCALE '${scaleText}': expected a number above 0, at most 1000`);
  }
  const { createBigQueryClient } = await import('../warehouse/bigquery/bigquery-client.js');
  const { BigQueryWarehouse } = await import('../warehouse/bigquery/bigquery-warehouse.js');
  const client = createBigQueryClient({ project: globals.project, location: globals.location, httpRetries });
  return new BigQueryWarehouse(client, {
    project: globals.project,
    location: globals.location,
    datasetPrefix: globals.datasetPrefix,
    readOnly: access.readOnly,
    labels: { tool: 'backfill' },
    maxBytesBilled: globals.maxBytesBilled,
    writeRateScale,
  });
}

function busyMessage(context: CommandContext, error: WarehouseBusyError): string {
  const holder = error.holderPid === undefined ? undefined : findRunByPid(runsDir(context), error.holderPid);
  const who = [
    error.holderPid === undefined ? 'another process' : `pid ${error.holderPid}`,
    holder ? `run ${holder.runId}` : undefined,
    holder?.logFile ? `log ${holder.logFile}` : undefined,
  ].filter(Boolean);
  return `the warehouse ${context.globals.db} is in use by ${who.join(', ')}; wait for it to finish or stop it (backfill status shows its progress)`;
}

/** True when the DuckDB file exists (readers treat a missing file as an empty warehouse). */
export function warehouseFileExists(context: CommandContext): boolean {
  return context.globals.warehouse !== 'duckdb' || existsSync(resolve(context.globals.db));
}

/**
 * The log of a command that writes outside the runner (sample-data, import, rollback): a run id,
 * `logs/<run id>.log` (or --log-file), and a note naming both on stderr.
 */
export function commandLog(context: CommandContext, label: string): { runId: string; logger: Logger } {
  const runId = newRunId();
  const file = context.globals.logFile ?? join(logsDir(context), `${runId}.log`);
  const logger = createLogger(file, context.globals.verbose).child({ runId, command: label });
  context.out.note(`run ${runId}: ${label}, log ${file}`);
  return { runId, logger };
}
