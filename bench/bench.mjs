#!/usr/bin/env node
// npm run bench [-- --quick] [-- --json] [-- --only duckdb|bigquery] [-- --latency-ms N] [-- --concurrency N]
// Measures, side by side in one run on the embedded DuckDB warehouse, a season of all ten processors:
//   (a) the seed's way: one date per statement, processor after processor, phase after phase;
//   (b) the tool's default, as `backfill run` does it: a processor's season per statement, both phases pipelined;
//   (c) the set-based lower bound: one statement per processor for the whole range, the same rows.
// Variants run interleaved; the ratios are paired medians. Then it simulates BigQuery: the real CLI
// and client against the local stand-in with a fixed latency per job on a scaled clock, and compares
//   (d) the seed's schedule (six jobs per pair, Phase 3 processors in parallel one date at a time,
//       Phase 4 processors one after another), computed on the same clock from its job count;
//   (e) the tool's `run` at --concurrency 16 (150 ms per job), and at 16 and 64 on a slower clock (500 ms);
//   (f) the lower bound: max(the tool's jobs x latency / concurrency, what the per-table write cap allows).
// See docs/performance.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { knownSeasons, loadGameCounts, loadScheduleSeasons, SeasonCalendar } from '../dist/calendar/calendar.js';
import { eachDay } from '../dist/calendar/dates.js';
import { crossPhaseUpstream, phaseProcessors } from '../dist/phases/phases.js';
import { RAW_TABLES } from '../dist/warehouse/tables/raw-tables.js';
import { duckDbMirror, tableMetadata } from './.build/test/helpers/bigquery-mirror.js';
import { BigQueryStandIn } from './.build/test/helpers/bigquery-standin.js';
import { PROCESSORS } from '../dist/processors/index.js';
import { DEFAULT_RETRY_POLICY, runBackfill } from '../dist/runner/index.js';
import { DuckDbWarehouse } from '../dist/warehouse/duckdb/duckdb-warehouse.js';
import { composedRowsSql, writePlan } from '../dist/warehouse/day-write.js';
import { processorRunHistory } from '../dist/warehouse/tables/reference-tables.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
// --only duckdb | --only bigquery: one half of the benchmark (for working on it; the targets need both).
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'duckdb' && only !== 'bigquery') throw new Error(`--only ${only}: expected duckdb or bigquery`);
const reps = quick ? 3 : 5;
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

/** Times `work_` on a fresh copy of the sample file, closing included (the data is then in the file). */
async function withCopy(name, batchDays, work_) {
  const file = join(work, `${name}.duckdb`);
  copyFileSync(template, file);
  try {
    const t0 = performance.now();
    const warehouse = await DuckDbWarehouse.open({ path: file, readOnly: false, connections: 4, batchDays });
    try {
      await work_(warehouse);
    } finally {
      await warehouse.close();
    }
    const ms = performance.now() - t0;
    const reader = await DuckDbWarehouse.open({ path: file, readOnly: true });
    const rows = {};
    try {
      for (const p of PROCESSORS) rows[p.name] = Number((await reader.query(`SELECT COUNT(*) AS n FROM ${reader.dialect.table(p.table)}`))[0]?.n ?? 0);
    } finally {
      await reader.close();
    }
    return { ms, rows };
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
  }
}

