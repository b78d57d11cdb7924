import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ZetaSQLClient } from '@fivetrandevelopers/zetasql';
import { parseType, type ColumnType, type ParsedType } from '../../src/warehouse/schema.js';

/**
 * BigQuery's SQL front end (ZetaSQL), offline: the npm package's analyzer server, started on a
 * fresh free port (a stale server on a fixed port would answer part of the calls) behind a stdin
 * watchdog, so it dies with this process however that ends.
 */
export interface ZetaSql {
  analyze(sql: string, params: Record<string, ColumnType>): Promise<string | undefined>;
  /** The resolved statement as a plain object (see partition-filter-check.ts), or the analyzer's error. */
  resolve(sql: string, params: Record<string, ColumnType>): Promise<{ tree: unknown; error?: undefined } | { tree?: undefined; error: string }>;
  /**
   * Runs a query with ZetaSQL's reference evaluator, on the small `tables` given at the catalog's
   * root (see rootTableSql), with parameters of the types in `types` (STRING when not named there).
   * A failing query (an ERROR() guard, a bad cast) rejects with the evaluator's message.
   */
  evaluate(sql: string, params: Readonly<Record<string, unknown>>, options?: EvaluateOptions): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * A small table the evaluator reads. Its name is a root name (the evaluator takes inline tables
 * only at the catalog's root, not under project and dataset: see rootTableName); a row's missing
 * column is NULL.
 */
export interface InlineTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export interface EvaluateOptions {
  /** Each parameter's type, as the dialect recorded it (`bigQueryDialect(names, types)`). */
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly tables?: readonly InlineTable[];
}

/** The root name the evaluator knows a table by: `dataset__table`. */
export function rootTableName(table: { readonly dataset: string; readonly name: string }): string {
  return `${table.dataset}__${table.name}`;
}

/**
 * A BigQuery text with every table path renamed to its root name (rootTableName): a path as
 * bigQueryDialect's table() renders it (`` `project`.dataset.table ``), or quoted otherwise
 * (`` `project.dataset.table` ``, `` `project`.dataset.`table$20220105` ``), with or without a
 * `$YYYYMMDD` partition decorator. Only three-part paths are renamed: a backquoted alias before a
 * column (`` `t`.column ``) stays as it is.
 */
export function rootTableSql(sql: string): string {
  return sql.replace(/`[^`]+`(?:\.(?:`[^`]+`|\w+(?:\$\d{8})?))*/g, (path) => {
    const parts = (path.match(/`[^`]+`|[^.`]+/g) ?? []).flatMap((p) => (p.startsWith('`') ? p.slice(1, -1).split('.') : [p]));
    if (parts.length !== 3) return path;
    const [, dataset, table] = parts as [string, string, string];
    return rootTableName({ dataset, name: table.replace(/\$\d{8}$/, '') });
  });
}

/**
 * `ERROR(message)` as `ERROR(TRIM(message))`. The evaluator's error reaches this process as the
 * gRPC status message, an HTTP/2 header value, which cannot begin or end with a space: a message
 * that does (the REQUIRED-column guard's ends with one) arrived empty. Only the message's outer
 * spaces change; whether and when ERROR() fires does not. Quoted text is left as it is.
 */
function trimmedErrorMessages(sql: string): string {
  let out = '';
  let depth = 0;
  const trimAt: number[] = [];
  for (let i = 0; i < sql.length; i += 1) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"' || ch === '`') {
      let end = i + 1;
      while (end < sql.length && sql[end] !== ch) end += sql[end] === '\\' ? 2 : 1;
      out += sql.slice(i, end + 1);
      i = end;
    } else if (ch === '(') {
      depth += 1;
      const error = /(?:^|[^\w.])ERROR\s*$/i.test(out.slice(-12));
      out += error ? '(TRIM(' : '(';
      if (error) trimAt.push(depth);
    } else if (ch === ')') {
      if (trimAt.at(-1) === depth) {
        trimAt.pop();
        out += ')';
      }
      depth -= 1;
      out += ')';
    } else {
      out += ch;
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const SCALAR_KINDS: Record<string, string> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  NUMERIC: 'TYPE_NUMERIC',
  BOOL: 'TYPE_BOOL',
  DATE: 'TYPE_DATE',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  JSON: 'TYPE_JSON',
};

