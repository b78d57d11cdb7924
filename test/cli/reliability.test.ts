import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile, toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let copy: (name: string) => string;
const RANGE = ['--start-date', '2021-10-19', '--end-date', '2021-11-08'];
/** 20 kill -9 trials with BACKFILL_LONG_TESTS=1, 4 in the default suite. */
const TRIALS = process.env.BACKFILL_LONG_TESTS ? 20 : 4;

beforeAll(async () => {
  copy = (await sampleSeasonFile(dir)).copy;
}, 300_000);


/** Every (processor, date) succeeded exactly once; validation passes (coverage, duplicate keys). */
async function expectComplete(db: string): Promise<void> {
  const validate = await runCli(['--db', db, 'validate', ...RANGE]);
  expect(validate.code, validate.stdout).toBe(0);
  expect(validate.stdout).toMatch(/duplicate_keys\s+3\s+pass/);
  const repeated = await queryFile(
    db,
    `SELECT processor_name, data_date, COUNT(*) AS n FROM ${toolHistory()}
     WHERE status = 'success' GROUP BY 1, 2 HAVING COUNT(*) <> 1`,
  );
  expect(repeated).toEqual([]);
  const missing = await queryFile(
    db,
    `SELECT COUNT(*) AS n FROM (SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN '2021-10-26' AND '2021-11-08') g
     WHERE game_date NOT IN (SELECT game_date FROM nba_precompute.ml_feature_store)`,
  );
  expect(missing).toEqual([{ n: 0 }]);
}

describe('kill -9', () => {
  it(`leaves every day as it was or fully replaced: ${TRIALS} kills at random moments, then a normal run completes without duplicates`, async () => {
    const db = copy('killed');
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const killedAt: number[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const child = spawn(process.execPath, [CLI, '--db', db, '--quiet', 'run', ...RANGE], {
        env: { ...process.env, BACKFILL_FAULTS: 'latency=3' },
        stdio: 'ignore',
      });
      const delay = 400 + Math.floor(next() * 2500);
      killedAt.push(delay);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
    }
    const final = await runCli(['--db', db, 'run', ...RANGE]);
    expect(final.code, final.stdout + final.stderr).toBe(0);
    await expectComplete(db);
    const status = await runCli(['--db', db, '--json', 'status']);
    expect(JSON.parse(status.stdout).live).toEqual([]); // the killed runs' files are stale, not live
    expect(killedAt).toHaveLength(TRIALS);
  }, 600_000);
});

