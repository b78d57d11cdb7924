import { copyFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { toolHistory } from '../helpers/sample-warehouse.js';

const dir = tempDir();
const PHASE_TABLES = [
  'nba_analytics.player_game_summary', 'nba_analytics.team_offense_game_summary', 'nba_analytics.team_defense_game_summary',
  'nba_analytics.upcoming_player_game_context', 'nba_analytics.upcoming_team_game_context',
  'nba_precompute.team_defense_zone_analysis', 'nba_precompute.player_shot_zone_analysis', 'nba_precompute.player_composite_factors',
  'nba_precompute.player_daily_cache', 'nba_precompute.ml_feature_store',
];
let db: string;

async function query(sql: string) {
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: true });
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

let runOutput = '';

beforeAll(async () => {
  db = join(dir, 'two-seasons.duckdb');
  const sample = await runCli(['--db', db, 'sample-data', '--seasons', '2021-22,2022-23'], { timeoutMs: 300_000 });
  expect(sample.code, sample.stderr).toBe(0);
  // The whole runbook across two seasons: all of 2021-22 and the first four weeks of 2022-23
  // (BACKFILL_LONG_TESTS=1 runs both seasons whole).
  const dates = process.env.BACKFILL_LONG_TESTS ? ['--season', '2021-22,2022-23'] : ['--start-date', '2021-10-19', '--end-date', '2022-11-15'];
  const result = await runCli(['--db', db, '--quiet', 'run', ...dates], { timeoutMs: 900_000 });
  runOutput = result.stdout;
  expect(result.code, result.stdout + result.stderr).toBe(0);
}, 900_000);

describe('backfill run over two sample seasons', () => {
  it('ends green, with both seasons validated', () => {
    expect(runOutput).toMatch(/0 failed, 0 not run/);
    expect(runOutput).toMatch(process.env.BACKFILL_LONG_TESTS ? /2021-22: 2021-10-19\.\.2022-04-10, validation passed/ : /2021-22: 2021-10-19\.\.2022-09-30, validation passed/);
    expect(runOutput).toMatch(process.env.BACKFILL_LONG_TESTS ? /2022-23: 2022-10-18\.\.2023-04-09, validation passed/ : /2022-23: 2022-10-01\.\.2022-11-15, validation passed/);
  });
});

describe('phase3 over the whole sample season', () => {
  it('covers every game date in all five tables', async () => {
    const gameDates = await query(
      `SELECT count(DISTINCT game_date) AS n FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN '2021-10-19' AND '2022-04-10'`,
    );
    const tables = ['player_game_summary', 'team_offense_game_summary', 'team_defense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context'];
    const coverage = await query(
      tables
        .map((t) => `SELECT '${t}' AS t, count(DISTINCT game_date) AS d FROM nba_analytics.${t} WHERE game_date <= '2022-04-10'`)
        .join(' UNION ALL '),
    );
    expect(Number(gameDates[0]?.n)).toBeGreaterThan(150);
    for (const row of coverage) expect(row.d, String(row.t)).toBe(gameDates[0]?.n);
  });

  it('keeps team points equal to the sum of their players, and offense equal to the other side of defense', async () => {
    const mismatches = await query(`
      SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary t
      JOIN (SELECT game_date, team_abbr, sum(points) AS p FROM nba_analytics.player_game_summary GROUP BY ALL) p USING (game_date, team_abbr)
      WHERE p.p <> t.points_scored`);
    expect(mismatches).toEqual([{ n: 0 }]);
    const sides = await query(`
      SELECT count(*) AS n FROM nba_analytics.team_offense_game_summary o
      JOIN nba_analytics.team_defense_game_summary d ON d.game_date = o.game_date AND d.opponent_team_abbr = o.team_abbr
      WHERE d.points_allowed <> o.points_scored OR d.opponent_pace <> o.pace`);
    expect(sides).toEqual([{ n: 0 }]);
  });

  it('uses both prop sources and the fallback player sources', async () => {
    const lines = await query(`SELECT points_line_source AS line_source, count(*) AS n FROM nba_analytics.player_game_summary WHERE points_line_source IS NOT NULL GROUP BY 1 ORDER BY 1`);
    expect(lines.map((r) => r.line_source)).toEqual(['bettingpros', 'odds_api']);
    const sources = await query(`SELECT DISTINCT primary_source_used AS s FROM nba_analytics.player_game_summary ORDER BY 1`);
    expect(sources.map((r) => r.s)).toEqual(['bdl_player_boxscores', 'nbac_gamebook_player_stats', 'nbac_player_boxscores']);
    const results = await query(`SELECT DISTINCT over_under_result AS r FROM nba_analytics.player_game_summary WHERE over_under_result IS NOT NULL ORDER BY 1`);
    expect(results.map((r) => r.r)).toEqual(['OVER', 'PUSH', 'UNDER']);
  });

  it('has no duplicate keys and no Infinity or NaN', async () => {
    const dups = await query(`SELECT count(*) AS n FROM (SELECT game_date, player_lookup FROM nba_analytics.player_game_summary GROUP BY ALL HAVING count(*) > 1)`);
    expect(dups).toEqual([{ n: 0 }]);
    const bad = await query(`SELECT count(*) AS n FROM nba_analytics.player_game_summary WHERE isinf(usage_rate) OR isnan(usage_rate) OR isinf(ts_pct) OR isnan(efg_pct)`);
    expect(bad).toEqual([{ n: 0 }]);
  });
});