function parsedTypeProto(type: ParsedType): Record<string, unknown> {
  if (type.kind === 'scalar') return { typeKind: SCALAR_KINDS[type.name] };
  if (type.kind === 'array') return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: parsedTypeProto(type.element) } };
  return { typeKind: 'TYPE_STRUCT', structType: { field: type.fields.map((f) => ({ fieldName: f.name, fieldType: parsedTypeProto(f.type) })) } };
}

function typeProto(type: ColumnType): Record<string, unknown> {
  return parsedTypeProto(parseType(type));
}

/** A table as the catalog needs it: a TableDef, or one built from a REST table resource. */
export interface CatalogTable {
  readonly dataset: string;
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
}

/** One analyzer server; each catalog registered on it answers analyses against its tables. */
export interface ZetaSqlServer {
  catalog(project: string, tables: readonly CatalogTable[], datasetPrefix?: string): Promise<ZetaSql & { release(): Promise<void> }>;
  stop(): Promise<void>;
}

export async function startZetaSqlServer(): Promise<ZetaSqlServer> {
  const binary = join(dirname(createRequire(import.meta.url).resolve('@fivetrandevelopers/zetasql')), 'zetasql', 'remote_server.so');
  const port = await freePort();
  const child: ChildProcess = spawn('sh', ['-c', '"$0" localhost "$1" & pid=$!; cat >/dev/null; kill $pid', binary, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the ZetaSQL server did not start')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error('the ZetaSQL server exited')));
  });
  ZetaSQLClient.init(port);
  const client = ZetaSQLClient.getInstance();
  // Queries plus the DML and DDL the tool sends (history and lease writes, tables, ALTER fixes).
  const supportedStatementKinds = ['QUERY', 'INSERT', 'DELETE', 'UPDATE', 'MERGE', 'CREATE_TABLE', 'ALTER_TABLE', 'CREATE_SCHEMA'].map((k) => `RESOLVED_${k}_STMT`);
  const languageOptions = { ...(await client.getLanguageOptions({ maximumFeatures: true })), productMode: 'PRODUCT_EXTERNAL', supportedStatementKinds };
  // fullName `dataset.table` comes back on every scan of the table in the resolved tree.
  const tableProto = (t: CatalogTable, dataset: string) => ({ name: t.name, fullName: `${dataset}.${t.name}`, column: t.columns.map((c) => ({ name: c.name, type: typeProto(c.type) })) });
  // The watchdog ends the server when its stdin closes, then exits. A SIGTERM sent at once killed
  // the shell before it could, and left the server running, orphaned: it is only the last resort.
  const stop = async () => {
    ZetaSQLClient.API.close();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    stop,
    async catalog(project, tables, datasetPrefix = '') {
      // Nested project -> dataset -> table, as `project`.dataset.table resolves.
      const datasets = [...new Set(tables.map((t) => t.dataset))];
      const catalog = {
        name: 'root',
        catalog: [
          {
            name: project,
            catalog: datasets.map((ds) => ({ name: `${datasetPrefix}${ds}`, table: tables.filter((t) => t.dataset === ds).map((t) => tableProto(t, `${datasetPrefix}${ds}`)) })),
          },
        ],
        builtinFunctionOptions: { languageOptions },
      };
      const registered = await client.registerCatalog({ simpleCatalog: catalog as never });
      const catalogId = registered?.registeredId;
      const analyzeRaw = (sql: string, params: Record<string, ColumnType>) =>
        client.analyze({
          sqlStatement: sql,
          registeredCatalogId: catalogId as never,
          options: {
            languageOptions: languageOptions as never,
            errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
            queryParameters: Object.entries(params).map(([name, type]) => ({ name, type: typeProto(type) })) as never,
          },
        });
      const failure = (error: unknown) => (error as { details?: string }).details ?? String(error);
      return {
        async analyze(sql, params) {
          try {
            await analyzeRaw(sql, params);
            return undefined;
          } catch (error) {
            return failure(error);
          }
        },
        async resolve(sql, params) {
          try {
            return { tree: (await analyzeRaw(sql, params))?.resolvedStatement };
          } catch (error) {
            return { error: failure(error) };
          }
        },
        evaluate,
        stop,
        async release() {
          await client.unRegisterCatalog({ registeredId: catalogId as never });
        },
      };
    },
  };

  async function evaluate(sql: string, params: Readonly<Record<string, unknown>>, options: EvaluateOptions = {}): Promise<Record<string, unknown>[]> {
    const typeOf = (name: string): ColumnType => options.types?.[name] ?? 'STRING';
    const tables = options.tables ?? [];
    const request = {
      sql: trimmedErrorMessages(sql),
      // BigQuery's default time zone is UTC; the evaluator's own is America/Los_Angeles (DATETIME(ts)
      // and DATE(ts) would answer in Pacific time).
      options: { languageOptions, defaultTimezone: 'UTC', queryParameters: Object.keys(params).map((name) => ({ name, type: typeProto(typeOf(name)) })) },
      simpleCatalog: {
        name: 'root',
        table: tables.map((t) => ({ name: t.name, column: t.columns.map((c) => ({ name: c.name, type: typeProto(c.type) })) })),
        builtinFunctionOptions: { languageOptions },
      },
      tableContent: Object.fromEntries(
        tables.map((t) => [t.name, { tableData: { row: t.rows.map((row) => ({ cell: t.columns.map((c) => valueProto(parseType(c.type), row[c.name])) })) } }]),
      ),
      params: Object.entries(params).map(([name, value]) => ({ name, value: valueProto(parseType(typeOf(name)), value) })),
    };
    const response = await new Promise<EvaluatedQuery>((resolve, reject) =>
      ZetaSQLClient.API.evaluateQuery(request as never, (error: unknown, answer: unknown) =>
        error ? reject(new Error((error as { details?: string }).details || String(error))) : resolve(answer as EvaluatedQuery),
      ),
    );
    const names = response.prepared.columns.map((c) => c.name);
    return response.content.tableData.row.map((row) => Object.fromEntries(row.cell.map((cell, i) => [names[i], plainCell(cell)])));
  }
}

