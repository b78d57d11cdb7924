import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformColumns } from '../../src/warehouse/tables/platform-layout.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const TEAMS = 'ATL BOS BKN CHA CHI CLE DAL DEN DET GSW HOU IND LAC LAL MEM MIA MIL MIN NOP NYK OKC ORL PHI PHX POR SAC SAS TOR UTA WAS'.split(' ');

/**
 * The real 2023-24 calendar (NBA.com ids and dates: regular season, All-Star, play-in, playoffs),
 * plus preseason games and the NBA Cup final, as a schedule export with all 46 platform columns.
 */
function realScheduleExport(): { file: string; regularDates: string[] } {
  const lines = readFileSync(join(process.cwd(), 'test', 'fixtures', 'real-game-ids-2023-24.csv'), 'utf8').trim().split('\n').slice(1);
  const games = lines.map((l) => l.split(',') as [string, string]);
  games.push(['0012300001', '2023-10-05'], ['0012300002', '2023-10-05'], ['0012300040', '2023-10-20'], ['0062300001', '2023-12-09']);
  const perDay = new Map<string, number>();
  const columns = platformColumns('nba_raw.nbac_schedule').map((c) => c.name);
  const rows = games.map(([id, date]) => {
    const slot = perDay.get(date) ?? 0;
    perDay.set(date, slot + 1);
    const day = Number(date.replaceAll('-', '')) % 30;
    const home = TEAMS[(2 * slot + day) % 30] as string;
    const away = TEAMS[(2 * slot + 1 + day) % 30] as string;
    const prefix = id.slice(0, 3);
    const row: Record<string, unknown> = {
      game_id: id, game_code: `${date.replaceAll('-', '')}/${away}${home}`, season: '2023-24', season_nba_format: '2023-24', season_year: 2023,
      game_date: date, game_date_est: `${date} 19:30:00`, game_status: 3, game_status_text: 'Final',
      home_team_id: 1610612737 + TEAMS.indexOf(home), home_team_tricode: home, home_team_name: home, away_team_id: 1610612737 + TEAMS.indexOf(away), away_team_tricode: away, away_team_name: away,
      is_regular_season: prefix === '002' || prefix === '006', is_playoffs: prefix === '004', is_all_star: prefix === '003', is_emirates_cup: prefix === '006',
      home_team_score: 110, away_team_score: 100, winning_team_tricode: home, data_source: 'nbacom', source_file_path: 'gs://x/schedule.json',
      scrape_timestamp: '2024-06-30 08:00:00', created_at: '2024-06-30 08:00:00', processed_at: '2024-06-30 08:00:00',
    };
    return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
  });
  const file = join(dir, 'schedule-2023-24.jsonl');
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const regularDates = [...new Set(games.filter(([id]) => id.startsWith('002')).map(([, date]) => date))].sort();
  return { file, regularDates };
}

describe('a real-layout export of a season schedule', () => {
  it('imports, gives the runbook season dates and bootstrap window, and plans exactly the regular-season game dates', { timeout: 120_000 }, async () => {
    const db = join(dir, 'real.duckdb');
    const { file, regularDates } = realScheduleExport();
    expect(regularDates).toHaveLength(160);
    const imported = await runCli(['--db', db, 'import', 'nbac_schedule', file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 1,?326 rows into nba_raw\.nbac_schedule/);

    const seasons = await runCli(['--db', db, '--json', 'seasons']);
    const season = (JSON.parse(seasons.stdout) as { seasons: { season: string; start: string; end: string; bootstrap: string; source: string }[] }).seasons.find((s) => s.season === '2023-24');
    expect(season).toEqual({ season: '2023-24', start: '2023-10-24', end: '2024-04-14', bootstrap: '2023-10-24..2023-10-30', source: 'schedule' });

    const dry = await runCli(['--db', db, '--json', '--dry-run', 'phase3', 'upcoming_team_game_context', '--season', '2023-24']);
    const plan = (JSON.parse(dry.stdout) as { plan: { date: string; action: string; skipReason: string | null }[] }).plan;
    const planned = plan.filter((p) => p.skipReason !== 'no-games').map((p) => p.date).sort();
    expect(planned).toEqual(regularDates);
    // The All-Star break and the Cup final are no game dates.
    expect(plan.find((p) => p.date === '2023-12-09')).toMatchObject({ action: 'skip', skipReason: 'no-games' });
    expect(plan.find((p) => p.date === '2024-02-18')).toMatchObject({ action: 'skip', skipReason: 'no-games' });
  });
});
