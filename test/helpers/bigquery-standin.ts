import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One REST call the stand-in received. */
export interface Received {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

/**
 * A local stand-in for BigQuery's REST API on 127.0.0.1: it records every call and answers job
 * inserts, query results and `jobs.query` with the rows a test gives it. Enough for the real client.
 */
export class BigQueryStandIn {
  readonly received: Received[] = [];
  rows: { schema: { name: string; type: string }[]; values: (string | null)[][] } = { schema: [], values: [] };
  private server: Server | undefined;
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

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = (req.url ?? '').split('?')[0] as string;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    this.received.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
    const project = /projects\/([^/]+)/.exec(path)?.[1] ?? 'p';
    const results = (jobId: string) => ({
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: { projectId: project, jobId },
      jobComplete: true,
      totalRows: String(this.rows.values.length),
      schema: { fields: this.rows.schema },
      rows: this.rows.values.map((r) => ({ f: r.map((v) => ({ v })) })),
    });
    if (req.method === 'POST' && path.endsWith('/jobs')) {
      const reference = (body?.jobReference as { jobId?: string } | undefined) ?? {};
      const jobId = reference.jobId ?? 'job-1';
      return [200, { kind: 'bigquery#job', id: `${project}:${jobId}`, jobReference: { projectId: project, jobId }, configuration: body?.configuration, status: { state: 'DONE' }, statistics: { totalBytesProcessed: '0', query: { totalBytesProcessed: '0' } } }];
    }
    if (req.method === 'POST' && path.endsWith('/queries')) return [200, { ...results('query-1'), kind: 'bigquery#queryResponse' }];
    if (req.method === 'GET' && path.includes('/queries/')) return [200, results(path.split('/').pop() as string)];
    if (req.method === 'GET' && path.includes('/jobs/')) {
      const jobId = path.split('/').pop() as string;
      return [200, { kind: 'bigquery#job', jobReference: { projectId: project, jobId }, status: { state: 'DONE' } }];
    }
    return [404, { error: { code: 404, message: `not found: ${path}`, errors: [{ reason: 'notFound', message: 'not found' }] } }];
  }
}
