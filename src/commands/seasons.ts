import { Command } from 'commander';
import { knownSeasons, loadScheduleSeasons, SeasonCalendar } from '../calendar/calendar.js';
import { table } from '../reporting/output.js';
import { commandContext, openWarehouse } from './context.js';
import { parseBootstrapDays } from './date-selector.js';

/** `backfill seasons`: seasons with date ranges and Phase 4 bootstrap windows. */
export function seasonsCommand(): Command {
  return new Command('seasons')
    .description('list seasons with their date ranges and Phase 4 bootstrap windows')
    .option('--bootstrap-days <n>', 'bootstrap window length', '7')
    .option('--include-playoffs', 'show ranges up to the last scheduled game', false)
    .action(async (_options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      const options = cmd.opts();
      const bootstrapDays = parseBootstrapDays(options.bootstrapDays);
      const warehouse = await openWarehouse(context, { readOnly: true });
      try {
        const seasons = knownSeasons(await loadScheduleSeasons(warehouse), Boolean(options.includePlayoffs));
        const calendar = new SeasonCalendar(seasons, new Map(), bootstrapDays);
        const rows = seasons.map((s) => {
          const window = calendar.bootstrapWindow(s);
          return { season: s.season, start: s.start, end: s.end, bootstrap: window ? `${window.first}..${window.last}` : 'none', source: s.source };
        });
        context.out.json({ ok: true, exitCode: 0, bootstrapDays, seasons: rows });
        context.out.result(
          table(['season', 'start', 'end', 'bootstrap (phase 4 skipped)', 'dates from'], rows.map((r) => [r.season, r.start, r.end, r.bootstrap, r.source])),
        );
      } finally {
        await warehouse.close();
      }
    });
}
