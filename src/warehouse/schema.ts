/** The warehouse's datasets; on DuckDB each is a schema of the same name. */
export const DATASETS = ['nba_raw', 'nba_analytics', 'nba_precompute', 'nba_reference'] as const;
export type Dataset = (typeof DATASETS)[number];

/** Column types in BigQuery's names; each engine maps them to its own. */
export type ColumnType =
  | 'STRING'
  | 'INT64'
  | 'FLOAT64'
  | 'BOOL'
  | 'DATE'
  | 'TIMESTAMP'
  | 'ARRAY<STRING>'
  | 'ARRAY<FLOAT64>';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** Required columns must be present in an imported file (keys, dates). Default false. */
  readonly required?: boolean;
}

export interface TableDef {
  readonly dataset: Dataset;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** The day column: the partition on BigQuery, the unit a processor replaces. */
  readonly dateColumn: string;
  /** The columns that identify a row within a day (plus the date column). */
  readonly key: readonly string[];
}

export function qualifiedName(table: Pick<TableDef, 'dataset' | 'name'>): string {
  return `${table.dataset}.${table.name}`;
}

/** Shorthand for column lists: `cols('a b c', 'INT64')`. */
export function cols(names: string, type: ColumnType, required = false): ColumnDef[] {
  return names
    .split(/\s+/)
    .filter(Boolean)
    .map((name) => (required ? { name, type, required } : { name, type }));
}

export function defineTable(table: TableDef): TableDef {
  const names = table.columns.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`table ${qualifiedName(table)} declares column ${duplicate} twice`);
  for (const column of [table.dateColumn, ...table.key]) {
    if (!names.includes(column)) throw new Error(`table ${qualifiedName(table)} has no column ${column}`);
  }
  return table;
}
