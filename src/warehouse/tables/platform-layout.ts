import { defineTable, type ColumnDef, type ColumnMode, type ColumnType, type Dataset, type TableDef } from '../schema.js';
import { PLATFORM_LAYOUTS } from './platform-layouts.js';

/** One platform table as its DDL declares it (generated into platform-layouts.ts). */
export interface PlatformLayout {
  readonly partitionField: string | null;
  readonly clustering: readonly string[];
  readonly requirePartitionFilter: boolean;
  /** The expiry the DDL files still declare; the preflight removes it with --migrate. */
  readonly partitionExpirationDaysInDdl: number | null;
  /** `name TYPE MODE`, in the table's order. */
  readonly columns: readonly string[];
}

export function platformLayout(qualified: string): PlatformLayout {
  const layout = PLATFORM_LAYOUTS[qualified];
  if (!layout) throw new Error(`no platform layout for ${qualified}`);
  return layout;
}

/** The platform's columns of a table, with their types and modes. */
export function platformColumns(qualified: string): ColumnDef[] {
  return platformLayout(qualified).columns.map((line) => {
    const first = line.indexOf(' ');
    const last = line.lastIndexOf(' ');
    const mode = line.slice(last + 1) as ColumnMode;
    const column: ColumnDef = { name: line.slice(0, first), type: line.slice(first + 1, last) as ColumnType, mode };
    return mode === 'REQUIRED' ? { ...column, required: true } : column;
  });
}

export interface PlatformTableSpec {
  dataset: Dataset;
  name: string;
  key: readonly string[];
  /**
   * What a processor's SELECT produces, in the types it computes them in. A name the platform
   * has takes the platform's type on write (cast there); other names become the tool's own
   * nullable columns, appended after the platform's.
   */
  produced?: readonly ColumnDef[];
  /** Columns the tool adds to a table it writes whole (raw imports); nullable, appended. */
  extra?: readonly ColumnDef[];
}

/**
 * A table in the platform's layout: its columns, types, modes, day partition (none for reference
 * data), clustering and partition-filter rule, plus the few columns of the tool's own. The
 * layouts are data (platform-layouts.ts, generated from the platform's DDL), never typed by hand.
 */
export function platformTable(spec: PlatformTableSpec): TableDef {
  const qualified = `${spec.dataset}.${spec.name}`;
  const layout = platformLayout(qualified);
  const columns = platformColumns(qualified);
  const known = new Set(columns.map((c) => c.name));
  const own = [...(spec.produced ?? []), ...(spec.extra ?? [])]
    .filter((c) => !known.has(c.name))
    .map((c) => ({ name: c.name, type: c.type }));
  return defineTable({
    dataset: spec.dataset,
    name: spec.name,
    columns: [...columns, ...own],
    dateColumn: layout.partitionField ?? '', // none: reference data, replaced whole
    key: spec.key,
    clustering: layout.clustering,
    requirePartitionFilter: layout.requirePartitionFilter,
    platform: true,
    ...(spec.produced ? { produced: spec.produced } : {}),
  });
}
