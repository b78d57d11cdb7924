import type { ColumnType } from './schema.js';

/**
 * What the preflight found on one target table before any write (product.md §4). A blocker stops
 * the run (exit 3; a dry run exits 1); `fix` is the statement that would mend it, and `safe` fixes
 * (adding a nullable column, removing an expiry) are the ones `--migrate` runs. No fix changes a
 * type or relaxes a REQUIRED column.
 */
export interface TableFinding {
  /** `dataset.table` as the tool names it (without a dataset prefix). */
  table: string;
  kind:
    | 'missing-table'
    | 'partition-expiry'
    | 'table-expiry'
    | 'missing-column'
    | 'type-conflict'
    | 'not-partitioned'
    | 'cast-on-write'
    | 'carried-columns'
    | 'required-carried';
  detail: string;
  blocking: boolean;
  fix?: string;
  safe: boolean;
}

/** A column as an existing table has it: the layout a write must produce, in order. */
export interface ExistingColumn {
  name: string;
  type: ColumnType | string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
}

export function blockers(findings: readonly TableFinding[]): TableFinding[] {
  return findings.filter((f) => f.blocking);
}

/** What a command prints of the preflight: the blockers; in a dry run also the notes (tables to create, extra columns). */
export function shownFindings(findings: readonly TableFinding[], dryRun: boolean): TableFinding[] {
  return findings.filter((f) => f.blocking || dryRun);
}

/** The lines a user needs: each finding, then the statements that fix the blockers. */
export function formatFindings(findings: readonly TableFinding[], migrateHint: boolean): string {
  const lines: string[] = ['Preflight of the target tables:'];
  for (const f of findings) lines.push(`  ${f.blocking ? 'BLOCKER' : 'note'} ${f.table}: ${f.detail}`);
  const fixes = findings.filter((f) => f.blocking && f.fix);
  if (fixes.length > 0) {
    lines.push('Statements that fix them:');
    for (const f of fixes) lines.push(`  ${f.fix}${f.safe ? '' : '   -- not applied by --migrate: review first'}`);
    if (migrateHint && fixes.some((f) => f.safe)) lines.push('Re-run with --migrate to apply the safe ones (nullable columns, expiry removal).');
  }
  return lines.join('\n');
}
