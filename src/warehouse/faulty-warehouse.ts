import { createHash } from 'node:crypto';
import type { ErrorClass } from '../vocabulary.js';
import { ClassifiedError } from './errors.js';
import type { TableFinding } from './preflight.js';
import type { TableDef } from './schema.js';
import type { DayReplace, DayReplaceResult, DaysReplace, Row, SqlParams, Warehouse } from './warehouse.js';

/** Injected error kinds and their rates (0..1), a latency per call, and the seed that makes draws repeatable. */
export interface FaultSpec {
  transient: number;
  'rate-limit': number;
  quota: number;
  invalid: number;
  fatal: number;
  latency: number;
  seed: number;
}

const KINDS: [keyof FaultSpec, ErrorClass][] = [
  ['fatal', 'fatal'],
  ['quota', 'quota'],
  ['rate-limit', 'rate-limit'],
  ['invalid', 'invalid-data'],
  ['transient', 'transient'],
];

/**
 * Parses `BACKFILL_FAULTS`, e.g. `transient=0.3,rate-limit=0.05,fatal=0,latency=200,seed=1`.
 * Returns undefined for an empty value; throws with the bad item named otherwise.
 */
export function parseFaultSpec(text: string | undefined): FaultSpec | undefined {
  if (!text || text.trim() === '') return undefined;
  const spec: FaultSpec = { transient: 0, 'rate-limit': 0, quota: 0, invalid: 0, fatal: 0, latency: 0, seed: 1 };
  for (const item of text.split(',')) {
    const [key, value] = item.split('=').map((s) => s.trim());
    if (!key || value === undefined || !(key in spec)) {
      throw new Error(`invalid BACKFILL_FAULTS item '${item}': expected KEY=VALUE with KEY one of ${Object.keys(spec).join(', ')}`);
    }
    const n = Number(value);
    const rate = key !== 'latency' && key !== 'seed';
    if (!Number.isFinite(n) || n < 0 || (rate && n > 1) || (!rate && !Number.isInteger(n))) {
      throw new Error(`invalid BACKFILL_FAULTS value '${item}': ${rate ? 'a rate from 0 to 1' : 'a non-negative integer'}`);
    }
    spec[key as keyof FaultSpec] = n;
  }
  return spec;
}

/** A number in [0, 1) from the seed and a key: the same attempt always draws the same number. */
function draw(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}|${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Wraps a warehouse for tests and drills: each day write (one (processor, date) attempt) draws once
 * whether it fails and how; every call waits `latency` ms first. Nothing else changes.
 */
export class FaultyWarehouse implements Warehouse {
  private readonly attempts = new Map<string, number>();
  /** Faults injected so far, by error class. */
  readonly injected: Partial<Record<ErrorClass, number>> = {};

  constructor(
    private readonly inner: Warehouse,
    private readonly spec: FaultSpec,
  ) {}

  get engine() {
    return this.inner.engine;
  }
  get dialect() {
    return this.inner.dialect;
  }
  get location() {
    return this.inner.location;
  }
  get readOnly() {
    return this.inner.readOnly;
  }
  get atomicHistory() {
    return this.inner.atomicHistory;
  }
  get maxConcurrency() {
    return this.inner.maxConcurrency;
  }
  get writeRate() {
    return this.inner.writeRate;
  }
  get tableRateLimited() {
    return this.inner.tableRateLimited?.bind(this.inner);
  }
  get dailyWritesPerTable() {
    return this.inner.dailyWritesPerTable;
  }
  /** One day per statement, so faults stay drawn per (processor, date) attempt. */
  readonly batchDays = 1;

  private async pause(): Promise<void> {
    if (this.spec.latency > 0) await new Promise((resolve) => setTimeout(resolve, this.spec.latency));
  }

  async query(sql: string, params?: SqlParams): Promise<Row[]> {
    await this.pause();
    return this.inner.query(sql, params);
  }

  async execute(sql: string, params?: SqlParams): Promise<void> {
    await this.pause();
    return this.inner.execute(sql, params);
  }

  async ensureTables(tables: readonly TableDef[]): Promise<void> {
    await this.pause();
    return this.inner.ensureTables(tables);
  }

  preflight(tables: readonly TableDef[]): Promise<TableFinding[]> {
    return this.inner.preflight(tables);
  }

  get lease() {
    return this.inner.lease?.bind(this.inner);
  }

  get leaseTables() {
    return this.inner.leaseTables;
  }

  get flush() {
    return this.inner.flush?.bind(this.inner);
  }

  get estimateDay() {
    return this.inner.estimateDay?.bind(this.inner);
  }

  async tableExists(table: TableDef): Promise<boolean> {
    return this.inner.tableExists(table);
  }

  async replaceDay(write: DayReplace): Promise<DayReplaceResult> {
    await this.pause();
    const key = `${write.table.name}|${write.date}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const x = draw(this.spec.seed, `${key}|${attempt}`);
    let threshold = 0;
    for (const [kind, errorClass] of KINDS) {
      threshold += this.spec[kind];
      if (x < threshold) {
        this.injected[errorClass] = (this.injected[errorClass] ?? 0) + 1;
        throw new ClassifiedError(`injected ${errorClass} fault (BACKFILL_FAULTS) on ${write.table.name} ${write.date}, attempt ${attempt}`, errorClass);
      }
    }
    return this.inner.replaceDay(write);
  }

  async replaceDays(write: DaysReplace): Promise<Map<string, DayReplaceResult>> {
    await this.pause();
    return this.inner.replaceDays(write);
  }

  async insertRows(table: TableDef, rows: readonly Row[]): Promise<void> {
    await this.pause();
    return this.inner.insertRows(table, rows);
  }

  async replaceDates(table: TableDef, dates: readonly string[], rows: readonly Row[]): Promise<number> {
    await this.pause();
    return this.inner.replaceDates(table, dates, rows);
  }

  classifyError(error: unknown): ErrorClass {
    return this.inner.classifyError(error);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
