import type { TableDef } from '../warehouse/schema.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import type { CheckLevel, CheckResult, CheckScope, CheckSqlContext, ValidationCheck } from './check.js';

const SEVERITY: Record<CheckLevel | 'pass', number> = { pass: 0, info: 1, warn: 2, block: 3 };

/** An empty relation with the table's columns, so a check reads a missing table as empty. */
function emptyRelation(ctx: Pick<CheckSqlContext, 'd'>, table: TableDef): string {
  const columns = table.columns.map((c) => `${ctx.d.cast('NULL', c.type)} AS ${c.name}`).join(', ');
  return `(SELECT ${columns} FROM (SELECT 1 AS one) AS nothing WHERE FALSE)`;
}

/** Runs the checks over the scope; a check passes when its query returns no rows. */
export async function runChecks(warehouse: Warehouse, checks: readonly ValidationCheck[], scope: CheckScope): Promise<CheckResult[]> {
  const exists = new Map<string, boolean>();
  const tables = new Set<TableDef>();
  // Build every SQL once to learn which tables the checks read, then ask which exist.
  const probe: CheckSqlContext = { d: warehouse.dialect, table: (t) => (tables.add(t), warehouse.dialect.table(t)) };
  for (const check of checks) check.sql(probe);
  await Promise.all([...tables].map(async (table) => exists.set(`${table.dataset}.${table.name}`, await warehouse.tableExists(table))));
  const ctx: CheckSqlContext = {
    d: warehouse.dialect,
    table: (t) => (exists.get(`${t.dataset}.${t.name}`) ? warehouse.dialect.table(t) : emptyRelation({ d: warehouse.dialect }, t)),
  };
  // Concurrently: on BigQuery each check is a job with its own latency.
  return Promise.all(
    checks.map(async (check) => toResult(check, await warehouse.query(check.sql(ctx), { start: scope.start, end: scope.end, bootstrap_dates: scope.bootstrapDates }))),
  );
}

function toResult(check: ValidationCheck, rows: Row[]): CheckResult {
  let outcome: CheckLevel | 'pass' = 'pass';
  const dates = new Set<string>();
  for (const row of rows) {
    const level = ((row.level as CheckLevel | null) ?? check.level) as CheckLevel;
    if (SEVERITY[level] > SEVERITY[outcome]) outcome = level;
    if (level === 'info') continue;
    if (typeof row.game_date === 'string') dates.add(row.game_date);
    if (typeof row.missing_dates === 'string') for (const d of row.missing_dates.split(',')) if (d) dates.add(d);
  }
  return {
    name: check.name,
    phase: check.phase,
    outcome,
    description: check.description,
    remedy: check.remedy,
    rows,
    dates: [...dates].sort(),
  };
}

/** True when a blocking check returned rows: the only case `validate` exits 1. */
export function blocked(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.outcome === 'block');
}
