import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { loadScheduleSeasons } from '../calendar/calendar.js';
import { CommandFailed, UsageError } from '../errors.js';
import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS, type ProcessorDefinition } from '../processors/index.js';
import { table } from '../reporting/output.js';
import { compactDates } from '../reporting/plan-report.js';
import { markRolledBack } from '../runner/rollback.js';
import type { SqlDialect } from '../warehouse/dialect.js';
import { qualifiedName, type TableDef } from '../warehouse/schema.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { commandContext, commandLog, openWarehouse } from './context.js';
import { addDateOptions, parseDateSelector, resolveDates } from './date-selector.js';

/** The rows of `@days` in a table: the bare partition column against DATEs, so BigQuery prunes. */
export function rowCountSql(d: SqlDialect, table: TableDef): string {
  return `SELECT COUNT(*) AS n FROM ${d.table(table)} WHERE ${d.inArray(table.dateColumn, d.param('days', 'ARRAY<DATE>'))}`;
}

async function rowsPerTable(warehouse: Warehouse, processors: readonly ProcessorDefinition[], dates: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const d = warehouse.dialect;
  for (const p of processors) {
    if (!(await warehouse.tableExists(p.table))) {
      counts.set(p.name, 0);
      continue;
    }
    const rows = await warehouse.query(rowCountSql(d, p.table), { days: dates });
    counts.set(p.name, Number(rows[0]?.n ?? 0));
  }
  return counts;
}

/** `backfill rollback <dates> --phase 3|4|all [--yes]`: deletes Phase 4 rows first, then Phase 3. */
export function rollbackCommand(): Command {
  const command = new Command('rollback')
    .description('delete the rows of dates (Phase 4 first, then Phase 3) and mark them rolled back so the next run redoes them')
    .addOption(new Option('--phase <phase>', 'what to roll back: 3, 4 or all').makeOptionMandatory())
    .option('--yes', 'do not ask for confirmation', false);
  addDateOptions(command);
  return command.action(async (_options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const options = cmd.opts();
    const phase = String(options.phase);
    if (!['3', '4', 'all'].includes(phase)) throw new UsageError(`invalid --phase '${phase}': expected 3, 4 or all`);
    const selector = parseDateSelector(options);
    if (!selector) throw new UsageError('no dates given');
    const phase4 = phaseProcessors(4, PROCESSORS);
    const phase3 = phaseProcessors(3, PROCESSORS);
    // Phase 4 before Phase 3, each chain from its end: a reader never outlives what it read.
    const targets = [...(phase === '3' ? [] : [...phase4].reverse()), ...(phase === '4' ? [] : phase3)];

    const reader = await openWarehouse(context, { readOnly: true });
    let dates: string[];
    let counts: Map<string, number>;
    let phase4Rows: number;
    try {
      ({ dates } = resolveDates(selector, await loadScheduleSeasons(reader), { includePlayoffs: Boolean(options.includePlayoffs), allowRecent: true }));
      counts = await rowsPerTable(reader, targets, dates);
      phase4Rows = phase === '3' ? [...(await rowsPerTable(reader, phase4, dates)).values()].reduce((a, b) => a + b, 0) : 0;
    } finally {
      await reader.close();
    }
    if (phase4Rows > 0) {
      throw new UsageError(
        `Phase 4 tables still hold ${phase4Rows} rows for those dates, built from the Phase 3 rows you would delete; use --phase all (or roll back --phase 4 first)`,
      );
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const listing = table(['table', 'rows to delete'], targets.map((p) => [qualifiedName(p.table), counts.get(p.name) ?? 0]));
    context.out.result(`Rollback of ${compactDates(dates)} (phase ${phase}):\n${listing}\ntotal: ${total} rows`);
    if (context.globals.dryRun) {
      context.out.json({ ok: true, exitCode: 0, dryRun: true, dates, rows: Object.fromEntries(counts) });
      return;
    }
    if (!options.yes) {
      if (!process.stdin.isTTY) throw new UsageError('rollback deletes rows: confirm with --yes (there is no terminal to ask)');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(`Delete these ${total} rows? [y/N] `);
      prompt.close();
      if (!/^y(es)?$/i.test(answer.trim())) throw new CommandFailed('rollback cancelled; nothing deleted');
    }
    const warehouse = await openWarehouse(context, { readOnly: false });
    const { logger } = commandLog(context, 'rollback');
    try {
      for (const processor of targets) {
        if (await warehouse.tableExists(processor.table)) await warehouse.replaceDates(processor.table, dates, []);
      }
      logger.info({ phase, dates: dates.length, rows: Object.fromEntries(counts) }, 'rows deleted');
      const marked = await markRolledBack(warehouse, targets, dates, ['backfill', ...process.argv.slice(2)].join(' '));
      context.out.json({ ok: true, exitCode: 0, dates, rows: Object.fromEntries(counts), markedRolledBack: marked });
      context.out.result(`deleted ${total} rows; ${marked} (processor, date) pairs marked rolled-back, so the next run redoes them`);
    } finally {
      await warehouse.close();
    }
  });
}
