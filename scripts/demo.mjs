#!/usr/bin/env node
// The Quick start's main job: sample data for one season in the embedded warehouse, then every
// step of the backfill that exists, each printed before it runs. Exits with the first failure.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const db = process.env.BACKFILL_DB ?? '.backfill/warehouse.duckdb';
const season = process.env.DEMO_SEASON ?? '2021-22';

const steps = [
  ['sample-data', '--seasons', season],
  ['seasons'],
  ['processors'],
  ['--dry-run', 'phase3', '--start-date', '2021-10-19', '--end-date', '2021-10-25'],
  ['phase3', '--season', season],
  ['phase4', '--season', season],
  ['run', '--season', season],
  ['validate', '--season', season],
  ['status'],
];

for (const args of steps) {
  const shown = ['backfill', '--db', db, ...args].join(' ');
  process.stdout.write(`\n$ ${shown}\n`);
  const result = spawnSync(process.execPath, [cli, '--db', db, ...args], { stdio: 'inherit', cwd: process.cwd() });
  if (result.status !== 0) {
    process.stdout.write(`\n${shown} exited ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}
process.stdout.write(`\nDone. The warehouse is ${db}; try: node dist/cli.js --db ${db} phase3 --dates 2022-01-05 --force\n`);
