import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The live state of a run, kept in `runs/<run id>.json` beside the warehouse file. */
export interface RunFileState {
  runId: string;
  pid: number;
  state: 'running' | 'finished';
  commandLine: string;
  warehouse: string;
  logFile: string | null;
  startedAt: string;
  updatedAt: string;
  totalDates: number;
  doneDates: number;
  counts: Record<string, number>;
  currentPairs: string[];
  etaMs: number | null;
  exitCode?: number;
}

/** Writes the run file atomically (temp file + rename) at most once per `intervalMs`, and on demand. */
export class RunFile {
  private lastWrite = 0;
  readonly path: string;

  constructor(
    readonly dir: string,
    private state: RunFileState,
    private readonly intervalMs = 1_000,
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${state.runId}.json`);
    this.flush();
  }

  update(patch: Partial<RunFileState>, force = false): void {
    this.state = { ...this.state, ...patch };
    if (force || Date.now() - this.lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    this.lastWrite = Date.now();
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ ...this.state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

/** Run files of a folder, newest first; unreadable files are skipped. */
export function readRunFiles(dir: string): RunFileState[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const states: RunFileState[] = [];
  for (const name of names) {
    try {
      states.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunFileState);
    } catch {
      // a file being replaced or a stray file: not a run
    }
  }
  return states.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** The running run of a process, if its run file says so. */
export function findRunByPid(dir: string, pid: number): RunFileState | undefined {
  return readRunFiles(dir).find((r) => r.pid === pid && r.state === 'running');
}

/** Runs whose file says running and whose process is alive (a killed run leaves a stale file). */
export function liveRuns(dir: string): RunFileState[] {
  return readRunFiles(dir).filter((r) => r.state === 'running' && isAlive(r.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run id like `20261125T221500Z-3fa9c1`. */
export function newRunId(now: Date = new Date(), random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0x1000000).toString(16).padStart(6, '0');
  return `${stamp}-${suffix}`;
}
