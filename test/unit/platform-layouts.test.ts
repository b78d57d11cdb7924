import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the generator is a plain script without type declarations
import { renderLayouts } from '../../scripts/sync-platform-layouts.mjs';
import { castForWrite } from '../../src/warehouse/day-write.js';
import { duckDbDialect } from '../../src/warehouse/duckdb/duckdb-dialect.js';
import { bigQueryDialect } from '../../src/warehouse/bigquery/bigquery-dialect.js';
import { normalizeType, parseType } from '../../src/warehouse/schema.js';
import { platformColumns } from '../../src/warehouse/tables/platform-layout.js';
import { PLATFORM_LAYOUTS } from '../../src/warehouse/tables/platform-layouts.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';
import { PROCESSORS } from '../../src/processors/index.js';

const facts = join(process.cwd(), '..', 'shared', 'reference', 'platform-schemas.json');

describe('the platform layouts', () => {
  it.skipIf(!existsSync(facts))('are the facts file, as scripts/sync-platform-layouts.mjs renders it', () => {
    const generated = readFileSync(join(process.cwd(), 'src', 'warehouse', 'tables', 'platform-layouts.ts'), 'utf8');
    expect(generated).toBe(renderLayouts(JSON.parse(readFileSync(facts, 'utf8'))));
  });

  it('parse into 25 tables whose every type the engines can map', () => {
    expect(Object.keys(PLATFORM_LAYOUTS)).toHaveLength(25);
    for (const name of Object.keys(PLATFORM_LAYOUTS)) {
      for (const column of platformColumns(name)) expect(() => duckDbDialect.type(column.type), `${name}.${column.name}`).not.toThrow();
    }
    expect(duckDbDialect.type('STRUCT< games_found INT64, is_complete BOOL, contributing_game_dates ARRAY<DATE> >')).toBe(
      'STRUCT(games_found BIGINT, is_complete BOOLEAN, contributing_game_dates DATE[])',
    );
    expect(normalizeType('ARRAY<STRUCT<a INTEGER, b NUMERIC>>')).toBe('ARRAY<STRUCT<a INT64, b NUMERIC>>');
    expect(() => parseType('NUMBER')).toThrow(/unknown column type/);
  });

  it('give the tool the platform columns of every table it reads or writes, with their types and modes', () => {
    for (const table of [...RAW_TABLES, ...PROCESSORS.filter((p) => p.table.platform).map((p) => p.table)]) {
      const platform = platformColumns(`${table.dataset}.${table.name}`);
      expect(table.columns.slice(0, platform.length), table.name).toEqual(platform);
    }
    // The platform's history of tables the tool writes: 9 processor tables at the platform's width.
    expect(PROCESSORS.filter((p) => p.table.platform)).toHaveLength(9);
  });
});

describe('a value written into a column of another type of its family', () => {
  it('rounds half away from zero into INT64 and NUMERIC, and converts STRING and JSON', () => {
    const bq = bigQueryDialect({ project: 'p' });
    expect(castForWrite(duckDbDialect, 'x', 'FLOAT64', 'INT64')).toBe('CAST(ROUND(x) AS BIGINT)');
    expect(castForWrite(bq, 'x', 'FLOAT64', 'NUMERIC')).toBe('CAST(ROUND(x, 9) AS NUMERIC)');
    expect(castForWrite(bq, 'x', 'INT64', 'FLOAT64')).toBe('CAST(x AS FLOAT64)');
    expect(castForWrite(bq, 'x', 'STRING', 'JSON')).toBe('PARSE_JSON(x)');
    expect(castForWrite(bq, 'x', 'JSON', 'STRING')).toBe('TO_JSON_STRING(x)');
    expect(castForWrite(bq, 'x', 'INT64', 'INT64')).toBe('x');
    expect(() => castForWrite(bq, 'x', 'STRING', 'INT64')).toThrow(/cannot write STRING into a INT64 column/);
  });
});
