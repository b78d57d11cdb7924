import { createServer, type IncomingMessage, type Server } from 'node:http';
import { parseType, typeName, type ColumnType } from '../../src/warehouse/schema.js';
import { partitionScans } from './partition-filter-check.js';
import type { CatalogTable, ZetaSql, ZetaSqlServer } from './zetasql.js';

/** One REST call the stand-in received. */
export interface Received {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** A query job as the stand-in saw it: its SQL, parameter values and job settings. */
export interface ReceivedQuery {
  sql: string;
  params: Record<string, unknown>;
  dryRun: boolean;
  destination?: string;
  writeDisposition?: string;
  labels?: Record<string, string>;
  maximumBytesBilled?: string;
  /** The parameters' declared types (`DATE`, `ARRAY<STRING>`, ...). */
  paramTypes?: Record<string, string>;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export type ResultRow = Record<string, string | number | boolean | null>;

/** A fault to inject into the calls that match, `times` times. */
export interface Fault {
  match: (query: ReceivedQuery) => boolean;
  /** HTTP status of the error answer; with `asJob`, the job is accepted and finishes with the error. */
  status: number;
  reason: string;
  message?: string;
  asJob?: boolean;
  times: number;
}

export interface TableMetadata {
  schema: { fields: { name: string; type: string; mode?: string }[] };
  timePartitioning?: { type: string; field?: string; expirationMs?: string | null };
  expirationTime?: string | null;
  clustering?: { fields: string[] };
  requirePartitionFilter?: boolean;
}

/** A row of the lease table as the stand-in keeps it. */
export interface StandInLease {
  run_id: string;
  holder: string;
  processors: string[];
  dates: string[];
  expiresAt: number;
  renewals: number;
}

export interface JobResult {
  rows: ResultRow[];
  totalRows: number;
  affected?: number;
  error?: { status: number; reason: string; message: string };
}

/**
 * A local stand-in for BigQuery's REST API on 127.0.0.1, enough for the real client: jobs.insert,
 * jobs.query, getQueryResults, jobs.get, tables.get. It keeps table metadata (DDL and ALTER change
 * it), answers dry runs with bytes from `bytesPerTable`, writes with `rowsPerWrite` rows, other
 * queries through `respond`, injects faults, and can add a latency to every job.
 */
export class BigQueryStandIn {
  readonly received: Received[] = [];
  readonly queries: ReceivedQuery[] = [];
  readonly tables = new Map<string, TableMetadata>();
  readonly datasets = new Set<string>();
  /** The lease table (its statements are emulated: take if no live overlap, look, renew, release). */
  readonly leases: StandInLease[] = [];
  faults: Fault[] = [];
  /** Answers ordinary queries; default: no rows. */
  respond: (query: ReceivedQuery) => ResultRow[] | Promise<ResultRow[]> = () => [];
  /** Bytes a dry run reports per table the SQL references (`dataset.table`); default 1 MiB. */
  bytesPerTable: (table: string) => number = () => 1024 * 1024;
  rowsPerWrite = 20;
  /** Added to every job (not to metadata calls), to model BigQuery's per-job latency. */
  latencyMs = 0;
  /** Partition writes allowed per table per second (BigQuery: about 5); over it, rateLimitExceeded. */
  writeCapPerSecond = Infinity;
  /** Partition writes allowed per table in any 10 seconds (BigQuery: 50); over it, rateLimitExceeded. */
  writeCapPer10Seconds = Infinity;
  /**
   * When set, a job or dry run that reads a table with `requirePartitionFilter` without a filter
   * BigQuery can prune by fails as BigQuery fails it (400 invalidQuery), decided on ZetaSQL's
   * resolved tree of the query over a catalog of this stand-in's tables.
   */
  partitionFilters: ZetaSqlServer | undefined;
  /** The messages of the queries refused for a missing partition filter. */
  readonly rejected: string[] = [];
  /**
   * When set, does what a day write, DML or ALTER does to the data in a real store (the
   * rehearsal's DuckDB file) and answers for it; otherwise writes are only counted.
   */
  backend: ((query: ReceivedQuery) => Promise<JobResult | undefined>) | undefined;
  private catalog: { key: string; zeta: Promise<ZetaSql & { release(): Promise<void> }>; verdicts: Map<string, Promise<string | undefined>> } | undefined;
  /** Day partitions written: `dataset.table` -> date -> rows and when. */
  readonly partitions = new Map<string, Map<string, { rows: number; processedAt: string }>>();
  private readonly recentWrites = new Map<string, number[]>();
  private readonly results = new Map<string, JobResult>();
  private server: Server | undefined;
  private jobs = 0;
  endpoint = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Queries that wrote (a destination, or DML/DDL), not dry runs. */
  writes(): ReceivedQuery[] {
    return this.queries.filter((q) => !q.dryRun && (q.destination !== undefined || /^\s*(INSERT|DELETE|UPDATE|MERGE|CREATE|ALTER|DROP)\b/i.test(q.sql)));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = (req.url ?? '').split('?')[0] as string;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    this.received.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization, at: Date.now() });
    const project = /projects\/([^/]+)/.exec(path)?.[1] ?? 'p';
    const table = /datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && table) {
      const metadata = this.tables.get(`${table[1]}.${decodeURIComponent(table[2] as string)}`);
      return metadata ? [200, { kind: 'bigquery#table', ...metadata }] : notFound(`Table ${project}:${table[1]}.${table[2]}`);
    }
    if (req.method === 'POST' && /\/projects\/[^/]+\/datasets$/.test(path)) {
      const dataset = (body?.datasetReference as { datasetId: string }).datasetId;
      if (this.knowsDataset(dataset)) return conflict(`Dataset ${project}:${dataset}`);
      this.datasets.add(dataset);
      return [200, { kind: 'bigquery#dataset', ...body }];
    }
    const tables = /datasets\/([^/]+)\/tables$/.exec(path);
    if (req.method === 'POST' && tables) {
      const dataset = tables[1] as string;
      const name = (body?.tableReference as { tableId: string }).tableId;
      if (!this.knowsDataset(dataset)) return notFound(`Dataset ${project}:${dataset}`);
      if (this.tables.has(`${dataset}.${name}`)) return conflict(`Table ${project}:${dataset}.${name}`);
      const { schema, timePartitioning, clustering, requirePartitionFilter } = body as unknown as TableMetadata;
      this.tables.set(`${dataset}.${name}`, { schema, timePartitioning, clustering, ...(requirePartitionFilter ? { requirePartitionFilter } : {}) });
      return [200, { kind: 'bigquery#table', ...body }];
    }
    if (req.method === 'POST' && path.endsWith('/jobs')) {
      const configuration = (body?.configuration ?? {}) as { query?: Record<string, unknown>; dryRun?: boolean; labels?: Record<string, string> };
      const jobId = ((body?.jobReference as { jobId?: string } | undefined)?.jobId ?? `job-${++this.jobs}`) as string;
      const query = this.record(configuration.query ?? {}, Boolean(configuration.dryRun), configuration.labels);
      const reference = { projectId: project, jobId, location: 'US' };
      const fault = this.takeFault(query) ?? this.overCap(query);
      if (fault && !fault.asJob) return apiError(fault);
      const unpruned = fault ? undefined : await this.partitionFilterError(project, query);
      if (unpruned) {
        this.rejected.push(unpruned);
        return apiError({ status: 400, reason: 'invalidQuery', message: unpruned });
      }
      if (query.dryRun) {
        const referenced = referencedTables(query.sql);
        const bytes = referenced.reduce((n, t) => n + this.bytesPerTable(t), 0);
        return [200, { kind: 'bigquery#job', jobReference: reference, configuration, status: { state: 'DONE' }, statistics: { totalBytesProcessed: String(bytes), query: { totalBytesProcessed: String(bytes), referencedTables: referenced.map((t) => ({ projectId: project, datasetId: t.split('.')[0], tableId: t.split('.')[1] })) } } }];
      }
      await this.pause();
      if (fault) {
        const error = { reason: fault.reason, message: fault.message ?? fault.reason };
        this.results.set(jobId, { rows: [], totalRows: 0, error: { status: fault.status, ...error } });
        return [200, { kind: 'bigquery#job', jobReference: reference, configuration, status: { state: 'DONE', errorResult: error, errors: [error] } }];
      }
      const result = await this.run(query);
      this.results.set(jobId, result);
      if (result.error) return [200, { kind: 'bigquery#job', jobReference: reference, configuration, status: { state: 'DONE', errorResult: result.error, errors: [result.error] } }];
      return [200, { kind: 'bigquery#job', jobReference: reference, configuration, status: { state: 'DONE' }, statistics: { query: { numDmlAffectedRows: '0' } } }];
    }
    if (req.method === 'POST' && path.endsWith('/queries')) {
      const query = this.record(body ?? {}, Boolean(body?.dryRun), body?.labels as Record<string, string> | undefined);
      const fault = this.takeFault(query);
      if (fault) return apiError(fault);
      const unpruned = await this.partitionFilterError(project, query);
      if (unpruned) {
        this.rejected.push(unpruned);
        return apiError({ status: 400, reason: 'invalidQuery', message: unpruned });
      }
      await this.pause();
      const result = await this.run(query);
      if (result.error) return apiError(result.error);
      return [200, { ...this.resultsBody(project, `query-${++this.jobs}`, result), kind: 'bigquery#queryResponse' }];
    }
    if (req.method === 'GET' && path.includes('/queries/')) {
      const jobId = path.split('/').pop() as string;
      const result = this.results.get(jobId) ?? { rows: [], totalRows: 0 };
      if (result.error) return apiError(result.error);
      return [200, this.resultsBody(project, jobId, result)];
    }
    if (req.method === 'GET' && path.includes('/jobs/')) {
      const jobId = path.split('/').pop() as string;
      return [200, { kind: 'bigquery#job', jobReference: { projectId: project, jobId }, status: { state: 'DONE' }, statistics: { query: { numDmlAffectedRows: '0' } } }];
    }
    return notFound(path);
  }

  /** A dataset created here, or one that holds a table the test registered. */
  private knowsDataset(dataset: string): boolean {
    return this.datasets.has(dataset) || [...this.tables.keys()].some((key) => key.startsWith(`${dataset}.`));
  }

  private record(query: Record<string, unknown>, dryRun: boolean, labels?: Record<string, string>): ReceivedQuery {
    const destination = query.destinationTable as { datasetId: string; tableId: string } | undefined;
    const received: ReceivedQuery = {
      sql: String(query.query ?? ''),
      params: decodeParams((query.queryParameters ?? []) as QueryParameter[]),
      dryRun,
      destination: destination ? `${destination.datasetId}.${destination.tableId}` : undefined,
      writeDisposition: query.writeDisposition as string | undefined,
      labels,
      maximumBytesBilled: query.maximumBytesBilled as string | undefined,
      paramTypes: Object.fromEntries(((query.queryParameters ?? []) as QueryParameter[]).map((p) => [p.name, restParamType(p.parameterType)])),
      at: Date.now(),
    };
    this.queries.push(received);
    return received;
  }

  /** BigQuery's message for the first scan of a table requiring a partition filter that is not pruned. */
  private async partitionFilterError(project: string, query: ReceivedQuery): Promise<string | undefined> {
    if (!this.partitionFilters) return undefined;
    const required = new Map([...this.tables].filter(([, m]) => m.requirePartitionFilter && m.timePartitioning?.field).map(([name, m]) => [name, m.timePartitioning?.field as string]));
    if (required.size === 0) return undefined;
    // The catalog follows the tables (tests change them between runs); a verdict per text and types.
    const key = JSON.stringify([project, [...this.tables].map(([name, m]) => [name, m.schema.fields])]);
    if (this.catalog?.key !== key) {
      void this.catalog?.zeta.then((z) => z.release()).catch(() => undefined);
      const tables = [...this.tables].map(([name, m]) => catalogTable(name, m));
      this.catalog = { key, zeta: this.partitionFilters.catalog(project, tables), verdicts: new Map() };
    }
    const { zeta, verdicts } = this.catalog;
    const verdictKey = `${JSON.stringify(query.paramTypes ?? {})}\u0000${query.sql}`;
    let verdict = verdicts.get(verdictKey);
    if (!verdict) {
      verdict = zeta.then(async (z) => {
        const { tree } = await z.resolve(query.sql, (query.paramTypes ?? {}) as Record<string, ColumnType>);
        // What ZetaSQL cannot resolve (a table the stand-in lacks, DDL) is left to the other answers.
        if (!tree) return undefined;
        const scan = partitionScans(tree, (table) => required.get(table)).find((v) => !v.pruned);
        return scan && `Cannot query over table '${project}.${scan.table}' without a filter over column(s) '${scan.column}' that can be used for partition elimination`;
      });
      verdicts.set(verdictKey, verdict);
    }
    return verdict;
  }

  /** A rate-limit answer when a table's partition writes in the last second, or the last 10, reach a cap. */
  private overCap(query: ReceivedQuery): Fault | undefined {
    if (!query.destination || query.dryRun || (this.writeCapPerSecond === Infinity && this.writeCapPer10Seconds === Infinity)) return undefined;
    const table = query.destination.split('$')[0] as string;
    const now = Date.now();
    const recent = (this.recentWrites.get(table) ?? []).filter((t) => now - t < 10_000);
    this.recentWrites.set(table, recent);
    if (recent.filter((t) => now - t < 1000).length >= this.writeCapPerSecond || recent.length >= this.writeCapPer10Seconds) {
      return { match: () => true, status: 403, reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many partitioned table update operations for this table', times: 0 };
    }
    recent.push(now);
    return undefined;
  }

  private takeFault(query: ReceivedQuery): Fault | undefined {
    const fault = this.faults.find((f) => f.times > 0 && f.match(query));
    if (fault) fault.times -= 1;
    return fault;
  }

  private async pause(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  /** What a query does to the stand-in's tables and what it returns. */
  private async run(query: ReceivedQuery): Promise<JobResult> {
    if (query.destination) {
      const stored = await this.store(query);
      if (stored?.error) return stored;
      const rows = stored?.totalRows ?? this.rowsPerWrite;
      const [table, day] = query.destination.split('$') as [string, string];
      const byDate = this.partitions.get(table) ?? new Map();
      byDate.set(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`, { rows, processedAt: new Date().toISOString() });
      this.partitions.set(table, byDate);
      return { rows: [], totalRows: rows };
    }
    if (query.sql.includes('.backfill_leases')) return this.lease(query);
    const ddl = applyDdl(query.sql, this.tables);
    if (ddl || /^\s*(INSERT|DELETE|UPDATE|MERGE)\b/i.test(query.sql)) return (await this.store(query)) ?? { rows: [], totalRows: 0 };
    try {
      const rows = await this.respond(query);
      return { rows, totalRows: rows.length };
    } catch (error) {
      return { rows: [], totalRows: 0, error: { status: 400, reason: 'invalidQuery', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private async store(query: ReceivedQuery): Promise<JobResult | undefined> {
    if (!this.backend) return undefined;
    try {
      return await this.backend(query);
    } catch (error) {
      return { rows: [], totalRows: 0, error: { status: 400, reason: 'invalidQuery', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private lease(query: ReceivedQuery): JobResult {
    const p = query.params as { run_id: string; holder: string; processors?: string[]; dates?: string[] };
    const now = Date.now();
    const overlapping = () =>
      this.leases.filter((l) => l.expiresAt > now && l.run_id !== p.run_id && l.processors.some((x) => p.processors?.includes(x)) && l.dates.some((x) => p.dates?.includes(x)));
    if (query.sql.startsWith('INSERT')) {
      if (overlapping().length > 0) return { rows: [], totalRows: 0, affected: 0 };
      this.leases.push({ run_id: p.run_id, holder: p.holder, processors: p.processors ?? [], dates: p.dates ?? [], expiresAt: now + 600_000, renewals: 0 });
      return { rows: [], totalRows: 0, affected: 1 };
    }
    if (query.sql.startsWith('SELECT')) {
      const rows = overlapping().map((l) => ({ run_id: l.run_id, holder: l.holder, expires_at: new Date(l.expiresAt).toISOString() }));
      return { rows, totalRows: rows.length };
    }
    const mine = this.leases.filter((l) => l.run_id === p.run_id);
    for (const l of mine) {
      if (query.sql.includes('renewed_at')) {
        l.expiresAt = now + 600_000;
        l.renewals += 1;
      } else l.expiresAt = now;
    }
    return { rows: [], totalRows: 0, affected: mine.length };
  }

  private resultsBody(project: string, jobId: string, result: JobResult) {
    const names = [...new Set(result.rows.flatMap((r) => Object.keys(r)))];
    const fields = names.map((name) => ({ name, type: fieldType(result.rows.map((r) => r[name])) }));
    return {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: { projectId: project, jobId, location: 'US' },
      jobComplete: true,
      totalRows: String(result.totalRows),
      ...(result.affected !== undefined ? { numDmlAffectedRows: String(result.affected) } : {}),
      schema: { fields },
      rows: result.rows.map((r) => ({ f: names.map((n) => ({ v: r[n] === null || r[n] === undefined ? null : String(r[n]) })) })),
    };
  }
}

interface QueryParameter {
  name: string;
  parameterType: { type: string };
  parameterValue?: { value?: unknown; arrayValues?: { value: unknown }[] };
}

/** A REST parameter type as a column type name: `ARRAY<DATE>`, `STRUCT<a INT64>`. */
function restParamType(type: { type: string; arrayType?: unknown; structTypes?: { name: string; type: unknown }[] }): string {
  if (type.type === 'ARRAY') return `ARRAY<${restParamType(type.arrayType as typeof type)}>`;
  if (type.type === 'STRUCT') return `STRUCT<${(type.structTypes ?? []).map((f) => `${f.name} ${restParamType(f.type as typeof type)}`).join(', ')}>`;
  return type.type;
}

/** A REST type the tool's types name (INTEGER is INT64, ...); any other (GEOGRAPHY, ...) stands as STRING. */
function known(type: string): string {
  try {
    return typeName(parseType(type));
  } catch {
    return 'STRING';
  }
}

/** A table of the stand-in as the ZetaSQL catalog takes it: REST fields as column types. */
function catalogTable(name: string, metadata: TableMetadata): CatalogTable {
  const [dataset, table] = name.split('.') as [string, string];
  type Field = { name: string; type: string; mode?: string; fields?: Field[] };
  const typeOf = (f: Field): string => {
    const base = f.type === 'RECORD' || f.type === 'STRUCT' ? `STRUCT<${(f.fields ?? []).map((x) => `${x.name} ${typeOf(x)}`).join(', ')}>` : known(f.type);
    return f.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
  };
  return { dataset, name: table, columns: (metadata.schema.fields as Field[]).map((f) => ({ name: f.name, type: typeOf(f) as ColumnType })) };
}

function decodeParams(parameters: readonly QueryParameter[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of parameters) {
    const v = p.parameterValue;
    if (p.parameterType.type === 'ARRAY') values[p.name] = (v?.arrayValues ?? []).map((a) => a.value);
    else if (p.parameterType.type === 'INT64') values[p.name] = v?.value === undefined || v.value === null ? null : Number(v.value);
    else values[p.name] = v?.value ?? null;
  }
  return values;
}

/** `dataset.table` of every `` `project`.dataset.table `` the SQL names. */
export function referencedTables(sql: string): string[] {
  return [...new Set([...sql.matchAll(/`[^`]+`\.(\w+)\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`))];
}

function fieldType(values: readonly unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return present.every((v) => Number.isInteger(v)) ? 'INTEGER' : 'FLOAT';
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  return 'STRING';
}

/** Applies the ALTER statements the engine sends (--migrate's fixes) to the stand-in's tables. */
function applyDdl(sql: string, tables: Map<string, TableMetadata>): boolean {
  const alter = /^ALTER TABLE `[^`]+`\.(\w+)\.(\w+) (.*)$/s.exec(sql);
  if (alter) {
    const table = tables.get(`${alter[1]}.${alter[2]}`);
    const change = alter[3] as string;
    if (!table) return true;
    const add = /^ADD COLUMN IF NOT EXISTS (\w+) (\S+?);?$/.exec(change);
    if (add) table.schema.fields.push({ name: add[1] as string, type: add[2] as string, mode: 'NULLABLE' });
    if (/partition_expiration_days = NULL/.test(change) && table.timePartitioning) table.timePartitioning.expirationMs = null;
    if (/expiration_timestamp = NULL/.test(change)) table.expirationTime = null;
    const relax = /^ALTER COLUMN (\w+) DROP NOT NULL/.exec(change);
    if (relax) for (const f of table.schema.fields) if (f.name === relax[1]) f.mode = 'NULLABLE';
    return true;
  }
  return false;
}

function conflict(what: string): [number, unknown] {
  return [409, { error: { code: 409, message: `Already Exists: ${what}`, errors: [{ reason: 'duplicate', message: `Already Exists: ${what}` }] } }];
}

function notFound(what: string): [number, unknown] {
  return [404, { error: { code: 404, message: `Not found: ${what}`, errors: [{ reason: 'notFound', message: `Not found: ${what}` }] } }];
}

function apiError(fault: Pick<Fault, 'status' | 'reason' | 'message'>): [number, unknown] {
  const message = fault.message ?? fault.reason;
  return [fault.status, { error: { code: fault.status, message, errors: [{ reason: fault.reason, message }] } }];
}
