import { writePlan } from '../day-write.js';
import { parseType, typeName, type TableDef } from '../schema.js';
import type { TableMetadata } from './bigquery-preflight.js';

// The tables.insert bodies: the tool's own layout, or a sandbox copy of production's.

/**
 * The tables.insert body: day partitions on the date column, the platform's clustering (else up
 * to four key columns) and partition-filter rule. A table the tool creates marks REQUIRED only the
 * columns it fills itself, so a new key never fails for a column it cannot compute yet.
 */
export interface TableResource {
  schema: { fields: RestFieldResource[] };
  timePartitioning: { type: string; field: string };
  /** Absent when production's table is not clustered (tables.insert refuses an empty list). */
  clustering?: { fields: string[] };
  requirePartitionFilter?: boolean;
}

export function tableResource(table: TableDef): TableResource {
  const filled = new Set(writePlan(table).columns.filter((c) => c.source !== 'carried').map((c) => c.name));
  return {
    schema: {
      fields: table.columns.map((c) => fieldResource(c.name, c.type, c.mode === 'REQUIRED' && filled.has(c.name))),
    },
    timePartitioning: { type: 'DAY', field: table.dateColumn },
    clustering: { fields: [...(table.clustering ?? table.key)].slice(0, 4) },
    ...(table.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
  };
}

export interface RestFieldResource {
  name: string;
  type: string;
  mode: string;
  fields?: RestFieldResource[];
}

/** A column as a REST field: lists REPEATED, STRUCTs RECORD with their fields. */
export function fieldResource(name: string, type: string, required: boolean): RestFieldResource {
  const parsed = parseType(type);
  if (parsed.kind === 'array') return { ...fieldResource(name, typeName(parsed.element), false), mode: 'REPEATED' };
  if (parsed.kind === 'struct') {
    return { name, type: 'RECORD', mode: required ? 'REQUIRED' : 'NULLABLE', fields: parsed.fields.map((f) => fieldResource(f.name, typeName(f.type), false)) };
  }
  return { name, type: parsed.name, mode: required ? 'REQUIRED' : 'NULLABLE' };
}

/**
 * The tables.insert body of a sandbox copy: production's columns with their types and modes, its
 * partitioning (without an expiry, which would delete the rehearsal's history), clustering and
 * partition-filter rule, plus the columns the tool computes that production lacks (nullable).
 */
export function twinResource(table: TableDef, twin: TableMetadata): TableResource {
  const fields: RestFieldResource[] = (twin.schema?.fields ?? []).map((f) => ({ ...f, mode: f.mode ?? 'NULLABLE' }) as RestFieldResource);
  const have = new Set(fields.map((f) => f.name.toLowerCase()));
  const declared = new Map(table.columns.map((c) => [c.name, c]));
  for (const produced of table.produced ?? table.columns) {
    if (have.has(produced.name.toLowerCase())) continue;
    const column = declared.get(produced.name) ?? produced;
    fields.push(fieldResource(column.name, column.type, false));
  }
  const source = twin as TableMetadata & { clustering?: { fields: string[] }; requirePartitionFilter?: boolean };
  return {
    schema: { fields },
    timePartitioning: { type: twin.timePartitioning?.type ?? 'DAY', field: twin.timePartitioning?.field ?? table.dateColumn },
    ...(source.clustering?.fields?.length ? { clustering: { fields: source.clustering.fields } } : {}),
    ...(source.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
  };
}
