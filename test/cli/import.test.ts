import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function schedule(db: string) {
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: true });
  try {
    return await warehouse.query(`SELECT game_id, game_date, game_status, processed_at IS NOT NULL AS stamped FROM nba_raw.nbac_schedule ORDER BY game_id`);
  } finally {
    await warehouse.close();
  }
}

describe('backfill import', () => {
  // The platform's REQUIRED schedule columns (load bookkeeping such as created_at is filled in).
  const header = 'game_id,game_code,season,season_nba_format,season_year,game_date,game_status,home_team_id,home_team_tricode,home_team_name,away_team_id,away_team_tricode,away_team_name';
  const teams = (home: string, away: string) => `1610612749,${home},${home} Home,1610612751,${away},${away} Away`;
  const line = (id: string, date: string, status: string, home: string, away: string) =>
    `${id},${date.replaceAll('-', '')}/${away}${home},2021-22,2021-22,2021,${date},${status},${teams(home, away)}`;

  it('refuses unknown and missing columns, listing them, before touching the warehouse', async () => {
    const db = join(dir, 'refused.duckdb');
    const unknown = await runCli(['--db', db, 'import', 'nbac_schedule', file('unknown.csv', `${header},bogus\n${line('0022100001', '2021-10-19', '3', 'MIL', 'BKN')},x\n`)]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/does not fit nba_raw\.nbac_schedule: unknown columns bogus/);
    const missing = await runCli(['--db', db, 'import', 'nbac_schedule', file('missing.csv', 'game_id,game_status\n0022100001,3\n')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required columns game_code, season, season_nba_format, season_year, game_date, home_team_id, home_team_tricode, home_team_name, away_team_id, away_team_tricode, away_team_name /);
    const badValue = await runCli(['--db', db, 'import', 'nbac_schedule', file('bad.csv', `${header}\n${line('0022100001', '2021-10-19', 'final', 'MIL', 'BKN')}\n`)]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/values of the wrong type in game_status \(1 not INT64\)/);
    const wrongExt = await runCli(['--db', db, 'import', 'nbac_schedule', file('x.txt', 'a')]);
    expect(wrongExt.code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });

  it('loads CSV and JSON lines, replacing the rows of the dates the file covers', async () => {
    const db = join(dir, 'loaded.duckdb');
    const first = await runCli(['--db', db, 'import', 'nbac_schedule', file('a.csv', `${header}\n${line('0022100001', '2021-10-19', '3', 'MIL', 'BKN')}\n${line('0022100002', '2021-10-19', '3', 'LAL', 'GSW')}\n${line('0022100003', '2021-10-20', '3', 'BOS', 'NYK')}\n`)]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/imported 3 rows into nba_raw\.nbac_schedule for 2 dates/);
    const jsonl = [
      {
        game_id: '0022100009', game_code: '20211019/NOPPHI', season: '2021-22', season_nba_format: '2021-22', season_year: 2021, game_date: '2021-10-19', game_status: 3,
        home_team_id: 1610612755, home_team_tricode: 'PHI', home_team_name: '76ers', away_team_id: 1610612740, away_team_tricode: 'NOP', away_team_name: 'Pelicans',
        processed_at: '2021-10-20 09:00:00',
      },
    ].map((r) => JSON.stringify(r)).join('\n');
    const second = await runCli(['--db', db, 'import', 'nba_raw.nbac_schedule', file('b.jsonl', `${jsonl}\n`)]);
    expect(second.code, second.stderr).toBe(0);
    expect(await schedule(db)).toEqual([
      { game_id: '0022100003', game_date: '2021-10-20', game_status: 3, stamped: true },
      { game_id: '0022100009', game_date: '2021-10-19', game_status: 3, stamped: true },
    ]);
    const dry = await runCli(['--db', db, '--dry-run', 'phase3', '--dates', '2021-10-19']);
    expect(dry.code).toBe(1); // one game but no player or team stats: would fail
    expect(dry.stdout).toMatch(/would fail: missing-dependency/);
  });
});
