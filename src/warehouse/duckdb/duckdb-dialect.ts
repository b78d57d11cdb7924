import type { SqlDialect } from '../dialect.js';
import type { ColumnType } from '../schema.js';

const TYPES: Record<ColumnType, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  'ARRAY<STRING>': 'VARCHAR[]',
  'ARRAY<FLOAT64>': 'DOUBLE[]',
};

export const duckDbDialect: SqlDialect = {
  engine: 'duckdb',
  table: (t) => `${t.dataset}.${t.name}`,
  param: (name, type) => `CAST($${name} AS ${type === 'ARRAY<STRING>' ? 'VARCHAR[]' : TYPES[type]})`,
  type: (type) => TYPES[type],
  cast: (expr, type) => `CAST(${expr} AS ${TYPES[type]})`,
  tryCast: (expr, type) => `TRY_CAST(${expr} AS ${TYPES[type]})`,
  addDays: (date, days) => `CAST(CAST(${date} AS DATE) + CAST(${days} AS INTEGER) AS DATE)`,
  dateDiffDays: (later, earlier) => `date_diff('day', CAST(${earlier} AS DATE), CAST(${later} AS DATE))`,
  safeDivide: (a, b) => `CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END`,
  splitPart: (expr, separator, index) => `NULLIF(split_part(${expr}, '${separator}', ${index}), '')`,
  compactDate: (date) => `strftime(CAST(${date} AS DATE), '%Y%m%d')`,
  hash: (exprs) => `hash(${exprs.join(', ')})`,
  boolOr: (expr) => `bool_or(${expr})`,
  arrayAgg: (expr, orderBy) => `list(${expr} ORDER BY ${orderBy})`,
  array: (items, elementType) => `CAST([${items.join(', ')}] AS ${TYPES[elementType]}[])`,
  arrayLength: (expr) => `len(${expr})`,
  inArray: (value, array) => `list_contains(${array}, ${value})`,
  currentTimestamp: () => `CAST(now() AS TIMESTAMP)`,
};
