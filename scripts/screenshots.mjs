#!/usr/bin/env node
// Regenerates the documentation images: the HTML report of a sample season and the live terminal
// view. Needs Debian's chromium. Usage: node scripts/screenshots.mjs [warehouse.duckdb]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const db = process.argv[2] ?? '.backfill/warehouse.duckdb';
const work = mkdtempSync(join(tmpdir(), 'backfill-shots-'));
const cli = (...args) => spawnSync(process.execPath, ['dist/cli.js', '--db', db, ...args], { encoding: 'utf8' });

cli('report', '--season', '2021-22', '--html', join(work, 'report.html'));

// The live view as a terminal shows it: run under a pseudo-terminal, keep the last frame.
const raw = spawnSync('script', ['-qec', `node dist/cli.js --db ${db} --force phase3 --start-date 2022-01-03 --end-date 2022-01-16`, '/dev/null'], {
  encoding: 'utf8',
  env: { ...process.env, CI: '' },
}).stdout;
const frames = raw.split(/\u001b\[\d+A/);
const last = frames[frames.length - 1].replace(/\u001b\[2K/g, '');
const colors = { 1: 'font-weight:bold', 2: 'color:#8b949e', 31: 'color:#ff7b72', 32: 'color:#3fb950' };
const html = last
  .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
  .replace(/\u001b\[(\d+)m([^\u001b]*)\u001b\[0m/g, (_, code, text) => `<span style="${colors[code] ?? ''}">${text}</span>`)
  .replace(/\r/g, '');
writeFileSync(
  join(work, 'terminal.html'),
  `<html><body style="margin:0;background:#0d1117"><pre style="margin:0;padding:16px;color:#c9d1d9;font:14px/1.35 ui-monospace,monospace">$ backfill --force phase3 --start-date 2022-01-03 --end-date 2022-01-16\n${html}</pre></body></html>`,
);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
await page.goto(`file://${join(work, 'report.html')}`);
await page.screenshot({ path: 'docs/images/report.png', fullPage: true });
await page.setViewportSize({ width: 900, height: 260 });
await page.goto(`file://${join(work, 'terminal.html')}`);
await page.screenshot({ path: 'docs/images/terminal.png', fullPage: true });
await browser.close();
console.log('wrote docs/images/report.png and docs/images/terminal.png');
