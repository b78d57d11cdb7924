/** Bad usage or configuration: exit 2, one line, nothing written. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The run could not start or was aborted (auth, schema, lock, circuit breaker): exit 3. */
export class AbortError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** The DuckDB file predates the platform's layouts: readers refuse it until `backfill upgrade` (exit 3). */
export class UpgradeNeededError extends AbortError {
  constructor(message: string) {
    super(message);
    this.name = 'UpgradeNeededError';
  }
}

/** The command ran and reports a failure it already printed (exit 1). */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 3 | 130 = 1,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}
