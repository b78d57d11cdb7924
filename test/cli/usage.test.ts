import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = join(dir, 'never-created', 'w.duckdb');

const badInputs: [string[], RegExp][] = [
  [['phase3', '--season', '2021-23'], /^error: invalid --season '2021-23': expected YYYY-YY/],
  [['phase3', '--season', '1999-00'], /^error: no such season '1999-00': known seasons are 2021-22/],
  [['phase3', '--start-date', '2022-02-30'], /^error: invalid --start-date '2022-02-30': expected a real date as YYYY-MM-DD/],
  [['phase3', '--start-date', '2022-03-01', '--end-date', '2022-02-01'], /^error: invalid range: --end-date 2022-02-01 is before --start-date 2022-03-01/],
  [['phase3', '--dates', '2022-01-05,nope'], /^error: invalid --dates item 'nope'/],
  [['phase3', '--season', '2021-22', '--dates', '2022-01-05'], /^error: use one date selector, not --season and --dates/],
  [['phase3'], /^error: no dates given: use --season 2021-22/],
  [['phase3', 'no_such_processor', '--dates', '2022-01-05'], /^error: unknown phase 3 processor 'no_such_processor': expected one of player_game_summary, team_offense_game_summary, team_defense_game_summary, upcoming_player_game_context, upcoming_team_game_context$/m],
  [['phase3', '--concurrency', '0', '--dates', '2022-01-05'], /^error: invalid --concurrency '0': expected an integer from 1 to 64/],
  [['--warehouse', 'bigquery', '--project', 'nba-props-platform', 'phase3', '--concurrency', '101', '--dates', '2022-01-05'], /^error: invalid --concurrency '101': expected an integer from 1 to 100 on BigQuery$/m],
  [['phase3', '--batch-days', '400', '--dates', '2022-01-05'], /^error: invalid --batch-days '400': expected an integer from 1 to 366/],
  [['--warehouse', 'oracle', 'phase3', '--dates', '2022-01-05'], /^error: invalid --warehouse 'oracle': expected duckdb or bigquery/],
  [['phase3', '--dates', "2022-01-05';drop table x;--"], /^error: invalid --dates item '2022-01-05';drop table x;--'/],
  [['phase3', "player_game_summary'--", '--dates', '2022-01-05'], /^error: unknown phase 3 processor/],
  [['phase3', '--season', "2021-22'); DROP TABLE nba_raw.nbac_schedule; --"], /^error: invalid --season '2021-22'\); DROP TABLE/],
  [['--db', "x.duckdb'; --", 'phase3', '--season', '20"21-22'], /^error: invalid --season '20"21-22'/],
  [['phase3', '--dates', '2099-01-05'], /^error: date 2099-01-05 is in the future/],
  [['phase3', '--bogus'], /^error: unknown option '--bogus'/],
  [['nonsense'], /^error: unknown command 'nonsense'/],
  [['sample-data', '--seasons', '2021-23'], /^error: invalid --seasons item '2021-23'/],
  [['--warehouse', 'bigquery', 'sample-data'], /^error: sample-data writes only to the embedded duckdb warehouse/],
  [['import', 'players', 'x.csv'], /^error: unknown raw table 'players': expected one of nbac_schedule/],
];

describe('bad input', () => {
  it.each(badInputs)('backfill %j exits 2 with one line and writes nothing', async (args, message) => {
    const result = await runCli(['--db', db, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'never-created'))).toBe(false);
  });

  it('prints help and exits 2 when run bare', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: backfill/);
    expect(result.stderr).toMatch(/phase3/);
  });

  it('prints help for each command and exits 0', async () => {
    for (const command of ['phase3', 'seasons', 'processors', 'sample-data', 'import']) {
      const result = await runCli([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`Usage: backfill ${command}`));
    }
  });

  it('answers a usage error with one JSON document under --json', async () => {
    const result = await runCli(['--db', db, '--json', 'phase3', '--season', '2021-23']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, exitCode: 2, error: expect.stringMatching(/invalid --season '2021-23'/) });
  });

  it('lists seasons with the bootstrap windows and processors without a warehouse file', async () => {
    const seasons = await runCli(['--db', db, 'seasons']);
    expect(seasons.code).toBe(0);
    expect(seasons.stdout).toMatch(/2021-22\s+2021-10-19\s+2022-04-10\s+2021-10-19\.\.2021-10-25/);
    expect(seasons.stdout).toMatch(/2024-25\s+2024-10-22\s+2025-04-13\s+2024-10-22\.\.2024-10-28/);
    const json = JSON.parse((await runCli(['--db', db, '--json', 'seasons', '--bootstrap-days', '14'])).stdout);
    expect(json.seasons[0]).toMatchObject({ season: '2021-22', bootstrap: '2021-10-19..2021-11-01' });
    const processors = await runCli(['--db', db, 'processors']);
    expect(processors.code).toBe(0);
    expect(processors.stdout).toMatch(/player_game_summary/);
    expect(existsSync(join(dir, 'never-created'))).toBe(false);
  });

  it('exits 1 with a hint when the range holds no final game', async () => {
    const result = await runCli(['--db', db, '--dry-run', 'phase3', '--start-date', '2021-07-01', '--end-date', '2021-07-10']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no final game between 2021-07-01 and 2021-07-10; load one with 'backfill sample-data' or 'backfill import nbac_schedule FILE'/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
