import type { CostLine, CostReport } from '../runner/estimate.js';
import { formatBytes } from '../warehouse/bigquery/cost.js';
import { compactDates } from './plan-report.js';

function row(line: CostLine): string {
  const usd = line.usd < 0.01 && line.usd > 0 ? '<0.01' : line.usd.toFixed(2);
  return `  ${line.name.padEnd(28)} ${String(line.pairs).padStart(5)} ${formatBytes(line.bytes).padStart(10)} ${formatBytes(line.billedBytes).padStart(10)} ${usd.padStart(9)}`;
}

/** The dry run's cost table: per processor, per phase, total; then every SQL error found. */
export function formatCostReport(report: CostReport): string {
  const lines = [
    `Estimated cost (free dry-run jobs; on-demand ${report.pricePerTiB} USD per TiB, at least 10 MiB billed per query and table read):`,
    `  ${'processor'.padEnd(28)} ${'jobs'.padStart(5)} ${'scanned'.padStart(10)} ${'billed'.padStart(10)} ${'USD'.padStart(9)}`,
    ...report.processors.map(row),
    ...report.phases.map(row),
    row(report.total),
  ];
  if (report.notEstimated.length > 0) {
    const byProcessor = new Map<string, string[]>();
    for (const e of report.notEstimated) byProcessor.set(e.processor, [...(byProcessor.get(e.processor) ?? []), e.date]);
    lines.push('Not estimated (an input table does not exist yet; an earlier step of the run creates it):');
    for (const [name, dates] of byProcessor) lines.push(`  ${name}: ${compactDates(dates)}`);
  }
  if (report.errors.length > 0) {
    lines.push(`SQL errors found by the dry run (${report.errors.length} pair(s)):`);
    for (const e of report.errors.slice(0, 20)) lines.push(`  ${e.processor} ${e.date}: ${e.error?.errorClass}: ${e.error?.message}`);
    if (report.errors.length > 20) lines.push(`  ... and ${report.errors.length - 20} more (see --json)`);
  }
  return lines.join('\n');
}
