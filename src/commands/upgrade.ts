import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { PROCESSORS } from '../processors/index.js';
import { referenceInputs } from '../processors/processor.js';
import { RAW_TABLES } from '../warehouse/tables/raw-tables.js';
import { processorRunHistory } from '../warehouse/tables/reference-tables.js';
import { commandContext, openWarehouse, warehouseFileExists } from './context.js';

/**
 * `backfill upgrade`: brings a DuckDB file made by an earlier version to the platform's layouts
 * now (any writing command does it too): a copy of the file is kept beside it first.
 */
export function upgradeCommand(): Command {
  return new Command('upgrade')
    .description("upgrade a DuckDB warehouse made by an earlier version to the platform's layouts (a copy is kept beside it)")
    .action(async (_options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      if (context.globals.warehouse !== 'duckdb') throw new UsageError('upgrade works on the embedded duckdb warehouse; BigQuery tables are checked by the preflight (--migrate)');
      if (!warehouseFileExists(context)) throw new UsageError(`no warehouse file at '${context.globals.db}': nothing to upgrade`);
      const notes: string[] = [];
      const warehouse = await openWarehouse(context, { readOnly: false });
      try {
        const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse.js');
        if (warehouse instanceof DuckDbWarehouse) warehouse.onNotice = (m) => notes.push(m);
        await warehouse.ensureTables([...RAW_TABLES, ...PROCESSORS.flatMap(referenceInputs), ...PROCESSORS.map((p) => p.table), processorRunHistory]);
      } finally {
        await warehouse.close();
      }
      for (const note of notes) context.out.note(note);
      const upgraded = notes.length > 0;
      context.out.json({ ok: true, exitCode: 0, upgraded, notes });
      context.out.result(upgraded ? `upgraded ${context.globals.db}` : `${context.globals.db} already has the platform's layouts`);
    });
}
