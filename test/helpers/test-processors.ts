import { defineProcessor, type ProcessorDefinition } from '../../src/processors/processor.js';
import type { Phase } from '../../src/vocabulary.js';
import { cols, defineTable } from '../../src/warehouse/schema.js';

export const inputTable = defineTable({
  dataset: 'nba_raw',
  name: 'test_input',
  dateColumn: 'game_date',
  key: ['id'],
  columns: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('value', 'INT64'), ...cols('processed_at', 'TIMESTAMP')],
});

/** A small processor for runner and phase tests: copies the input's rows of the day, doubled. */
export function testProcessor(name: string, phase: Phase, dependsOn: string[] = [], options: { lookback?: boolean } = {}): ProcessorDefinition {
  const table = defineTable({
    dataset: phase === 3 ? 'nba_analytics' : 'nba_precompute',
    name,
    dateColumn: 'game_date',
    key: ['id'],
    columns: [...cols('game_date', 'DATE'), ...cols('id', 'STRING'), ...cols('value', 'INT64'), ...cols('processed_at', 'TIMESTAMP')],
  });
  return defineProcessor({
    name,
    phase,
    description: `test processor ${name}`,
    table,
    requires: [{ name: 'test input', tables: [inputTable] }],
    optional: [],
    lookback: options.lookback ?? false,
    dependsOn,
    expectedRows: { min: 1, description: 'at least one row' },
    select: (d) =>
      `SELECT game_date, id, value * 2 AS value, ${d.currentTimestamp()} AS processed_at FROM ${d.table(inputTable)}
       WHERE game_date BETWEEN ${d.param('start', 'DATE')} AND ${d.param('end', 'DATE')}`,
  });
}
