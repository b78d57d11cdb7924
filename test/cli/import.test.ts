import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { cols, defineTable } from '../../src/warehouse/schema.js';
import { platformColumns } from '../../src/warehouse/tables/platform-layout.js';
import { runCli } from '../helpers/cli.js';
import { queryFile } from '../helpers/sample-warehouse.js';
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

/** A CSV as `bq extract` writes it: a header, then values; NULL as an empty field. */
function csv(columns: readonly string[], rows: readonly Record<string, string | number | boolean | null>[]): string {
  const field = (v: string | number | boolean | null | undefined) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\n')}\n`;
}
const jsonLines = (rows: readonly Record<string, unknown>[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** A platform schedule row (every REQUIRED column) as bq extract writes it: ` UTC` timestamps, true/false. */
function scheduleRow(id: string, date: string, home: string, away: string, tipEastern: string): Record<string, string | number | boolean | null> {
  return {
    game_id: id, game_code: `${date.replaceAll('-', '')}/${away}${home}`, season: '2021-22', season_nba_format: '2021-22', season_year: 2021,
    game_date: date, game_date_est: `${date} ${tipEastern} UTC`, game_status: 3, game_status_text: 'Final',
    home_team_id: 1610612738, home_team_tricode: home, home_team_name: `${home} Home`, away_team_id: 1610612752, away_team_tricode: away, away_team_name: `${away} Away`,
    arena_name: 'TD Garden, Boston', arena_state: null, is_primetime: true, has_national_tv: false, is_regular_season: true, is_playoffs: false, is_all_star: false,
    home_team_score: 100, away_team_score: 90, winning_team_tricode: home, data_source: 'nbacom',
    source_updated_at: `${date}T20:00:00-04:00`, scrape_timestamp: `${date}T23:59:00Z`, source_file_path: 'gs://bucket/schedule.json',
    created_at: `${date} 12:00:00 UTC`, processed_at: `${date} 12:00:00 UTC`,
  };
}

describe('backfill import of real exports', () => {
  it('loads a bq extract CSV in any column order: text ids keep their zeros, UTC and offset timestamps, booleans, empty as NULL', async () => {
    const db = join(dir, 'bq-csv.duckdb');
    const columns = platformColumns('nba_raw.nbac_schedule').map((c) => c.name).reverse();
    const rows = [scheduleRow('0022100001', '2021-10-19', 'BOS', 'NYK', '19:30:00'), scheduleRow('0022100002', '2021-10-19', 'MIL', 'BKN', '20:00:00')];
    // A time zone other than UTC on the machine must not move an instant.
    const result = await runCli(['--db', db, 'import', 'nbac_schedule', file('schedule-extract.csv', csv(columns, rows))], { env: { TZ: 'America/Los_Angeles' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/imported 2 rows into nba_raw\.nbac_schedule for 1 dates/);
    expect(
      await queryFile(db, `SELECT game_id, CAST(game_date_est AS VARCHAR) AS est, CAST(source_updated_at AS VARCHAR) AS updated, CAST(scrape_timestamp AS VARCHAR) AS scraped,
        CAST(processed_at AS VARCHAR) AS processed, home_team_id, arena_name, arena_state, is_primetime, has_national_tv, season_year
        FROM nba_raw.nbac_schedule ORDER BY game_id`),
    ).toEqual([
      { game_id: '0022100001', est: '2021-10-19 19:30:00', updated: '2021-10-20 00:00:00', scraped: '2021-10-19 23:59:00', processed: '2021-10-19 12:00:00', home_team_id: 1610612738, arena_name: 'TD Garden, Boston', arena_state: null, is_primetime: true, has_national_tv: false, season_year: 2021 },
      { game_id: '0022100002', est: '2021-10-19 20:00:00', updated: '2021-10-20 00:00:00', scraped: '2021-10-19 23:59:00', processed: '2021-10-19 12:00:00', home_team_id: 1610612738, arena_name: 'TD Garden, Boston', arena_state: null, is_primetime: true, has_national_tv: false, season_year: 2021 },
    ]);
    // Text stays text: type guessing would read these minutes as TIME values (`05:00:00`).
    const gamebook = 'player_status,minutes,player_name_original,season_year,game_date,game_id\nactive,05:00,A,2021,2021-10-19,0022100001\nactive,12:30,B,2021,2021-10-19,0022100001\n';
    expect((await runCli(['--db', db, 'import', 'nbac_gamebook_player_stats', file('gamebook-flat.csv', gamebook)])).code).toBe(0);
    expect(await queryFile(db, `SELECT minutes FROM nba_raw.nbac_gamebook_player_stats ORDER BY 1`)).toEqual([{ minutes: '05:00' }, { minutes: '12:30' }]);
  });

  it('loads Parquet: typed columns are coerced and instants stay UTC', async () => {
    const db = join(dir, 'parquet.duckdb');
    const parquet = join(dir, 'odds.parquet');
    const scratch = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
    try {
      await scratch.execute(`COPY (SELECT * FROM (VALUES
        ('0022100601', 'evt1', DATE '2022-01-05', TIMESTAMPTZ '2022-01-06 00:30:00+00', 'BOS', 'NYK', TIMESTAMPTZ '2022-01-05 19:29:00-05:00', CAST(1 AS INTEGER), 'draftkings', 'Jayson Tatum', 'jaysontatum', 27.5),
        ('0022100601', 'evt1', DATE '2022-01-05', TIMESTAMPTZ '2022-01-06 00:30:00+00', 'BOS', 'NYK', TIMESTAMPTZ '2022-01-06 00:31:00+00', CAST(-1 AS INTEGER), 'draftkings', 'Jayson Tatum', 'jaysontatum', 31.5)
      ) AS t(game_id, odds_api_event_id, game_date, game_start_time, home_team_abbr, away_team_abbr, snapshot_timestamp, minutes_before_tipoff, bookmaker, player_name, player_lookup, points_line))
      TO '${parquet}' (FORMAT parquet)`);
    } finally {
      await scratch.close();
    }
    const result = await runCli(['--db', db, 'import', 'odds_api_player_points_props', parquet], { env: { TZ: 'Asia/Tokyo' } });
    expect(result.code, result.stderr).toBe(0);
    expect(
      await queryFile(db, `SELECT game_id, CAST(snapshot_timestamp AS VARCHAR) AS snap, minutes_before_tipoff AS mb, points_line, source_file_path FROM nba_raw.odds_api_player_points_props ORDER BY snap`),
    ).toEqual([
      { game_id: '0022100601', snap: '2022-01-06 00:29:00', mb: 1, points_line: 27.5, source_file_path: 'odds.parquet' },
      { game_id: '0022100601', snap: '2022-01-06 00:31:00', mb: -1, points_line: 31.5, source_file_path: 'odds.parquet' },
    ]);
  });

  it('loads NDJSON with arrays and INT64 as strings; gives MM:SS and plain minutes to Phase 3', { timeout: 60_000 }, async () => {
    const db = join(dir, 'ndjson.duckdb');
    const date = '2022-01-05';
    const schedule = csv(Object.keys(scheduleRow('', date, '', '', '')), [scheduleRow('0022100601', date, 'BOS', 'NYK', '19:30:00')]);
    expect((await runCli(['--db', db, 'import', 'nbac_schedule', file('jan5.csv', schedule)])).code).toBe(0);
    // bq extract leaves NULL fields out of a line and writes INT64 as strings.
    const player = (lookup: string, team: string, minutes: string, flags: string[] | null) => ({
      game_id: '0022100601', game_date: date, season_year: '2021', player_name: lookup, player_name_original: lookup, player_lookup: lookup,
      team_abbr: team, player_status: 'active', minutes, points: '10', field_goals_made: 4, field_goals_attempted: '9',
      ...(flags ? { data_quality_flags: flags } : {}), processed_at: `${date}T23:00:00Z`,
    });
    const players = [
      player('bos1', 'BOS', '34:30', ['name_resolved_by_alias', 'minutes_estimated']),
      player('bos2', 'BOS', '12', []),
      ...[3, 4, 5, 6, 7, 8].map((i) => player(`bos${i}`, 'BOS', '20:00', null)),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => player(`nyk${i}`, 'NYK', '30:00', null)),
    ];
    const loaded = await runCli(['--db', db, 'import', 'nba_raw.nbac_gamebook_player_stats', file('gamebook.ndjson', jsonLines(players))]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(
      await queryFile(db, `SELECT player_lookup, data_quality_flags, season_year, minutes FROM nba_raw.nbac_gamebook_player_stats WHERE player_lookup IN ('bos1', 'bos2', 'bos3') ORDER BY 1`),
    ).toEqual([
      { player_lookup: 'bos1', data_quality_flags: ['name_resolved_by_alias', 'minutes_estimated'], season_year: 2021, minutes: '34:30' },
      { player_lookup: 'bos2', data_quality_flags: [], season_year: 2021, minutes: '12' },
      { player_lookup: 'bos3', data_quality_flags: null, season_year: 2021, minutes: '20:00' },
    ]);
    const run = await runCli(['--db', db, 'phase3', 'player_game_summary', '--dates', date]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await queryFile(db, `SELECT player_lookup, minutes_played FROM nba_analytics.player_game_summary WHERE player_lookup IN ('bos1', 'bos2', 'bos3') ORDER BY 1`)).toEqual([
      { player_lookup: 'bos1', minutes_played: 34.5 },
      { player_lookup: 'bos2', minutes_played: 12 },
      { player_lookup: 'bos3', minutes_played: 20 },
    ]);
  });

  it('replaces a reference table whole, by qualified or bare name, and refuses an empty file for it', async () => {
    const db = join(dir, 'reference.duckdb');
    const columns = ['team_abbr', 'city', 'state', 'arena_name', 'latitude', 'longitude', 'timezone', 'airport_code', 'country'];
    const team = (abbr: string, city: string, lat: number) => ({ team_abbr: abbr, city, state: 'XX', arena_name: `${city} Arena`, latitude: lat, longitude: -71.06, timezone: 'America/New_York', airport_code: 'BOS', country: null });
    const first = await runCli(['--db', db, 'import', 'nba_static.team_locations', file('teams.csv', csv(columns, [team('BOS', 'Boston', 42.366), team('NYK', 'New York', 40.75)]))]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/imported 2 rows into nba_static\.team_locations, replacing the whole table \(it has no date partition\)/);
    const second = await runCli(['--db', db, 'import', 'team_locations', file('teams2.csv', csv(columns, [team('MIA', 'Miami', 25.78)]))]);
    expect(second.code, second.stderr).toBe(0);
    expect(await queryFile(db, `SELECT team_abbr, latitude, country, created_at IS NOT NULL AS stamped FROM nba_static.team_locations`)).toEqual([
      { team_abbr: 'MIA', latitude: 25.78, country: null, stamped: true },
    ]);
    const registry = jsonLines([
      { player_name: 'Jayson Tatum', player_lookup: 'jaysontatum', team_abbr: 'BOS', season: '2021-22', first_game_date: '2021-10-19', games_played: '76', created_by: 'registry', processed_at: '2022-04-11 09:00:00 UTC' },
    ]);
    const reg = await runCli(['--db', db, 'import', 'nba_reference.nba_players_registry', file('registry.jsonl', registry)]);
    expect(reg.code, reg.stderr).toBe(0);
    expect(await queryFile(db, `SELECT player_lookup, games_played, CAST(first_game_date AS VARCHAR) AS first_game FROM nba_reference.nba_players_registry`)).toEqual([
      { player_lookup: 'jaysontatum', games_played: 76, first_game: '2021-10-19' },
    ]);
    const empty = await runCli(['--db', db, 'import', 'nba_static.team_locations', file('empty.csv', `${columns.join(',')}\n`)]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/has no rows: it would empty nba_static\.team_locations/);
    expect(await queryFile(db, `SELECT count(*) AS n FROM nba_static.team_locations`)).toEqual([{ n: 1 }]);
    const unknown = await runCli(['--db', db, 'import', 'nba_static.arenas', file('arenas.csv', 'a\n1\n')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown reference table 'nba_static\.arenas': expected one of nbac_schedule, .*, or a reference table nba_reference\.nba_players_registry, nba_static\.team_locations, nba_static\.travel_distances\n$/);
  });

  it('refuses a CSV with a REPEATED column, naming it and the formats that hold it, and writes nothing', async () => {
    const db = join(dir, 'nested.duckdb');
    const text = 'game_id,game_date,season_year,player_name_original,player_status,data_quality_flags\n0022100601,2022-01-05,2021,Jayson Tatum,active,"[""a""]"\n';
    const result = await runCli(['--db', db, 'import', 'nbac_gamebook_player_stats', file('gamebook.csv', text)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: \S+gamebook\.csv: a CSV holds only flat columns \(as bq extract writes it\), and nba_raw\.nbac_gamebook_player_stats has data_quality_flags \(ARRAY<STRING>\): export NEWLINE_DELIMITED_JSON \(\.ndjson\) or PARQUET \(\.parquet\) instead\n$/,
    );
    expect(existsSync(db)).toBe(false);
  });
});

describe('the import reader on JSON, STRUCT and nested timestamp columns', () => {
  // No importable platform table has a JSON or STRUCT column; the reader is the same for any table.
  const table = defineTable({
    dataset: 'nba_raw',
    name: 'import_shapes',
    dateColumn: 'game_date',
    key: ['id'],
    columns: [...cols('id', 'STRING'), ...cols('game_date', 'DATE'), ...cols('payload', 'JSON'), ...cols('stamps', 'ARRAY<TIMESTAMP>'), ...cols('info', 'STRUCT<games INT64, dates ARRAY<DATE>>')],
  });

  it('takes JSON as an embedded value or as a string holding JSON, arrays element by element, structs as objects', async () => {
    const path = file('shapes.ndjson', jsonLines([
      { id: '001', game_date: '2022-01-05', payload: { a: 1, b: ['x'] }, stamps: ['2022-01-05 19:30:00 UTC', '2022-01-05T19:30:00-05:00'], info: { games: '3', dates: ['2022-01-01'] } },
      { id: '002', game_date: '2022-01-05', payload: '{"a":2}', stamps: [] },
      { id: '003', game_date: '2022-01-05', payload: 'not json', info: null },
    ]));
    const warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
    try {
      const check = await warehouse.inspectFile(table, path, 'json');
      expect(check).toMatchObject({ unknown: [], missing: [], nested: [], unconvertible: [], rows: 3, dates: ['2022-01-05'] });
      await warehouse.ensureTables([table]);
      await warehouse.importFile(table, path, 'json', check.columns);
      expect(
        await warehouse.query(`SELECT id, CAST(payload AS VARCHAR) AS payload, CAST(stamps AS VARCHAR[]) AS stamps, info.games AS games, CAST(info.dates AS VARCHAR[]) AS dates FROM nba_raw.import_shapes ORDER BY id`),
      ).toEqual([
        { id: '001', payload: '{"a":1,"b":["x"]}', stamps: ['2022-01-05 19:30:00', '2022-01-06 00:30:00'], games: 3, dates: ['2022-01-01'] },
        { id: '002', payload: '{"a":2}', stamps: [], games: null, dates: null },
        { id: '003', payload: '"not json"', stamps: null, games: null, dates: null },
      ]);
    } finally {
      await warehouse.close();
    }
  });
});
