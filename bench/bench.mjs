#!/usr/bin/env node
// npm run bench [-- --quick] [-- --json]
// Measures, side by side in one run on the embedded DuckDB warehouse, a season of all ten processors:
//   (a) the seed's way: one date per statement, processor after processor, phase after phase;
//   (b) the tool's default: batches of days, processors of a phase concurrently, the Phase 4 chain per date;
//   (c) the set-based lower bound: one statement per processor for the whole range, the same rows.
// Variants run interleaved; the ratios are paired medians. The BigQuery simulation comes with the
// BigQuery engine (see docs/performance.md).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar } from '../dist/calendar/calendar.js';
import { eachDay } from '../dist/calendar/dates.js';
import { phaseProcessors } from '../dist/phases/phases.js';
import { PROCESSORS } from '../dist/processors/index.js';
import { DEFAULT_RETRY_POLICY, runBackfill } from '../dist/runner/index.js';
import { DuckDbWarehouse } from '../dist/warehouse/duckdb/duckdb-warehouse.js';
import { processorRunHistory } from '../dist/warehouse/tables/reference-tables.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const reps = quick ? 1 : 3;
const start = '2021-10-19';
const end = quick ? '2021-11-30' : '2022-04-10';
const work = mkdtempSync(join(tmpdir(), 'backfill-bench-'));
const template = join(work, 'template.duckdb');
const say = (line) => !json && process.stderr.write(`${line}\n`);

say(`sample data (2021-22) ...`);
const sample = spawnSync(process.execPath, ['dist/cli.js', '--db', template, '--quiet', 'sample-data', '--seasons', '2021-22'], { encoding: 'utf8' });
if (sample.status !== 0) throw new Error(sample.stderr);

const phase3 = phaseProcessors(3, PROCESSORS);
const phase4 = phaseProcessors(4, PROCESSORS);
const dates = eachDay(start, end);
const logger = pino({ enabled: false });
const request = (processors, concurrency) => ({
  processors, dates, dryRun: false, force: false, includeBootstrap: false, bootstrapDays: 7, includePlayoffs: false,
  allowShrink: false, concurrency, policy: DEFAULT_RETRY_POLICY, commandLine: 'bench', toolVersion: 'bench',
});
const services = (warehouse) => ({ warehouse, logger, runId: `bench-${Date.now()}`, stopSwitch: {} });

async function withCopy(name, batchDays, work_) {
  const file = join(work, `${name}.duckdb`);
  copyFileSync(template, file);
  const warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false, connections: 4, batchDays });
  try {
    const t0 = performance.now();
    await work_(warehouse);
    const ms = performance.now() - t0;
    const rows = {};
    for (const p of PROCESSORS) rows[p.name] = Number((await warehouse.query(`SELECT COUNT(*) AS n FROM ${warehouse.dialect.table(p.table)}`))[0]?.n ?? 0);
    return { ms, rows };
  } finally {
    await warehouse.close();
    rmSync(file, { force: true });
  }
}

const variants = {
  seed_style: () => withCopy('seed', 1, async (w) => {
    for (const p of [...phase3, ...phase4]) await runBackfill(request([p], 1), services(w));
  }),
  default: () => withCopy('default', 31, async (w) => {
    await runBackfill(request(phase3, 4), services(w));
    await runBackfill(request(phase4, 4), services(w));
  }),
  set_based: () => withCopy('set', 1, async (w) => {
    const seasons = knownSeasons(await loadScheduleSeasons(w));
    const calendar = new SeasonCalendar(seasons, await loadGameCounts(w, start, end), 7);
    const bootstrap = dates.filter((d) => calendar.isBootstrap(d));
    await w.ensureTables([...PROCESSORS.map((p) => p.table), processorRunHistory]);
    for (const p of [...phase3, ...phase4]) {
      const cols = p.table.columns.map((c) => c.name).join(', ');
      const skip = p.phase === 4 ? `WHERE CAST(${p.table.dateColumn} AS VARCHAR) NOT IN (SELECT unnest(CAST($b AS VARCHAR[])))` : '';
      await w.execute(`INSERT INTO ${w.dialect.table(p.table)} (${cols}) SELECT ${cols} FROM (${p.select(w.dialect)}) AS s ${skip}`, { start, end, season_start: start, b: bootstrap });
    }
  }),
};

const times = { seed_style: [], default: [], set_based: [] };
let rowsDefault;
let rowsSet;
for (let rep = 0; rep < reps; rep += 1) {
  for (const name of ['default', 'set_based', 'seed_style']) {
    say(`rep ${rep + 1}/${reps}: ${name} ...`);
    const { ms, rows } = await variants[name]();
    times[name].push(ms);
    if (name === 'default') rowsDefault = rows;
    if (name === 'set_based') rowsSet = rows;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const paired = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
const result = {
  duckdb: {
    seasons: 1,
    dates: dates.length,
    seed_style_ms: Math.round(median(times.seed_style)),
    default_ms: Math.round(median(times.default)),
    set_based_ms: Math.round(median(times.set_based)),
    ratio_vs_set_based: Number(paired('default', 'set_based').toFixed(2)),
    speedup_vs_seed_style: Number(paired('seed_style', 'default').toFixed(1)),
    rows_default: Object.values(rowsDefault).reduce((a, b) => a + b, 0),
    rows_set_based: Object.values(rowsSet).reduce((a, b) => a + b, 0),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  },
};
rmSync(work, { recursive: true, force: true });
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const d = result.duckdb;
  process.stdout.write(
    `DuckDB, ${d.dates} days of 2021-22, all ten processors (median of ${reps}):\n` +
      `  seed's way (a day per statement, one processor at a time)  ${d.seed_style_ms} ms\n` +
      `  the tool's default                                         ${d.default_ms} ms\n` +
      `  set-based lower bound (one statement per processor)        ${d.set_based_ms} ms\n` +
      `  default / set-based: ${d.ratio_vs_set_based}x; seed's way / default: ${d.speedup_vs_seed_style}x\n` +
      `  rows: default ${d.rows_default}, set-based ${d.rows_set_based}; peak RSS ${d.peak_rss_mb} MB\n`,
  );
}
