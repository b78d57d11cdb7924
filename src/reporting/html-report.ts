import { addDays, type IsoDate } from '../calendar/dates.js';
import type { CellStatus, ReportData, ReportTable } from '../runner/report-data.js';
import { formatDuration } from '../runner/summary.js';

const LEGEND: [CellStatus, string][] = [
  ['done', 'done (Phase 4: 80 %+ Good)'],
  ['done-ok', 'done, 50-79 % Good'],
  ['done-degraded', 'done, 20-49 % Good'],
  ['done-poor', 'done, under 20 % Good'],
  ['failed', 'failed'],
  ['missing', 'missing (game day, not done)'],
  ['rolled-back', 'rolled back'],
  ['bootstrap', 'skipped: bootstrap'],
  ['no-games', 'no games'],
];

const CSS = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } .muted { color: #656d76; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.stat { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 110px; }
.stat b { display: block; font-size: 20px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 8px 0 16px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.table-row { display: grid; grid-template-columns: 260px 1fr; gap: 12px; align-items: start; margin: 6px 0; }
.table-name { font-family: ui-monospace, monospace; font-size: 13px; } .table-name small { display: block; color: #656d76; font-family: system-ui; }
.calendar { display: grid; grid-template-rows: repeat(7, 11px); grid-auto-flow: column; grid-auto-columns: 11px; gap: 2px; }
.cell { width: 11px; height: 11px; border-radius: 2px; }
.done { background: #1a7f37; } .done-ok { background: #4ac26b; } .done-degraded { background: #bf8700; } .done-poor { background: #fb8500; }
.failed { background: #cf222e; } .missing { background: #fff; outline: 1px solid #cf222e; outline-offset: -1px; }
.rolled-back { background: #8250df; } .bootstrap { background: #9ec5fe; } .no-games { background: #eaeef2; } .pad { background: transparent; }
table.data { border-collapse: collapse; margin-top: 6px; } table.data th, table.data td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Monday-first weekday index (0..6) of a date. */
function weekday(date: IsoDate): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
}

function calendar(table: ReportTable): string {
  const first = table.cells[0]?.date;
  if (!first) return '';
  const pads = Array.from({ length: weekday(first) }, () => '<div class="cell pad"></div>');
  const cells = table.cells.map(
    (c) => `<div class="cell ${c.status}" data-date="${c.date}" data-status="${c.status}" title="${escapeHtml(`${c.date}: ${c.detail}`)}"></div>`,
  );
  return `<div class="calendar" aria-label="${escapeHtml(table.processor)} calendar">${[...pads, ...cells].join('')}</div>`;
}

function counts(table: ReportTable): string {
  const done = table.counts.done + table.counts['done-ok'] + table.counts['done-degraded'] + table.counts['done-poor'];
  const parts = [`${done} done`, `${table.counts.failed} failed`, `${table.counts.missing} missing`];
  if (table.phase === 4) parts.push(`${table.counts.bootstrap} bootstrap`);
  return parts.join(', ');
}

/**
 * One self-contained page (inline CSS, no script, no network): per table a calendar of the dates
 * coloured by status and quality, then every failure with its message, then durations per processor.
 */
export function renderHtmlReport(data: ReportData): string {
  const all = data.tables.flatMap((t) => t.cells);
  const failed = all.filter((c) => c.status === 'failed').length;
  const missing = all.filter((c) => c.status === 'missing').length;
  const done = all.filter((c) => c.status.startsWith('done')).length;
  const weeks = Math.ceil((data.tables[0]?.cells.length ?? 0) / 7) + 1;
  const firstMonday = addDays(data.start, -weekday(data.start));
  const rows = data.tables
    .map(
      (t) => `<div class="table-row" data-table="${t.processor}">
  <div class="table-name">${t.processor}<small>phase ${t.phase}: ${counts(t)}</small></div>
  ${calendar(t)}
</div>`,
    )
    .join('\n');
  const failures =
    data.failures.length === 0
      ? '<p class="muted">No failed (processor, date) pairs.</p>'
      : `<table class="data" id="failures"><tr><th>date</th><th>processor</th><th>error class</th><th>message</th></tr>
${data.failures.map((f) => `<tr><td>${f.date}</td><td>${f.processor}</td><td>${escapeHtml(f.errorClass ?? '')}</td><td>${escapeHtml(f.message)}</td></tr>`).join('\n')}</table>`;
  const durations =
    data.durations.length === 0
      ? '<p class="muted">No runs recorded.</p>'
      : `<table class="data" id="durations"><tr><th>processor</th><th>runs</th><th>pairs</th><th>total</th><th>mean per pair</th><th>slowest pair</th></tr>
${data.durations.map((d) => `<tr><td>${d.processor}</td><td class="num">${d.runs}</td><td class="num">${d.pairs}</td><td class="num">${formatDuration(d.totalMs)}</td><td class="num">${Math.round(d.meanMs)} ms</td><td class="num">${Math.round(d.maxMs)} ms</td></tr>`).join('\n')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>backfill report ${data.start}..${data.end}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>Backfill coverage ${data.start} to ${data.end}</h1>
<div class="muted">Generated ${escapeHtml(data.generatedAt)}. One square per calendar day, weeks from ${firstMonday} (Monday on top), ${weeks} weeks. Hover a square for its date and status.</div>
<div class="summary">
  <div class="stat"><b>${done}</b>pairs done</div>
  <div class="stat"><b>${failed}</b>failed</div>
  <div class="stat"><b>${missing}</b>missing</div>
  <div class="stat"><b>${data.tables.length}</b>tables</div>
</div>
<div class="legend">${LEGEND.map(([cls, label]) => `<span><i class="cell ${cls}"></i>${label}</span>`).join('')}</div>
<h2>Coverage per table</h2>
${rows}
<h2>Failures (${data.failures.length})</h2>
${failures}
<h2>Run durations per processor</h2>
${durations}
</body></html>
`;
}
