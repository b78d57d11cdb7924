import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { phaseRunDocument, runDocument } from '../../src/reporting/json-schema.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { recentWritesSql } from '../../src/runner/daily-quota.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { formatBytes } from '../../src/warehouse/bigquery/cost.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import { BigQueryStandIn, referencedTables } from '../helpers/bigquery-standin.js';
import { duckDbMirror, tableMetadata } from '../helpers/bigquery-mirror.js';
import { runCli } from '../helpers/cli.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';
import { startZetaSqlServer, type ZetaSqlServer } from '../helpers/zetasql.js';

const PROJECT = 'nba-props-platform';
const MiB = 1024 * 1024;
const dir = tempDir();
const standIn = new BigQueryStandIn();
let mirror: Awaited<ReturnType<typeof duckDbMirror>>;
let zeta: ZetaSqlServer | undefined;

/** The built CLI against the stand-in: no credentials, the client's own HTTP retries off. */
function bq(args: string[]) {
  return runCli(['--warehouse', 'bigquery', '--project', PROJECT, ...args], {
    cwd: dir,
    env: { BIGQUERY_EMULATOR_HOST: standIn.endpoint, METADATA_SERVER_DETECTION: 'none', BACKFILL_BIGQUERY_HTTP_RETRIES: '0' },
  });
}

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  // The daily quota's count of this tool's recent writes is answered like the planning queries.
  mirror = await duckDbMirror(sample.template, PROJECT, { more: (d) => [recentWritesSql(d)] });
  // Queries over the platform's tables that require a partition filter must prune, as in BigQuery.
  standIn.partitionFilters = zeta = await startZetaSqlServer();
  await standIn.start();
});
afterAll(async () => {
  await standIn.stop();
  await mirror?.close();
  await zeta?.stop();
});
beforeEach(() => {
  standIn.received.length = 0;
  standIn.queries.length = 0;
  standIn.tables.clear();
  standIn.datasets.clear();
  standIn.faults = [];
  // Phase 2 exists in BigQuery; the tool's own tables do not yet.
  for (const table of RAW_TABLES) standIn.tables.set(`${table.dataset}.${table.name}`, tableMetadata(table));
  standIn.respond = mirror.respond;
  standIn.bytesPerTable = () => 4 * MiB;
});

