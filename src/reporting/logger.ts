import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Debug lines made readable for a person: `12:00:01 debug pair started processor=... date=...`. */
function prettyStream(stream: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string) {
      try {
        const { time, level, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const clock = new Date(Number(time)).toISOString().slice(11, 19);
        const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
        stream.write(`${clock} ${LEVELS[Number(level)] ?? level} ${String(msg ?? '')} ${fields}\n`);
      } catch {
        stream.write(line);
      }
    },
  };
}

/**
 * JSON-lines logs: to a file for every command that writes (and for a dry run only when
 * `--log-file` is given); with `--verbose` debug lines too, and on a terminal they are also shown
 * on stderr in a readable form.
 */
export function createLogger(file: string | undefined, verbose: boolean, terminal: NodeJS.WriteStream = process.stderr): Logger {
  const level = verbose ? 'debug' : 'info';
  const streams: { stream: DestinationStream; level: 'debug' | 'info' }[] = [];
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: file, sync: true }), level });
  }
  if (verbose && terminal.isTTY) streams.push({ stream: prettyStream(terminal), level: 'debug' });
  if (streams.length === 0) return pino({ enabled: false });
  return pino({ level }, pino.multistream(streams));
}
