import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadScheduleSeasons } from '../calendar/calendar.js';
import { renderHtmlReport } from '../reporting/html-report.js';
import { loadReportData } from '../runner/report-data.js';
import { commandContext, openWarehouse } from './context.js';
import { addDateOptions, parseDateSelector, resolveDates } from './date-selector.js';

/** `backfill report [<dates>] --html FILE`: the page to open first after a night's run. */
export function reportCommand(): Command {
  const command = new Command('report')
    .description('write a self-contained HTML page: coverage calendar per table, failures, durations (default: every game date)')
    .addOption(new Option('--html <file>', 'where to write the page').makeOptionMandatory());
  addDateOptions(command);
  return command.action(async (_options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const options = cmd.opts();
    const selector = parseDateSelector(options, false);
    const warehouse = await openWarehouse(context, { readOnly: true });
    try {
      let range: { start: string; end: string } | undefined;
      if (selector) {
        const { dates } = resolveDates(selector, await loadScheduleSeasons(warehouse), { includePlayoffs: Boolean(options.includePlayoffs), allowRecent: true });
        if (dates.length > 0) range = { start: dates[0] as string, end: dates[dates.length - 1] as string };
      }
      const data = await loadReportData(warehouse, range);
      if (!data) {
        context.out.json({ ok: true, exitCode: 0, file: null, note: 'no schedule: nothing to report' });
        context.out.result("nothing to report: the schedule (nba_raw.nbac_schedule) is empty; load it with 'backfill sample-data' or 'backfill import'");
        return;
      }
      const file = resolve(String(options.html));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, renderHtmlReport(data));
      const failed = data.failures.length;
      context.out.json({ ok: true, exitCode: 0, file, start: data.start, end: data.end, tables: data.tables.map((t) => ({ processor: t.processor, phase: t.phase, counts: t.counts })), failures: data.failures, durations: data.durations });
      context.out.result(`wrote ${String(options.html)}: ${data.tables.length} tables, ${data.start}..${data.end}, ${failed} failed pair(s)`);
    } finally {
      await warehouse.close();
    }
  });
}
