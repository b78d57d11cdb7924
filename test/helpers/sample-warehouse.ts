import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { duckDbDialect } from '../../src/warehouse/duckdb/duckdb-dialect.js';
import { toolHistorySql } from '../../src/warehouse/tables/run-history.js';
import { runCli } from './cli.js';

/**
 * A DuckDB file with the 2021-22 sample season, built once per test file with the real CLI;
 * `copy` gives each test its own file so tests stay independent.
 */
export async function sampleSeasonFile(dir: string): Promise<{ template: string; copy: (name: string) => string }> {
  const template = join(dir, 'template', 'sample.duckdb');
  if (!existsSync(template)) {
    const result = await runCli(['--db', template, 'sample-data', '--seasons', '2021-22', '--seed', '1']);
    expect(result.code, result.stderr).toBe(0);
  }
  return {
    template,
    copy: (name: string) => {
      const target = join(dir, `${name}.duckdb`);
      copyFileSync(template, target);
      return target;
    },
  };
}

/** Runs one statement on a DuckDB file and closes it again (so the CLI can open the file next). */
export async function queryFile(db: string, sql: string, access: { readOnly: boolean } = { readOnly: false }) {
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: access.readOnly });
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

/**
 * The tool's rows of the run history in the tool's words (table names, phase 3/4, rolled-back,
 * the summary's fields as columns), as a relation; `catalog` reads an attached file.
 */
export function toolHistory(catalog = ''): string {
  return `(${toolHistorySql(duckDbDialect).replaceAll('nba_reference.processor_run_history', `${catalog}nba_reference.processor_run_history`)}) AS tool_history`;
}
