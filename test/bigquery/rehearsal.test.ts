import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentWritesSql } from '../../src/runner/daily-quota.js';
import { latestHistorySql } from '../../src/runner/history.js';
import type { SqlDialect } from '../../src/warehouse/dialect.js';
import { runDocument } from '../../src/reporting/json-schema.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { writePlan } from '../../src/warehouse/day-write.js';
import type { TableDef } from '../../src/warehouse/schema.js';
import { fieldResource } from '../../src/warehouse/bigquery/bigquery-tables.js';
import { platformColumns, platformLayout } from '../../src/warehouse/tables/platform-layout.js';
import { PLATFORM_LAYOUTS } from '../../src/warehouse/tables/platform-layouts.js';
import { duckDbBackend } from '../helpers/bigquery-backend.js';
import { BigQueryStandIn, type TableMetadata } from '../helpers/bigquery-standin.js';
import { runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';
import { startZetaSqlServer, type ZetaSqlServer } from '../helpers/zetasql.js';

// The rehearsal of issue "the platform's real warehouse": the built CLI and the real client run a
// season against a stand-in that holds every platform table exactly as the DDL facts describe it
// (columns, modes, partitioning, clustering, partition-filter rule, expiry), with the raw sample
// season, Phase 3 and 4 rows the live pipeline already wrote (values in columns the tool does not
// compute) and live-pipeline run history. Jobs are done on a DuckDB file (bigquery-backend.ts).

const PROJECT = 'nba-props-platform';
const SEASON = '2021-22';
/** The whole season with BACKFILL_LONG_TESTS=1 (about 4 minutes here); its first five weeks by default. */
const LONG = process.env.BACKFILL_LONG_TESTS === '1';
const RANGE = LONG ? ['--season', SEASON] : ['--start-date', '2021-10-19', '--end-date', '2021-11-22'];
/** The day where one player's row is missing from production: a new key, whose REQUIRED columns the write must fill. */
const NEW_KEY_DAY = '2021-11-10';
/** The day with a known duplicate in production. */
const DUPLICATE_DAY = '2021-11-11';
const dir = tempDir();
const standIn = new BigQueryStandIn();
let zeta: ZetaSqlServer | undefined;
let production = '';

/** Production's tables (not the tool's own ml_feature_store, lease table): the facts' layouts. */
const PLATFORM_TARGETS = PROCESSORS.map((p) => p.table).filter((t) => `${t.dataset}.${t.name}` in PLATFORM_LAYOUTS);

/** A platform table's REST metadata as the facts describe it. */
function platformMetadata(qualified: string): TableMetadata {
  const layout = platformLayout(qualified);
  return {
    schema: { fields: platformColumns(qualified).map((c) => fieldResource(c.name, c.type, c.mode === 'REQUIRED')) },
    ...(layout.partitionField
      ? { timePartitioning: { type: 'DAY', field: layout.partitionField, expirationMs: layout.partitionExpirationDaysInDdl ? String(layout.partitionExpirationDaysInDdl * 86_400_000) : null } }
      : {}),
    ...(layout.clustering.length > 0 ? { clustering: { fields: [...layout.clustering] } } : {}),
    ...(layout.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
  };
}

/** A value per scalar type for the columns the tool does not compute: what the live pipeline stored. */
function storedValue(type: string, table: TableDef): string | undefined {
  const key = table.key.filter((k) => k !== table.dateColumn).map((k) => `CAST(${k} AS VARCHAR)`).join(` || '|' || `);
  switch (type) {
    case 'STRING':
      return `'live:' || ${key}`;
    case 'INT64':
      return `7`;
    case 'FLOAT64':
    case 'NUMERIC':
      return `2.5`;
    case 'BOOL':
      return `TRUE`;
    case 'DATE':
      return table.dateColumn;
    case 'TIMESTAMP':
      return `TIMESTAMP '2022-06-01 12:00:00'`;
    case 'JSON':
      return `'{"live": true}'`;
    default:
      return undefined;
  }
}

/** Columns of a platform table that the tool carries (neither computed nor bookkeeping), with a stored value. */
function carriedValues(table: TableDef): [string, string][] {
  const columns = platformColumns(`${table.dataset}.${table.name}`);
  const carried = new Set(writePlan(table, columns.map((c) => ({ name: c.name, type: c.type, mode: c.mode }))).carried);
  return columns.flatMap((c) => {
    const value = carried.has(c.name) ? storedValue(c.type, table) : undefined;
    return value ? [[c.name, value] as [string, string]] : [];
  });
}

/** Every stored (date, key) of the platform targets with its carried values, as text. */
async function carriedSnapshot(db: string): Promise<Map<string, string>> {
  const snapshot = new Map<string, string>();
  for (const table of PLATFORM_TARGETS) {
    const carried = carriedValues(table).map(([c]) => c);
    const keys = [table.dateColumn, ...table.key.filter((k) => k !== table.dateColumn)];
    const rows = await queryFile(db, `SELECT ${[...keys, ...carried].map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ')} FROM ${table.dataset}.${table.name}`, { readOnly: true });
    for (const row of rows) snapshot.set(`${table.name}|${keys.map((k) => String(row[k])).join('|')}`, carried.map((c) => `${c}=${String(row[c])}`).join(','));
  }
  return snapshot;
}

/** The reads of a run the planning mirror does not list: late history, the daily quota's recent writes. */
const readsBeyondPlanning = (d: SqlDialect) => [latestHistorySql(d, ['processor_name', 'data_date', 'status']), recentWritesSql(d)];

function bq(args: string[]) {
  return runCli(['--warehouse', 'bigquery', '--project', PROJECT, '--json', ...args], {
    cwd: dir,
    timeoutMs: 900_000,
    env: { BIGQUERY_EMULATOR_HOST: standIn.endpoint, METADATA_SERVER_DETECTION: 'none', BACKFILL_BIGQUERY_HTTP_RETRIES: '0' },
  });
}

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  // The live pipeline's Phase 3 and 4 rows: the season computed once, then given values in every
  // column the tool does not compute, and its own run history.
  production = sample.copy('production');
  const computed = await runCli(['--db', production, 'run', ...RANGE], { timeoutMs: 600_000 });
  expect(computed.code, computed.stderr).toBe(0);
  const statements = [
    `DELETE FROM nba_reference.processor_run_history`,
    `INSERT INTO nba_reference.processor_run_history (processor_name, run_id, status, data_date, started_at, phase, output_table, execution_host, summary)
     VALUES ('PlayerGameSummaryProcessor', 'live-1', 'success', DATE '${NEW_KEY_DAY}', now(), 'phase_3_analytics', 'player_game_summary', 'cloud-run', '{"records": 300}'),
            ('MLFeatureStoreProcessor', 'live-2', 'failed', DATE '${DUPLICATE_DAY}', now(), 'phase_4_precompute', 'ml_feature_store_v2', 'cloud-run', NULL)`,
    // The tool's own feature store does not exist in production yet.
    `DROP TABLE nba_precompute.ml_feature_store`,
    ...PLATFORM_TARGETS.map((t) => `UPDATE ${t.dataset}.${t.name} SET ${carriedValues(t).map(([c, v]) => `${c} = ${v}`).join(', ')}`),
    // A known duplicate: an older copy of a stored row with another carried value; the newest wins.
    `INSERT INTO nba_analytics.player_game_summary SELECT * REPLACE (processed_at - INTERVAL 1 DAY AS processed_at, 'stale' AS universal_player_id)
       FROM nba_analytics.player_game_summary WHERE game_date = DATE '${DUPLICATE_DAY}' ORDER BY player_lookup LIMIT 1`,
    // A player production lacks on one day: a new key, with NULL in every column the tool carries.
    `DELETE FROM nba_analytics.player_game_summary WHERE game_date = DATE '${NEW_KEY_DAY}'
       AND player_lookup = (SELECT min(player_lookup) FROM nba_analytics.player_game_summary WHERE game_date = DATE '${NEW_KEY_DAY}')`,
    // Production's REQUIRED columns are NOT NULL in the file, so a day write honours them as BigQuery does.
    ...PLATFORM_TARGETS.flatMap((t) =>
      platformColumns(`${t.dataset}.${t.name}`)
        .filter((c) => c.mode === 'REQUIRED')
        .map((c) => `ALTER TABLE ${t.dataset}.${t.name} ALTER COLUMN ${c.name} SET NOT NULL`),
    ),
  ];
  for (const sql of statements) await queryFile(production, sql);
  standIn.partitionFilters = zeta = await startZetaSqlServer();
  await standIn.start();
  for (const qualified of Object.keys(PLATFORM_LAYOUTS)) {
    standIn.datasets.add(qualified.split('.')[0] as string);
    standIn.tables.set(qualified, platformMetadata(qualified));
  }
}, 300_000);
afterAll(async () => {
  await standIn.stop();
  await zeta?.stop();
});

