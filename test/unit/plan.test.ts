import { describe, expect, it } from 'vitest';
import { knownSeasons, SeasonCalendar } from '../../src/calendar/calendar.js';
import { fingerprint, shortHash, type InputStats } from '../../src/runner/fingerprint.js';
import { pairKey, type PairState } from '../../src/runner/history.js';
import { buildPlan, countPlan, type PlanInputs } from '../../src/runner/plan.js';
import { inputTable, testProcessor } from '../helpers/test-processors.js';

const p3 = testProcessor('p3_test', 3);
const p4 = testProcessor('p4_test', 4, [], { lookback: true });
const calendar = new SeasonCalendar(
  knownSeasons([]),
  new Map([
    ['2021-10-19', 2],
    ['2021-10-26', 11],
    ['2021-10-27', 9],
  ]),
  7,
);

function stats(entries: [string, number][], table = 'nba_raw.test_input'): InputStats {
  return new Map([[table, new Map(entries.map(([d, rows]) => [d, { rows, maxProcessedAt: '2022-01-01 00:00:00' }]))]]);
}

function inputs(overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    processors: [p3],
    dates: ['2021-10-19', '2021-10-20', '2021-10-26', '2021-10-27'],
    calendar,
    inputStats: stats([['2021-10-19', 40], ['2021-10-26', 200], ['2021-10-27', 180]]),
    outputStats: new Map(),
    history: new Map(),
    versions: new Map([['p3_test', 'v1'], ['p4_test', 'v1']]),
    upstreamOf: () => [],
    ...overrides,
  };
}

const options = { force: false, includeBootstrap: false };

describe('buildPlan', () => {
  it('skips non-game dates as no-games and runs game dates', () => {
    const plan = buildPlan(inputs(), options);
    expect(plan.map((i) => [i.date, i.action, i.skipReason ?? null])).toEqual([
      ['2021-10-19', 'run', null],
      ['2021-10-20', 'skip', 'no-games'],
      ['2021-10-26', 'run', null],
      ['2021-10-27', 'run', null],
    ]);
    expect(plan[0]?.games).toBe(2);
    expect(plan[0]?.seasonStart).toBe('2021-10-19');
    expect(plan[1]?.recordSkip).toBe(true);
  });

  it('skips every bootstrap day of Phase 4, game or not, unless --include-bootstrap', () => {
    const plan = buildPlan(inputs({ processors: [p4] }), options);
    expect(plan.map((i) => i.skipReason ?? i.action)).toEqual(['bootstrap', 'bootstrap', 'run', 'run']);
    const included = buildPlan(inputs({ processors: [p4] }), { ...options, includeBootstrap: true });
    expect(included.map((i) => i.skipReason ?? i.action)).toEqual(['run', 'no-games', 'run', 'run']);
  });

  it('fails a date whose required input is empty, naming the tables', () => {
    const plan = buildPlan(inputs({ inputStats: stats([['2021-10-19', 40], ['2021-10-26', 200]]) }), options);
    const failing = plan.find((i) => i.date === '2021-10-27');
    expect(failing).toMatchObject({ action: 'fail', errorClass: 'missing-dependency', missingDependencies: ['nba_raw.test_input'] });
  });

  it('marks a pair up to date only when the fingerprint matches and the output still holds its rows', () => {
    const base = inputs();
    const print = fingerprint(p3, 'v1', base.inputStats, '2021-10-26', '2021-10-19');
    const state: PairState = { status: 'success', skipReason: null, fingerprint: print, rowsWritten: 200, runId: 'r1' };
    const history = new Map([[pairKey('p3_test', '2021-10-26'), state]]);
    const upToDate = buildPlan({ ...base, history, outputStats: stats([['2021-10-26', 200]], 'nba_analytics.p3_test') }, options);
    expect(upToDate.find((i) => i.date === '2021-10-26')?.skipReason).toBe('up-to-date');
    // Output rows deleted behind the tool's back: the pair runs again.
    const shrunk = buildPlan({ ...base, history, outputStats: stats([['2021-10-26', 150]], 'nba_analytics.p3_test') }, options);
    expect(shrunk.find((i) => i.date === '2021-10-26')?.action).toBe('run');
    // Input changed: the fingerprint differs.
    const changed = buildPlan(
      { ...base, history, inputStats: stats([['2021-10-19', 40], ['2021-10-26', 201], ['2021-10-27', 180]]), outputStats: stats([['2021-10-26', 200]], 'nba_analytics.p3_test') },
      options,
    );
    expect(changed.find((i) => i.date === '2021-10-26')?.action).toBe('run');
    // Rolled back: runs again; --force: runs again.
    const rolled = new Map([[pairKey('p3_test', '2021-10-26'), { ...state, status: 'rolled-back' as const }]]);
    expect(buildPlan({ ...base, history: rolled, outputStats: stats([['2021-10-26', 200]], 'nba_analytics.p3_test') }, options).find((i) => i.date === '2021-10-26')?.action).toBe('run');
    expect(buildPlan({ ...base, history, outputStats: stats([['2021-10-26', 200]], 'nba_analytics.p3_test') }, { ...options, force: true }).find((i) => i.date === '2021-10-26')?.action).toBe('run');
  });

  it('covers the lookback window in the fingerprint of lookback processors', () => {
    const a = fingerprint(p4, 'v1', stats([['2021-10-19', 40], ['2021-10-26', 200]]), '2021-10-26', '2021-10-19');
    const b = fingerprint(p4, 'v1', stats([['2021-10-19', 41], ['2021-10-26', 200]]), '2021-10-26', '2021-10-19');
    const c = fingerprint(p3, 'v1', stats([['2021-10-19', 40], ['2021-10-26', 200]]), '2021-10-26', '2021-10-19');
    const d = fingerprint(p3, 'v1', stats([['2021-10-19', 41], ['2021-10-26', 200]]), '2021-10-26', '2021-10-19');
    expect(a).not.toBe(b);
    expect(c).toBe(d);
    expect(fingerprint(p3, 'v2', stats([['2021-10-26', 200]]), '2021-10-26', '2021-10-19')).not.toBe(c);
  });

  it('does not record a rule skip twice', () => {
    const history = new Map([[pairKey('p3_test', '2021-10-20'), { status: 'skipped' as const, skipReason: 'no-games' as const, fingerprint: null, rowsWritten: null, runId: 'r0' }]]);
    const plan = buildPlan(inputs({ history }), options);
    expect(plan.find((i) => i.date === '2021-10-20')?.recordSkip).toBe(false);
    expect(countPlan(plan)).toEqual({ run: 3, 'skip:no-games': 1 });
  });

  it('hashes deterministically', () => {
    expect(shortHash('x')).toBe(shortHash('x'));
    expect(shortHash('x')).toHaveLength(16);
    expect(inputTable.name).toBe('test_input');
  });
});
