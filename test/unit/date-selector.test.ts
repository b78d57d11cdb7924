import { describe, expect, it } from 'vitest';
import { parseDateSelector, resolveDates } from '../../src/commands/date-selector.js';
import { parseGlobalOptions } from '../../src/commands/global-options.js';
import { UsageError } from '../../src/errors.js';

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('date selectors', () => {
  it('parses each selector', () => {
    expect(parseDateSelector({ season: '2021-22' })).toEqual({ kind: 'seasons', seasons: ['2021-22'] });
    expect(parseDateSelector({ season: '2021-22,2022-23' })).toEqual({ kind: 'seasons', seasons: ['2021-22', '2022-23'] });
    expect(parseDateSelector({ season: 'all' })).toEqual({ kind: 'seasons', seasons: 'all' });
    expect(parseDateSelector({ startDate: '2022-01-05' })).toEqual({ kind: 'range', start: '2022-01-05', end: '2022-01-05' });
    expect(parseDateSelector({ dates: '2022-01-12, 2022-01-05,2022-01-05' })).toEqual({ kind: 'dates', dates: ['2022-01-05', '2022-01-12'] });
    expect(parseDateSelector({}, false)).toBeUndefined();
  });

  it('rejects bad selectors with one line naming the value and what is allowed', () => {
    expect(usage(() => parseDateSelector({ season: '2021-23' }))).toBe("invalid --season '2021-23': expected YYYY-YY with consecutive years, such as 2021-22, or all");
    expect(usage(() => parseDateSelector({ startDate: '2022-02-30' }))).toBe("invalid --start-date '2022-02-30': expected a real date as YYYY-MM-DD");
    expect(usage(() => parseDateSelector({ startDate: '2022-03-01', endDate: '2022-02-01' }))).toBe('invalid range: --end-date 2022-02-01 is before --start-date 2022-03-01');
    expect(usage(() => parseDateSelector({ dates: '2022-01-05,nope' }))).toBe("invalid --dates item 'nope': expected a real date as YYYY-MM-DD");
    expect(usage(() => parseDateSelector({ season: '2021-22', dates: '2022-01-05' }))).toBe('use one date selector, not --season and --dates');
    expect(usage(() => parseDateSelector({}))).toMatch(/^no dates given/);
  });

  it('resolves seasons against defaults and refuses unknown or future dates', () => {
    const season = resolveDates({ kind: 'seasons', seasons: ['2021-22'] }, [], { includePlayoffs: false, allowRecent: false, today: '2026-11-25' });
    expect(season.dates[0]).toBe('2021-10-19');
    expect(season.dates.at(-1)).toBe('2022-04-10');
    expect(season.dates).toHaveLength(174);
    expect(usage(() => resolveDates({ kind: 'seasons', seasons: ['1999-00'] }, [], { includePlayoffs: false, allowRecent: false }))).toMatch(
      /^no such season '1999-00': known seasons are 2021-22, 2022-23/,
    );
    expect(usage(() => resolveDates({ kind: 'dates', dates: ['2026-11-26'] }, [], { includePlayoffs: false, allowRecent: false, today: '2026-11-25' }))).toMatch(/in the future/);
    expect(usage(() => resolveDates({ kind: 'dates', dates: ['2026-11-24'] }, [], { includePlayoffs: false, allowRecent: false, today: '2026-11-25' }))).toMatch(/--allow-recent/);
    expect(resolveDates({ kind: 'dates', dates: ['2026-11-24'] }, [], { includePlayoffs: false, allowRecent: true, today: '2026-11-25' }).dates).toEqual(['2026-11-24']);
    expect(usage(() => resolveDates({ kind: 'seasons', seasons: 'all' }, [], { includePlayoffs: false, allowRecent: false }))).toMatch(/sample-data/);
  });
});

describe('global options', () => {
  const defaults = { warehouse: 'duckdb', db: 'x.duckdb', dryRun: false, json: false, force: false, allowShrink: false, allowDropKeys: false, allowRecent: false, quiet: false, verbose: false };
  it('defaults concurrency by engine and validates it', () => {
    expect(parseGlobalOptions(defaults).concurrency).toBe(4);
    expect(parseGlobalOptions({ ...defaults, warehouse: 'bigquery' }).concurrency).toBe(16);
    expect(usage(() => parseGlobalOptions({ ...defaults, concurrency: '0' }))).toBe("invalid --concurrency '0': expected an integer from 1 to 64");
    expect(usage(() => parseGlobalOptions({ ...defaults, concurrency: '65' }))).toMatch(/1 to 64/);
    // BigQuery goes to 100 (writes are paced per table); its default stays 16.
    expect(parseGlobalOptions({ ...defaults, warehouse: 'bigquery', concurrency: '100' }).concurrency).toBe(100);
    expect(usage(() => parseGlobalOptions({ ...defaults, warehouse: 'bigquery', concurrency: '101' }))).toBe("invalid --concurrency '101': expected an integer from 1 to 100 on BigQuery");
    expect(usage(() => parseGlobalOptions({ ...defaults, warehouse: 'oracle' }))).toBe("invalid --warehouse 'oracle': expected duckdb or bigquery");
  });

  it('validates the BigQuery cost options', () => {
    expect(parseGlobalOptions(defaults)).toMatchObject({ pricePerTiB: 6.25, migrate: false, maxBytesBilled: undefined });
    expect(parseGlobalOptions({ ...defaults, maxBytesBilled: '1000000000', pricePerTib: '5' })).toMatchObject({ maxBytesBilled: 1_000_000_000, pricePerTiB: 5 });
    expect(usage(() => parseGlobalOptions({ ...defaults, maxBytesBilled: '5' }))).toMatch(/^invalid --max-bytes-billed '5': expected a whole number of bytes, at least 10485760/);
    expect(usage(() => parseGlobalOptions({ ...defaults, pricePerTib: 'cheap' }))).toBe("invalid --price-per-tib 'cheap': expected US dollars from 0 to 1000");
  });
});