const variants = {
  seed_style: () => withCopy('seed', 1, async (w) => {
    for (const p of [...phase3, ...phase4]) await runBackfill(request([p], 1), services(w));
  }),
  // As `backfill run` does it: both phases in one pipelined plan.
  default: () => withCopy('default', undefined, async (w) => {
    await runBackfill({ ...request([...phase3, ...phase4], 4), upstreamOf: (name) => crossPhaseUpstream(name) }, services(w));
  }),
  set_based: () => withCopy('set', 1, async (w) => {
    const seasons = knownSeasons(await loadScheduleSeasons(w));
    const calendar = new SeasonCalendar(seasons, await loadGameCounts(w, start, end), 7);
    const bootstrap = dates.filter((d) => calendar.isBootstrap(d));
    await w.ensureTables([...PROCESSORS.map((p) => p.table), processorRunHistory]);
    for (const p of [...phase3, ...phase4]) {
      // The same full-width rows as a day write: casts, carried columns and bookkeeping.
      const plan = writePlan(p.table);
      const cols = plan.columns.map((c) => c.name).join(', ');
      const skip = p.phase === 4 ? `CAST(${p.table.dateColumn} AS VARCHAR) NOT IN (SELECT unnest(CAST($b AS VARCHAR[])))` : undefined;
      const rows = composedRowsSql(w.dialect, p.table, p.select(w.dialect), plan, { from: 'CAST($start AS DATE)', to: 'CAST($end AS DATE)', producedFilter: skip });
      await w.execute(`INSERT INTO ${w.dialect.table(p.table)} (${cols}) ${rows}`, { start, end, season_start: start, b: bootstrap });
    }
  }),
};

