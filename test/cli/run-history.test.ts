import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { onDuckDb, RUNBOOK_QUERIES } from '../fixtures/runbook-queries.js';
import { runCli } from '../helpers/cli.js';
import { queryFile, sampleSeasonFile, toolHistory } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let db: string;
const WEEK = ['--start-date', '2021-10-19', '--end-date', '2021-10-25'];

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  db = sample.copy('history');
  // A date without player stats: player_game_summary fails it as missing-dependency.
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
  for (const t of ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores']) {
    await warehouse.execute(`DELETE FROM nba_raw.${t} WHERE game_date = '2021-10-21'`);
  }
  await warehouse.close();
  const result = await runCli(['--db', db, '--quiet', 'phase3', ...WEEK]);
  expect(result.code).toBe(1);
}, 300_000);

describe("run history in the platform's processor_run_history", () => {
  it("writes the platform's vocabulary and types, the tool's own fields in summary", async () => {
    const rows = await queryFile(
      db,
      `SELECT processor_name, phase, output_table, output_dataset, status, execution_host, backfill_mode, season_year, retry_attempt,
         records_processed, failure_category, skipped, CAST(errors AS VARCHAR) AS errors, CAST(missing_dependencies AS VARCHAR) AS missing,
         json_extract_string(summary, '$.tool') AS tool, json_extract_string(summary, '$.error_class') AS error_class,
         json_extract_string(summary, '$.input_fingerprint') IS NOT NULL AS fingerprinted, duration_seconds >= 0 AS timed, processed_at IS NOT NULL AS finished
       FROM nba_reference.processor_run_history WHERE output_table = 'player_game_summary' AND data_date IN ('2021-10-20', '2021-10-21') ORDER BY data_date`,
    );
    expect(rows[0]).toMatchObject({
      processor_name: 'PlayerGameSummaryProcessor', phase: 'phase_3_analytics', output_dataset: 'nba_analytics', status: 'success',
      execution_host: 'backfill-cli', backfill_mode: true, season_year: 2021, retry_attempt: 1, failure_category: null, skipped: false,
      tool: 'backfill', fingerprinted: true, timed: true, finished: true,
    });
    expect(Number(rows[0]?.records_processed)).toBeGreaterThan(100);
    expect(rows[1]).toMatchObject({ processor_name: 'PlayerGameSummaryProcessor', status: 'failed', failure_category: 'upstream_failure', error_class: 'missing-dependency' });
    expect(JSON.parse(String(rows[1]?.errors))[0]).toMatchObject({ error_type: 'DependencyError', class: 'missing-dependency' });
    expect(JSON.parse(String(rows[1]?.missing))).toEqual(['nba_raw.nbac_gamebook_player_stats', 'nba_raw.nbac_player_boxscores', 'nba_raw.bdl_player_boxscores']);
    const phases = await queryFile(db, `SELECT DISTINCT processor_name FROM nba_reference.processor_run_history ORDER BY 1`);
    expect(phases.map((r) => r.processor_name)).toEqual([
      'PlayerGameSummaryProcessor', 'TeamDefenseGameSummaryProcessor', 'TeamOffenseGameSummaryProcessor',
      'UpcomingPlayerGameContextProcessor', 'UpcomingTeamGameContextProcessor',
    ]);
  });

  it("answers the runbook's monitoring and recovery queries with the tool's runs", async () => {
    const docs = readFileSync(join(process.cwd(), 'docs', 'operations.md'), 'utf8');
    for (const [name, sql] of Object.entries(RUNBOOK_QUERIES)) expect(docs, name).toContain(sql);
    const [periodic, failures, lastSuccess, missing] = await Promise.all(
      Object.values(RUNBOOK_QUERIES).map((sql) => queryFile(db, onDuckDb(sql), { readOnly: true })),
    ).catch(async () => {
      // One reader at a time on a file: run them in turn.
      const out = [];
      for (const sql of Object.values(RUNBOOK_QUERIES)) out.push(await queryFile(db, onDuckDb(sql), { readOnly: true }));
      return out;
    });
    expect(periodic?.find((r) => r.processor_name === 'PlayerGameSummaryProcessor')).toMatchObject({ ok: 6, fail: 1, latest: '2021-10-25' });
    expect(periodic?.find((r) => r.processor_name === 'TeamOffenseGameSummaryProcessor')).toMatchObject({ ok: 7, fail: 0 });
    // Both processors that read player stats failed that date, and only that date.
    expect(failures?.map((r) => `${String(r.processor_name)} ${String(r.data_date)}`).sort()).toEqual([
      'PlayerGameSummaryProcessor 2021-10-21',
      'UpcomingPlayerGameContextProcessor 2021-10-21',
    ]);
    for (const failure of failures ?? []) expect(String(failure.error)).toContain('DependencyError');
    expect(lastSuccess?.find((r) => r.processor_name === 'PlayerGameSummaryProcessor')).toMatchObject({ last_success: '2021-10-25' });
    expect(missing).toHaveLength(2);
    for (const row of missing ?? []) expect(String(row.missing_dependencies)).toContain('nba_raw.bdl_player_boxscores');
  });

  it("never takes the live pipeline's rows for the tool's: only the tool's rows are read back", async () => {
    const copy = join(dir, 'live.duckdb');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(db, copy);
    // The live pipeline recorded a success for the failed date; the tool must still retry it.
    await queryFile(
      copy,
      `INSERT INTO nba_reference.processor_run_history (processor_name, run_id, status, data_date, started_at, phase, output_table, execution_host, summary)
       VALUES ('PlayerGameSummaryProcessor', 'live-1', 'success', DATE '2021-10-21', now(), 'phase_3_analytics', 'player_game_summary', 'cloud-run', '{"records": 300}')`,
    );
    expect(await queryFile(copy, `SELECT count(*) AS n FROM ${toolHistory()} WHERE run_id = 'live-1'`)).toEqual([{ n: 0 }]);
    const dry = await runCli(['--db', copy, '--dry-run', 'phase3', 'player_game_summary', '--dates', '2021-10-21']);
    expect(dry.stdout).toMatch(/would fail: missing-dependency|missing-dependency/);
    expect(dry.stdout).not.toMatch(/up-to-date/);
  });
});
