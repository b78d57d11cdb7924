import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameCountsSql, scheduleSeasonsSql } from '../../src/calendar/calendar.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { recentWritesSql } from '../../src/runner/daily-quota.js';
import { inputStatsUnionSql } from '../../src/runner/fingerprint.js';
import { latestHistorySql, latestStatesSql, platformHistoryRow, type HistoryRow } from '../../src/runner/history.js';
import { RUNBOOK_QUERIES } from '../fixtures/runbook-queries.js';
import { CHECKS } from '../../src/validation/checks.js';
import type { CheckSqlContext } from '../../src/validation/check.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { compareTable } from '../../src/warehouse/bigquery/bigquery-preflight.js';
import { deleteDatesSql, guardedDaySql, insertSql, restoreSql, tableResource } from '../../src/warehouse/bigquery/bigquery-warehouse.js';
import type { ParamType } from '../../src/warehouse/dialect.js';
import { hasDayColumn, type ColumnType } from '../../src/warehouse/schema.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { backfillLeases, processorRunHistory } from '../../src/warehouse/tables/reference-tables.js';
import { STATIC_TABLES } from '../../src/warehouse/tables/static-tables.js';
import { overlappingLeasesSql, releaseLeaseSql, renewLeaseSql, takeLeaseSql } from '../../src/warehouse/bigquery/bigquery-lease.js';
import { startZetaSql, type ZetaSql } from '../helpers/zetasql.js';

const PROJECT = 'nba-props-platform';
const d = bigQueryDialect({ project: PROJECT });
const TABLES = [...RAW_TABLES, ...STATIC_TABLES, ...PROCESSORS.map((p) => p.table), processorRunHistory, backfillLeases];
/** The types of every parameter the tool binds. */
const PARAMS: Record<string, ColumnType> = {
  start: 'DATE',
  end: 'DATE',
  season_start: 'DATE',
  __day: 'DATE',
  __from: 'DATE',
  __to: 'DATE',
  from: 'DATE',
  to: 'DATE',
  since: 'TIMESTAMP',
  run_id: 'STRING',
  processors: 'ARRAY<STRING>',
  bootstrap_dates: 'ARRAY<STRING>',
  dates: 'ARRAY<STRING>',
};

let zeta: ZetaSql;

beforeAll(async () => {
  zeta = await startZetaSql(PROJECT, TABLES);
}, 60_000);
afterAll(async () => {
  await zeta?.stop();
});

const paramsOf = (sql: string) => Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], PARAMS[m[1] as string] ?? 'STRING']));