describe("a season on the platform's own warehouse (the stand-in, every table as the DDL facts describe it)", () => {
  it('stops at the preflight without --migrate, then runs the season: every date succeeds, every carried value stays, a second run writes nothing', { timeout: 1_800_000 }, async () => {
    const before = await carriedSnapshot(production);
    const copy = join(dir, 'rehearsal.duckdb');
    copyFileSync(production, copy);
    const backend = await duckDbBackend(copy, PROJECT, standIn, readsBeyondPlanning);
    try {
      // 1. The preflight: only what --migrate may fix (nullable columns the tool adds, the DDL's
      // expiry), no type conflict, nothing written.
      const blocked = await bq(['run', ...RANGE]);
      expect(blocked.code, blocked.stderr).toBe(3);
      expect(blocked.stdout, blocked.stderr).toMatch(/"preflight"/);
      const stopped = runDocument.parse(JSON.parse(blocked.stdout));
      expect(stopped.preflight.filter((f) => f.blocking && !f.safe)).toEqual([]);
      expect(stopped.preflight.map((f) => f.kind)).not.toContain('type-conflict');
      expect(new Set(stopped.preflight.filter((f) => f.blocking).map((f) => f.kind))).toEqual(new Set(['missing-column', 'partition-expiry']));
      expect(standIn.writes()).toEqual([]);

      // 2. --migrate: ADD COLUMN (nullable) and the expiry removed, nothing else; then the season.
      standIn.queries.length = 0;
      const ran = await bq(['--migrate', 'run', ...RANGE]);
      expect(ran.stdout, ran.stderr.slice(-3000)).not.toBe("");
      const doc = runDocument.parse(JSON.parse(ran.stdout));
      const alters = standIn.queries.filter((q) => /^ALTER/.test(q.sql)).map((q) => q.sql);
      expect(alters.length).toBeGreaterThan(0);
      for (const sql of alters) expect(sql).toMatch(/ ADD COLUMN IF NOT EXISTS \w+ \S+;?$| SET OPTIONS \(partition_expiration_days = NULL\);?$/);
      expect(standIn.rejected).toEqual([]);
      // Every date succeeds: the new key's REQUIRED columns are computed (starter_flag from the box score).
      expect(doc.outcomes.filter((o) => o.status === 'failed' || o.status === 'not-run')).toEqual([]);
      expect(ran.code, ran.stderr.slice(-2000)).toBe(0);
      const succeeded = doc.outcomes.filter((o) => o.status === 'success');
      expect(succeeded.length).toBeGreaterThan(LONG ? 1000 : 200);
      expect(doc.outcomes.filter((o) => o.status === 'skipped' && o.skipReason !== 'bootstrap' && o.skipReason !== 'no-games')).toEqual([]);
      const [added] = await backend.warehouse.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE starter_flag IS NULL) AS blank FROM nba_analytics.player_game_summary p
         WHERE game_date = DATE '${NEW_KEY_DAY}' AND universal_player_id IS NULL`,
      );
      expect(added).toEqual({ n: 1, blank: 0 });

      // 3. Every value the live pipeline stored in a column the tool does not compute is unchanged
      // (the stale duplicate gave way to the newest copy, as one row).
      await backend.close();
      const after = await carriedSnapshot(copy);
      const changed = [...before].filter(([key, values]) => after.has(key) && after.get(key) !== values && !values.includes('stale'));
      expect(changed).toEqual([]);
      expect([...before.keys()].filter((key) => !after.has(key))).toEqual([]);
      const duplicate = await queryFile(copy, `SELECT count(*) AS n, min(universal_player_id) AS id FROM nba_analytics.player_game_summary WHERE game_date = DATE '${DUPLICATE_DAY}' AND universal_player_id LIKE 'live:%' GROUP BY player_lookup HAVING count(*) > 1`, { readOnly: true });
      expect(duplicate).toEqual([]);

      // 4. A second run writes nothing.
      const again = await duckDbBackend(copy, PROJECT, standIn, readsBeyondPlanning);
      try {
        standIn.queries.length = 0;
        const second = await bq(['run', ...RANGE]);
        expect(second.code, second.stderr.slice(-2000)).toBe(0);
        const redo = runDocument.parse(JSON.parse(second.stdout));
        expect(redo.outcomes.filter((o) => o.status !== 'skipped')).toEqual([]);
        expect(standIn.writes().filter((q) => q.destination)).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await backend.close().catch(() => undefined);
    }
  });
});
