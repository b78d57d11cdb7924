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
  /** Runs a query that reads no table with ZetaSQL's reference evaluator; STRING parameters only. */
  evaluate(sql: string, params: Record<string, string>): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
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
  const stop = async () => {
    ZetaSQLClient.API.close();
    child.stdin?.end();
    child.kill('SIGTERM');
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

  async function evaluate(sql: string, params: Record<string, string>): Promise<Record<string, unknown>[]> {
    const request = {
      sql,
      options: { languageOptions, queryParameters: Object.keys(params).map((name) => ({ name, type: { typeKind: 'TYPE_STRING' } })) },
      simpleCatalog: { name: 'root', builtinFunctionOptions: { languageOptions } },
      params: Object.entries(params).map(([name, value]) => ({ name, value: { stringValue: value } })),
    };
    const response = await new Promise<EvaluatedQuery>((resolve, reject) =>
      ZetaSQLClient.API.evaluateQuery(request as never, (error: unknown, answer: unknown) => (error ? reject(error) : resolve(answer as EvaluatedQuery))),
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

interface EvaluatedCell {
  stringValue?: string;
  int64Value?: { low: number; high: number };
  doubleValue?: number;
  boolValue?: boolean;
  dateValue?: number;
  timestampValue?: { seconds: { low: number; high: number }; nanos: number };
  arrayValue?: { element: EvaluatedCell[] };
  jsonValue?: string;
}

interface EvaluatedQuery {
  content: { tableData: { row: { cell: EvaluatedCell[] }[] } };
  prepared: { columns: { name: string }[] };
}

/** A cell of the evaluator's answer as a plain value: dates `YYYY-MM-DD`, timestamps ISO, NULL as null. */
function plainCell(cell: EvaluatedCell): unknown {
  const long = (v: { low: number; high: number }) => v.high * 2 ** 32 + (v.low >>> 0);
  if (cell.stringValue !== undefined) return cell.stringValue;
  if (cell.jsonValue !== undefined) return cell.jsonValue;
  if (cell.int64Value) return long(cell.int64Value);
  if (cell.doubleValue !== undefined) return cell.doubleValue;
  if (cell.boolValue !== undefined) return cell.boolValue;
  if (cell.dateValue !== undefined) return new Date(cell.dateValue * 86_400_000).toISOString().slice(0, 10);
  if (cell.timestampValue) return new Date(long(cell.timestampValue.seconds) * 1000 + cell.timestampValue.nanos / 1e6).toISOString();
  if (cell.arrayValue) return cell.arrayValue.element.map(plainCell);
  return null;
}