const times = { seed_style: [], default: [], set_based: [] };
let rowsDefault;
let rowsSet;
for (let rep = 0; rep < (only === 'bigquery' ? 0 : reps); rep += 1) {
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
const result = {};
if (only !== 'bigquery') result.duckdb = {
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
};

// ---- BigQuery simulation -------------------------------------------------------------------------
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const REAL_LATENCY_MS = 1500;
// --latency-ms N, --concurrency N: only one simulation (`bigquery_sim`) on that clock (default 150 ms,
// standing for 1.5 s) and at that concurrency (default 16). At shorter latencies the client's fixed
// CPU per request, which does not shrink with the clock, weighs more than the schedule; see
// docs/performance.md for the ratio by latency and by concurrency.
const numberArg = (name, min, max) => {
  if (!args.includes(name)) return undefined;
  const value = Number(args[args.indexOf(name) + 1]);
  if (!(Number.isInteger(value) && value >= min && value <= max)) throw new Error(`${name}: expected an integer from ${min} to ${max}`);
  return value;
};
const latencyArg = numberArg('--latency-ms', 10, 1500);
const concurrencyArg = numberArg('--concurrency', 1, 100);
const SIMULATIONS = latencyArg !== undefined || concurrencyArg !== undefined
  ? [{ name: 'bigquery_sim', concurrency: concurrencyArg ?? 16, latencyMs: latencyArg ?? 150 }]
  : [
      { name: 'bigquery_sim', concurrency: 16, latencyMs: 150 },
      // A slower clock, where the client's fixed CPU per job weighs less: more concurrency must mean more speed.
      { name: 'bigquery_sim_c16_500', concurrency: 16, latencyMs: 500 },
      { name: 'bigquery_sim_64', concurrency: 64, latencyMs: 500 },
    ];
const SEED_JOBS_PER_PAIR = 6;
const SIM_REPS = 3;

/** Runs `backfill run` against the stand-in and times it; the stand-in counts the jobs. */
async function simulateBigQuery({ concurrency: CONCURRENCY, latencyMs: SIM_LATENCY_MS }) {
  const SCALE = REAL_LATENCY_MS / SIM_LATENCY_MS;
  const standIn = new BigQueryStandIn();
  standIn.latencyMs = SIM_LATENCY_MS;
  // BigQuery allows about 5 partition writes per second per table and 50 per 10 s; scaled with the
  // clock, as the tool's write pacing is (BACKFILL_BIGQUERY_WRITE_RATE_SCALE below).
  standIn.writeCapPerSecond = 5 * SCALE;
  standIn.writeCapPer10Seconds = 50 * SCALE;
  for (const table of RAW_TABLES) standIn.tables.set(`${table.dataset}.${table.name}`, tableMetadata(table));
  const mirror = await duckDbMirror(template, 'bench-sim', { written: standIn.partitions, lenient: true });
  standIn.respond = mirror.respond;
  await standIn.start();
  try {
    const t0 = performance.now();
    const wallStart = Date.now();
    const child = spawn(
      process.execPath,
      [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), CLI, '--warehouse', 'bigquery', '--project', 'bench-sim', '--concurrency', String(CONCURRENCY), '--json', '--quiet',
        '--rate-limit-wait', String(Math.round(60_000 / SCALE)), '--retry-delay', String(Math.round(1000 / SCALE)),
        'run', '--season', '2021-22'],
      { cwd: work, env: { ...process.env, BIGQUERY_EMULATOR_HOST: standIn.endpoint, METADATA_SERVER_DETECTION: 'none', BACKFILL_BIGQUERY_HTTP_RETRIES: '0', BACKFILL_BIGQUERY_WRITE_RATE_SCALE: String(SCALE) } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await new Promise((resolve) => child.on('close', resolve));
    if (!out.trim()) throw new Error(`the simulated run printed nothing: ${err.slice(0, 500)}`);
    const oursMs = performance.now() - t0;
    const doc = JSON.parse(out);
    const succeeded = doc.outcomes.filter((o) => o.status === 'success');
    if (succeeded.length === 0) throw new Error(`the simulated run wrote nothing: ${out.slice(0, 300)}`);
    const jobs = standIn.queries.filter((q) => !q.dryRun).length;
    const writesPerTable = {};
    for (const q of standIn.queries.filter((q) => q.destination)) {
      const table = q.destination.split('$')[0];
      writesPerTable[table] = (writesPerTable[table] ?? 0) + 1;
    }
    // Where the wall time went: jobs before the first write, the write phase, jobs after the last write.
    const real = standIn.queries.filter((q) => !q.dryRun);
    const writes = real.filter((q) => q.destination);
    const firstWrite = writes[0].at;
    const lastWrite = writes[writes.length - 1].at;
    const timeline = {
      startup_ms: Math.round(real[0].at - wallStart),
      before_writes_ms: Math.round(firstWrite - wallStart),
      jobs_before_writes: real.filter((q) => q.at < firstWrite).length,
      write_phase_ms: Math.round(lastWrite + SIM_LATENCY_MS - firstWrite),
      after_writes_ms: Math.round(wallStart + oursMs - lastWrite - SIM_LATENCY_MS),
      jobs_after_writes: real.filter((q) => q.at > lastWrite).length,
    };
    const pairs = (names) => names.map((n) => succeeded.filter((o) => o.processor === n).length);
    // The seed: Phase 3's processors in parallel, each a date at a time; then Phase 4's one after another.
    const seedMs = Math.max(...pairs(phase3.map((p) => p.name))) * SEED_JOBS_PER_PAIR * SIM_LATENCY_MS
      + pairs(phase4.map((p) => p.name)).reduce((a, b) => a + b, 0) * SEED_JOBS_PER_PAIR * SIM_LATENCY_MS;
    const capMs = (Math.max(...Object.values(writesPerTable)) / standIn.writeCapPerSecond) * 1000;
    const lowerMs = Math.max((jobs * SIM_LATENCY_MS) / CONCURRENCY, capMs);
    return {
      latency_ms: SIM_LATENCY_MS,
      stands_for_ms: REAL_LATENCY_MS,
      concurrency: CONCURRENCY,
      jobs,
      pairs: succeeded.length,
      rate_limited_retries: doc.outcomes.reduce((n, o) => n + (o.rateLimited ?? 0), 0),
      seed_style_ms: Math.round(seedMs),
      ours_ms: Math.round(oursMs),
      lower_bound_ms: Math.round(lowerMs),
      ratio_vs_lower_bound: Number((oursMs / lowerMs).toFixed(2)),
      speedup_vs_seed_style: Number((seedMs / oursMs).toFixed(1)),
      timeline,
    };
  } finally {
    await standIn.stop();
    await mirror.close();
  }
}

if (only !== 'duckdb') {
  for (const sim of SIMULATIONS) {
    say(`BigQuery simulation, concurrency ${sim.concurrency}, ${sim.latencyMs} ms per job ...`);
    // Three simulated runs; the one with the median wall time is reported (the machine is shared).
    const runs = [];
    for (let rep = 0; rep < SIM_REPS; rep += 1) {
      say(`  run ${rep + 1}/${SIM_REPS} ...`);
      runs.push(await simulateBigQuery(sim));
    }
    result[sim.name] = { ...[...runs].sort((a, b) => a.ours_ms - b.ours_ms)[Math.floor(runs.length / 2)], runs: runs.length, ours_ms_each: runs.map((r) => r.ours_ms) };
  }
  const [c16, c64] = [result.bigquery_sim_c16_500, result.bigquery_sim_64];
  if (c16 && c64) c64.speedup_vs_c16 = Number((c16.ours_ms / c64.ours_ms).toFixed(2));
}

// ---- Memory, four seasons (full run only) -------------------------------------------------------
if (!quick && only !== 'bigquery') {
  say('four seasons: sample data and backfill run (peak RSS) ...');
  const four = join(work, 'four.duckdb');
  const made = spawnSync(process.execPath, ['dist/cli.js', '--db', four, '--quiet', 'sample-data', '--seasons', '2021-22,2022-23,2023-24,2024-25'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const ran = spawnSync(process.execPath, ['--import', './bench/report-rss.mjs', 'dist/cli.js', '--db', four, '--quiet', 'run', '--start-date', '2021-10-01', '--end-date', '2025-06-30'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const rss = /peak_rss_mb=(\d+)/.exec(ran.stderr);
  result.duckdb.four_seasons_exit_code = ran.status;
  result.duckdb.four_seasons_peak_rss_mb = rss ? Number(rss[1]) : null;
}

rmSync(work, { recursive: true, force: true });
if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const d = result.duckdb;
  const sims = SIMULATIONS.map((sim) => result[sim.name]).filter(Boolean);
  process.stdout.write(
    (d === undefined ? '' : `DuckDB, ${d.dates} days of 2021-22, all ten processors (median of ${reps}):\n` +
      `  seed's way (a day per statement, one processor at a time)  ${d.seed_style_ms} ms\n` +
      `  the tool's default                                         ${d.default_ms} ms\n` +
      `  set-based lower bound (one statement per processor)        ${d.set_based_ms} ms\n` +
      `  default / set-based: ${d.ratio_vs_set_based}x; seed's way / default: ${d.speedup_vs_seed_style}x\n` +
      `  rows: default ${d.rows_default}, set-based ${d.rows_set_based}; peak RSS ${d.peak_rss_mb} MB` +
      (d.four_seasons_peak_rss_mb !== undefined ? `; four seasons' run: peak RSS ${d.four_seasons_peak_rss_mb} MB (exit ${d.four_seasons_exit_code})` : '') + '\n') +
      sims.map((b) => `BigQuery simulated (${b.latency_ms} ms per job standing for ${b.stands_for_ms} ms; concurrency ${b.concurrency}; ${b.pairs} pairs, ${b.jobs} jobs; the median of ${b.runs} runs: ${b.ours_ms_each.join(', ')} ms):\n` +
      `  seed's schedule (6 jobs per pair)  ${b.seed_style_ms} ms\n` +
      `  the tool's run                     ${b.ours_ms} ms\n` +
      `  lower bound                        ${b.lower_bound_ms} ms\n` +
      `  ours / lower bound: ${b.ratio_vs_lower_bound}x; seed / ours: ${b.speedup_vs_seed_style}x; rate-limited retries: ${b.rate_limited_retries}` +
      (b.speedup_vs_c16 !== undefined ? `; ${b.speedup_vs_c16}x faster than concurrency 16 on the same clock` : '') + '\n' +
      `  timeline: ${b.timeline.before_writes_ms} ms and ${b.timeline.jobs_before_writes} jobs before the first write (process start ${b.timeline.startup_ms} ms), ` +
      `writes ${b.timeline.write_phase_ms} ms, ${b.timeline.after_writes_ms} ms and ${b.timeline.jobs_after_writes} jobs after the last\n`).join(''),
  );
}
