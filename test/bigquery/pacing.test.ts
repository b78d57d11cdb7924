import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { phaseRunDocument } from '../../src/reporting/json-schema.js';
import { recentWritesSql } from '../../src/runner/daily-quota.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import { BigQueryStandIn } from '../helpers/bigquery-standin.js';
import { duckDbMirror, tableMetadata } from '../helpers/bigquery-mirror.js';
import { runCli } from '../helpers/cli.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

// Writes paced per table, and the daily partition-modification quota, against the stand-in.

const PROJECT = 'nba-props-platform';
const dir = tempDir();
const standIn = new BigQueryStandIn();
let mirror: Awaited<ReturnType<typeof duckDbMirror>>;

function bq(args: string[], env: Record<string, string> = {}) {
  return runCli(['--warehouse', 'bigquery', '--project', PROJECT, ...args], {
    cwd: dir,
    env: { BIGQUERY_EMULATOR_HOST: standIn.endpoint, METADATA_SERVER_DETECTION: 'none', BACKFILL_BIGQUERY_HTTP_RETRIES: '0', ...env },
  });
}

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  mirror = await duckDbMirror(sample.template, PROJECT, { more: (d) => [recentWritesSql(d)] });
  await standIn.start();
});
afterAll(async () => {
  await standIn.stop();
  await mirror?.close();
});
beforeEach(() => {
  standIn.queries.length = 0;
  standIn.tables.clear();
  standIn.datasets.clear();
  standIn.partitions.clear();
  standIn.faults = [];
  standIn.writeCapPerSecond = Infinity;
  standIn.writeCapPer10Seconds = Infinity;
  for (const table of RAW_TABLES) standIn.tables.set(`${table.dataset}.${table.name}`, tableMetadata(table));
  standIn.respond = mirror.respond;
});

const dayWrites = () => standIn.queries.filter((q) => q.destination !== undefined);

/**
 * Phase 3 over three weeks (about 100 day writes) with the tool's budget scaled to 50 writes per
 * second per table, against a stand-in that allows `perSecond` (and ten times that per 10 s).
 */
async function pacedPhase3(perSecond: number, args: string[] = ['--json', '--start-date', '2021-10-19', '--end-date', '2021-11-08']) {
  standIn.writeCapPerSecond = perSecond;
  standIn.writeCapPer10Seconds = perSecond * 10;
  const result = await bq(['--concurrency', '100', 'phase3', ...args], { BACKFILL_BIGQUERY_WRITE_RATE_SCALE: '10' });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('writes paced per table against the stand-in', () => {
  it('a per-table cap lower than the budget: the run adapts (backs off, slows the table down), every pair succeeds, the retries are counted', async () => {
    const doc = phaseRunDocument.parse(JSON.parse((await pacedPhase3(20)).stdout));
    const ran = doc.outcomes.filter((o) => o.status !== 'skipped');
    expect(ran.length).toBeGreaterThan(80);
    expect(ran.every((o) => o.status === 'success')).toBe(true);
    // Every refused write was tried again, and counted: in the pair's attempts and in the summary.
    const refused = dayWrites().length - ran.length;
    expect(refused).toBeGreaterThan(0);
    expect(doc.counts.rateLimited).toBe(refused);
    for (const o of ran) expect(o.attempts).toBe(1 + (o.rateLimited ?? 0));
    // The run slowed down: far fewer refusals than writes (a fixed 60 s wait would not have finished).
    expect(refused).toBeLessThan(ran.length / 2);

    const text = await pacedPhase3(5, ['--start-date', '2021-11-09', '--end-date', '2021-11-20']);
    expect(text.stdout).toMatch(/^Rate limits: \d+ attempt\(s\) of \d+ pair\(s\) were rate-limited and tried again\.$/m);
  });

  it('at the budget the stand-in enforces, no write is refused', async () => {
    // 10 % above the budget: under a loaded test run a request can reach the stand-in late.
    const doc = phaseRunDocument.parse(JSON.parse((await pacedPhase3(55)).stdout));
    expect(doc.counts.rateLimited).toBe(0);
    expect(dayWrites().length).toBe(doc.counts.success);
  });
});

describe('the daily quota of partition modifications per table', () => {
  /** The history holds 29,950 day writes of player_game_summary by this tool in the last 24 h. */
  function busyHistory(): void {
    standIn.tables.set(`${processorRunHistory.dataset}.${processorRunHistory.name}`, tableMetadata(processorRunHistory));
    standIn.respond = (q) => (q.sql.includes('COUNT(*) AS writes') ? [{ processor_name: 'player_game_summary', writes: 29_950 }] : mirror.respond(q));
  }

  it('a dry run shows the writes per table against the quota and exits 1 when a table would pass it', async () => {
    busyHistory();
    const result = await bq(['--dry-run', 'phase3', 'player_game_summary', '--season', '2021-22']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Partition modifications per table \(BigQuery allows 30,000 per table per day\):/);
    expect(result.stdout).toMatch(/nba_analytics\.player_game_summary\s+164\s+29,950\s+30,114 {2}OVER/);
    expect(standIn.queries.filter((q) => !q.dryRun && q.destination)).toEqual([]);

    // Without the busy history the same dry run is fine.
    standIn.respond = mirror.respond;
    const fine = await bq(['--dry-run', '--json', 'phase3', 'player_game_summary', '--season', '2021-22']);
    expect(fine.code, fine.stderr).toBe(0);
    expect(phaseRunDocument.parse(JSON.parse(fine.stdout)).quota).toMatchObject({ limit: 30_000, over: [], tables: [{ table: 'nba_analytics.player_game_summary', planned: 164, recent: 0, total: 164 }] });
  });

  it('a run that would pass it refuses before writing (exit 3), naming the table and the count, with the date-split commands that fit', async () => {
    busyHistory();
    const result = await bq(['--force', 'phase3', 'player_game_summary', '--season', '2021-22']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain(
      "Stopped: the plan would pass BigQuery's 30,000 partition modifications per table per day on nba_analytics.player_game_summary: 30,114 (164 planned + 29,950 written by backfill in the last 24 h); nothing was written",
    );
    // 50 writes are left today: the first command takes the first 50 game dates, the second the rest a day later.
    const commands = [...result.stdout.matchAll(/^ {2}(backfill .*)$/gm)].map((m) => m[1]);
    expect(commands).toEqual([
      'backfill --warehouse bigquery --project nba-props-platform phase3 player_game_summary --start-date 2021-10-19 --end-date 2021-12-09 --force',
      'backfill --warehouse bigquery --project nba-props-platform phase3 player_game_summary --start-date 2021-12-10 --end-date 2022-04-10 --force',
    ]);
    expect(result.stdout).toMatch(/Split the dates, one command per 24 h \(the first fits what is left today\):/);
    expect(dayWrites()).toEqual([]);
    expect(standIn.writes()).toEqual([]);
  });
});
