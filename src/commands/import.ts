import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { RAW_TABLES } from '../warehouse/tables/raw-tables.js';
import { commandContext, commandLog, openWarehouse } from './context.js';

const FORMATS: Record<string, 'csv' | 'parquet' | 'json'> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

/** `backfill import TABLE FILE`: loads a real Phase 2 export into nba_raw.TABLE, replacing the file's dates. */
export function importCommand(): Command {
  return new Command('import')
    .description('load a real Phase 2 export (CSV, Parquet or JSON lines) into nba_raw.TABLE, replacing the dates it covers')
    .argument('<table>', `raw table: ${RAW_TABLES.map((t) => t.name).join(', ')}`)
    .argument('<file>', 'the export: .csv, .parquet, .json/.jsonl/.ndjson (JSON lines)')
    .action(async (tableName: string, file: string, _options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      if (context.globals.warehouse !== 'duckdb') {
        throw new UsageError('import loads only into the embedded duckdb warehouse: local files never go to BigQuery');
      }
      const table = RAW_TABLES.find((t) => t.name === tableName.replace(/^nba_raw\./, ''));
      if (!table) throw new UsageError(`unknown raw table '${tableName}': expected one of ${RAW_TABLES.map((t) => t.name).join(', ')}`);
      const format = FORMATS[extname(file).toLowerCase()];
      if (!format) throw new UsageError(`unsupported file '${file}': expected .csv, .parquet, .json, .jsonl or .ndjson`);
      if (!existsSync(file)) throw new UsageError(`file not found: '${file}'`);
      // The file is checked in a scratch in-memory engine first: a bad file never touches the warehouse.
      const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse.js');
      const scratch = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
      const check = await scratch.inspectFile(table, resolve(file), format).finally(() => scratch.close());
      if (check.unknown.length > 0 || check.missing.length > 0 || check.unconvertible.length > 0) {
        const parts = [
          check.unknown.length > 0 ? `unknown columns ${check.unknown.join(', ')}` : '',
          check.missing.length > 0 ? `missing required columns ${check.missing.join(', ')}` : '',
          check.unconvertible.length > 0 ? `values of the wrong type in ${check.unconvertible.join(', ')}` : '',
        ].filter(Boolean);
        throw new UsageError(`${file} does not fit nba_raw.${table.name}: ${parts.join('; ')} (columns: ${table.columns.map((c) => c.name).join(', ')})`);
      }
      const warehouse = await openWarehouse(context, { readOnly: context.globals.dryRun });
      try {
        if (!(warehouse instanceof DuckDbWarehouse)) throw new UsageError('import needs the duckdb warehouse');
        if (context.globals.dryRun) {
          context.out.result(`import (dry run): ${check.rows} rows for ${check.dates.length} dates would replace nba_raw.${table.name} on those dates`);
          context.out.json({ ok: true, exitCode: 0, dryRun: true, table: table.name, rows: check.rows, dates: check.dates.length });
          return;
        }
        const { logger } = commandLog(context, `import ${table.name}`);
        await warehouse.ensureTables([table]);
        const loaded = await warehouse.importFile(table, resolve(file), format, check.columns).catch((error: unknown) => {
          // A value that does not convert to its column's type is bad input; the transaction rolled back.
          const message = error instanceof Error ? error.message : String(error);
          if (/Conversion Error|Could not convert|Invalid Input Error/i.test(message)) {
            throw new UsageError(`${file} has a value that does not fit nba_raw.${table.name}: ${message.split('\n')[0]}`);
          }
          throw error;
        });
        logger.info({ table: table.name, file: resolve(file), rows: loaded.rows, dates: loaded.dates }, 'file imported');
        context.out.json({ ok: true, exitCode: 0, table: table.name, rows: loaded.rows, dates: loaded.dates });
        context.out.result(`imported ${loaded.rows} rows into nba_raw.${table.name} for ${loaded.dates} dates (replacing their previous rows)`);
      } finally {
        await warehouse.close();
      }
    });
}
