import type { ParamType, SqlDialect } from '../dialect.js';
import { normalizeType, type ColumnType } from '../schema.js';

export interface BigQueryNames {
  /** The Google Cloud project of the datasets. */
  project: string;
  /** Prepended to every dataset name (`dev_` rehearses in `dev_nba_raw`, ...). Default none. */
  datasetPrefix?: string;
}

/**
 * BigQuery's side of the dialect: `project`.dataset.table names, `@name` parameters (typed by the
 * engine when it binds them; DATE values travel as the client's date type), BigQuery functions.
 */
export function bigQueryDialect(names: BigQueryNames, paramTypes: Map<string, ParamType> = new Map()): SqlDialect {
  const prefix = names.datasetPrefix ?? '';
  return {
    engine: 'bigquery',
    table: (t) => `\`${names.project}\`.${prefix}${t.dataset}.${t.name}`,
    // The type is remembered: the engine binds DATE and TIMESTAMP values through the client's types.
    param: (name, type) => {
      paramTypes.set(name, type);
      return `@${name}`;
    },
    type: (type: ColumnType) => normalizeType(type),
    cast: (expr, type) => `CAST(${expr} AS ${normalizeType(type)})`,
    tryCast: (expr, type) => `SAFE_CAST(${expr} AS ${normalizeType(type)})`,
    addDays: (date, days) => `DATE_ADD(CAST(${date} AS DATE), INTERVAL (${days}) DAY)`,
    dateDiffDays: (later, earlier) => `DATE_DIFF(CAST(${later} AS DATE), CAST(${earlier} AS DATE), DAY)`,
    safeDivide: (a, b) => `SAFE_DIVIDE(${a}, ${b})`,
    splitPart: (expr, separator, index) => `NULLIF(SPLIT(${expr}, '${separator}')[SAFE_OFFSET(${index - 1})], '')`,
    compactDate: (date) => `FORMAT_DATE('%Y%m%d', CAST(${date} AS DATE))`,
    hash: (exprs) => `FARM_FINGERPRINT(CONCAT(${exprs.map((e) => `IFNULL(CAST(${e} AS STRING), '')`).join(", '|', ")}))`,
    boolOr: (expr) => `LOGICAL_OR(${expr})`,
    arrayAgg: (expr, orderBy) => `ARRAY_AGG(${expr} ORDER BY ${orderBy})`,
    array: (items, elementType) => `ARRAY<${normalizeType(elementType)}>[${items.join(', ')}]`,
    arrayLength: (expr) => `ARRAY_LENGTH(${expr})`,
    inArray: (value, array) => `${value} IN UNNEST(${array})`,
    currentTimestamp: () => 'CURRENT_TIMESTAMP()',
    easternWallTimeToUtc: (expr) => `TIMESTAMP(DATETIME(${expr}), 'America/New_York')`,
    parseJson: (expr) => `PARSE_JSON(${expr})`,
    jsonText: (expr) => `TO_JSON_STRING(${expr})`,
    jsonString: (expr, path) => `JSON_VALUE(${expr}, '${path}')`,
    jsonStringArray: (expr) => `JSON_VALUE_ARRAY(${expr})`,
  };
}
