import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { hasDayColumn, qualifiedName, type TableDef } from '../warehouse/schema.js';
import { RAW_TABLES } from '../warehouse/tables/raw-tables.js';
import { STATIC_TABLES } from '../warehouse/tables/static-tables.js';
import type { FileCheck } from '../warehouse/duckdb/duckdb-import.js';
import { commandContext, commandLog, openWarehouse } from './context.js';

const FORMATS: Record<string, 'csv' | 'parquet' | 'json'> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

const TABLES: readonly TableDef[] = [...RAW_TABLES, ...STATIC_TABLES];
const ALLOWED = `expected one of ${RAW_TABLES.map((t) => t.name).join(', ')}, or a reference table ${STATIC_TABLES.map(qualifiedName).join(', ')}`;

/** The table a TABLE argument names: `X`, `nba_raw.X`, or a reference table qualified or, where unique, bare. */
function importTable(name: string): TableDef {
  const matches = TABLES.filter((t) => (name.includes('.') ? qualifiedName(t) === name : t.name === name));
  if (matches.length > 1) throw new UsageError(`table '${name}' is in several datasets: give one of ${matches.map(qualifiedName).join(', ')}`);
  const table = matches[0];
  if (!table) throw new UsageError(`unknown ${/^nba_(reference|static)\./.test(name) ? 'reference' : 'raw'} table '${name}': ${ALLOWED}`);
  return table;
}

/** The one-line refusal of a file that does not fit its table, or undefined when it fits. */
function refusal(file: string, table: TableDef, check: FileCheck): string | undefined {
  const target = qualifiedName(table);
  if (check.nested.length > 0) {
    return `${file}: a CSV holds only flat columns (as bq extract writes it), and ${target} has ${check.nested.join(', ')}: export NEWLINE_DELIMITED_JSON (.ndjson) or PARQUET (.parquet) instead`;
  }
  const parts = [
    check.unknown.length > 0 ? `unknown columns ${check.unknown.join(', ')}` : '',
    check.missing.length > 0 ? `missing required columns ${check.missing.join(', ')}` : '',
    check.unconvertible.length > 0 ? `values of the wrong type in ${check.unconvertible.join(', ')}` : '',
  ].filter(Boolean);
  if (parts.length > 0) return `${file} does not fit ${target}: ${parts.join('; ')} (columns: ${table.columns.map((c) => c.name).join(', ')})`;
  // An empty file would empty a table replaced whole: almost surely a bad export.
  if (!hasDayColumn(table) && check.rows === 0) return `${file} has no rows: it would empty ${target}, which an import replaces whole`;
  return undefined;
}

/** `backfill import TABLE FILE`: loads a real export into a raw or reference table, replacing the file's dates (or the whole table). */
export function importCommand(): Command {
  return new Command('import')
    .description('load a real export (CSV, Parquet or JSON lines) into a raw or reference table, replacing the dates it covers (a table without dates whole)')
    .argument('<table>', `raw table (${RAW_TABLES.map((t) => t.name).join(', ')}, also as nba_raw.X) or reference table (${STATIC_TABLES.map(qualifiedName).join(', ')})`)
    .argument('<file>', 'the export: .csv (flat tables only), .parquet, .json/.jsonl/.ndjson (JSON lines)')
    .action(async (tableName: string, file: string, _options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      if (context.globals.warehouse !== 'duckdb') {
        throw new UsageError('import loads only into the embedded duckdb warehouse: local files never go to BigQuery');
      }
      const table = importTable(tableName);
      const target = qualifiedName(table);
      const whole = !hasDayColumn(table);
      const format = FORMATS[extname(file).toLowerCase()];
      if (!format) throw new UsageError(`unsupported file '${file}': expected .csv, .parquet, .json, .jsonl or .ndjson`);
      if (!existsSync(file)) throw new UsageError(`file not found: '${file}'`);
      // The file is checked in a scratch in-memory engine first: a bad file never touches the warehouse.
      const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse.js');
      const scratch = await DuckDbWarehouse.open({ path: ':memory:', readOnly: false });
      const check = await scratch.inspectFile(table, resolve(file), format).finally(() => scratch.close());
      const refused = refusal(file, table, check);
      if (refused) throw new UsageError(refused);
      const warehouse = await openWarehouse(context, { readOnly: context.globals.dryRun });
      try {
        if (!(warehouse instanceof DuckDbWarehouse)) throw new UsageError('import needs the duckdb warehouse');
        if (context.globals.dryRun) {
          const replaced = whole ? `the whole of ${target} (it has no date partition)` : `${target} on ${check.dates.length} dates`;
          context.out.result(`import (dry run): ${check.rows} rows would replace ${replaced}`);
          context.out.json({ ok: true, exitCode: 0, dryRun: true, table: table.name, dataset: table.dataset, rows: check.rows, dates: check.dates.length });
          return;
        }
        const { logger } = commandLog(context, `import ${table.name}`);
        // Every raw and reference table exists after an import: the processors read all sources, imported or not.
        await warehouse.ensureTables(TABLES);
        const loaded = await warehouse.importFile(table, resolve(file), format, check.columns).catch((error: unknown) => {
          // A value that does not convert to its column's type is bad input; the transaction rolled back.
          const message = error instanceof Error ? error.message : String(error);
          if (/Conversion Error|Could not convert|Invalid Input Error/i.test(message)) {
            throw new UsageError(`${file} has a value that does not fit ${target}: ${message.split('\n')[0]}`);
          }
          throw error;
        });
        logger.info({ table: target, file: resolve(file), rows: loaded.rows, dates: loaded.dates }, 'file imported');
        context.out.json({ ok: true, exitCode: 0, table: table.name, dataset: table.dataset, rows: loaded.rows, dates: loaded.dates });
        context.out.result(
          whole
            ? `imported ${loaded.rows} rows into ${target}, replacing the whole table (it has no date partition)`
            : `imported ${loaded.rows} rows into ${target} for ${loaded.dates} dates (replacing their previous rows)`,
        );
      } finally {
        await warehouse.close();
      }
    });
}
