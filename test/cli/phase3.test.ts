import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile, toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let sample: Awaited<ReturnType<typeof sampleSeasonFile>>;

beforeAll(async () => {
  sample = await sampleSeasonFile(dir);
});

const query = (db: string, sql: string) => queryFile(db, sql, { readOnly: true });

const WEEK = ['--start-date', '2021-10-19', '--end-date', '2021-10-25'];

describe('backfill phase3 on the sample season', () => {
  it('dry run prints the plan and writes nothing, also with --dry-run after the command', async () => {
    const db = sample.copy('dry');
    const before = statSync(db);
    for (const args of [['--dry-run', 'phase3', ...WEEK], ['phase3', ...WEEK, '--dry-run']]) {
      const result = await runCli(['--db', db, ...args]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Plan \(dry run, nothing written\)/);
      expect(result.stdout).toMatch(/player_game_summary \(phase 3\): 7 dates\n\s+run\s+7\s+2021-10-19\.\.2021-10-25 \(7\)/);
    }
    const after = statSync(db);
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(dir).filter((n) => n === 'logs' || n === 'runs')).toEqual([]);
    const tables = await query(db, `SELECT table_name FROM information_schema.tables WHERE table_schema IN ('nba_analytics', 'nba_reference')`);
    expect(tables).toEqual([]);
  });

  it('runs a week, records a success row per (processor, game date), and a re-run writes nothing', async () => {
    const db = sample.copy('week');
    const first = await runCli(['--db', db, 'phase3', ...WEEK]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stderr).toMatch(/^run \d{8}T\d{6}Z-[0-9a-f]{6}: phase3, 7 dates x 5 processors, log /);
    expect(first.stdout).toMatch(/35 pairs, 35 succeeded, 0 failed/);
    const history = await query(db, `SELECT processor_name, count(*) AS n, count(DISTINCT data_date) AS d, min(status) AS s, max(status) AS s2 FROM ${toolHistory()} GROUP BY 1 ORDER BY 1`);
    expect(history).toEqual(
      ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context'].map(
        (processor_name) => ({ processor_name, n: 7, d: 7, s: 'success', s2: 'success' }),
      ),
    );
    // Every game of the week: two team rows, and team points equal to the sum of the players'.
    const games = await query(db, `SELECT count(*) AS n FROM (SELECT DISTINCT game_id FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN '2021-10-19' AND '2021-10-25')`);
    const teams = await query(db, `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary`);
    expect(teams[0]?.n).toBe(2 * Number(games[0]?.n));
    const mismatches = await query(
      db,
      `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary t
       JOIN (SELECT game_id, team_abbr, sum(points) AS p FROM nba_analytics.player_game_summary GROUP BY ALL) p USING (game_id, team_abbr)
       WHERE p.p <> t.points_scored`,
    );
    expect(mismatches).toEqual([{ n: 0 }]);
    const logs = readdirSync(join(dir, 'logs'));
    expect(logs.length).toBeGreaterThan(0);

    const second = await runCli(['--db', db, 'phase3', ...WEEK]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/35 pairs, 0 succeeded, 0 failed, 0 not run, skipped: 35 up-to-date; 0 rows written/);
    const after = await query(db, `SELECT count(*) AS n FROM ${toolHistory()}`);
    expect(after).toEqual([{ n: 35 }]);

    // --force reprocesses; --json gives one document with the statuses. Written times are UTC
    // whatever the machine's time zone.
    const before = Date.now();
    const forced = await runCli(['--db', db, '--json', '--force', 'phase3', 'team-offense-game-summary', '--dates', '2021-10-20'], { env: { TZ: 'Asia/Tokyo' } });
    expect(forced.code).toBe(0);
    const [stamp] = await query(db, `SELECT CAST(max(processed_at) AS VARCHAR) AS at FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '2021-10-20'`);
    const written = Date.parse(`${String(stamp?.at).replace(' ', 'T')}Z`);
    expect(Math.abs(written - before)).toBeLessThan(120_000);
    const doc = JSON.parse(forced.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, counts: { success: 1 }, outcomes: [{ processor: 'team_offense_game_summary', date: '2021-10-20', status: 'success' }] });
  });

  it('names the failed dates with their class and prints a retry command with the global options', async () => {
    const db = sample.copy('failing');
    const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
    await warehouse.execute(`DELETE FROM nba_raw.nbac_gamebook_player_stats WHERE game_date IN ('2021-10-21', '2021-10-23')`);
    await warehouse.execute(`DELETE FROM nba_raw.nbac_player_boxscores WHERE game_date IN ('2021-10-21', '2021-10-23')`);
    await warehouse.execute(`DELETE FROM nba_raw.bdl_player_boxscores WHERE game_date IN ('2021-10-21', '2021-10-23')`);
    await warehouse.close();
    const result = await runCli(['--db', db, '--concurrency', '2', 'phase3', 'player_game_summary', ...WEEK]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/player_game_summary: 2021-10-21 \(missing-dependency\), 2021-10-23 \(missing-dependency\)/);
    expect(result.stdout).toContain(`Retry: backfill --db ${db} --concurrency 2 phase3 player_game_summary --dates 2021-10-21,2021-10-23`);
    const failed = await query(db, `SELECT data_date, error_class, missing_dependencies FROM ${toolHistory()} WHERE status = 'failed' ORDER BY 1`);
    expect(failed.map((r) => r.data_date)).toEqual(['2021-10-21', '2021-10-23']);
    expect(failed[0]?.missing_dependencies).toEqual(['nba_raw.nbac_gamebook_player_stats', 'nba_raw.nbac_player_boxscores', 'nba_raw.bdl_player_boxscores']);
  });

  it('refuses a held warehouse with one line naming the pid, run id and log file', async () => {
    const db = sample.copy('held');
    mkdirSync(join(dir, 'runs'), { recursive: true });
    const holder = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(${JSON.stringify(db)}); process.stdout.write('ready\\n'); setTimeout(() => {}, 30000);`,
    ]);
    try {
      await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      writeFileSync(join(dir, 'runs', 'holder.json'), JSON.stringify({ runId: '20261125T000000Z-abcdef', pid: holder.pid, state: 'running', logFile: 'logs/20261125T000000Z-abcdef.log', startedAt: new Date().toISOString() }));
      const result = await runCli(['--db', db, 'phase3', ...WEEK]);
      expect(result.code).toBe(3);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`is in use by pid ${holder.pid}, run 20261125T000000Z-abcdef, log logs/20261125T000000Z-abcdef.log`));
    } finally {
      holder.kill('SIGKILL');
    }
    expect(existsSync(db)).toBe(true);
  });
});

describe('Ctrl-C', () => {
  it('lets in-flight dates finish, prints the summary with a retry command, exits 130, and the retry finishes the range', async () => {
    const db = sample.copy('interrupted');
    const child = spawn(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), '--db', db, '--concurrency', '1', '--batch-days', '7', 'phase3', 'player_game_summary', '--start-date', '2021-10-19', '--end-date', '2021-12-31'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const interrupted = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!child.killed && /\d+\/74 dates/.test(stderr)) {
          child.kill('SIGINT');
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await interrupted;
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopping: letting in-flight dates finish/);
    expect(stdout).toMatch(/interrupted in .*not run/);
    const retry = /Retry: (backfill .*)/.exec(stdout)?.[1];
    expect(retry).toMatch(/--concurrency 1 --batch-days 7 phase3 player_game_summary --dates \d{4}-\d{2}-\d{2},/);
    const args = (retry as string).split(' ').slice(1);
    // status names the resume point: the first date not done, and the command that resumes from it.
    const firstUndone = /--dates (\d{4}-\d{2}-\d{2})/.exec(retry as string)?.[1];
    const status = await runCli(['--db', db, 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`player_game_summary\\s+3\\s+\\d+\\s+0\\s+\\d+\\s+\\S+\\s+backfill --db \\S+ phase3 player_game_summary --start-date ${firstUndone} --end-date 2022-04-10`));
    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    const missing = await query(
      db,
      `SELECT count(*) AS n FROM (SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date <= '2021-12-31') g
       WHERE game_date NOT IN (SELECT game_date FROM nba_analytics.player_game_summary)`,
    );
    expect(missing).toEqual([{ n: 0 }]);
  }, 240_000);
});

describe('backfill retry', () => {
  it('re-runs exactly the failed pairs of the last run with failures', async () => {
    const db = sample.copy('retry');
    const raw = ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores'];
    const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
    for (const t of raw) {
      await warehouse.execute(`CREATE TABLE nba_raw.keep_${t} AS SELECT * FROM nba_raw.${t} WHERE game_date IN ('2021-10-21', '2021-10-24')`);
      await warehouse.execute(`DELETE FROM nba_raw.${t} WHERE game_date IN ('2021-10-21', '2021-10-24')`);
    }
    await warehouse.close();
    const failing = await runCli(['--db', db, 'phase3', ...WEEK]);
    expect(failing.code).toBe(1);
    const runId = /Run (\S+) finished/.exec(failing.stdout)?.[1];
    expect(failing.stdout).toContain(`or: backfill --db ${db} retry ${runId}`);
    const restore = await DuckDbWarehouse.open({ path: db, readOnly: false });
    for (const t of raw) await restore.execute(`INSERT INTO nba_raw.${t} SELECT * FROM nba_raw.keep_${t}`);
    await restore.close();
    const retried = await runCli(['--db', db, '--json', 'retry']);
    expect(retried.code, retried.stderr).toBe(0);
    const doc = JSON.parse(retried.stdout);
    const ran = doc.outcomes.map((o: { processor: string; date: string; status: string }) => `${o.processor} ${o.date} ${o.status}`).sort();
    expect(ran).toEqual([
      'player_game_summary 2021-10-21 success', 'player_game_summary 2021-10-24 success',
      'upcoming_player_game_context 2021-10-21 success', 'upcoming_player_game_context 2021-10-24 success',
    ]);
    expect(retried.stderr).toContain(`retrying 4 failed pair(s) of run ${runId}`);
    const nothing = await runCli(['--db', db, 'retry', runId as string]);
    expect(nothing.code).toBe(0);
  });

  it('runs on a file made before the injury report and the arena tables existed: they are created empty', async () => {
    const db = sample.copy('older');
    for (const table of ['nba_raw.nbac_injury_report', 'nba_static.travel_distances', 'nba_static.team_locations']) await queryFile(db, `DROP TABLE IF EXISTS ${table}`);
    const result = await runCli(['--db', db, 'phase3', 'upcoming_team_game_context', '--dates', '2021-10-20']);
    expect(result.code, result.stderr).toBe(0);
    expect(await query(db, `SELECT count(*) AS n, max(travel_miles) AS miles, max(starters_out_count) AS out FROM nba_analytics.upcoming_team_game_context WHERE game_date = DATE '2021-10-20'`)).toEqual([
      { n: expect.any(Number), miles: 0, out: 0 },
    ]);
    expect(await query(db, `SELECT count(*) AS n FROM nba_static.travel_distances`)).toEqual([{ n: 0 }]);
  });
});
