import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let copy: (name: string) => string;
const DATES = ['--dates', '2021-10-27,2021-10-28'];

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  const result = await runCli(['--db', sample.template, '--quiet', 'run', '--start-date', '2021-10-19', '--end-date', '2021-10-28']);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  copy = sample.copy;
}, 300_000);

/** Values the platform's own pipeline put in columns the tool does not compute, per table. */
const SOURCE_VALUES: [table: string, column: string, value: string][] = [
  ['nba_analytics.player_game_summary', 'universal_player_id', `'uid_' || player_lookup`],
  ['nba_analytics.player_game_summary', 'usage_rate_valid', 'TRUE'],
  ['nba_analytics.player_game_summary', 'source_nbac_hash', `'h' || CAST(points AS VARCHAR)`],
  ['nba_analytics.team_offense_game_summary', 'referee_crew_id', `'crew-' || team_abbr`],
  ['nba_analytics.upcoming_team_game_context', 'game_number_in_season', '1234'],
  ['nba_precompute.player_daily_cache', 'cache_version', `'v9'`],
  ['nba_precompute.player_composite_factors', 'fatigue_context_json', `'{"from":"platform"}'`],
];

const snapshot = (db: string, table: string, column: string) =>
  queryFile(db, `SELECT CAST(${column} AS VARCHAR) AS v, count(*) AS n FROM ${table} GROUP BY 1 ORDER BY 1`);

