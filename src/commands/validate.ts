import { Command } from 'commander';
import { loadScheduleSeasons } from '../calendar/calendar.js';
import type { IsoDate } from '../calendar/dates.js';
import { CommandFailed, UsageError } from '../errors.js';
import { compactDates } from '../reporting/plan-report.js';
import { table } from '../reporting/output.js';
import type { CheckResult } from '../validation/check.js';
import { CHECKS } from '../validation/checks.js';
import { blocked, runChecks } from '../validation/run-checks.js';
import { checkScope } from '../validation/scope.js';
import { historyFloor } from '../warehouse/partition-filter.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { commandContext, openWarehouse, type CommandContext } from './context.js';
import { addDateOptions, parseDateSelector, resolveDates, type DateSelector, parseBootstrapDays } from './date-selector.js';

export interface ValidationRun {
  start: IsoDate;
  end: IsoDate;
  results: CheckResult[];
}

/** Runs the checks of the phases over the dates (all game dates when none are given). */
export async function validateDates(
  warehouse: Warehouse,
  selector: DateSelector | undefined,
  options: { phases: readonly number[]; bootstrapDays: number; includePlayoffs: boolean; allowRecent: boolean },
): Promise<ValidationRun | undefined> {
  const schedule = await loadScheduleSeasons(warehouse);
  let start: IsoDate;
  let end: IsoDate;
  if (selector) {
    const { dates } = resolveDates(selector, schedule, options);
    if (dates.length === 0) return undefined;
    start = dates[0] as IsoDate;
    end = dates[dates.length - 1] as IsoDate;
  } else {
    const range = await scheduleRange(warehouse);
    if (!range) return undefined;
    ({ start, end } = range);
  }
  const checks = CHECKS.filter((c) => options.phases.includes(c.phase));
  return { start, end, results: await runChecks(warehouse, checks, checkScope(schedule, start, end, options)) };
}

async function scheduleRange(warehouse: Warehouse): Promise<{ start: IsoDate; end: IsoDate } | undefined> {
  if (!(await warehouse.tableExists(nbacSchedule))) return undefined;
  const rows = await warehouse.query(
    `SELECT MIN(game_date) AS first_date, MAX(game_date) AS last_date FROM ${warehouse.dialect.table(nbacSchedule)}
     WHERE ${historyFloor('game_date')} AND game_status = 3`,
  );
  const first = rows[0]?.first_date;
  return typeof first === 'string' ? { start: first, end: String(rows[0]?.last_date) } : undefined;
}

/** The results as a table, then the offending rows and the remedy of every check that did not pass. */
export function formatValidation(run: ValidationRun): string {
  const lines = [
    `Validation ${run.start}..${run.end}`,
    table(
      ['check', 'phase', 'result', 'rows', 'dates'],
      run.results.map((r) => [r.name, r.phase, r.outcome === 'pass' ? 'pass' : r.outcome.toUpperCase(), r.rows.length, r.dates.length > 0 ? compactDates(r.dates) : '-']),
    ),
  ];
  for (const r of run.results.filter((x) => x.outcome === 'block' || x.outcome === 'warn')) {
    lines.push('', `${r.name} (${r.outcome}): ${r.description}`);
    for (const row of r.rows.slice(0, 10)) lines.push(`  ${formatRow(row)}`);
    if (r.rows.length > 10) lines.push(`  ... and ${r.rows.length - 10} more rows (--json lists them all)`);
    lines.push(`  what to do: ${r.remedy}`);
  }
  return lines.join('\n');
}

/** One offending row as `key=value` pairs; date lists are shown as ranges, info rows without them. */
function formatRow(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(([key, value]) => !(key === 'missing_dates' && (value === null || row.level === 'info')))
    .map(([key, value]) => {
      if (key === 'missing_dates' && typeof value === 'string') return `${key}=${compactDates(value.split(','))}`;
      return `${key}=${value === null ? 'NULL' : String(value)}`;
    })
    .join(' ');
}

function parsePhases(value: string | undefined): number[] {
  if (value === undefined) return [2, 3, 4];
  if (!['2', '3', '4'].includes(value)) throw new UsageError(`invalid --phase '${value}': expected 2, 3 or 4`);
  return [Number(value)];
}

/** `backfill validate [<dates>] [--phase 2|3|4]`: the runbook's validation queries as one command. */
export function validateCommand(): Command {
  const command = new Command('validate')
    .description('run the validation checks over dates (default: every game date); exit 1 if a blocking check fails')
    .option('--phase <n>', 'only the checks of phase 2, 3 or 4')
    .option('--bootstrap-days <n>', 'Phase 4 bootstrap window', '7');
  addDateOptions(command);
  return command.action(async (_options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const options = cmd.opts();
    const phases = parsePhases(options.phase as string | undefined);
    const selector = parseDateSelector(options, false);
    const bootstrapDays = parseBootstrapDays(options.bootstrapDays);
    await runValidate(context, selector, { phases, bootstrapDays, includePlayoffs: Boolean(options.includePlayoffs) });
  });
}

async function runValidate(context: CommandContext, selector: DateSelector | undefined, options: { phases: number[]; bootstrapDays: number; includePlayoffs: boolean }): Promise<void> {
  const warehouse = await openWarehouse(context, { readOnly: true });
  try {
    const run = await validateDates(warehouse, selector, { ...options, allowRecent: context.globals.allowRecent });
    if (!run) {
      context.out.json({ ok: false, exitCode: 1, error: 'no final game to validate', checks: [] });
      context.out.error("the schedule (nba_raw.nbac_schedule) has no final game in those dates; load one with 'backfill sample-data' or 'backfill import nbac_schedule FILE'");
      throw new CommandFailed('nothing to validate');
    }
    const failed = blocked(run.results);
    context.out.json({ ok: !failed, exitCode: failed ? 1 : 0, start: run.start, end: run.end, checks: run.results });
    context.out.result(formatValidation(run));
    if (failed) throw new CommandFailed('a blocking check failed');
  } finally {
    await warehouse.close();
  }
}
