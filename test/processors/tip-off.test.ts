import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playerGameSummary } from '../../src/processors/player-game-summary.js';
import type { ProcessorDefinition } from '../../src/processors/processor.js';
import { upcomingPlayerGameContext } from '../../src/processors/upcoming-player-game-context.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import {
  bettingprosPlayerPointsProps,
  nbacGamebookPlayerStats,
  nbacSchedule,
  oddsApiPlayerPointsProps,
  RAW_TABLES,
} from '../../src/warehouse/tables/raw-tables.js';
import type { Row } from '../../src/warehouse/warehouse.js';

/**
 * The schedule's game_date_est is the Eastern wall-clock tip (7:30 PM, stored as `19:30:00`).
 * On 2022-01-05 (EST, UTC-5) the tip is 00:30 UTC the next day; on 2022-03-16, after the switch
 * to EDT (UTC-4), it is 23:30 UTC. A snapshot one minute before is a pre-game line; one minute
 * after never is. Reading game_date_est as UTC, or with one fixed offset, fails one of the dates.
 */
const DAYS = [
  { day: '2022-01-05', before: '2022-01-06 00:29:00', after: '2022-01-06 00:31:00', twoBefore: '2022-01-06 00:28:00' },
  { day: '2022-03-16', before: '2022-03-16 23:29:00', after: '2022-03-16 23:31:00', twoBefore: '2022-03-16 23:28:00' },
];

let warehouse: DuckDbWarehouse;

const odds = (day: string, player: string, line: number, snapshot: string, minutesBefore: number | null): Row => ({
  game_id: `${day.replaceAll('-', '')}_NYK_BOS`, game_date: day, snapshot_timestamp: snapshot, minutes_before_tipoff: minutesBefore,
  bookmaker: 'draftkings', player_lookup: player, points_line: line, processed_at: `${day} 12:00:00`,
});
const bettingPros = (day: string, line: number, update: string): Row => ({
  game_date: day, market_type: 'points', player_lookup: 'bp_only', bookmaker: 'DraftKings', bet_side: 'over', points_line: line,
  is_active: true, bookmaker_last_update: update, created_at: update, processed_at: `${day} 12:00:00`,
});

beforeAll(async () => {
  warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  await warehouse.ensureTables(RAW_TABLES);
  for (const [i, { day, before, after, twoBefore }] of DAYS.entries()) {
    await warehouse.insertRows(nbacSchedule, [
      { game_id: `002210060${i}`, game_date: day, game_date_est: `${day} 19:30:00`, season_year: 2021, game_status: 3, home_team_tricode: 'BOS', away_team_tricode: 'NYK', home_team_score: 100, away_team_score: 90, is_all_star: false, processed_at: `${day} 12:00:00` },
    ]);
    await warehouse.insertRows(
      nbacGamebookPlayerStats,
      ['odds_by_instant', 'odds_by_minutes', 'odds_minus_one', 'bp_only'].map((player) => ({
        game_id: 'x', game_date: day, player_lookup: player, player_name: player, team_abbr: 'BOS', player_status: 'active', minutes: '30:00', points: 20, processed_at: `${day} 12:00:00`,
      })),
    );
    await warehouse.insertRows(oddsApiPlayerPointsProps, [
      // After tip by the instant alone (minutes_before_tipoff absent).
      odds(day, 'odds_by_instant', 21.5, before, 1),
      odds(day, 'odds_by_instant', 30.5, after, null),
      // After tip as the Odds API marks it: -1 minutes before tip-off.
      odds(day, 'odds_by_minutes', 15.5, before, 1),
      odds(day, 'odds_by_minutes', 25.5, after, -1),
      // -1 alone excludes a snapshot, even stamped before tip.
      odds(day, 'odds_minus_one', 12.5, twoBefore, 2),
      odds(day, 'odds_minus_one', 18.5, before, -1),
    ]);
    await warehouse.insertRows(bettingprosPlayerPointsProps, [bettingPros(day, 9.5, before), bettingPros(day, 14.5, after)]);
  }
});
afterAll(async () => {
  await warehouse.close();
});

async function lines(processor: ProcessorDefinition, day: string, column: string): Promise<Record<string, unknown>> {
  const rows = await warehouse.query(processor.select(warehouse.dialect), { start: day, end: day, season_start: '2021-10-19' });
  return Object.fromEntries(rows.map((r) => [String(r.player_lookup), r[column]]));
}

describe('pre-game prop lines around an Eastern tip-off', () => {
  it.each(DAYS)('on $day use the snapshot a minute before tip and never one a minute after (both sources)', async ({ day }) => {
    const expected = { odds_by_instant: 21.5, odds_by_minutes: 15.5, odds_minus_one: 12.5, bp_only: 9.5 };
    expect(await lines(playerGameSummary, day, 'points_line')).toEqual(expected);
    expect(await lines(upcomingPlayerGameContext, day, 'current_points_line')).toEqual(expected);
    expect(await lines(playerGameSummary, day, 'points_line_source')).toEqual({
      odds_by_instant: 'odds_api', odds_by_minutes: 'odds_api', odds_minus_one: 'odds_api', bp_only: 'bettingpros',
    });
  });

  it('turns the Eastern wall time into the UTC instant on both sides of the switch', async () => {
    const sql = `SELECT CAST(${warehouse.dialect.easternWallTimeToUtc('t')} AS VARCHAR) AS utc FROM (VALUES
      (TIMESTAMP '2022-01-05 19:30:00', 1), (TIMESTAMP '2022-03-12 19:30:00', 2), (TIMESTAMP '2022-03-13 19:30:00', 3),
      (TIMESTAMP '2021-11-06 19:30:00', 4), (TIMESTAMP '2021-11-07 19:30:00', 5)) AS v(t, n) ORDER BY n`;
    expect((await warehouse.query(sql)).map((r) => r.utc)).toEqual([
      '2022-01-06 00:30:00', '2022-03-13 00:30:00', '2022-03-13 23:30:00', '2021-11-06 23:30:00', '2021-11-08 00:30:00',
    ]);
  });
});
