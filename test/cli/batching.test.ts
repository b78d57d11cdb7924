import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { sampleSeasonFile, toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let copy: (name: string) => string;
const RANGE = ['--start-date', '2021-10-19', '--end-date', '2021-11-15'];
const TABLES: [string, string][] = [
  ['nba_analytics.player_game_summary', 'game_date'],
  ['nba_analytics.team_offense_game_summary', 'game_date'],
  ['nba_analytics.team_defense_game_summary', 'game_date'],
  ['nba_analytics.upcoming_player_game_context', 'game_date'],
  ['nba_analytics.upcoming_team_game_context', 'game_date'],
  ['nba_precompute.team_defense_zone_analysis', 'analysis_date'],
  ['nba_precompute.player_shot_zone_analysis', 'analysis_date'],
  ['nba_precompute.player_composite_factors', 'game_date'],
  ['nba_precompute.player_daily_cache', 'cache_date'],
  ['nba_precompute.ml_feature_store', 'game_date'],
];

/** Columns that hold when a row was written: they differ between any two runs. */
const timeOfRun = (table: string) => (table.endsWith('ml_feature_store') ? 'processed_at' : 'processed_at, created_at');

beforeAll(async () => {
  copy = (await sampleSeasonFile(dir)).copy;
}, 300_000);

describe('batches of days on DuckDB', () => {
  it('give exactly the rows of strictly day-by-day processing, with one history row per (processor, date)', { timeout: 240_000 }, async () => {
    const batched = copy('batched');
    const daily = copy('daily');
    const a = await runCli(['--db', batched, 'run', ...RANGE]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    // The fault wrapper with no faults forces one statement per day.
    const b = await runCli(['--db', daily, 'run', ...RANGE], { env: { BACKFILL_FAULTS: 'latency=0' } });
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
    try {
      await warehouse.execute(`ATTACH '${batched}' AS batched (READ_ONLY)`);
      await warehouse.execute(`ATTACH '${daily}' AS daily (READ_ONLY)`);
      for (const [table, column] of TABLES) {
        const diff = await warehouse.query(
          `SELECT (SELECT COUNT(*) FROM (SELECT * EXCLUDE (${timeOfRun(table)}) FROM batched.${table} EXCEPT ALL SELECT * EXCLUDE (${timeOfRun(table)}) FROM daily.${table}))
                + (SELECT COUNT(*) FROM (SELECT * EXCLUDE (${timeOfRun(table)}) FROM daily.${table} EXCEPT ALL SELECT * EXCLUDE (${timeOfRun(table)}) FROM batched.${table})) AS differences,
                  (SELECT COUNT(*) FROM batched.${table}) AS rows_batched, (SELECT COUNT(DISTINCT ${column}) FROM batched.${table}) AS days`,
        );
        expect(diff[0], table).toMatchObject({ differences: 0 });
        expect(Number(diff[0]?.rows_batched), table).toBeGreaterThan(0);
      }
      const history = await warehouse.query(
        `SELECT COUNT(*) AS n FROM (SELECT processor_name, data_date FROM ${toolHistory('batched.')}
         WHERE status = 'success' GROUP BY 1, 2 HAVING COUNT(*) <> 1)`,
      );
      expect(history).toEqual([{ n: 0 }]);
      const counts = await warehouse.query(
        `SELECT (SELECT COUNT(*) FROM ${toolHistory('batched.')} WHERE status = 'success') AS batched_rows,
                (SELECT COUNT(*) FROM ${toolHistory('daily.')} WHERE status = 'success') AS daily_rows`,
      );
      expect(counts[0]?.batched_rows).toBe(counts[0]?.daily_rows);
    } finally {
      await warehouse.close();
    }
    expect(a.stderr).toMatch(/run \S+: run/);
  });

  it('split a failing batch until the failing date runs alone', async () => {
    const db = copy('split');
    const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
    // One team of one game on 2021-10-28 keeps about a third of its players in every player source: that date's
    // player_game_summary fails its "8 active players per team" check; its batch-mates must not.
    for (const t of ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores']) {
      await warehouse.execute(`DELETE FROM nba_raw.${t} WHERE game_date = DATE '2021-10-28' AND team_abbr = (
        SELECT home_team_tricode FROM nba_raw.nbac_schedule WHERE game_date = DATE '2021-10-28' AND game_status = 3 ORDER BY game_id LIMIT 1)
        AND hash(player_lookup) % 3 <> 0`);
    }
    await warehouse.close();
    const result = await runCli(['--db', db, '--json', 'phase3', 'player_game_summary', ...RANGE]);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.failed.map((f: { date: string; errorClass: string }) => `${f.date} ${f.errorClass}`)).toEqual(['2021-10-28 invalid-data']);
    expect(doc.counts.success).toBe(doc.outcomes.filter((o: { status: string }) => o.status === 'success').length);
    expect(doc.counts.success).toBeGreaterThan(20);
  });
});