/** A server with one catalog of `tables`; stop() ends the server. */
export async function startZetaSql(project: string, tables: readonly CatalogTable[], datasetPrefix = ''): Promise<ZetaSql> {
  const server = await startZetaSqlServer();
  try {
    return await server.catalog(project, tables, datasetPrefix);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

interface Long {
  low: number;
  high: number;
}

/** A value as the evaluator returns it: `value` names the field set; none set is NULL. */
interface EvaluatedCell {
  value?: string;
  stringValue?: string;
  int64Value?: Long;
  doubleValue?: number;
  boolValue?: boolean;
  dateValue?: number;
  timestampValue?: { seconds: Long; nanos: number };
  numericValue?: Uint8Array;
  arrayValue?: { element: EvaluatedCell[] };
  structValue?: { field: EvaluatedCell[] };
  jsonValue?: string;
}

interface EvaluatedQuery {
  content: { tableData: { row: { cell: EvaluatedCell[] }[] } };
  prepared: { columns: { name: string }[] };
}

const MS_PER_DAY = 86_400_000;
const NUMERIC_SCALE = 9;

/**
 * A NUMERIC as ZetaSQL's value proto carries it: the value times 10^9 as a little-endian two's
 * complement integer in as few bytes as hold it (NumericValue::SerializeAsProtoBytes).
 */
function numericBytes(value: unknown): Buffer {
  const text = typeof value === 'number' ? value.toFixed(NUMERIC_SCALE) : String(value);
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`not a NUMERIC: ${text}`);
  const fraction = (match[3] ?? '').padEnd(NUMERIC_SCALE, '0');
  if (fraction.length > NUMERIC_SCALE) throw new Error(`more than 9 decimals: ${text}`);
  let scaled = BigInt(`${match[2] || '0'}${fraction}`) * (match[1] ? -1n : 1n);
  const bytes: number[] = [];
  for (;;) {
    const byte = Number(scaled & 0xffn);
    bytes.push(byte);
    scaled >>= 8n;
    if ((scaled === 0n && byte < 0x80) || (scaled === -1n && byte >= 0x80)) return Buffer.from(bytes);
  }
}

/** The decimal text of a NUMERIC's proto bytes, without trailing zeros (`1.5`, `-2`, `0.000000001`). */
function numericText(bytes: Uint8Array): string {
  let scaled = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) scaled = (scaled << 8n) | BigInt(bytes[i] as number);
  if (bytes.length > 0 && (bytes[bytes.length - 1] as number) >= 0x80) scaled -= 1n << BigInt(8 * bytes.length);
  const sign = scaled < 0n ? '-' : '';
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(NUMERIC_SCALE + 1, '0');
  const fraction = digits.slice(-NUMERIC_SCALE).replace(/0+$/, '');
  return `${sign}${digits.slice(0, -NUMERIC_SCALE)}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A plain value (as tests write rows: dates `YYYY-MM-DD`, timestamps ISO text, NUMERIC as a number
 * or decimal text, JSON as text or a value, lists as arrays) as the value proto of its type;
 * null or undefined is NULL.
 */
function valueProto(type: ParsedType, value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (type.kind === 'array') return { arrayValue: { element: (value as readonly unknown[]).map((v) => valueProto(type.element, v)) } };
  if (type.kind === 'struct') {
    const fields = value as Readonly<Record<string, unknown>>;
    return { structValue: { field: type.fields.map((f) => valueProto(f.type, fields[f.name])) } };
  }
  switch (type.name) {
    case 'STRING':
      return { stringValue: String(value) };
    case 'INT64':
      return { int64Value: String(value) };
    case 'FLOAT64':
      return { doubleValue: Number(value) };
    case 'NUMERIC':
      return { numericValue: numericBytes(value) };
    case 'BOOL':
      return { boolValue: Boolean(value) };
    case 'DATE':
      return { dateValue: Date.parse(`${String(value)}T00:00:00Z`) / MS_PER_DAY };
    case 'TIMESTAMP': {
      const text = String(value);
      const millis = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
      if (Number.isNaN(millis)) throw new Error(`not a TIMESTAMP: ${text}`);
      return { timestampValue: { seconds: String(Math.floor(millis / 1000)), nanos: (((millis % 1000) + 1000) % 1000) * 1e6 } };
    }
    case 'JSON':
      return { jsonValue: typeof value === 'string' ? value : JSON.stringify(value) };
  }
}

/**
 * A cell of the evaluator's answer as a plain value: dates `YYYY-MM-DD`, timestamps ISO, NUMERIC
 * as decimal text, JSON as its text, a list as an array, a struct as the array of its fields,
 * NULL as null.
 */
function plainCell(cell: EvaluatedCell): unknown {
  const long = (v: Long) => v.high * 2 ** 32 + (v.low >>> 0);
  switch (cell.value) {
    case undefined:
      return null;
    case 'int64Value':
      return long(cell.int64Value as Long);
    case 'numericValue':
      return numericText(cell.numericValue as Uint8Array);
    case 'dateValue':
      return new Date((cell.dateValue as number) * MS_PER_DAY).toISOString().slice(0, 10);
    case 'timestampValue': {
      const { seconds, nanos } = cell.timestampValue as { seconds: Long; nanos: number };
      return new Date(long(seconds) * 1000 + Math.floor(nanos / 1e6)).toISOString();
    }
    case 'arrayValue':
      return (cell.arrayValue as { element: EvaluatedCell[] }).element.map(plainCell);
    case 'structValue':
      return (cell.structValue as { field: EvaluatedCell[] }).field.map(plainCell);
    default:
      // STRING, JSON, FLOAT64, BOOL: the proto's value as it is.
      return cell[cell.value as keyof EvaluatedCell] ?? null;
  }
}
