import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let db: string;

async function query(sql: string) {
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: true });
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

beforeAll(async () => {
  db = (await sampleSeasonFile(dir)).copy('season');
  const result = await runCli(['--db', db, '--quiet', 'phase3', '--season', '2021-22'], { timeoutMs: 300_000 });
  expect(result.code, result.stdout + result.stderr).toBe(0);
}, 300_000);

describe('phase3 over the whole sample season', () => {
  it('covers every game date in all five tables', async () => {
    const gameDates = await query(
      `SELECT count(DISTINCT game_date) AS n FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN '2021-10-19' AND '2022-04-10'`,
    );
    const coverage = await query(`
      SELECT 'player_game_summary' AS t, count(DISTINCT game_date) AS d FROM nba_analytics.player_game_summary
      UNION ALL SELECT 'team_offense_game_summary', count(DISTINCT game_date) FROM nba_analytics.team_offense_game_summary
      UNION ALL SELECT 'team_defense_game_summary', count(DISTINCT game_date) FROM nba_analytics.team_defense_game_summary
      UNION ALL SELECT 'upcoming_player_game_context', count(DISTINCT game_date) FROM nba_analytics.upcoming_player_game_context
      UNION ALL SELECT 'upcoming_team_game_context', count(DISTINCT game_date) FROM nba_analytics.upcoming_team_game_context`);
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
    const lines = await query(`SELECT line_source, count(*) AS n FROM nba_analytics.player_game_summary WHERE line_source IS NOT NULL GROUP BY 1 ORDER BY 1`);
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
