import { join } from 'node:path';
import type { Logger } from 'pino';
import { EXIT } from '../exit-code.js';
import { LiveView } from '../reporting/live-view.js';
import { createLogger } from '../reporting/logger.js';
import { formatProgress } from '../runner/progress.js';
import { newRunId, RunFile } from '../runner/run-file.js';
import type { StopSwitch } from '../runner/execute.js';
import { DEFAULT_RETRY_POLICY, type RunRequest, type RunServices } from '../runner/index.js';
import { TOOL_VERSION } from '../version.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { logsDir, runsDir, type CommandContext } from './context.js';
import { shellQuote } from './global-options.js';

/**
 * What one command run shares across its stages: the run id, the JSON log, Ctrl-C handling (the
 * first stops starting work, the second exits), and the run file, created once work starts.
 */
export class RunSession {
  readonly runId = newRunId();
  readonly logFile: string | undefined;
  readonly logger: Logger;
  readonly stopSwitch: StopSwitch = {};
  readonly commandLine = ['backfill', ...process.argv.slice(2)].map(shellQuote).join(' ');
  private runFile: RunFile | undefined;
  private interrupts = 0;
  private readonly onSigint = () => {
    this.interrupts += 1;
    if (this.interrupts > 1) process.exit(EXIT.interrupted);
    this.stopSwitch.stop ??= { kind: 'interrupted', reason: 'interrupted by Ctrl-C' };
    this.context.out.note('stopping: letting in-flight dates finish (Ctrl-C again to quit now)');
  };

  constructor(
    private readonly context: CommandContext,
    private readonly label: string,
    dryRun: boolean,
  ) {
    this.logFile = context.globals.logFile ?? (dryRun ? undefined : join(logsDir(context), `${this.runId}.log`));
    this.logger = createLogger(this.logFile, context.globals.verbose).child({ runId: this.runId });
    process.on('SIGINT', this.onSigint);
  }

  /** A runner request from the global options and the stage's processors, dates and calendar options. */
  request(
    processors: RunRequest['processors'],
    dates: readonly string[],
    calendar: Pick<RunRequest, 'bootstrapDays' | 'includeBootstrap' | 'includePlayoffs' | 'schedule'>,
    onlyPairs?: ReadonlySet<string>,
  ): RunRequest {
    const { globals } = this.context;
    return {
      processors,
      dates,
      dryRun: globals.dryRun,
      force: globals.force,
      bootstrapDays: calendar.bootstrapDays,
      includeBootstrap: calendar.includeBootstrap,
      includePlayoffs: calendar.includePlayoffs,
      schedule: calendar.schedule,
      allowShrink: globals.allowShrink,
      allowDropKeys: globals.allowDropKeys,
      concurrency: globals.concurrency,
      policy: {
        ...DEFAULT_RETRY_POLICY,
        ...(globals.rateLimitWaitMs !== undefined ? { rateLimitWaitMs: globals.rateLimitWaitMs } : {}),
        ...(globals.retryDelayMs !== undefined ? { baseDelayMs: globals.retryDelayMs } : {}),
        ...(globals.quotaWaitMs !== undefined ? { quotaWaitMs: globals.quotaWaitMs } : {}),
      },
      commandLine: this.commandLine,
      toolVersion: TOOL_VERSION,
      onlyPairs,
      migrate: globals.migrate,
    };
  }

  /**
   * The services a runner stage needs; the run file opens (once) when the first stage starts work.
   * Progress goes to stderr: a live view on a terminal, a line every 10 dates otherwise, nothing
   * with --quiet.
   */
  services(warehouse: Warehouse, processors: number): RunServices {
    const { out, globals } = this.context;
    const live = !globals.quiet && process.stderr.isTTY && !process.env.CI;
    const view = live ? new LiveView(process.stderr, this.label) : undefined;
    this.view?.finish();
    this.view = view;
    return {
      warehouse,
      logger: this.logger,
      runId: this.runId,
      stopSwitch: this.stopSwitch,
      onProgress: view ? undefined : (p) => out.note(formatProgress(p)),
      onUpdate: view ? (snapshot, each) => view.update(snapshot, each) : undefined,
      openRunFile: (totalDates) => this.openRunFile(totalDates, processors),
    };
  }

  private view: LiveView | undefined;

  private openRunFile(totalDates: number, processors: number): RunFile {
    if (this.runFile) {
      this.runFile.update({ totalDates, doneDates: 0 }, true);
      return this.runFile;
    }
    const now = new Date().toISOString();
    this.runFile = new RunFile(runsDir(this.context), {
      runId: this.runId,
      pid: process.pid,
      state: 'running',
      commandLine: this.commandLine,
      warehouse: this.context.globals.db,
      logFile: this.logFile ?? null,
      startedAt: now,
      updatedAt: now,
      totalDates,
      doneDates: 0,
      counts: {},
      currentPairs: [],
      etaMs: null,
    });
    this.context.out.note(`run ${this.runId}: ${this.label}, ${totalDates} dates x ${processors} processors${this.logFile ? `, log ${this.logFile}` : ''}`);
    return this.runFile;
  }

  /** Marks the run file finished and stops listening for Ctrl-C. */
  finish(exitCode?: number): void {
    this.view?.finish();
    this.view = undefined;
    process.off('SIGINT', this.onSigint);
    this.runFile?.update({ state: 'finished', currentPairs: [], ...(exitCode === undefined ? {} : { exitCode }) }, true);
    this.logger.flush?.();
  }
}
