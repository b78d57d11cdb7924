import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';

/**
 * JSON-lines logs: to a file for every command that writes (and for a dry run only when
 * `--log-file` is given); silent otherwise. `--verbose` adds debug lines.
 */
export function createLogger(file: string | undefined, verbose: boolean): Logger {
  if (!file) return pino({ enabled: false });
  mkdirSync(dirname(file), { recursive: true });
  return pino({ level: verbose ? 'debug' : 'info' }, pino.destination({ dest: file, sync: true }));
}