describe('backfill --warehouse bigquery against the local stand-in', () => {
  it('--dry-run phase3 --season 2021-22 prints the cost per processor, phase and total from dry-run jobs, and writes nothing', async () => {
    const result = await bq(['--dry-run', 'phase3', '--season', '2021-22']);
    expect(result.code, result.stderr).toBe(0);
    expect(standIn.writes()).toEqual([]);
    expect(standIn.received.some((r) => r.authorization !== undefined)).toBe(false);
    expect(existsSync(join(dir, '.backfill'))).toBe(false);
    const dryRuns = standIn.queries.filter((q) => q.dryRun);
    expect(dryRuns).toHaveLength(5 * 164);
    // Every table read bills at least 10 MiB: with 4 MiB per table, a pair bills 10 MiB per table.
    const d = bigQueryDialect({ project: PROJECT });
    for (const processor of PROCESSORS.filter((p) => p.phase === 3)) {
      const tables = referencedTables(processor.select(d)).length;
      const line = new RegExp(`${processor.name}\\s+164\\s+${formatBytes(164 * tables * 4 * MiB)}\\s+${formatBytes(164 * tables * 10 * MiB)}`);
      expect(result.stdout).toMatch(line);
    }
    expect(result.stdout).toMatch(/phase 3\s+820 /);
    expect(result.stdout).toMatch(/Preflight of the target tables:\n.*note nba_analytics\.player_game_summary: missing; it will be created/);

    const json = await bq(['--dry-run', '--json', '--price-per-tib', '5', 'phase3', '--season', '2021-22']);
    const doc = phaseRunDocument.parse(JSON.parse(json.stdout));
    const billed = PROCESSORS.filter((p) => p.phase === 3).reduce((n, p) => n + 164 * referencedTables(p.select(d)).length * 10 * MiB, 0);
    expect(doc.cost?.total).toMatchObject({ pairs: 820, billedBytes: billed });
    expect(doc.cost?.total.usd).toBeCloseTo((billed / 1024 ** 4) * 5, 9);
    expect(doc.cost?.errors).toEqual([]);
  });

  it('run --dry-run estimates Phase 3 and lists Phase 4 as not estimated while its inputs do not exist yet; nothing is written', async () => {
    // Dry runs of SQL that reads a missing table fail as BigQuery does: notFound.
    standIn.faults = [{ match: (q) => q.dryRun && /nba_analytics\./.test(q.sql), status: 404, reason: 'notFound', message: 'Not found: Table nba-props-platform:nba_analytics.player_game_summary', times: 10_000 }];
    const result = await bq(['--dry-run', '--json', 'run', '--start-date', '2021-10-19', '--end-date', '2021-11-05']);
    expect(result.code, result.stderr).toBe(0);
    const doc = runDocument.parse(JSON.parse(result.stdout));
    expect(doc.cost?.phases.map((p) => p.name)).toEqual(['phase 3']);
    expect(doc.cost?.total.pairs).toBe(5 * 18);
    expect(doc.cost?.notEstimated.length).toBe(5 * 11);
    expect(doc.cost?.errors).toEqual([]);
    expect(standIn.writes()).toEqual([]);
  });

  it('a dry run reports every SQL error the dry-run jobs find, and exits 1', async () => {
    standIn.faults = [{ match: (q) => q.dryRun && q.params.start === '2022-01-05' && q.sql.includes('nbac_gamebook_player_stats'), status: 400, reason: 'invalidQuery', message: 'Unrecognized name: minutes_played', times: 99 }];
    const result = await bq(['--dry-run', 'phase3', 'player_game_summary', '--dates', '2022-01-05,2022-01-06']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/SQL errors found by the dry run \(1 pair\(s\)\):\n\s+player_game_summary 2022-01-05: fatal: Unrecognized name: minutes_played/);
    expect(standIn.writes()).toEqual([]);
  });

  it('preflight: an expiring, older table stops the run with the ALTER statements (exit 3); --migrate applies them and the day is written in one job', async () => {
    const old = tableMetadata(PROCESSORS[0]?.table as never);
    const name = PROCESSORS[0]?.name as string;
    old.schema.fields = old.schema.fields.filter((f) => f.name !== 'win_flag');
    old.schema.fields.push({ name: 'legacy_note', type: 'STRING', mode: 'NULLABLE' });
    old.timePartitioning = { type: 'DAY', field: 'game_date', expirationMs: String(90 * 86_400_000) };
    standIn.tables.set(`nba_analytics.${name}`, old);

    const blocked = await bq(['phase3', name, '--dates', '2022-01-05']);
    expect(blocked.code, blocked.stderr).toBe(3);
    expect(blocked.stdout).toContain(`ALTER TABLE \`${PROJECT}\`.nba_analytics.${name} SET OPTIONS (partition_expiration_days = NULL);`);
    expect(blocked.stdout).toContain(`ALTER TABLE \`${PROJECT}\`.nba_analytics.${name} ADD COLUMN IF NOT EXISTS win_flag BOOL;`);
    expect(blocked.stdout).toMatch(/--migrate/);
    expect(standIn.writes()).toEqual([]);

    standIn.queries.length = 0;
    const migrated = await bq(['--migrate', 'phase3', name, '--dates', '2022-01-05']);
    expect(migrated.code, migrated.stderr + migrated.stdout).toBe(0);
    expect(standIn.tables.get(`nba_analytics.${name}`)?.timePartitioning?.expirationMs).toBeNull();
    const writes = standIn.writes().filter((q) => q.destination);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ destination: `nba_analytics.${name}$20220105`, writeDisposition: 'WRITE_TRUNCATE' });
    expect(writes[0]?.labels).toMatchObject({ tool: 'backfill', processor: name, date: '2022-01-05' });
    expect(writes[0]?.labels?.run_id).toMatch(/^\d{8}t\d{6}z-/);
    // The column only the old table has keeps its stored values, in the table's own order.
    expect(writes[0]?.sql).toMatch(/p\.home_game, p\.legacy_note, p\.win_flag\nFROM guard/);
    expect(writes[0]?.sql).toContain('e.legacy_note AS legacy_note');
    // Undo is one command away: the time-travel restore of the written days, to the run's start.
    expect(migrated.stdout).toMatch(/Undo: each table's written days as they were at the run's start \(\d{4}-\d\d-\d\dT[\d:.]+Z\)/);
    expect(migrated.stdout).toContain(
      `BEGIN TRANSACTION; DELETE FROM \`${PROJECT}\`.nba_analytics.${name} WHERE game_date BETWEEN DATE '2022-01-05' AND DATE '2022-01-05'; INSERT INTO \`${PROJECT}\`.nba_analytics.${name} SELECT * FROM \`${PROJECT}\`.nba_analytics.${name} FOR SYSTEM_TIME AS OF TIMESTAMP '`,
    );
    const inserts = standIn.writes().filter((q) => q.sql.startsWith('INSERT INTO') && q.sql.includes(processorRunHistory.name));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]?.sql).toContain(`.nba_reference.${processorRunHistory.name}`);
    // The log names the run and the fixes applied, and never a credential.
    const log = readFileSync(/log (\S+\.log)/.exec(migrated.stderr)?.[1] as string, 'utf8');
    expect(log).toMatch(/migrate: applying a safe fix/);
    expect(log).not.toMatch(/Bearer|access_token|private_key|client_secret/i);
  });

  it('retries rate limits, backend errors, failed jobs and quota errors by their reason; history goes in one INSERT', async () => {
    const write = (name: string) => (q: { destination?: string }) => q.destination?.startsWith(`nba_analytics.${name}$`) ?? false;
    standIn.faults = [
      { match: write('player_game_summary'), status: 429, reason: 'rateLimitExceeded', times: 1 },
      { match: write('team_offense_game_summary'), status: 500, reason: 'backendError', times: 1 },
      { match: write('team_defense_game_summary'), status: 400, reason: 'jobRateLimitExceeded', asJob: true, times: 1 },
      { match: write('upcoming_player_game_context'), status: 403, reason: 'quotaExceeded', message: 'Quota exceeded: partition modifications', times: 1 },
    ];
    const result = await bq(['--json', '--rate-limit-wait', '10', '--retry-delay', '10', '--quota-wait', '10', 'phase3', '--dates', '2022-01-05']);
    expect(result.code, result.stderr).toBe(0);
    const doc = phaseRunDocument.parse(JSON.parse(result.stdout));
    const attempts = Object.fromEntries(doc.outcomes.map((o) => [o.processor, o.attempts]));
    expect(attempts).toEqual({ player_game_summary: 2, team_offense_game_summary: 2, team_defense_game_summary: 2, upcoming_player_game_context: 2, upcoming_team_game_context: 1 });
    expect(standIn.writes().filter((q) => q.destination)).toHaveLength(9);
    expect(standIn.writes().filter((q) => q.sql.startsWith('INSERT INTO') && q.sql.includes(processorRunHistory.name))).toHaveLength(1);
    // The missing datasets and tables were made through the metadata API, not DDL jobs:
    // day-partitioned on the date column, clustered as the platform's table, lists as REPEATED columns.
    expect(standIn.queries.filter((q) => /^\s*CREATE\b/i.test(q.sql))).toEqual([]);
    expect([...standIn.datasets].sort()).toEqual(['nba_analytics', 'nba_reference']);
    const summary = PROCESSORS.find((p) => p.name === 'player_game_summary')?.table;
    expect(standIn.tables.get('nba_analytics.player_game_summary')).toMatchObject({
      timePartitioning: { type: 'DAY', field: 'game_date' },
      clustering: { fields: summary?.clustering?.slice(0, 4) },
    });
    // The run history in the platform's layout: JSON lists, the phase as its name, REQUIRED kept where the tool fills it.
    expect(standIn.tables.get('nba_reference.processor_run_history')?.schema.fields).toContainEqual({ name: 'missing_dependencies', type: 'JSON', mode: 'NULLABLE' });
    expect(standIn.tables.get('nba_reference.processor_run_history')?.schema.fields).toContainEqual({ name: 'phase', type: 'STRING', mode: 'NULLABLE' });
    expect(standIn.tables.get('nba_reference.processor_run_history')?.schema.fields).toContainEqual({ name: 'run_id', type: 'STRING', mode: 'REQUIRED' });
  });

  it('a guard failing inside the job fails the date as invalid-data (exit 1); a 401 is fatal (exit 3)', async () => {
    standIn.faults = [{ match: (q) => q.destination !== undefined, status: 400, reason: 'invalidQuery', message: 'backfill guard: 3 rows, expected at least 16', asJob: true, times: 1 }];
    const guarded = await bq(['--json', 'phase3', 'player_game_summary', '--dates', '2022-01-05']);
    expect(guarded.code, guarded.stderr).toBe(1);
    expect(phaseRunDocument.parse(JSON.parse(guarded.stdout)).failed[0]).toMatchObject({ errorClass: 'invalid-data', attempts: 1 });

    standIn.faults = [{ match: (q) => q.destination !== undefined, status: 401, reason: 'unauthorized', message: 'Request had invalid authentication credentials', times: 99 }];
    const denied = await bq(['phase3', '--dates', '2022-01-05']);
    expect(denied.code, denied.stderr).toBe(3);
    expect(denied.stdout + denied.stderr).toMatch(/fatal error on \w+ 2022-01-05: Request had invalid authentication credentials/);
  });

  it('one writer: a live lease of another run on the same pairs stops the run (exit 3, nothing written); our lease is taken once and released', async () => {
    standIn.leases.length = 0;
    standIn.leases.push({ run_id: '20261126T010000Z-aaaaaa', holder: 'other-host pid 4242', processors: ['player_game_summary'], dates: ['2022-01-05'], expiresAt: Date.now() + 300_000, renewals: 0 });
    const held = await bq(['phase3', '--dates', '2022-01-05']);
    expect(held.code, held.stderr).toBe(3);
    expect(held.stdout + held.stderr).toMatch(/another backfill is writing some of the same \(processor, date\) pairs: run 20261126T010000Z-aaaaaa \(other-host pid 4242\) until /);
    expect(standIn.writes().filter((q) => q.destination)).toEqual([]);

    // A lease on other dates does not stand in the way.
    const ok = await bq(['--json', 'phase3', '--dates', '2022-01-06']);
    expect(ok.code, ok.stderr).toBe(0);
    const runId = phaseRunDocument.parse(JSON.parse(ok.stdout)).runId;
    const ours = standIn.leases.find((l) => l.run_id === runId);
    expect(ours).toMatchObject({ processors: expect.arrayContaining(['player_game_summary', 'upcoming_team_game_context']), dates: ['2022-01-06'] });
    expect(ours?.expiresAt).toBeLessThanOrEqual(Date.now());
    expect(standIn.writes().filter((q) => q.sql.startsWith('INSERT INTO') && q.sql.includes('backfill_leases'))).toHaveLength(2);
  });

  it('sample-data and import refuse BigQuery; a missing project is a usage error', async () => {
    expect((await bq(['sample-data'])).code).toBe(2);
    expect((await bq(['import', 'nbac_schedule', 'x.csv'])).code).toBe(2);
    const noProject = await runCli(['--warehouse', 'bigquery', 'phase3', '--dates', '2022-01-05'], { cwd: dir });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toMatch(/needs a project: give --project ID or set GOOGLE_CLOUD_PROJECT/);
  });
});
