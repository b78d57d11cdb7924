import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameCountsSql, scheduleSeasonsSql } from '../../src/calendar/calendar.js';
import { finalGamesSql } from '../../src/processors/sql/common.js';
import { platformHistoryRow, type HistoryRow } from '../../src/runner/history.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { guardedDaySql, insertSql } from '../../src/warehouse/bigquery/bigquery-sql.js';
import type { ParamType, SqlDialect } from '../../src/warehouse/dialect.js';
import { duckDbDialect } from '../../src/warehouse/duckdb/duckdb-dialect.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { cols, defineTable, normalizeType, parseType, typeName, type ColumnDef, type TableDef } from '../../src/warehouse/schema.js';
import { nbacSchedule } from '../../src/warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import type { Row, SqlParams } from '../../src/warehouse/warehouse.js';
import { rootTableName, rootTableSql, startZetaSql, type ZetaSql } from '../helpers/zetasql.js';

// The BigQuery texts that decide what is written or planned, run by ZetaSQL's reference evaluator
// on small hand-built fixtures (table paths renamed to root names: the evaluator takes inline
// tables only at the catalog's root) and compared with DuckDB's answer to the same query built
// with the DuckDB dialect over the same rows. Each fixture's expected answer is also written out,
// so two engines agreeing on nothing (an empty answer) cannot pass.

const PROJECT = 'nba-props-platform';

let zeta: ZetaSql;

beforeAll(async () => {
  zeta = await startZetaSql(PROJECT, []);
}, 60_000);
afterAll(async () => {
  await zeta?.stop();
});

interface Fixture {
  readonly table: TableDef;
  readonly rows: readonly Row[];
}

/** A query built with the BigQuery dialect, evaluated by ZetaSQL over the fixtures. */
async function onBigQuery(build: (d: SqlDialect) => string, params: SqlParams, fixtures: readonly Fixture[]): Promise<Row[]> {
  const types = new Map<string, ParamType>();
  const sql = build(bigQueryDialect({ project: PROJECT }, types));
  return zeta.evaluate(rootTableSql(sql), params, {
    types: Object.fromEntries(types),
    tables: fixtures.map((f) => ({ name: rootTableName(f.table), columns: f.table.columns, rows: f.rows })),
  });
}