describe('injected faults (BACKFILL_FAULTS)', () => {
  it('30 % transient faults: every date still succeeds, and attempts show the retries', async () => {
    const db = copy('transient');
    const result = await runCli(['--db', db, '--retry-delay', '1', 'run', ...RANGE], { env: { BACKFILL_FAULTS: 'transient=0.3,seed=1' } });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await expectComplete(db);
    const attempts = await queryFile(db, `SELECT MAX(attempts) AS most, COUNT(*) FILTER (WHERE attempts > 1) AS retried FROM ${toolHistory()} WHERE status = 'success'`);
    expect(Number(attempts[0]?.most)).toBeGreaterThan(1);
    expect(Number(attempts[0]?.retried)).toBeGreaterThan(10);
  });

  it('rate limits wait and succeed', async () => {
    const db = copy('rate-limited');
    const result = await runCli(['--db', db, '--rate-limit-wait', '5', 'phase3', ...RANGE], { env: { BACKFILL_FAULTS: 'rate-limit=0.2,seed=2' } });
    expect(result.code, result.stdout).toBe(0);
    const errors = await queryFile(db, `SELECT COUNT(*) AS n FROM ${toolHistory()} WHERE status = 'success' AND errors LIKE '%rate-limit%'`);
    expect(Number(errors[0]?.n)).toBeGreaterThan(0);
  });

  it('a fatal fault stops the run within the in-flight dates, exit 3, and a retry finishes the range', async () => {
    const db = copy('fatal');
    const result = await runCli(['--db', db, '--concurrency', '2', 'phase3', ...RANGE], { env: { BACKFILL_FAULTS: 'fatal=0.05,seed=4' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/Stopped: fatal error on/);
    const notRun = (result.stdout.match(/not run: interrupted/g) ?? []).length;
    expect(notRun).toBeGreaterThan(0);
    const retry = /Retry: backfill (.*)/.exec(result.stdout)?.[1]?.split(' ') as string[];
    const again = await runCli(retry);
    expect(again.code, again.stdout).toBe(0);
  });

  it('the circuit breaker stops when more than half of the last 10 finished pairs failed', async () => {
    const db = copy('breaker');
    const result = await runCli(['--db', db, '--concurrency', '1', 'phase3', 'player_game_summary', ...RANGE], { env: { BACKFILL_FAULTS: 'invalid=0.9,seed=5' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/Stopped: circuit breaker: \d+ of the last 10 finished pairs failed/);
  });

  it('refuses a malformed fault spec with exit 2', async () => {
    const result = await runCli(['--db', copy('bad-spec'), 'phase3', ...RANGE], { env: { BACKFILL_FAULTS: 'transient=2' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid BACKFILL_FAULTS value 'transient=2'/);
  });
});

describe('bad raw data', () => {
  it('duplicated raw rows give no duplicate keys downstream and the same numbers', async () => {
    const clean = copy('clean');
    const dirty = copy('dirty');
    for (const t of ['nbac_gamebook_player_stats', 'nbac_team_boxscore', 'odds_api_player_points_props', 'bettingpros_player_points_props', 'bigdataball_play_by_play', 'nbac_schedule']) {
      await queryFile(dirty, `INSERT INTO nba_raw.${t} SELECT * FROM nba_raw.${t} WHERE game_date = DATE '2021-10-20'`);
    }
    for (const db of [clean, dirty]) {
      const result = await runCli(['--db', db, 'phase3', '--dates', '2021-10-20']);
      expect(result.code, result.stdout).toBe(0);
    }
    const summary = `SELECT COUNT(*) AS n, SUM(points) AS pts, SUM(points_line) AS lines, SUM(paint_attempts) AS paint FROM nba_analytics.player_game_summary`;
    expect(await queryFile(dirty, summary)).toEqual(await queryFile(clean, summary));
    const dups = await queryFile(dirty, `SELECT COUNT(*) AS n FROM (SELECT player_lookup FROM nba_analytics.player_game_summary GROUP BY game_date, player_lookup HAVING COUNT(*) > 1)`);
    expect(dups).toEqual([{ n: 0 }]);
  });

  it('NULL stats, negative minutes, reversed game ids and a player on both teams: nothing crashes, validation reports it', async () => {
    const db = copy('bad');
    const day = `game_date = DATE '2021-10-21'`;
    const [first, second] = await queryFile(db, `SELECT player_lookup FROM nba_raw.nbac_gamebook_player_stats WHERE ${day} AND player_status = 'active' ORDER BY player_lookup LIMIT 2`);
    await queryFile(db, `UPDATE nba_raw.nbac_gamebook_player_stats SET points = NULL WHERE ${day} AND player_lookup = '${String(first?.player_lookup)}'`);
    await queryFile(db, `UPDATE nba_raw.nbac_gamebook_player_stats SET minutes = '-12:00' WHERE ${day} AND player_lookup = '${String(second?.player_lookup)}'`);
    await queryFile(db, `UPDATE nba_raw.nbac_team_boxscore SET game_id = split_part(game_id, '_', 1) || '_' || split_part(game_id, '_', 3) || '_' || split_part(game_id, '_', 2) WHERE ${day}`);
    await queryFile(db, `INSERT INTO nba_raw.bdl_player_boxscores SELECT * REPLACE ('ZZZ' AS team_abbr) FROM nba_raw.bdl_player_boxscores WHERE ${day} LIMIT 3`);
    const run = await runCli(['--db', db, 'phase3', '--dates', '2021-10-21']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const validate = await runCli(['--db', db, 'validate', '--dates', '2021-10-21', '--phase', '3']);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/null_critical\s+3\s+BLOCK\s+2\s+2021-10-21/);
    expect(validate.stdout).toMatch(/null_column=points/);
    expect(validate.stdout).toMatch(/null_column=minutes_played/);
    expect(validate.stdout).toMatch(/duplicate_keys\s+3\s+pass/);
    const teams = await queryFile(db, `SELECT COUNT(*) AS n FROM nba_analytics.team_offense_game_summary WHERE ${day} AND primary_source_used = 'nbac_team_boxscore'`);
    const games = await queryFile(db, `SELECT COUNT(DISTINCT game_id) AS n FROM nba_raw.nbac_schedule WHERE ${day} AND game_status = 3`);
    expect(Number(teams[0]?.n)).toBe(2 * Number(games[0]?.n)); // reversed ids still matched by date and team
  });
});
