import { parseType, typeName, type ColumnType, type ParsedType } from '../schema.js';
import type { Row, SqlParams } from '../warehouse.js';
import { duckDbTypeOf } from './duckdb-dialect.js';

export type FileFormat = 'csv' | 'parquet' | 'json';

/** A local export as DuckDB reads it: the relation, its columns and each column's value. */
export interface FileSource {
  /** The FROM clause; the file's path is bound as `$path`, never spliced into the SQL. */
  readonly from: string;
  readonly columns: readonly string[];
  /** The value of a column of the file converted to a table type; `strict` errors, else NULL. */
  value(column: string, type: ColumnType, strict: boolean): string;
  /** The column's raw value, NULL where the file has none. */
  raw(column: string): string;
}

type Query = (sql: string, params?: SqlParams) => Promise<Row[]>;

/**
 * Reads the file as text where the format allows (CSV all VARCHAR, JSON lines as JSON values), so
 * no type guessing can change a value (`0022100001` stays a string) before the table's types apply.
 */
export async function fileSource(query: Query, path: string, format: FileFormat): Promise<FileSource> {
  if (format === 'json') {
    const from = `read_json_objects($path, format = 'newline_delimited') AS f`;
    // Every key of every line, in order of first appearance: bq extract leaves NULL fields out.
    const keys = await query(
      `SELECT key FROM (SELECT row_number() OVER () AS line, json_keys(json) AS keys FROM ${from}) AS k,
         unnest(keys) WITH ORDINALITY AS u(key, position)
       GROUP BY key ORDER BY min(line), min(position)`,
      { path },
    );
    const raw = (c: string) => `CASE WHEN json_type(json, '$."${c}"') <> 'NULL' THEN json_extract(json, '$."${c}"') END`;
    return { from, columns: keys.map((r) => String(r.key)), raw, value: (c, type, strict) => fromJson(raw(c), parseType(type), strict) };
  }
  const from = format === 'csv' ? `read_csv($path, header = true, all_varchar = true)` : `read_parquet($path)`;
  const described = await query(`DESCRIBE SELECT * FROM ${from}`, { path });
  const types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const raw = (c: string) => `"${c}"`;
  return { from, columns: [...types.keys()], raw, value: (c, type, strict) => fromTyped(raw(c), types.get(c) ?? 'VARCHAR', parseType(type), strict) };
}

/** Strict conversions fail on a bad value (the load); lenient ones give NULL (the check counts them). */
const castWord = (strict: boolean) => (strict ? 'CAST' : 'TRY_CAST');

/** A zone after a time: `Z`, `+00`, `-04:00`, ` UTC`, ` America/New_York`. */
const ZONE_AFTER_TIME = String.raw`\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?|[A-Za-z][\w/+-]*)$`;

/** Text to a scalar type. A timestamp with a zone becomes its UTC instant; one without is UTC, as on BigQuery. */
function fromText(text: string, type: ParsedType, strict: boolean): string {
  const cast = castWord(strict);
  if (type.kind === 'scalar' && type.name === 'TIMESTAMP') {
    return `CASE WHEN regexp_matches(${text}, '${ZONE_AFTER_TIME}') THEN timezone('UTC', ${cast}(${text} AS TIMESTAMPTZ)) ELSE ${cast}(${text} AS TIMESTAMP) END`;
  }
  if (type.kind === 'scalar' && type.name === 'STRING') return text;
  return `${cast}(${text} AS ${duckDbTypeOf(typeName(type))})`;
}

/** A column of CSV (all VARCHAR) or Parquet (typed) to the table's type. */
function fromTyped(expr: string, sourceType: string, type: ParsedType, strict: boolean): string {
  const target = duckDbTypeOf(typeName(type));
  if (sourceType === target) return expr;
  if (sourceType === 'VARCHAR') return fromText(expr, type, strict);
  // Parquet instants (bq extract writes UTC-adjusted ones): the UTC wall time, whatever the session zone.
  if (sourceType === 'TIMESTAMP WITH TIME ZONE' && target === 'TIMESTAMP') return `timezone('UTC', ${expr})`;
  return `${castWord(strict)}(${expr} AS ${target})`;
}

/**
 * A JSON value to the table's type: scalars through their text (bq extract writes INT64 as
 * strings); a JSON column takes an embedded value or a string holding JSON text; arrays convert
 * element by element; structs by DuckDB's JSON cast.
 */
function fromJson(json: string, type: ParsedType, strict: boolean): string {
  if (type.kind === 'array' && type.element.kind === 'scalar') {
    return `list_transform(${castWord(strict)}(${json} AS JSON[]), lambda x: ${fromJson('x', type.element, strict)})`;
  }
  if (type.kind !== 'scalar') return `${castWord(strict)}(${json} AS ${duckDbTypeOf(typeName(type))})`;
  const text = `(${json} ->> '$')`;
  if (type.name !== 'JSON') return fromText(text, type, strict);
  return `CASE WHEN json_type(${json}) = 'VARCHAR' AND json_valid(${text}) THEN CAST(${text} AS JSON) ELSE ${json} END`;
}

/** True for the types a CSV cannot hold (bq extract writes CSV only for flat tables). */
export function notFlat(type: ColumnType): boolean {
  const parsed = parseType(type);
  return parsed.kind !== 'scalar' || parsed.name === 'JSON';
}