/** An in-memory DuckDB warehouse holding the fixtures, given to `work`, closed after. */
async function onDuckDb<T>(fixtures: readonly Fixture[], work: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const warehouse = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
  try {
    await warehouse.ensureTables(fixtures.map((f) => f.table));
    for (const f of fixtures) await warehouse.insertRows(f.table, f.rows);
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

/** A table's stored rows on DuckDB; NUMERIC and JSON as text, so no digit goes through a double. */
async function storedRows(warehouse: DuckDbWarehouse, table: TableDef, where = 'TRUE'): Promise<Row[]> {
  const columns = table.columns.map((c) => (['NUMERIC', 'JSON'].includes(normalizeType(c.type)) ? `CAST(${c.name} AS VARCHAR) AS ${c.name}` : c.name));
  return warehouse.query(`SELECT ${columns.join(', ')} FROM ${duckDbDialect.table(table)} WHERE ${where}`);
}

/** `22.125000000` and `22.125` alike: NUMERIC as its shortest decimal text. */
function decimalText(value: unknown): string {
  const text = typeof value === 'number' ? value.toFixed(9) : String(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** One value of a column type in a form both engines' answers share. */
function comparableValue(type: string, value: unknown): unknown {
  const parsed = parseType(type);
  // BigQuery stores no NULL list: a REPEATED column reads a NULL array as [].
  if (parsed.kind === 'array') return ((value ?? []) as unknown[]).map((v) => comparableValue(typeName(parsed.element), v));
  if (value === null || value === undefined) return null;
  switch (typeName(parsed)) {
    case 'DATE':
      return String(value).slice(0, 10);
    case 'TIMESTAMP':
      return new Date(String(value)).toISOString();
    case 'NUMERIC':
      return decimalText(value);
    case 'INT64':
    case 'FLOAT64':
      return Number(value);
    case 'JSON':
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    default:
      return value;
  }
}

/** Rows with the given columns only, values made comparable, ordered by `key`. */
function comparable(rows: readonly Row[], columns: readonly Pick<ColumnDef, 'name' | 'type'>[], key: readonly string[]): Row[] {
  const shaped = rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, comparableValue(c.type, row[c.name])])));
  const sortKey = (row: Row) => JSON.stringify(key.map((k) => row[k]));
  return shaped.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// The carry-over day write.

/** A processor's input: one row per player and day. */
const carryInput = defineTable({
  dataset: 'nba_raw',
  name: 'carry_over_input',
  dateColumn: 'game_date',
  key: ['player_lookup'],
  columns: [...cols('game_date', 'DATE'), ...cols('player_lookup', 'STRING'), ...cols('points_raw usage_raw', 'FLOAT64'), ...cols('context_text', 'STRING')],
});

/**
 * A platform-shaped output table: computed columns written in another type of their family
 * (FLOAT64 into INT64 and NUMERIC, STRING into JSON), carried columns of every kind (STRING,
 * NUMERIC, BOOL, a list, JSON), bookkeeping. `requiredStarter` makes a carried column REQUIRED.
 */
function carryTable(requiredStarter = false): TableDef {
  return defineTable({
    dataset: 'nba_analytics',
    name: 'carry_over_fixture',
    dateColumn: 'game_date',
    key: ['player_lookup'],
    columns: [
      { name: 'game_date', type: 'DATE', mode: 'REQUIRED' },
      { name: 'player_lookup', type: 'STRING', mode: 'REQUIRED' },
      { name: 'points', type: 'INT64', mode: 'NULLABLE' },
      { name: 'usage_rate', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'context_json', type: 'JSON', mode: 'NULLABLE' },
      { name: 'team_abbr', type: 'STRING', mode: 'NULLABLE' },
      { name: 'minutes_played', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'starter_flag', type: 'BOOL', mode: requiredStarter ? 'REQUIRED' : 'NULLABLE' },
      { name: 'source_tags', type: 'ARRAY<STRING>', mode: 'REPEATED' },
      { name: 'source_detail', type: 'JSON', mode: 'NULLABLE' },
      { name: 'processed_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
      { name: 'created_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
      { name: 'data_hash', type: 'STRING', mode: 'NULLABLE' },
    ],
    produced: [
      ...cols('game_date', 'DATE'),
      ...cols('player_lookup', 'STRING'),
      ...cols('points usage_rate', 'FLOAT64'),
      ...cols('context_json', 'STRING'),
      ...cols('processed_at', 'TIMESTAMP'),
    ],
  });
}

const DAY = '2022-01-05';

/** The processor's day SQL: the input's rows of `@start`..`@end`. */
const carrySelect = (d: SqlDialect) => `SELECT game_date, player_lookup, points_raw AS points, usage_raw AS usage_rate, context_text AS context_json,
    ${d.currentTimestamp()} AS processed_at
  FROM ${d.table(carryInput)} WHERE game_date BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')}`;

/** The processor's check: one row per violation (`day`, `problem`). */
const carryCheck = (rows: string) => `SELECT game_date AS day, 'negative points: ' || player_lookup AS problem FROM ${rows} WHERE points < 0`;

const INPUT: readonly Row[] = [
  // 2.5 rounds half away from zero to 3 on both engines (DuckDB's own cast would give 2).
  { game_date: DAY, player_lookup: 'alpha', points_raw: 2.5, usage_raw: 0.1234567894, context_text: '{"why":"a"}' },
  { game_date: DAY, player_lookup: 'bravo', points_raw: 20.5, usage_raw: 1 / 3, context_text: '{"why":"b","n":[1,2]}' },
  { game_date: DAY, player_lookup: 'delta', points_raw: 7.49, usage_raw: 0.25, context_text: null },
  // Another day's input: the day's SELECT does not read it.
  { game_date: '2022-01-06', player_lookup: 'echo', points_raw: 9, usage_raw: 0.5, context_text: null },
];

const STORED: readonly Row[] = [
  { game_date: DAY, player_lookup: 'alpha', points: 1, usage_rate: '0.5', context_json: '{"old":true}', team_abbr: 'BOS', minutes_played: '31.5', starter_flag: true,
    source_tags: ['nbac', 'bdl'], source_detail: '{"src":"nbac"}', processed_at: '2022-01-05T09:00:00Z', created_at: '2022-01-05T09:00:00Z', data_hash: 'old-a' },
  // A known duplicate of the platform: the older row first; the latest processed_at must win on both engines.
  { game_date: DAY, player_lookup: 'bravo', points: 2, usage_rate: '0.1', team_abbr: 'LAL', minutes_played: '20.25', starter_flag: false,
    source_tags: ['old'], source_detail: '{"v":1}', processed_at: '2022-01-05T10:00:00Z', created_at: '2022-01-05T10:00:00Z', data_hash: 'old-b1' },
  { game_date: DAY, player_lookup: 'bravo', points: 3, usage_rate: '0.2', team_abbr: 'LAC', minutes_played: '22.125', starter_flag: true,
    source_tags: ['new'], source_detail: '{"v":2}', processed_at: '2022-01-05T12:00:00Z', created_at: '2022-01-05T12:00:00Z', data_hash: 'old-b2' },
  // A stored key the new rows do not have (the drop-keys guard).
  { game_date: DAY, player_lookup: 'charlie', points: 4, usage_rate: '0.3', team_abbr: 'MIA', minutes_played: '12', starter_flag: false,
    source_tags: [], source_detail: null, processed_at: '2022-01-05T09:00:00Z', created_at: '2022-01-05T09:00:00Z', data_hash: 'old-c' },
  // Another day: neither read nor written.
  { game_date: '2022-01-06', player_lookup: 'alpha', points: 5, usage_rate: '0.4', team_abbr: 'NYK', minutes_played: '30', starter_flag: true,
    source_tags: ['x'], source_detail: null, processed_at: '2022-01-06T09:00:00Z', created_at: '2022-01-06T09:00:00Z', data_hash: 'old-a6' },
];

/** The day's final rows, worked out by hand: computed values, carried values of the latest stored row, NULLs for the new key. */
const EXPECTED_DAY = [
  { game_date: DAY, player_lookup: 'alpha', points: 3, usage_rate: '0.123456789', context_json: { why: 'a' }, team_abbr: 'BOS', minutes_played: '31.5', starter_flag: true, source_tags: ['nbac', 'bdl'], source_detail: { src: 'nbac' } },
  { game_date: DAY, player_lookup: 'bravo', points: 21, usage_rate: '0.333333333', context_json: { why: 'b', n: [1, 2] }, team_abbr: 'LAC', minutes_played: '22.125', starter_flag: true, source_tags: ['new'], source_detail: { v: 2 } },
  { game_date: DAY, player_lookup: 'delta', points: 7, usage_rate: '0.25', context_json: null, team_abbr: null, minutes_played: null, starter_flag: null, source_tags: [], source_detail: null },
];

interface CarryCase {
  table?: TableDef;
  input?: readonly Row[];
  params?: SqlParams;
  minRows?: number;
  allowShrink?: boolean;
  allowDropKeys?: boolean;
}

/**
 * BigQuery: the guarded day write (guardedDaySql: the day's full-width rows, guards and check in
 * one SELECT, the job's whole answer), evaluated by ZetaSQL with the parameters the engine binds
 * (replaceDay: `__day`, `__min_rows`, `__allow_shrink`, `__allow_drop_keys`, and the processor's
 * own, `start` and `end` the day).
 */
function bigQueryDayWrite(c: CarryCase): Promise<Row[]> {
  const table = c.table ?? carryTable();
  return onBigQuery(
    (d) => guardedDaySql(d, { table, selectSql: carrySelect(d), check: carryCheck }),
    { start: DAY, end: DAY, ...c.params, __day: DAY, __min_rows: c.minRows ?? 1, __allow_shrink: c.allowShrink ?? false, __allow_drop_keys: c.allowDropKeys ?? true },
    [{ table: carryInput, rows: c.input ?? INPUT }, { table, rows: STORED }],
  );
}

/** DuckDB: the engine's day write of the same fixture; the day's rows it leaves in the table. */
function duckDbDayWrite(c: CarryCase): Promise<{ day: Row[]; otherDay: Row[] } | { error: Error; day: Row[] }> {
  const table = c.table ?? carryTable();
  return onDuckDb([{ table: carryInput, rows: c.input ?? INPUT }, { table, rows: STORED }], async (warehouse) => {
    // The file decides what is REQUIRED, as the live table's metadata does on BigQuery: a table the
    // tool creates marks nothing NOT NULL, so the fixture's REQUIRED columns are made NOT NULL here.
    const required = table.columns.filter((col) => col.mode === 'REQUIRED' && !CARRY_KEY.includes(col.name));
    for (const col of required) await warehouse.execute(`ALTER TABLE ${duckDbDialect.table(table)} ALTER COLUMN ${col.name} SET NOT NULL`);
    if (required.length > 0) await warehouse.ensureTables([table]);
    const write = warehouse.replaceDay({
      table,
      date: DAY,
      selectSql: carrySelect(duckDbDialect),
      params: { start: DAY, end: DAY, ...c.params },
      minRows: c.minRows ?? 1,
      check: carryCheck,
      allowShrink: c.allowShrink ?? false,
      allowDropKeys: c.allowDropKeys ?? true,
    });
    const error = await write.then(() => undefined, (e: unknown) => e as Error);
    const day = await storedRows(warehouse, table, `game_date = DATE '${DAY}'`);
    if (error) return { error, day };
    return { day, otherDay: await storedRows(warehouse, table, `game_date <> DATE '${DAY}'`) };
  });
}

const CARRY_KEY = ['game_date', 'player_lookup'];
const BOOKKEEPING = ['processed_at', 'created_at', 'data_hash'];
/** Every column but the bookkeeping (the write's clock; FARM_FINGERPRINT against DuckDB's hash). */
const compared = (table: TableDef) => table.columns.filter((c) => !BOOKKEEPING.includes(c.name));

describe('the carry-over day write: ZetaSQL evaluates the BigQuery job, DuckDB runs its own write', () => {
  it('both write the same rows: computed values cast, carried values of the latest duplicate, NULLs for a new key, a dropped key gone', async () => {
    const table = carryTable();
    const bigQuery = await bigQueryDayWrite({ allowDropKeys: true });
    const duckDb = await duckDbDayWrite({ allowDropKeys: true });
    if ('error' in duckDb) throw duckDb.error;
    expect(comparable(bigQuery, compared(table), CARRY_KEY)).toEqual(EXPECTED_DAY);
    expect(comparable(duckDb.day, compared(table), CARRY_KEY)).toEqual(EXPECTED_DAY);
    // The job writes the table's full width in its order; bookkeeping is recomputed on both.
    expect(Object.keys(bigQuery[0] ?? {})).toEqual(table.columns.map((c) => c.name));
    for (const row of [...bigQuery, ...duckDb.day]) {
      for (const column of BOOKKEEPING) expect(row[column], column).not.toBeNull();
      expect(row.data_hash).not.toMatch(/^old/);
    }
    // DuckDB's write left the other day alone (BigQuery's job only ever holds its partition).
    expect(comparable(duckDb.otherDay, compared(table), CARRY_KEY)).toEqual(comparable([STORED[4] as Row], compared(table), CARRY_KEY));
  });

  const refusals: [name: string, c: CarryCase, reason: RegExp][] = [
    ['a stored key the new rows lack, without --allow-drop-keys', { allowDropKeys: false }, /would drop 1 stored key\(s\) it does not produce \(charlie\)/],
    ['fewer than half the stored rows, without --allow-shrink', { input: [INPUT[0] as Row] }, /would shrink from 4 to 1 rows/],
    ['fewer rows than the minimum', { minRows: 4 }, /3 rows(?: for 2022-01-05)?, expected at least 4/],
    ['a key twice in the new rows', { input: [...INPUT, { ...(INPUT[2] as Row), points_raw: 8 }] }, /1 duplicate keys/],
    // The SELECT reads one day too many (`end` past the day), as a faulty processor could.
    ['a row outside the day', { params: { end: '2022-01-06' } }, /1 (?:of 4 new )?rows .*fall outside/],
    ['a new key leaving a REQUIRED carried column NULL', { table: carryTable(true) }, /new keys would leave REQUIRED column\(s\) NULL: starter_flag/],
    ["the processor's check", { input: INPUT.map((r) => (r.player_lookup === 'bravo' ? { ...r, points_raw: -3 } : r)) }, /1 check failure\(s\): negative points: bravo/],
  ];
  for (const [name, c, reason] of refusals) {
    it(`both refuse ${name}: ZetaSQL raises the job's ERROR(), DuckDB throws and keeps the day`, async () => {
      await expect(bigQueryDayWrite(c)).rejects.toThrow(reason);
      const duckDb = await duckDbDayWrite(c);
      expect('error' in duckDb ? duckDb.error.message : 'DuckDB wrote the day').toMatch(reason);
      expect(duckDb.day).toHaveLength(4);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The batched history INSERT.

describe('the batched history INSERT: ZetaSQL evaluates its SELECT, DuckDB stores the same rows', () => {
  it('every column of every row is the same on both engines', async () => {
    const base = { run_id: 'r7', input_fingerprint: 'fp7', command_line: 'backfill run --season 2021-22', tool_version: '0.1.0', skip_reason: null } as const;
    const tool: HistoryRow[] = [
      { ...base, processor_name: 'player_game_summary', phase: 3, data_date: '2021-10-19', status: 'failed', error_class: 'invalid-data',
        errors: '[{"attempt":1,"class":"invalid-data","message":"backfill guard: 2 duplicate keys"}]', missing_dependencies: null,
        rows_written: 0, attempts: 1, started_at: '2021-10-20T01:00:00.125Z', finished_at: '2021-10-20T01:00:02.000Z', duration_ms: 1875 },
      { ...base, processor_name: 'player_daily_cache', phase: 4, data_date: '2021-10-20', status: 'success', error_class: null, errors: null,
        missing_dependencies: [], rows_written: 412, attempts: 3, started_at: '2021-10-21T00:00:00.000Z', finished_at: '2021-10-21T00:00:09.999Z', duration_ms: 9999 },
      { ...base, processor_name: 'ml_feature_store', phase: 4, data_date: '2021-10-21', status: 'skipped', skip_reason: 'bootstrap', error_class: null, errors: null,
        missing_dependencies: ['nba_precompute.player_daily_cache'], rows_written: null, attempts: 0, started_at: '2021-10-22T00:00:00.000Z', finished_at: null, duration_ms: null },
    ];
    const rows = tool.map(platformHistoryRow);
    // The INSERT's SELECT (its first line names the table and columns): what the job writes, from its one JSON parameter.
    const insert = (d: SqlDialect) => insertSql(d, processorRunHistory, rows);
    const select = (sql: string) => sql.slice(sql.indexOf('\n') + 1);
    const bigQuery = await onBigQuery((d) => select(insert(d).sql), insert(bigQueryDialect({ project: PROJECT })).params, []);
    const duckDb = await onDuckDb([], async (warehouse) => {
      await warehouse.ensureTables([processorRunHistory]);
      await warehouse.insertRows(processorRunHistory, rows);
      return storedRows(warehouse, processorRunHistory);
    });
    const key = ['data_date', 'processor_name'];
    expect(bigQuery).toHaveLength(3);
    expect(comparable(bigQuery, processorRunHistory.columns, key)).toEqual(comparable(duckDb, processorRunHistory.columns, key));
    expect(comparable(bigQuery, processorRunHistory.columns, key).map((r) => [r.processor_name, r.status, r.records_processed, r.duration_seconds, r.missing_dependencies])).toEqual([
      ['PlayerGameSummaryProcessor', 'failed', 0, 1.875, null],
      ['PlayerDailyCacheProcessor', 'success', 412, 9.999, []],
      ['MLFeatureStoreProcessor', 'skipped', null, null, ['nba_precompute.player_daily_cache']],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The schedule queries.

/** One version of a schedule row (the schedule is appended per status update). */
const game = (game_id: string, game_date: string, game_status: number, processed_at: string, extra: Row = {}): Row => ({
  game_id,
  game_date,
  game_status,
  processed_at,
  // The platform's game_date_est holds the Eastern wall-clock tip-off: 7:30 PM ET as 19:30 UTC.
  game_date_est: `${game_date}T19:30:00Z`,
  home_team_tricode: 'HOM',
  away_team_tricode: 'AWY',
  home_team_score: game_status === 3 ? 100 : null,
  away_team_score: game_status === 3 ? 90 : null,
  is_regular_season: game_id.startsWith('002'),
  is_playoffs: game_id.startsWith('004'),
  is_all_star: false,
  ...extra,
});

const SCHEDULE: readonly Row[] = [
  // Preseason: final, yet neither a regular-season game nor a game date.
  game('0012100001', '2021-10-04', 3, '2021-10-05T03:00:00Z', { season_year: 2021 }),
  // The opener, three versions: the final one wins.
  game('0022100001', '2021-10-19', 1, '2021-10-18T12:00:00Z', { season_year: 2021 }),
  game('0022100001', '2021-10-19', 2, '2021-10-19T23:30:00Z', { season_year: 2021 }),
  game('0022100001', '2021-10-19', 3, '2021-10-20T02:00:00Z', { season_year: 2021, home_team_tricode: 'MIL', away_team_tricode: 'BKN', home_team_score: 127, away_team_score: 104 }),
  // Final twice: the later correction of the score wins.
  game('0022100002', '2021-10-19', 3, '2021-10-20T03:00:00Z', { season_year: 2021, home_team_tricode: 'LAL', away_team_tricode: 'GSW', home_team_score: 114, away_team_score: 120 }),
  game('0022100002', '2021-10-19', 3, '2021-10-21T00:00:00Z', { season_year: 2021, home_team_tricode: 'LAL', away_team_tricode: 'GSW', home_team_score: 114, away_team_score: 121 }),
  // A stale re-scrape after the final: the most advanced status wins over the latest row.
  game('0022100003', '2021-10-20', 3, '2021-10-21T02:00:00Z', { season_year: 2021, home_team_tricode: 'CHA', away_team_tricode: 'IND' }),
  game('0022100003', '2021-10-20', 1, '2021-10-22T00:00:00Z', { season_year: 2021, home_team_tricode: 'CHA', away_team_tricode: 'IND' }),
  // Scheduled, never final.
  game('0022100005', '2021-10-20', 1, '2021-10-19T00:00:00Z'),
  // Postponed from December to February: one game, on its final date.
  game('0022100004', '2021-12-20', 1, '2021-12-01T00:00:00Z', { season_year: 2021 }),
  game('0022100004', '2022-02-15', 3, '2022-02-16T00:00:00Z', { season_year: 2021 }),
  // A 002 game the schedule does not flag as regular season: a game date, not a season bound.
  game('0022100006', '2021-11-15', 3, '2021-11-16T00:00:00Z', { is_regular_season: false }),
  // All-Star: flagged (left out everywhere) and not flagged (left out by its id).
  game('0032100001', '2022-02-20', 3, '2022-02-21T00:00:00Z', { is_all_star: true }),
  game('0032100002', '2022-02-18', 3, '2022-02-19T00:00:00Z', { is_all_star: null }),
  // The last regular-season game, no season_year (April: the season that began the October before).
  game('0022101230', '2022-04-10', 3, '2022-04-11T00:00:00Z'),
  // Play-in and playoffs: game dates, not regular season; the Finals end the schedule.
  game('0052100001', '2022-04-12', 3, '2022-04-13T00:00:00Z'),
  game('0042100101', '2022-04-16', 3, '2022-04-17T00:00:00Z'),
  game('0042100406', '2022-06-16', 3, '2022-06-17T00:00:00Z', { season_year: 2021 }),
  // 2023-24: two openers, an NBA Cup final, ids of another shape judged by the flag alone.
  game('0022300001', '2023-10-24', 3, '2023-10-25T00:00:00Z', { season_year: 2023 }),
  game('0022300002', '2023-10-24', 3, '2023-10-25T00:00:00Z', { season_year: 2023 }),
  game('20231025_LAL_DEN', '2023-10-25', 3, '2023-10-26T00:00:00Z', { season_year: 2023, is_regular_season: true }),
  game('0062300001', '2023-12-09', 3, '2023-12-10T00:00:00Z', { season_year: 2023, is_regular_season: false }),
  game('20240410_NYK_BOS', '2024-04-10', 3, '2024-04-11T00:00:00Z', { season_year: 2023, is_regular_season: null }),
  game('0022301230', '2024-04-14', 3, '2024-04-15T00:00:00Z', { season_year: 2023 }),
  // Before the history floor: no season.
  game('0029900001', '1999-11-02', 3, '1999-11-03T00:00:00Z', { season_year: 1999 }),
];

const SCHEDULE_FIXTURE = [{ table: nbacSchedule, rows: SCHEDULE }];
const D = 'DATE' as const;

describe('the schedule queries: ZetaSQL and DuckDB give the same answer', () => {
  it('scheduleSeasonsSql: regular-season bounds and the last scheduled game per season', async () => {
    const bigQuery = await onBigQuery(scheduleSeasonsSql, {}, SCHEDULE_FIXTURE);
    const duckDb = await onDuckDb(SCHEDULE_FIXTURE, (w) => w.query(scheduleSeasonsSql(w.dialect)));
    const columns = [{ name: 'season_year', type: 'INT64' }, { name: 'regular_start', type: D }, { name: 'regular_end', type: D }, { name: 'last_scheduled', type: D }] as const;
    const expected = [
      { season_year: 2021, regular_start: '2021-10-19', regular_end: '2022-04-10', last_scheduled: '2022-06-16' },
      { season_year: 2023, regular_start: '2023-10-24', regular_end: '2024-04-14', last_scheduled: '2024-04-14' },
    ];
    expect(comparable(bigQuery, columns, ['season_year'])).toEqual(expected);
    expect(comparable(duckDb, columns, ['season_year'])).toEqual(expected);
  });

  const ranges: [start: string, end: string, expected: Record<string, number>][] = [
    ['2021-10-01', '2022-06-30', { '2021-10-19': 2, '2021-10-20': 1, '2021-11-15': 1, '2022-02-15': 1, '2022-04-10': 1, '2022-04-12': 1, '2022-04-16': 1, '2022-06-16': 1 }],
    // Only the postponed game's December version is in range: not final, no game date.
    ['2021-12-01', '2021-12-31', {}],
    ['2023-10-01', '2024-04-12', { '2023-10-24': 2, '2023-10-25': 1, '2024-04-10': 1 }],
  ];
  for (const [start, end, expected] of ranges) {
    it(`gameCountsSql: final games per date, ${start} to ${end}`, async () => {
      const bigQuery = await onBigQuery(gameCountsSql, { start, end }, SCHEDULE_FIXTURE);
      const duckDb = await onDuckDb(SCHEDULE_FIXTURE, (w) => w.query(gameCountsSql(w.dialect), { start, end }));
      const counts = (rows: readonly Row[]) => Object.fromEntries(comparable(rows, [{ name: 'game_date', type: D }, { name: 'games', type: 'INT64' }], ['game_date']).map((r) => [r.game_date, r.games]));
      expect(counts(bigQuery)).toEqual(expected);
      expect(counts(duckDb)).toEqual(expected);
    });
  }

  it('finalGamesSql (the final_games CTE of the processors): one row per final game, its latest version', async () => {
    const build = (d: SqlDialect) => finalGamesSql(d, d.param('start', 'DATE'), d.param('end', 'DATE'));
    const params = { start: '2021-10-01', end: '2022-02-28' };
    const bigQuery = await onBigQuery(build, params, SCHEDULE_FIXTURE);
    const duckDb = await onDuckDb(SCHEDULE_FIXTURE, (w) => w.query(build(w.dialect), params));
    const columns = [
      ...cols('game_date', 'DATE'),
      ...cols('nba_game_id home_team_abbr away_team_abbr game_id', 'STRING'),
      ...cols('tip_at', 'TIMESTAMP'),
      ...cols('home_team_score away_team_score', 'INT64'),
    ];
    const bq = comparable(bigQuery, columns, ['game_date', 'nba_game_id']);
    expect(bq).toEqual(comparable(duckDb, columns, ['game_date', 'nba_game_id']));
    expect(bq.map((r) => [r.game_id, r.nba_game_id, r.home_team_score, r.away_team_score])).toEqual([
      ['20211004_AWY_HOM', '0012100001', 100, 90],
      ['20211019_BKN_MIL', '0022100001', 127, 104],
      ['20211019_GSW_LAL', '0022100002', 114, 121],
      ['20211020_IND_CHA', '0022100003', 100, 90],
      ['20211115_AWY_HOM', '0022100006', 100, 90],
      ['20220215_AWY_HOM', '0022100004', 100, 90],
      ['20220218_AWY_HOM', '0032100002', 100, 90],
    ]);
    // tip_at is the instant: 7:30 PM EDT (UTC-4) in October, EST (UTC-5) in February.
    expect(bq.map((r) => r.tip_at).filter((_, i) => i === 1 || i === 5)).toEqual(['2021-10-19T23:30:00.000Z', '2022-02-16T00:30:00.000Z']);
  });
});
