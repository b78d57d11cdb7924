import {
  dateValue,
  decimalValue,
  LIST,
  VARCHAR,
  type DuckDBType,
  DuckDBTypeId,
  listValue,
  timestampValue,
  type DuckDBAppender,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ColumnType } from '../schema.js';
import type { Row, SqlParams } from '../warehouse.js';

const MS_PER_DAY = 86_400_000;

/**
 * Binds only the parameters the SQL text names (DuckDB rejects unknown ones). Lists are typed
 * explicitly, so an empty list binds too.
 */
export function bindParams(sql: string, params: SqlParams | undefined): [Record<string, DuckDBValue>, Record<string, DuckDBType>] {
  const bound: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  if (!params) return [bound, types];
  for (const match of sql.matchAll(/\$([A-Za-z_]\w*)/g)) {
    const name = match[1] as string;
    if (!(name in params)) continue;
    const value = params[name];
    if (Array.isArray(value)) {
      bound[name] = listValue(value as string[]);
      types[name] = LIST(VARCHAR);
    } else {
      bound[name] = value as DuckDBValue;
    }
  }
  return [bound, types];
}

/** Result rows with plain values: DATE as `YYYY-MM-DD`, TIMESTAMP as ISO text, BIGINT as number. */
export function readRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.typeId);
  return reader.getRowObjectsJS().map((raw) => {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = toPlain(raw[name], types[i]);
    });
    return row;
  });
}

function toPlain(value: unknown, typeId: DuckDBTypeId | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) {
    return typeId === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (Array.isArray(value)) return value.map((v) => toPlain(v, undefined));
  return value;
}

/** A row's value for a JSON column as JSON text (rows may carry the parsed value). */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Appends one value of a declared column type (sample data and imports use the appender). */
export function appendValue(appender: DuckDBAppender, type: ColumnType, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'STRING':
      appender.appendVarchar(String(value));
      return;
    case 'JSON':
      appender.appendVarchar(jsonText(value));
      return;
    case 'INT64':
      appender.appendBigInt(BigInt(Math.trunc(Number(value))));
      return;
    case 'FLOAT64':
      appender.appendDouble(Number(value));
      return;
    case 'NUMERIC':
      // DECIMAL(38,9) takes the unscaled integer: the value times 10^9.
      appender.appendDecimal(decimalValue(BigInt(Math.round(Number(value) * 1e9)), 38, 9));
      return;
    case 'BOOL':
      appender.appendBoolean(Boolean(value));
      return;
    case 'DATE':
      appender.appendDate(dateValue(Math.round(Date.parse(`${String(value)}T00:00:00Z`) / MS_PER_DAY)));
      return;
    case 'TIMESTAMP': {
      const text = String(value).replace(' ', 'T');
      const millis = Date.parse(text.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
      appender.appendTimestamp(timestampValue(BigInt(millis) * 1000n));
      return;
    }
    case 'ARRAY<STRING>':
      appender.appendList(listValue((value as unknown[]).map(String)));
      return;
    case 'ARRAY<FLOAT64>':
      appender.appendList(listValue((value as unknown[]).map(Number)));
      return;
    case 'ARRAY<INT64>':
      appender.appendList(listValue((value as unknown[]).map((v) => BigInt(Math.round(Number(v))))));
      return;
    default:
      throw new Error(`the appender does not write ${type} columns`);
  }
}
