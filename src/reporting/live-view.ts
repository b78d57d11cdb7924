import type { ProcessorProgress, ProgressSnapshot } from '../runner/progress.js';
import { formatDuration } from '../runner/summary.js';

const ESC = '\u001b[';

/** Colours for a terminal, none with NO_COLOR (https://no-color.org) or without a terminal. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

/**
 * The live view on a terminal: one line per processor (done / failed / skipped / remaining) under
 * its phase, and a total line with the ETA, redrawn in place at most every `intervalMs`.
 */
export class LiveView {
  private lines = 0;
  private last = 0;
  private pending: [ProgressSnapshot, ProcessorProgress[]] | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly color = useColor(stream),
    private readonly intervalMs = 150,
  ) {}

  update(snapshot: ProgressSnapshot, processors: ProcessorProgress[]): void {
    this.pending = [snapshot, processors];
    if (Date.now() - this.last >= this.intervalMs || snapshot.doneDates >= snapshot.totalDates) this.draw();
  }

  /** Draws the last state once more and leaves it on screen. */
  finish(): void {
    if (this.pending) this.draw();
    this.lines = 0;
  }

  private paint(code: string, text: string): string {
    return this.color ? `${ESC}${code}m${text}${ESC}0m` : text;
  }

  private draw(): void {
    if (!this.pending) return;
    const [snapshot, processors] = this.pending;
    this.last = Date.now();
    const width = Math.max(...processors.map((p) => p.processor.length), 9);
    const out: string[] = [];
    let phase = -1;
    for (const p of processors) {
      if (p.phase !== phase) {
        phase = p.phase;
        out.push(this.paint('1', `Phase ${phase}`));
      }
      const remaining = p.total - p.done - p.failed - p.skipped;
      out.push(
        `  ${p.processor.padEnd(width)}  ${this.paint('32', `${String(p.done).padStart(4)} done`)}  ` +
          `${this.paint(p.failed > 0 ? '31' : '2', `${String(p.failed).padStart(3)} failed`)}  ` +
          `${this.paint('2', `${String(p.skipped).padStart(4)} skipped`)}  ${String(remaining).padStart(4)} remaining`,
      );
    }
    const eta = snapshot.doneDates >= snapshot.totalDates ? 'done' : snapshot.etaMs === null ? 'ETA unknown' : `ETA ${formatDuration(snapshot.etaMs)}`;
    out.push(`${this.label}: ${snapshot.doneDates}/${snapshot.totalDates} dates, ${snapshot.failedDates} failed, ${eta}`);
    const rewind = this.lines > 0 ? `${ESC}${this.lines}A` : '';
    this.stream.write(`${rewind}${out.map((l) => `${ESC}2K${l}`).join('\n')}\n`);
    this.lines = out.length;
  }
}
