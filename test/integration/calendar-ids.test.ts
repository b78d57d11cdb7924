import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadGameCounts, loadScheduleSeasons } from '../../src/calendar/calendar.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { nbacSchedule } from '../../src/warehouse/tables/raw-tables.js';

let warehouse: DuckDbWarehouse;

beforeEach(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await warehouse.ensureTables([nbacSchedule]);
  const game = (id: string, date: string, flags: { regular?: boolean; playoffs?: boolean; allStar?: boolean } = {}) => ({
    game_id: id, game_date: date, game_status: 3, season_year: 2023, home_team_tricode: 'LAL', away_team_tricode: 'IND',
    is_regular_season: flags.regular ?? null, is_playoffs: flags.playoffs ?? null, is_all_star: flags.allStar ?? null, processed_at: '2024-06-30 00:00:00',
  });
  await warehouse.insertRows(nbacSchedule, [
    game('0012300001', '2023-10-05'), // preseason
    game('0022300061', '2023-10-24', { regular: true }),
    game('0022300062', '2023-10-25', { regular: true }),
    game('0062300001', '2023-12-09', { regular: true }), // the NBA Cup final: flagged regular by the source, its id says otherwise
    game('0032300001', '2024-02-18'), // All-Star, not flagged
    game('0022301230', '2024-04-14', { regular: true }),
    game('0052300101', '2024-04-16'), // play-in
    game('0042300101', '2024-04-20', { playoffs: true }),
  ]);
});
afterEach(async () => {
  await warehouse.close();
});

describe('game dates from real NBA.com game ids', () => {
  it('bounds the regular season by 002 games and counts neither preseason, All-Star nor the Cup final as game dates', async () => {
    const [season] = await loadScheduleSeasons(warehouse);
    expect(season).toEqual({ seasonYear: 2023, regularStart: '2023-10-24', regularEnd: '2024-04-14', lastScheduled: '2024-04-20' });
    const counts = await loadGameCounts(warehouse, '2023-10-01', '2024-04-30');
    expect([...counts.keys()].sort()).toEqual(['2023-10-24', '2023-10-25', '2024-04-14', '2024-04-16', '2024-04-20']);
  });
});
