import type { ExistingColumn, TableFinding } from '../preflight.js';
import { writePlan } from '../day-write.js';
import { normalizeType, qualifiedName, typeFamily, type TableDef } from '../schema.js';

/** The parts of a table's REST metadata the preflight reads. */
export interface TableMetadata {
  schema?: { fields?: RestField[] };
  timePartitioning?: { type?: string; field?: string; expirationMs?: string | null };
  expirationTime?: string | null;
}

interface RestField {
  name: string;
  type: string;
  mode?: string;
  fields?: RestField[];
}

/** REST type names (legacy and standard) in the tool's names; REPEATED becomes ARRAY<...>, RECORD a STRUCT. */
export function columnTypeOf(field: RestField): string {
  const base =
    field.type === 'RECORD' || field.type === 'STRUCT'
      ? `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${columnTypeOf(f)}`).join(', ')}>`
      : (({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', BIGNUMERIC: 'NUMERIC' } as Record<string, string>)[field.type] ?? field.type);
  return field.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
}

/** The existing table's columns in order, as the write has to produce them. */
export function existingColumns(metadata: TableMetadata): ExistingColumn[] {
  return (metadata.schema?.fields ?? []).map((f) => ({
    name: f.name,
    type: columnTypeOf(f),
    mode: (f.mode ?? 'NULLABLE') as ExistingColumn['mode'] & string,
  }));
}

/**
 * Compares an existing table with the tool's definition. `sqlName` is the table as SQL names it
 * (with project and dataset prefix), for the ALTER statements. The live table decides: columns
 * the tool does not compute are carried over, types of one family are cast on write, and no
 * fix ever changes a type or relaxes a REQUIRED column (BigQuery cannot make it REQUIRED again).
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
  // The columns the tool writes itself: a processor's SELECT, or every column of a table written whole.
  const written = def.produced ?? def.columns;
  const declared = new Map(def.columns.map((c) => [c.name.toLowerCase(), c]));
  for (const producedColumn of written) {
    const column = declared.get(producedColumn.name.toLowerCase()) ?? producedColumn;
    const field = fields.get(column.name.toLowerCase());
    if (!field) {
      findings.push({
        table,
        kind: 'missing-column',
        detail: `has no column ${column.name} (${column.type}), which the tool computes`,
        blocking: true,
        fix: `ALTER TABLE ${sqlName} ADD COLUMN IF NOT EXISTS ${column.name} ${normalizeType(column.type)};`,
        safe: true,
      });
      continue;
    }
    // The layout's type is written as it is; production's own type of the same family is cast to.
    const existing = normalizeType(columnTypeOf(field));
    const declaredType = normalizeType(column.type);
    const ours = normalizeType(producedColumn.type);
    if (existing === declaredType) continue;
    if (typeFamily(existing) === typeFamily(ours)) {
      findings.push({ table, kind: 'cast-on-write', detail: `column ${column.name} is ${existing} here (the platform's layout says ${declaredType}); the tool writes it as ${existing}`, blocking: false, safe: true });
      continue;
    }
    findings.push({
      table,
      kind: 'type-conflict',
      detail: `column ${column.name} is ${existing}, the tool writes ${ours}; a type is never changed in place`,
      blocking: true,
      fix: `-- ${column.name}: ${existing} cannot take ${ours}; rehearse on a --dataset-prefix copy and decide by hand`,
      safe: false,
    });
  }
  const plan = writePlan(def, existingColumns(metadata));
  if (plan.carried.length > 0) {
    findings.push({ table, kind: 'carried-columns', detail: `${plan.carried.length} column(s) the tool does not compute keep their stored values: ${plan.carried.join(', ')}`, blocking: false, safe: true });
  }
  if (plan.requiredCarried.length > 0) {
    findings.push({
      table,
      kind: 'required-carried',
      detail: `REQUIRED column(s) the tool does not compute yet: ${plan.requiredCarried.join(', ')}; existing keys keep their values, a date with a new key fails as invalid-data`,
      blocking: false,
      safe: true,
    });
  }
  return findings;
}
