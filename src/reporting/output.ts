/** The only place that writes to the terminal: results on stdout, progress and notes on stderr. */
export class Output {
  constructor(
    readonly options: { json: boolean; quiet: boolean },
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Progress and notes (stderr); silenced by --quiet. */
  note(line: string): void {
    if (!this.options.quiet) this.stderr.write(`${line}\n`);
  }

  /** A warning (stderr), shown even with --quiet. */
  warn(line: string): void {
    this.stderr.write(`warning: ${line}\n`);
  }

  /** Human-readable results (stdout); replaced by the JSON document with --json. */
  result(text: string): void {
    if (!this.options.json) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The single JSON document of a --json run. */
  json(document: unknown): void {
    if (this.options.json) this.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }

  error(message: string): void {
    this.stderr.write(`error: ${message}\n`);
  }
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
