import { BigQuery, type Query } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import type { ParamType } from '../dialect.js';
import type { Row, SqlParams } from '../warehouse.js';

export interface BigQueryConnection {
  project: string;
  location?: string;
  /** A REST endpoint to talk to instead of Google's (a test stand-in). */
  apiEndpoint?: string;
  /** Retries of failed HTTP calls inside the client (default 3); jobs are resubmitted by the runner. */
  httpRetries?: number;
}

/**
 * The client, with Application Default Credentials; with `BIGQUERY_EMULATOR_HOST` (or a test
 * endpoint) set, no credentials are looked up and requests go out unauthenticated.
 */
export function createBigQueryClient(connection: BigQueryConnection): BigQuery {
  const local = Boolean(process.env.BIGQUERY_EMULATOR_HOST || connection.apiEndpoint);
  return new BigQuery({
    projectId: connection.project,
    location: connection.location,
    ...(connection.apiEndpoint ? { apiEndpoint: connection.apiEndpoint } : {}),
    retryOptions: { autoRetry: connection.httpRetries !== 0, maxRetries: connection.httpRetries ?? 3 },
    ...(local ? { authClient: new PassThroughClient() } : {}),
  });
}

/**
 * Query parameters as the client needs them: DATE values through the client's date type (a plain
 * string declared DATE is sent as NULL), TIMESTAMPs through its timestamp type, lists typed so an
 * empty one still binds. Only the parameters the SQL names are sent.
 */
export function bigQueryParams(
  client: BigQuery,
  sql: string,
  params: SqlParams | undefined,
  types: ReadonlyMap<string, ParamType>,
): Pick<Query, 'params' | 'types'> {
  const values: Record<string, unknown> = {};
  const declared: Record<string, string | string[]> = {};
  for (const name of parameterNames(sql)) {
    if (!params || !(name in params)) continue;
    const value = params[name];
    const type = types.get(name);
    if (value === null && type === 'ARRAY<STRING>') {
      // The client cannot send a NULL array; BigQuery stores a NULL array as an empty one anyway.
      values[name] = [];
      declared[name] = ['STRING'];
    } else if (value === null) {
      values[name] = null;
      declared[name] = type ?? 'STRING';
    } else if (type === 'DATE') values[name] = client.date(String(value));
    else if (type === 'TIMESTAMP') values[name] = client.timestamp(String(value));
    else if (Array.isArray(value)) {
      values[name] = value;
      declared[name] = [type === 'ARRAY<DATE>' ? 'DATE' : 'STRING'];
    } else values[name] = value;
  }
  return Object.keys(declared).length > 0 ? { params: values, types: declared } : { params: values };
}

/** The `@name`s a statement uses, remembered per text: every day's write sends the same SQL. */
const namesBySql = new Map<string, string[]>();
function parameterNames(sql: string): string[] {
  let names = namesBySql.get(sql);
  if (!names) {
    if (namesBySql.size > 500) namesBySql.clear();
    names = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string))];
    namesBySql.set(sql, names);
  }
  return names;
}

/** Result rows with plain values: DATE as `YYYY-MM-DD`, TIMESTAMP as ISO text. */
export function plainRows(rows: readonly Record<string, unknown>[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
    return out;
  });
}

function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object' && value !== null && 'value' in value) return (value as { value: unknown }).value;
  return value;
}
