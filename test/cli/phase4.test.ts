import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile, toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let copy: (name: string) => string;
const RANGE = ['--start-date', '2021-10-19', '--end-date', '2021-11-03'];


beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  const result = await runCli(['--db', sample.template, '--quiet', 'phase3', ...RANGE]);
  expect(result.code, result.stderr).toBe(0);
  copy = sample.copy;
}, 300_000);

describe('backfill phase4', () => {
  it('refuses a step whose upstream has not run, naming it and the command to run first, writing nothing', async () => {
    const db = copy('refused');
    const runsBefore = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).length : 0;
    const result = await runCli(['--db', db, 'phase4', 'player_daily_cache', '--dates', '2021-11-01,2021-11-02']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/player_daily_cache: 2021-11-01\.\.2021-11-02 \(2\) waits for team_defense_zone_analysis, player_shot_zone_analysis, player_composite_factors/);
    expect(result.stdout).toContain(
      `Run first: backfill --db ${db} phase4 team_defense_zone_analysis player_shot_zone_analysis player_composite_factors --dates 2021-11-01,2021-11-02`,
    );
    expect(await queryFile(db, `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'nba_precompute'`)).toEqual([{ n: 0 }]);
    expect(await queryFile(db, `SELECT count(*) AS n FROM ${toolHistory()} WHERE phase = 4`)).toEqual([{ n: 0 }]);
    expect(existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).length : 0).toBe(runsBefore);

    const withUpstream = await runCli(['--db', db, 'phase4', 'player_daily_cache', '--dates', '2021-11-01,2021-11-02', '--with-upstream']);
    expect(withUpstream.code, withUpstream.stderr).toBe(0);
    expect(withUpstream.stdout).toMatch(/8 pairs, 8 succeeded/);
    const alone = await runCli(['--db', db, 'phase4', 'ml_feature_store', '--dates', '2021-11-01,2021-11-02']);
    expect(alone.code).toBe(0);
  });

  it('runs the chain per date, skips bootstrap days, and a re-run writes nothing', async () => {
    const db = copy('chain');
    const first = await runCli(['--db', db, 'phase4', ...RANGE]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/80 pairs, \d+ succeeded, 0 failed, 0 not run, skipped: 35 bootstrap/);
    const order = await queryFile(
      db,
      `SELECT data_date, list(processor_name ORDER BY finished_at) AS steps FROM ${toolHistory()}
       WHERE status = 'success' AND phase = 4 AND data_date = DATE '2021-11-01' GROUP BY 1`,
    );
    expect(order[0]?.steps).toEqual(['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_composite_factors', 'player_daily_cache', 'ml_feature_store']);
    const again = await runCli(['--db', db, 'phase4', ...RANGE]);
    expect(again.stdout).toMatch(/0 succeeded, 0 failed, 0 not run, skipped: 35 bootstrap, \d+ up-to-date; 0 rows written/);
    // Rewriting the first step makes exactly the steps that read it (composite factors, feature store) stale.
    const forced = await runCli(['--db', db, '--force', 'phase4', 'team_defense_zone_analysis', '--dates', '2021-11-01']);
    expect(forced.code).toBe(0);
    const afterForce = await runCli(['--json', '--db', db, 'phase4', '--dates', '2021-11-01']);
    const rerun = JSON.parse(afterForce.stdout).outcomes.filter((o: { status: string }) => o.status === 'success').map((o: { processor: string }) => o.processor);
    expect(rerun).toEqual(['player_composite_factors', 'ml_feature_store']);
  });

  it('warns about thin Phase 3 windows without stopping, and fails a date whose same-day inputs are empty', async () => {
    const db = copy('thin');
    await queryFile(db, `DELETE FROM nba_analytics.team_defense_game_summary WHERE game_date = DATE '2021-10-28'`);
    await queryFile(db, `DELETE FROM nba_analytics.upcoming_player_game_context WHERE game_date = DATE '2021-11-02'`);
    const result = await runCli(['--db', db, 'phase4', '--start-date', '2021-10-26', '--end-date', '2021-11-03']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: Phase 3 is thin: nba_analytics\.team_defense_game_summary has no rows on 1 game date\(s\) \(2021-10-28\) inside the windows of \d+ planned date\(s\)/);
    expect(result.stdout).toMatch(/team_defense_zone_analysis: 2021-10-28 \(missing-dependency\)/);
    expect(result.stdout).toMatch(/player_composite_factors: .*2021-11-02 \(missing-dependency\)/);
    expect(result.stdout).toMatch(/player_shot_zone_analysis: 2021-10-28 \(not run: upstream-not-done\)/);
    expect(result.stdout).toMatch(/ml_feature_store: .*2021-11-02 \(missing-dependency\)/);
  });
});