describe("BigQuery's analyzer (ZetaSQL) accepts every SQL text the tool sends", () => {
  it('rejects a wrong query, so the check can fail', async () => {
    expect(await zeta.analyze(`SELECT no_such_column FROM ${d.table(processorRunHistory)}`, {})).toMatch(/Unrecognized name: no_such_column/);
  });

  for (const processor of PROCESSORS) {
    it(`processor ${processor.name}: its day SQL and its check`, async () => {
      const sql = processor.select(d);
      expect(await zeta.analyze(sql, paramsOf(sql))).toBeUndefined();
      if (processor.check) {
        const check = processor.check(d, d.table(processor.table));
        expect(await zeta.analyze(check, paramsOf(check))).toBeUndefined();
      }
    });
  }

  for (const processor of PROCESSORS) {
    it(`the guarded day write of ${processor.name} (output guards inside the job)`, async () => {
      const { check } = processor;
      const sql = guardedDaySql(d, { table: processor.table, selectSql: processor.select(d), check: check ? (rows) => check.call(processor, d, rows) : undefined });
      expect(await zeta.analyze(sql, { ...paramsOf(sql), __min_rows: 'INT64', __allow_shrink: 'BOOL', __allow_drop_keys: 'BOOL' })).toBeUndefined();
    });
  }

  it('the runner and calendar queries: history, the daily quota\'s recent writes, fingerprints, schedule', async () => {
    const texts = [latestStatesSql(d), latestHistorySql(d, ['processor_name', 'data_date', 'status']), recentWritesSql(d), scheduleSeasonsSql(d), gameCountsSql(d), inputStatsUnionSql(d, TABLES.filter((t) => hasDayColumn(t) && t.columns.some((c) => c.name === 'processed_at')))];
    for (const sql of texts) expect(await zeta.analyze(sql, paramsOf(sql)), sql.slice(0, 120)).toBeUndefined();
  });

  for (const check of CHECKS) {
    it(`validation check ${check.name}`, async () => {
      const ctx: CheckSqlContext = { d, table: (t) => d.table(t) };
      const sql = check.sql(ctx);
      expect(await zeta.analyze(sql, paramsOf(sql))).toBeUndefined();
    });
  }

  it('the batched history INSERT unpacks every value as it was written (ZetaSQL evaluates its SELECT)', async () => {
    const base = { run_id: 'r1', skip_reason: null, input_fingerprint: 'fp1', command_line: 'backfill phase3', tool_version: '0.1.0' } as const;
    const tool: HistoryRow[] = [
      { ...base, processor_name: 'player_game_summary', phase: 3, data_date: '2022-01-05', status: 'failed', error_class: 'missing-dependency',
        errors: '[{"attempt":1,"class":"missing-dependency","message":"no player stats"}]', missing_dependencies: ['nba_raw.bdl_player_boxscores', 'nba_raw.nbac_gamebook_player_stats'],
        rows_written: 0, attempts: 2, started_at: '2022-01-05T01:02:03.456Z', finished_at: '2022-01-05T01:02:04.690Z', duration_ms: 1234 },
      { ...base, processor_name: 'ml_feature_store', phase: 4, data_date: '2022-01-06', status: 'rolled-back', error_class: null, errors: null, missing_dependencies: null,
        rows_written: 0, attempts: 0, started_at: '2022-01-06T10:00:00.000Z', finished_at: '2022-01-06T10:00:00.000Z', duration_ms: 0 },
    ];
    const { sql, params } = insertSql(d, processorRunHistory, tool.map(platformHistoryRow));
    const select = sql.slice(sql.indexOf('\n') + 1);
    const got = await zeta.evaluate(select, params as Record<string, string>);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({
      processor_name: 'PlayerGameSummaryProcessor', run_id: 'r1', season_year: 2021, phase: 'phase_3_analytics', output_table: 'player_game_summary', output_dataset: 'nba_analytics',
      data_date: '2022-01-05', status: 'failed', records_processed: 0, retry_attempt: 2, duration_seconds: 1.234, started_at: '2022-01-05T01:02:03.456Z',
      processed_at: '2022-01-05T01:02:04.690Z', backfill_mode: true, execution_host: 'backfill-cli', failure_category: 'upstream_failure', skipped: false, dependency_check_passed: false,
    });
    expect(JSON.parse(String(got[0]?.errors))).toEqual([{ error_type: 'DependencyError', attempt: 1, class: 'missing-dependency', message: 'no player stats' }]);
    expect(JSON.parse(String(got[0]?.missing_dependencies))).toEqual(['nba_raw.bdl_player_boxscores', 'nba_raw.nbac_gamebook_player_stats']);
    expect(JSON.parse(String(got[0]?.summary))).toEqual({ tool: 'backfill', error_class: 'missing-dependency', input_fingerprint: 'fp1', command_line: 'backfill phase3', tool_version: '0.1.0' });
    // A rollback is the platform's `skipped`, the tool's state in summary; JSON nulls are SQL NULLs.
    expect(got[1]).toMatchObject({ processor_name: 'MLFeatureStoreProcessor', phase: 'phase_4_precompute', status: 'skipped', skipped: true, skip_reason: 'rolled-back', errors: null, missing_dependencies: null, failure_category: null });
    expect(JSON.parse(String(got[1]?.summary))).toMatchObject({ tool: 'backfill', state: 'rolled-back' });
  });

  it("the runbook's history queries, as docs/operations.md gives them, against the platform's layout", async () => {
    for (const [name, sql] of Object.entries(RUNBOOK_QUERIES)) {
      // ZetaSQL resolves a path quoted as one identifier only when its parts are quoted apart.
      const text = sql.replaceAll('`nba-props-platform.nba_reference.processor_run_history`', '`nba-props-platform`.nba_reference.processor_run_history');
      expect(await zeta.analyze(text, {}), name).toBeUndefined();
    }
  });

  it('a table made by ensureTables (tables.insert) passes the preflight as it is', () => {
    for (const table of [...PROCESSORS.map((p) => p.table), processorRunHistory, backfillLeases]) {
      // Only the list of carried columns is left to say: nothing blocks, nothing is cast, nothing REQUIRED is unfilled.
      const findings = compareTable(table, tableResource(table), d.table(table));
      expect(findings.filter((f) => f.kind !== 'carried-columns'), table.name).toEqual([]);
    }
  });

  it('the statements that write: lease statements, batched history INSERTs, rollback DELETEs, and the ALTER fixes --migrate applies', async () => {
    // Parameter types as the dialect records them while building the SQL, as the engine binds them.
    const types = new Map<string, ParamType>();
    const typed = bigQueryDialect({ project: PROJECT }, types);
    for (const build of [takeLeaseSql, overlappingLeasesSql, renewLeaseSql, releaseLeaseSql]) {
      const sql = build(typed);
      expect(await zeta.analyze(sql, Object.fromEntries(types)), sql.slice(0, 80)).toBeUndefined();
    }
    const history = insertSql(typed, processorRunHistory, [{ run_id: 'r1', data_date: '2022-01-05', missing_dependencies: ['a'] }, { run_id: 'r1' }]);
    expect(await zeta.analyze(history.sql, Object.fromEntries(types))).toBeUndefined();
    const texts: string[] = [];
    for (const processor of PROCESSORS) {
      const sql = deleteDatesSql(d, processor.table);
      expect(await zeta.analyze(sql, { days: 'ARRAY<DATE>' }), sql).toBeUndefined();
      // The printed undo script: each of its statements on its own (the analyzer takes one at a time).
      const restore = restoreSql(d, processor.table, '2022-01-05', '2022-01-12', new Date('2026-12-03T20:00:00Z'));
      for (const part of restore.split('; ').filter((p) => /^(DELETE|INSERT)/.test(p))) {
        expect(await zeta.analyze(part, {}), part.slice(0, 120)).toBeUndefined();
      }
    }
    // An old table: short of columns, partitions expiring after 30 days, one REQUIRED extra column
    // (carried over, never relaxed: no fix names it).
    const old = { schema: { fields: [{ name: 'run_id', type: 'STRING' }, { name: 'legacy', type: 'STRING', mode: 'REQUIRED' }] }, timePartitioning: { type: 'DAY', field: 'data_date', expirationMs: String(30 * 86_400_000) }, expirationTime: '1900000000000' };
    const fixes = compareTable(processorRunHistory, old, d.table(processorRunHistory)).filter((f) => f.safe && f.fix);
    expect([...new Set(fixes.map((f) => f.kind))]).toEqual(['partition-expiry', 'table-expiry', 'missing-column']);
    expect(fixes.some((f) => /legacy|DROP NOT NULL|SET DATA TYPE/.test(f.fix as string))).toBe(false);
    for (const fix of fixes) texts.push((fix.fix as string).replace(/;$/, ''));
    for (const sql of texts) expect(await zeta.analyze(sql, {}), sql.slice(0, 120)).toBeUndefined();
  });
});
