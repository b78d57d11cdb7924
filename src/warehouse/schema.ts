/** The warehouse's datasets; on DuckDB each is a schema of the same name. */
export const DATASETS = ['nba_raw', 'nba_analytics', 'nba_precompute', 'nba_reference', 'nba_static'] as const;
export type Dataset = (typeof DATASETS)[number];

export const SCALAR_TYPES = ['STRING', 'INT64', 'FLOAT64', 'NUMERIC', 'BOOL', 'DATE', 'TIMESTAMP', 'JSON'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/**
 * Column types in BigQuery's names (`ARRAY<DATE>`, `STRUCT<a INT64, b ARRAY<DATE>>`); each engine
 * maps them to its own (see parseType).
 */
export type ColumnType = ScalarType | `ARRAY<${string}>` | `STRUCT<${string}>`;

/** How BigQuery declares a column; an ARRAY is REPEATED. */
export type ColumnMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** Must be present in an imported file (keys, dates, the platform's REQUIRED columns). Default false. */
  readonly required?: boolean;
  /** The platform's mode; absent for the tool's own columns, which are always NULLABLE. */
  readonly mode?: ColumnMode;
}

export interface TableDef {
  readonly dataset: Dataset;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /**
   * The day column: the partition on BigQuery, the unit a processor replaces. Empty for a table
   * without one (reference data such as nba_static.team_locations), which an import replaces whole.
   */
  readonly dateColumn: string;
  /** The columns that identify a row within a day (plus the date column). */
  readonly key: readonly string[];
  /** BigQuery clustering (up to four columns); default the first four key columns. */
  readonly clustering?: readonly string[];
  /** Whether a query must filter on the date column (BigQuery's require_partition_filter). */
  readonly requirePartitionFilter?: boolean;
  /** True when the platform has this table (platform-layouts.ts); false for the tool's own tables. */
  readonly platform?: boolean;
  /**
   * For a processor's table: the columns its SELECT produces, in the types it computes them in.
   * The write casts them to the table's types and keeps every other column's stored value for
   * existing keys (see day-write.ts). Absent for tables written whole (raw imports, history).
   */
  readonly produced?: readonly ColumnDef[];
}

export function qualifiedName(table: Pick<TableDef, 'dataset' | 'name'>): string {
  return `${table.dataset}.${table.name}`;
}

/** False for a table without a day partition (written whole, never by day). */
export function hasDayColumn(table: Pick<TableDef, 'dateColumn'>): boolean {
  return table.dateColumn !== '';
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
  for (const column of [...(hasDayColumn(table) ? [table.dateColumn] : []), ...table.key]) {
    if (!names.includes(column)) throw new Error(`table ${qualifiedName(table)} has no column ${column}`);
  }
  for (const column of table.columns) parseType(column.type);
  return table;
}

export type ParsedType =
  | { kind: 'scalar'; name: ScalarType }
  | { kind: 'array'; element: ParsedType }
  | { kind: 'struct'; fields: { name: string; type: ParsedType }[] };

const parsed = new Map<string, ParsedType>();

/** Parses a BigQuery type name; unknown names throw, so a layout with a typo fails at load. */
export function parseType(type: string): ParsedType {
  let result = parsed.get(type);
  if (!result) {
    const [value, rest] = parseAt(type.trim(), 0);
    if (type.trim().slice(rest).trim() !== '') throw new Error(`unknown column type ${type}`);
    parsed.set(type, (result = value));
  }
  return result;
}

function parseAt(text: string, at: number): [ParsedType, number] {
  const word = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*/.exec(text.slice(at));
  if (!word) throw new Error(`unknown column type ${text}`);
  const name = (word[1] as string).toUpperCase();
  let pos = at + word[0].length;
  if (name === 'ARRAY') {
    if (text[pos] !== '<') throw new Error(`unknown column type ${text}`);
    const [element, next] = parseAt(text, pos + 1);
    pos = skipSpace(text, next);
    if (text[pos] !== '>') throw new Error(`unknown column type ${text}`);
    return [{ kind: 'array', element }, pos + 1];
  }
  if (name === 'STRUCT') {
    if (text[pos] !== '<') throw new Error(`unknown column type ${text}`);
    pos += 1;
    const fields: { name: string; type: ParsedType }[] = [];
    for (;;) {
      const field = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+/.exec(text.slice(pos));
      if (!field) throw new Error(`unknown column type ${text}`);
      const [fieldType, next] = parseAt(text, pos + field[0].length);
      fields.push({ name: field[1] as string, type: fieldType });
      pos = skipSpace(text, next);
      if (text[pos] === ',') pos += 1;
      else if (text[pos] === '>') return [{ kind: 'struct', fields }, pos + 1];
      else throw new Error(`unknown column type ${text}`);
    }
  }
  const alias: Record<string, ScalarType> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', BIGNUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC' };
  const scalar = (SCALAR_TYPES as readonly string[]).includes(name) ? (name as ScalarType) : alias[name];
  if (!scalar) throw new Error(`unknown column type ${text}`);
  return [{ kind: 'scalar', name: scalar }, pos];
}

function skipSpace(text: string, at: number): number {
  let pos = at;
  while (text[pos] === ' ') pos += 1;
  return pos;
}

/** A parsed type in BigQuery's spelling, normalized (`ARRAY<STRUCT<a INT64>>`). */
export function typeName(type: ParsedType): string {
  if (type.kind === 'scalar') return type.name;
  if (type.kind === 'array') return `ARRAY<${typeName(type.element)}>`;
  return `STRUCT<${type.fields.map((f) => `${f.name} ${typeName(f.type)}`).join(', ')}>`;
}

/** The normalized spelling of a type name, so two spellings of one type compare equal. */
export function normalizeType(type: string): string {
  return typeName(parseType(type));
}

/** The element type of an ARRAY, or undefined for anything else. */
export function arrayElement(type: ColumnType): ColumnType | undefined {
  const p = parseType(type);
  return p.kind === 'array' ? (typeName(p.element) as ColumnType) : undefined;
}

/** Type families a write may cast between (production's live type against the layout's). */
export function typeFamily(type: string): 'number' | 'text' | string {
  const t = normalizeType(type);
  if (t === 'INT64' || t === 'NUMERIC' || t === 'FLOAT64') return 'number';
  if (t === 'STRING' || t === 'JSON') return 'text';
  return t;
}