describe('a day write keeps what it does not compute', () => {
  it('--force rewrites the computed columns and leaves every carried value unchanged', { timeout: 240_000 }, async () => {
    const db = copy('carried');
    for (const [table, column, value] of SOURCE_VALUES) {
      const dateColumn = table.includes('daily_cache') ? 'cache_date' : 'game_date';
      await queryFile(db, `UPDATE ${table} SET ${column} = ${value} WHERE ${dateColumn} IN ('2021-10-27', '2021-10-28')`);
    }
    // A computed column with a wrong value: --force must put the computed value back.
    await queryFile(db, `UPDATE nba_analytics.player_game_summary SET points = -1 WHERE game_date = '2021-10-27'`);
    const before = new Map<string, unknown>();
    for (const [table, column] of SOURCE_VALUES) before.set(`${table}.${column}`, await snapshot(db, table, column));
    const rowsBefore = await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.player_game_summary WHERE game_date IN ('2021-10-27', '2021-10-28')`);

    const result = await runCli(['--db', db, '--force', 'run', ...DATES]);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    for (const [table, column] of SOURCE_VALUES) {
      expect(await snapshot(db, table, column), `${table}.${column}`).toEqual(before.get(`${table}.${column}`));
    }
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.player_game_summary WHERE points = -1`)).toEqual([{ n: 0 }]);
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.player_game_summary WHERE game_date IN ('2021-10-27', '2021-10-28')`)).toEqual(rowsBefore);
    // Bookkeeping is recomputed by the write, not carried.
    const stamped = await queryFile(db, `SELECT count(*) FILTER (WHERE created_at IS NULL OR data_hash IS NULL) AS missing FROM nba_analytics.player_game_summary`);
    expect(stamped).toEqual([{ missing: 0 }]);

    const again = await runCli(['--db', db, 'run', ...DATES]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 succeeded/);
  });

  it('fails a date whose write would drop stored keys, unless --allow-drop-keys', { timeout: 240_000 }, async () => {
    const db = copy('dropped');
    // A key the platform has and the tool does not produce (e.g. its roster expansion).
    await queryFile(
      db,
      `INSERT INTO nba_analytics.team_offense_game_summary (game_id, game_date, team_abbr, opponent_team_abbr, season_year, home_game, win_flag)
       VALUES ('20211027_XXX_YYY', DATE '2021-10-27', 'XXX', 'YYY', 2021, TRUE, FALSE)`,
    );
    const refused = await runCli(['--db', db, '--force', 'phase3', 'team_offense_game_summary', '--dates', '2021-10-27']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/shrink-guard/);
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary WHERE team_abbr = 'XXX'`)).toEqual([{ n: 1 }]);
    const allowed = await runCli(['--db', db, '--force', '--allow-drop-keys', 'phase3', 'team_offense_game_summary', '--dates', '2021-10-27']);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary WHERE team_abbr = 'XXX'`)).toEqual([{ n: 0 }]);
  });

  it('shows the impact per table in a dry run, before anything is written', { timeout: 120_000 }, async () => {
    const db = copy('impact');
    await queryFile(
      db,
      `INSERT INTO nba_analytics.team_offense_game_summary (game_id, game_date, team_abbr, opponent_team_abbr, season_year, home_game, win_flag)
       VALUES ('20211027_XXX_YYY', DATE '2021-10-27', 'XXX', 'YYY', 2021, TRUE, FALSE)`,
    );
    const before = await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary WHERE game_date IN ('2021-10-27', '2021-10-28')`);
    const dry = await runCli(['--db', db, '--json', '--dry-run', '--force', 'phase3', 'team_offense_game_summary', 'player_game_summary', ...DATES]);
    expect(dry.code, dry.stderr).toBe(0);
    const doc = JSON.parse(dry.stdout) as { impact: { table: string; days: number; daysReplaced: number; rowsReplaced: number; keysAdded: number; keysDropped: number; carried: string[] }[] };
    const offense = doc.impact.find((i) => i.table === 'nba_analytics.team_offense_game_summary');
    expect(offense).toMatchObject({ days: 2, daysReplaced: 2, rowsReplaced: Number(before[0]?.n), keysAdded: 0, keysDropped: 1 });
    expect(offense?.carried).toContain('referee_crew_id');
    expect(doc.impact.find((i) => i.table === 'nba_analytics.player_game_summary')).toMatchObject({ days: 2, daysReplaced: 2, keysAdded: 0, keysDropped: 0 });
    const text = await runCli(['--db', db, '--dry-run', '--force', 'phase3', 'team_offense_game_summary', ...DATES]);
    expect(text.stdout).toMatch(/nba_analytics\.team_offense_game_summary: 2 days \(2 replaced, \d+ rows\), keys \+0 -1; \d+ carried column\(s\)/);
    expect(text.stdout).toContain('Dropped keys fail their dates as shrink-guard unless --allow-drop-keys.');
    // Nothing was written: the extra key is still there and the day's rows are as before.
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary WHERE game_date IN ('2021-10-27', '2021-10-28')`)).toEqual(before);
  });

  it('refuses to read a file made by an earlier version, naming the one command that upgrades it', { timeout: 120_000 }, async () => {
    const db = copy('legacy');
    await queryFile(db, 'DROP TABLE nba_reference.processor_run_history');
    await queryFile(db, `CREATE TABLE nba_reference.processor_run_history (run_id VARCHAR, processor_name VARCHAR, phase BIGINT, data_date DATE, status VARCHAR,
      skip_reason VARCHAR, error_class VARCHAR, errors VARCHAR, missing_dependencies VARCHAR[], rows_written BIGINT, attempts BIGINT, input_fingerprint VARCHAR,
      started_at TIMESTAMP, finished_at TIMESTAMP, duration_ms BIGINT, command_line VARCHAR, tool_version VARCHAR)`);
    const refused = await runCli(['--db', db, 'status']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`was made by an earlier version of backfill; upgrade it once with: backfill --db ${db} upgrade`);
    const upgraded = await runCli(['--db', db, 'upgrade']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stderr).toMatch(/the run history copied into the platform's processor_run_history; the file as it was is kept at/);
    expect((await runCli(['--db', db, 'status'])).code).toBe(0);
    expect((await runCli(['--db', db, 'upgrade'])).stdout).toMatch(/already has the platform's layouts/);
  });
});
