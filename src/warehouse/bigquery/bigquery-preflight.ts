import type { ExistingColumn, TableFinding } from '../preflight.js';
import { qualifiedName, type TableDef } from '../schema.js';

/** The parts of a table's REST metadata the preflight reads. */
export interface TableMetadata {
  schema?: { fields?: { name: string; type: string; mode?: string }[] };
  timePartitioning?: { type?: string; field?: string; expirationMs?: string | null };
  expirationTime?: string | null;
}

/** REST type names (legacy and standard) in the tool's names; REPEATED becomes ARRAY<...>. */
export function columnTypeOf(field: { type: string; mode?: string }): string {
  const base = ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[field.type] ?? field.type;
  return field.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
}

/** The existing table's columns in order, as the write has to produce them. */
export function existingColumns(metadata: TableMetadata): ExistingColumn[] {
  return (metadata.schema?.fields ?? []).map((f) => ({ name: f.name, type: columnTypeOf(f) }));
}

/**
 * Compares an existing table with the tool's definition. `sqlName` is the table as SQL names it
 * (with project and dataset prefix), for the ALTER statements.
 */
export function compareTable(def: TableDef, metadata: TableMetadata | undefined, sqlName: string): TableFinding[] {
  const table = qualifiedName(def);
  if (!metadata) {
    return [{ table, kind: 'missing-table', detail: `missing; it will be created partitioned by ${def.dateColumn}`, blocking: false, safe: true }];
  }
  const findings: TableFinding[] = [];
  const partitioning = metadata.timePartitioning;
  if (!partitioning || partitioning.field !== def.dateColumn || (partitioning.type ?? 'DAY') !== 'DAY') {
    findings.push({
      table,
      kind: 'not-partitioned',
      detail: `is not partitioned by day on ${def.dateColumn} (${partitioning ? `${partitioning.type ?? 'DAY'} on ${partitioning.field ?? 'ingestion time'}` : 'no partitioning'}); day writes need it: recreate the table or drop it to let the tool create it`,
      blocking: true,
      safe: false,
    });
  }
  if (partitioning?.expirationMs) {
    const days = Number(partitioning.expirationMs) / 86_400_000;
    findings.push({
      table,
      kind: 'partition-expiry',
      detail: `partitions expire after ${Number.isInteger(days) ? days : days.toFixed(2)} days, which would delete backfilled history`,
      blocking: true,
      fix: `ALTER TABLE ${sqlName} SET OPTIONS (partition_expiration_days = NULL);`,
      safe: true,
    });
  }
  if (metadata.expirationTime) {
    findings.push({
      table,
      kind: 'table-expiry',
      detail: `the table expires at ${new Date(Number(metadata.expirationTime)).toISOString()}`,
      blocking: true,
      fix: `ALTER TABLE ${sqlName} SET OPTIONS (expiration_timestamp = NULL);`,
      safe: true,
    });
  }
  const fields = new Map((metadata.schema?.fields ?? []).map((f) => [f.name.toLowerCase(), f]));
  for (const column of def.columns) {
    const field = fields.get(column.name.toLowerCase());
    if (!field) {
      findings.push({
        table,
        kind: 'missing-column',
        detail: `has no column ${column.name} (${column.type})`,
        blocking: true,
        fix: `ALTER TABLE ${sqlName} ADD COLUMN IF NOT EXISTS ${column.name} ${column.type};`,
        safe: true,
      });
      continue;
    }
    const existing = columnTypeOf(field);
    if (existing !== column.type) {
      const widening = existing === 'INT64' && column.type === 'FLOAT64';
      findings.push({
        table,
        kind: 'type-conflict',
        detail: `column ${column.name} is ${existing}, the tool writes ${column.type}`,
        blocking: true,
        fix: widening
          ? `ALTER TABLE ${sqlName} ALTER COLUMN ${column.name} SET DATA TYPE ${column.type};`
          : `-- ${column.name}: ${existing} cannot be changed to ${column.type} in place; copy the table with the column cast, or drop it`,
        safe: false,
      });
    }
  }
  const ours = new Set(def.columns.map((c) => c.name.toLowerCase()));
  for (const field of metadata.schema?.fields ?? []) {
    if (ours.has(field.name.toLowerCase())) continue;
    if (field.mode === 'REQUIRED') {
      findings.push({
        table,
        kind: 'required-extra-column',
        detail: `column ${field.name} is REQUIRED but the tool does not produce it`,
        blocking: true,
        fix: `ALTER TABLE ${sqlName} ALTER COLUMN ${field.name} DROP NOT NULL;`,
        safe: true,
      });
    } else {
      findings.push({ table, kind: 'extra-column', detail: `column ${field.name} is not the tool's; it is written as NULL`, blocking: false, safe: true });
    }
  }
  return findings;
}
