import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  errorDocument,
  importDocument,
  phaseRunDocument,
  processorsDocument,
  reportDocument,
  retryDocument,
  rollbackDocument,
  runDocument,
  sampleDataDocument,
  seasonsDocument,
  statusDocument,
  validateDocument,
} from '../../src/reporting/json-schema.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { CLI, runCli } from '../helpers/cli.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const RANGE = ['--start-date', '2021-10-19', '--end-date', '2021-11-02'];
let db: string;

beforeAll(async () => {
  const sample = await sampleSeasonFile(dir);
  db = sample.copy('observed');
  // A failed date to show: no player stats at all on 2021-10-28.
  const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
  for (const t of ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores']) {
    await warehouse.execute(`DELETE FROM nba_raw.${t} WHERE game_date = DATE '2021-10-28'`);
  }
  await warehouse.close();
  const run = await runCli(['--db', db, 'run', ...RANGE]);
  expect(run.code).toBe(1);
}, 300_000);

function parse<T extends z.ZodType>(schema: T, stdout: string): z.infer<T> {
  const lines = stdout.trim();
  const result = schema.safeParse(JSON.parse(lines));
  if (!result.success) throw new Error(`${JSON.stringify(result.error.issues.slice(0, 3))}\n${lines.slice(0, 400)}`);
  return result.data;
}

describe('--json on every command', () => {
  it('prints exactly one document that matches its schema', async () => {
    const cases: [string[], z.ZodType][] = [
      [['phase3', ...RANGE], phaseRunDocument],
      [['--dry-run', 'phase4', ...RANGE], phaseRunDocument],
      [['validate', ...RANGE], validateDocument],
      [['status'], statusDocument],
      [['seasons'], seasonsDocument],
      [['processors'], processorsDocument],
      [['report', ...RANGE, '--html', join(dir, 'r.html')], reportDocument],
      [['--dry-run', 'rollback', '--dates', '2021-10-27', '--phase', 'all'], rollbackDocument],
      [['retry'], retryDocument],
      [['run', '--dates', '2021-10-27'], runDocument],
      [['phase3', '--season', '2021-23'], errorDocument],
      [['--dry-run', 'sample-data'], sampleDataDocument],
    ];
    for (const [args, schema] of cases) {
      const result = await runCli(['--db', db, '--json', ...args]);
      expect(() => parse(schema, result.stdout), args.join(' ')).not.toThrow();
      const doc = JSON.parse(result.stdout) as { exitCode: number };
      expect(doc.exitCode, args.join(' ')).toBe(result.code);
    }
    const csv = join(dir, 'one.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      csv,
      'game_id,game_code,season,season_nba_format,season_year,game_date,game_status,home_team_id,home_team_tricode,home_team_name,away_team_id,away_team_tricode,away_team_name\n' +
        '0022199999,20210701/NYKBOS,2020-21,2020-21,2020,2021-07-01,1,1610612738,BOS,Celtics,1610612752,NYK,Knicks\n',
    );
    parse(importDocument, (await runCli(['--db', db, '--json', 'import', 'nbac_schedule', csv])).stdout);
  });

  it('gives statuses per processor and date, failed pairs and the retry command of a failing run', async () => {
    const result = await runCli(['--db', db, '--json', '--force', 'phase3', 'player_game_summary', ...RANGE]);
    const doc = parse(phaseRunDocument, result.stdout);
    expect(result.code).toBe(1);
    expect(doc.failed.map((f) => `${f.processor} ${f.date} ${f.errorClass}`)).toEqual(['player_game_summary 2021-10-28 missing-dependency']);
    expect(doc.retryCommand).toBe(`backfill --db ${db} phase3 player_game_summary --dates 2021-10-28`);
    expect(doc.outcomes.filter((o) => o.status === 'success')).toHaveLength(doc.counts.success);
  });
});

describe('progress and logs', () => {
  it('prints a plain progress line every 10 dates without a terminal, and only the summary with --quiet', async () => {
    const piped = await runCli(['--db', db, '--force', 'phase3', 'team_offense_game_summary', ...RANGE]);
    expect(piped.stderr).toMatch(/^run \S+: phase3, 15 dates x 1 processors, log .+\.log$/m);
    expect(piped.stderr).toMatch(/^1[0-9]\/15 dates, 0 failed, ETA \S+$/m);
    expect(piped.stderr).not.toMatch(/\u001b\[/);
    const quiet = await runCli(['--db', db, '--quiet', '--force', 'phase3', 'team_offense_game_summary', ...RANGE]);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^Run \S+ finished/);
    const runId = /^Run (\S+) finished/.exec(quiet.stdout)?.[1] as string;
    const log = readFileSync(join(dir, 'logs', `${runId}.log`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { runId: string; msg: string });
    expect(log.every((l) => l.runId === runId)).toBe(true);
    expect(log.map((l) => l.msg)).toContain('run finished');
  });

  it('draws the live view on a terminal, with colours unless NO_COLOR', () => {
    const command = `node ${CLI} --db ${db} --force phase3 team_defense_game_summary ${RANGE.join(' ')}`;
    const run = (env: Record<string, string | undefined>) => {
      const result = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, CI: '', ...env }, encoding: 'utf8', timeout: 120_000 });
      return result.stdout;
    };
    const colored = run({ NO_COLOR: undefined });
    expect(colored).toMatch(/Phase 3/);
    expect(colored).toMatch(/team_defense_game_summary\s+\S*\s*\d+ done/);
    expect(colored).toMatch(/\u001b\[\d+A/); // redrawn in place
    expect(colored).toMatch(/\u001b\[32m/);
    expect(colored).toMatch(/phase3: 15\/15 dates, 0 failed, done/);
    const plain = run({ NO_COLOR: '1' });
    expect(plain).not.toMatch(/\u001b\[32m/);
    expect(plain).toMatch(/15\/15 dates/);
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe('the HTML report', () => {
  it('is one self-contained page with every table, the failures and the durations', async () => {
    const file = join(dir, 'report.html');
    const result = await runCli(['--db', db, 'report', ...RANGE, '--html', file]);
    expect(result.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/|<link /);
    for (const table of ['player_game_summary', 'upcoming_team_game_context', 'team_defense_zone_analysis', 'ml_feature_store']) {
      expect(html).toContain(`data-table="${table}"`);
    }
    expect(html).toMatch(/data-date="2021-10-28" data-status="failed"/);
    expect(html).toMatch(/data-date="2021-10-20" data-status="bootstrap"/);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium without console errors (skipped without Debian chromium)', async () => {
    const { chromium } = await import('playwright-core');
    const file = join(dir, 'report.html');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      expect(await page.locator('[data-table]').count()).toBe(10);
      const failed = page.locator('[data-table="player_game_summary"] [data-date="2021-10-28"]');
      expect(await failed.getAttribute('data-status')).toBe('failed');
      type Styles = { getComputedStyle(element: unknown): { backgroundColor: string } };
      const color = await failed.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);
      expect(color).toBe('rgb(207, 34, 46)');
      expect(await page.locator('#failures').textContent()).toContain('2021-10-28');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

if (!existsSync(CHROMIUM)) {
  // Visible in the test output: the browser test needs Debian's chromium (.ci/run installs it).
  console.warn('SKIPPED: the report browser test needs /usr/bin/chromium (apt-get install chromium)');
}
