import { Command } from 'commander';
import { addDays, eachDay, todayInNewYork } from '../calendar/dates.js';
import { DEFAULT_SEASONS, parseSeasonLabel, seasonLabel } from '../calendar/seasons.js';
import { UsageError } from '../errors.js';
import { generateReferenceTables, generateSampleSeason, SAMPLE_REFERENCE_TABLES } from '../sample-data/generate.js';
import { formatDuration } from '../runner/summary.js';
import { qualifiedName } from '../warehouse/schema.js';
import { RAW_TABLES } from '../warehouse/tables/raw-tables.js';
import type { Row } from '../warehouse/warehouse.js';
import { commandContext, commandLog, openWarehouse } from './context.js';

/** Regular-season dates of a sample season: the defaults, or late October to mid April. */
function sampleSeasonDates(seasonYear: number): { start: string; end: string } {
  const known = DEFAULT_SEASONS.find((s) => s.seasonYear === seasonYear);
  return known ? { start: known.start, end: known.end } : { start: `${seasonYear}-10-22`, end: `${seasonYear + 1}-04-12` };
}

/** `backfill sample-data`: deterministic NBA-shaped Phase 2 data for the embedded warehouse. */
export function sampleDataCommand(): Command {
  return new Command('sample-data')
    .description('write realistic, deterministic Phase 2 raw data for seasons into the embedded DuckDB warehouse')
    .option('--seasons <seasons>', 'comma-separated seasons', '2021-22')
    .option('--seed <n>', 'random seed (same seed, same data)', '1')
    .action(async (_options: unknown, cmd: Command) => {
      const context = commandContext(cmd);
      const options = cmd.opts();
      if (context.globals.warehouse !== 'duckdb') {
        throw new UsageError('sample-data writes only to the embedded duckdb warehouse: synthetic data never goes to BigQuery');
      }
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new UsageError(`invalid --seed '${String(options.seed)}': expected a non-negative integer`);
      const labels = String(options.seasons).split(',').map((s) => s.trim());
      const today = todayInNewYork();
      const seasons = labels.map((label) => {
        const year = parseSeasonLabel(label);
        if (year === null || year < 2000) throw new UsageError(`invalid --seasons item '${label}': expected YYYY-YY from 2000-01 on, such as 2021-22`);
        const dates = sampleSeasonDates(year);
        // The sample adds a short postseason after the regular season; all of it must be past.
        if (addDays(dates.end, 30) >= today) throw new UsageError(`season '${label}' is not over yet: sample data covers finished seasons only`);
        return { label: seasonLabel(year), year, ...dates };
      });
      if (context.globals.dryRun) {
        context.out.result(`sample-data (dry run): would replace ${seasons.map((s) => s.label).join(', ')} with seed ${seed}`);
        context.out.json({ ok: true, exitCode: 0, dryRun: true, seasons: seasons.map((s) => s.label), seed });
        return;
      }
      const warehouse = await openWarehouse(context, { readOnly: false });
      const { logger } = commandLog(context, 'sample-data');
      try {
        await warehouse.ensureTables([...RAW_TABLES, ...SAMPLE_REFERENCE_TABLES]);
        // Reference tables (arenas, distances) have no dates: replaced whole, the same for every seed.
        const reference = generateReferenceTables();
        for (const table of SAMPLE_REFERENCE_TABLES) {
          const rows = reference[qualifiedName(table)];
          if (!rows) continue;
          await warehouse.execute(`DELETE FROM ${warehouse.dialect.table(table)}`);
          await warehouse.insertRows(table, rows as Row[]);
        }
        const written: Record<string, Record<string, number>> = {};
        for (const season of seasons) {
          const started = Date.now();
          const data = generateSampleSeason({ seasonYear: season.year, start: season.start, end: season.end, seed });
          // Replacing the whole season window (Oct 1 to Jun 30) makes a second run idempotent.
          const window = eachDay(`${season.year}-10-01`, `${season.year + 1}-06-30`);
          const counts: Record<string, number> = {};
          for (const table of RAW_TABLES) {
            const rows = (data[table.name] ?? []) as Row[];
            counts[table.name] = await warehouse.replaceDates(table, window, rows);
          }
          written[season.label] = counts;
          logger.info({ season: season.label, seed, rows: counts, ms: Date.now() - started }, 'sample season written');
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          context.out.note(`${season.label}: ${total.toLocaleString('en-US')} raw rows in ${formatDuration(Date.now() - started)}`);
        }
        context.out.json({ ok: true, exitCode: 0, seed, db: context.globals.db, rows: written });
        context.out.result(
          Object.entries(written)
            .map(([label, counts]) => `${label}: ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')}`)
            .join('\n'),
        );
      } finally {
        await warehouse.close();
      }
    });
}
