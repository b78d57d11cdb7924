import type { SqlDialect } from '../dialect.js';
import { parseType, type ParsedType, type ScalarType } from '../schema.js';

/** NUMERIC is BigQuery's DECIMAL(38, 9): the same precision and scale on both engines. */
const SCALARS: Record<ScalarType, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  NUMERIC: 'DECIMAL(38,9)',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  JSON: 'JSON',
};

function duckDbType(type: ParsedType): string {
  if (type.kind === 'scalar') return SCALARS[type.name];
  if (type.kind === 'array') return `${duckDbType(type.element)}[]`;
  return `STRUCT(${type.fields.map((f) => `${f.name} ${duckDbType(f.type)}`).join(', ')})`;
}

const TYPES = new Map<string, string>();

/** DuckDB's name for a BigQuery type name. */
export function duckDbTypeOf(type: string): string {
  let name = TYPES.get(type);
  if (name === undefined) TYPES.set(type, (name = duckDbType(parseType(type))));
  return name;
}

export const duckDbDialect: SqlDialect = {
  engine: 'duckdb',
  table: (t) => `${t.dataset}.${t.name}`,
  param: (name, type) => `CAST($${name} AS ${duckDbTypeOf(type)})`,
  type: (type) => duckDbTypeOf(type),
  cast: (expr, type) => `CAST(${expr} AS ${duckDbTypeOf(type)})`,
  tryCast: (expr, type) => `TRY_CAST(${expr} AS ${duckDbTypeOf(type)})`,
  addDays: (date, days) => `CAST(CAST(${date} AS DATE) + CAST(${days} AS INTEGER) AS DATE)`,
  dateDiffDays: (later, earlier) => `date_diff('day', CAST(${earlier} AS DATE), CAST(${later} AS DATE))`,
  safeDivide: (a, b) => `CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END`,
  splitPart: (expr, separator, index) => `NULLIF(split_part(${expr}, '${separator}', ${index}), '')`,
  compactDate: (date) => `strftime(CAST(${date} AS DATE), '%Y%m%d')`,
  hash: (exprs) => `hash(${exprs.join(', ')})`,
  boolOr: (expr) => `bool_or(${expr})`,
  arrayAgg: (expr, orderBy) => `list(${expr} ORDER BY ${orderBy})`,
  array: (items, elementType) => `CAST([${items.join(', ')}] AS ${duckDbTypeOf(elementType)}[])`,
  arrayLength: (expr) => `len(${expr})`,
  inArray: (value, array) => `list_contains(${array}, ${value})`,
  // UTC whatever the machine's time zone: a plain TIMESTAMP holds UTC on both engines.
  currentTimestamp: () => `timezone('UTC', now())`,
  // ICU is built into the bundled DuckDB (nothing downloaded); the outer timezone() gives the UTC
  // wall time as a TIMESTAMP whatever the session's time zone.
  easternWallTimeToUtc: (expr) => `timezone('UTC', timezone('America/New_York', CAST(${expr} AS TIMESTAMP)))`,
  parseJson: (expr) => `CAST(${expr} AS JSON)`,
  jsonText: (expr) => `CAST(${expr} AS VARCHAR)`,
  jsonString: (expr, path) => `json_extract_string(${expr}, '${path}')`,
  jsonStringArray: (expr) => `json_extract_string(${expr}, '$[*]')`,
};
