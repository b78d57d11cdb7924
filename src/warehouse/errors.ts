import type { ErrorClass } from '../vocabulary.js';

/** An error that already knows its class, so the runner does not have to guess from text. */
export class ClassifiedError extends Error {
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClassifiedError';
  }
}

/** The day's new rows broke an output guard; nothing was replaced. */
export class OutputGuardError extends ClassifiedError {
  constructor(message: string, errorClass: 'invalid-data' | 'shrink-guard') {
    super(message, errorClass);
    this.name = 'OutputGuardError';
  }
}

/** Another process holds the warehouse file. */
export class WarehouseBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holderPid: number | undefined,
  ) {
    super(`the warehouse ${path} is in use by another process${holderPid ? ` (pid ${holderPid})` : ''}`);
    this.name = 'WarehouseBusyError';
  }
}

/** An existing table's column has a type the tool cannot write. */
export class SchemaMismatchError extends ClassifiedError {
  constructor(message: string) {
    super(message, 'fatal');
    this.name = 'SchemaMismatchError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