describe('phase4 over the whole sample season', () => {
  const PHASE4 = ['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_composite_factors', 'player_daily_cache', 'ml_feature_store'];
  const DATE_COLUMN: Record<string, string> = {
    team_defense_zone_analysis: 'analysis_date',
    player_shot_zone_analysis: 'analysis_date',
    player_composite_factors: 'game_date',
    player_daily_cache: 'cache_date',
    ml_feature_store: 'game_date',
  };

  it('covers every post-bootstrap game date in every table and writes nothing on bootstrap days', async () => {
    const expected = await query(
      `SELECT count(DISTINCT game_date) AS n FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN '2021-10-26' AND '2022-04-10'`,
    );
    for (const table of PHASE4) {
      const column = DATE_COLUMN[table] as string;
      const covered = await query(
        `SELECT count(DISTINCT ${column}) AS n, count(*) FILTER (WHERE ${column} < '2021-10-26') AS early FROM nba_precompute.${table} WHERE ${column} <= '2022-04-10'`,
      );
      expect(covered, table).toEqual([{ n: expected[0]?.n, early: 0 }]);
    }
  });

  it("records the runbook's bootstrap dates exactly, for every Phase 4 processor", async () => {
    const rows = await query(
      `SELECT processor_name, list(CAST(data_date AS VARCHAR) ORDER BY data_date) AS dates FROM ${toolHistory()}
       WHERE skip_reason = 'bootstrap' GROUP BY 1 ORDER BY 1`,
    );
    const runbook = [
      ...['2021-10-19', '2021-10-20', '2021-10-21', '2021-10-22', '2021-10-23', '2021-10-24', '2021-10-25'],
      ...['2022-10-18', '2022-10-19', '2022-10-20', '2022-10-21', '2022-10-22', '2022-10-23', '2022-10-24'],
    ];
    expect(rows).toEqual([...PHASE4].sort().map((processor_name) => ({ processor_name, dates: runbook })));
  });

  it('has 80 %+ Good player_shot_zone_analysis rows from week 3 on, and no bad feature values', async () => {
    const tiers = await query(
      `SELECT count(*) FILTER (WHERE quality_tier = 'Good') * 100.0 / count(*) AS good FROM nba_precompute.player_shot_zone_analysis WHERE analysis_date BETWEEN '2021-11-02' AND '2022-04-10'`,
    );
    expect(Number(tiers[0]?.good)).toBeGreaterThanOrEqual(80);
    const bad = await query(
      `SELECT count(*) AS n FROM nba_precompute.ml_feature_store
       WHERE len(features) <> feature_count OR len(list_filter(features, x -> x IS NULL OR isnan(x) OR isinf(x))) > 0`,
    );
    expect(bad).toEqual([{ n: 0 }]);
  });
});

describe('validate on the whole sample season', () => {
  it('passes on the complete season, and exits 1 naming the date after its player rows are deleted', async () => {
    const ok = await runCli(['--db', db, 'validate', '--season', '2021-22']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/p3_coverage\s+3\s+pass/);
    expect(ok.stdout).toMatch(/p4_coverage\s+4\s+pass/);
    const broken = `${db.replace(/\.duckdb$/, '')}-broken.duckdb`;
    copyFileSync(db, broken);
    const warehouse = await DuckDbWarehouse.open({ path: broken, readOnly: false });
    await warehouse.execute(`DELETE FROM nba_analytics.player_game_summary WHERE game_date = DATE '2022-01-05'`);
    await warehouse.close();
    const failed = await runCli(['--db', broken, '--json', 'validate', '--season', '2021-22']);
    expect(failed.code).toBe(1);
    const doc = JSON.parse(failed.stdout);
    const coverage = doc.checks.find((c: { name: string }) => c.name === 'p3_coverage');
    expect(coverage).toMatchObject({ outcome: 'block', dates: ['2022-01-05'], rows: [{ table_name: 'player_game_summary', game_date: '2022-01-05', problem: 'no rows' }] });
    expect(doc.checks.filter((c: { outcome: string }) => c.outcome === 'block').map((c: { name: string }) => c.name)).toEqual(['p3_coverage']);
  });
});

describe('rollback', () => {
  it('deletes a date from every table and a re-run gives back the same row counts', async () => {
    const copy = join(dir, 'rollback.duckdb');
    copyFileSync(db, copy);
    const counts = async () => {
      const warehouse = await DuckDbWarehouse.open({ path: copy, readOnly: true });
      try {
        const out: Record<string, number> = {};
        for (const t of PHASE_TABLES) {
          const column = t.endsWith('zone_analysis') ? 'analysis_date' : t.endsWith('daily_cache') ? 'cache_date' : 'game_date';
          const rows = await warehouse.query(`SELECT count(*) AS n FROM ${t} WHERE ${column} = DATE '2022-01-05'`);
          out[t] = Number(rows[0]?.n);
        }
        return out;
      } finally {
        await warehouse.close();
      }
    };
    const before = await counts();
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    const refused = await runCli(['--db', copy, 'rollback', '--dates', '2022-01-05', '--phase', '3', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Phase 4 tables still hold \d+ rows for those dates/);
    const unconfirmed = await runCli(['--db', copy, 'rollback', '--dates', '2022-01-05', '--phase', 'all']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/confirm with --yes \(there is no terminal to ask\)/);
    expect(await counts()).toEqual(before);
    const rolled = await runCli(['--db', copy, 'rollback', '--dates', '2022-01-05', '--phase', 'all', '--yes']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(/10 \(processor, date\) pairs marked rolled-back/);
    expect(Object.values(await counts()).every((n) => n === 0)).toBe(true);
    const again = await runCli(['--db', copy, 'run', '--dates', '2022-01-05']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/10 pairs, 10 succeeded/);
    expect(await counts()).toEqual(before);
  });
});
