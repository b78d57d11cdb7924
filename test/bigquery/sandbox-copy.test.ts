import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigQueryClient } from '../../src/warehouse/bigquery/bigquery-client.js';
import { BigQueryWarehouse } from '../../src/warehouse/bigquery/bigquery-warehouse.js';
import { teamOffenseGameSummaryTable } from '../../src/processors/team-offense-game-summary.js';
import { platformColumns } from '../../src/warehouse/tables/platform-layout.js';
import { BigQueryStandIn } from '../helpers/bigquery-standin.js';

const PROJECT = 'nba-props-platform';
const standIn = new BigQueryStandIn();

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  await standIn.start();
});
afterAll(async () => {
  await standIn.stop();
});

/** Production's table as the platform's DDL declares it, with one column the facts file does not have. */
function productionMetadata() {
  const fields = platformColumns('nba_analytics.team_offense_game_summary').map((c) => ({ name: c.name, type: c.type, mode: c.mode ?? 'NULLABLE' }));
  fields.push({ name: 'added_later_by_the_platform', type: 'STRING', mode: 'NULLABLE' });
  return {
    schema: { fields },
    timePartitioning: { type: 'DAY', field: 'game_date' },
    clustering: { fields: ['team_abbr', 'game_date', 'season_year'] },
    requirePartitionFilter: true,
  };
}

describe('a rehearsal under --dataset-prefix', () => {
  it("creates a missing table as a copy of production's layout, partitioning, clustering and partition-filter rule", async () => {
    standIn.tables.clear();
    standIn.tables.set('nba_analytics.team_offense_game_summary', productionMetadata());
    const client = createBigQueryClient({ project: PROJECT, apiEndpoint: standIn.endpoint });
    const warehouse = new BigQueryWarehouse(client, { project: PROJECT, datasetPrefix: 'dev_', readOnly: false });
    try {
      const findings = await warehouse.preflight([teamOffenseGameSummaryTable]);
      expect(findings[0]).toMatchObject({ kind: 'missing-table', blocking: false });
      expect(findings[0]?.detail).toMatch(/created as a copy of production's layout \(nba_analytics\.team_offense_game_summary: \d+ columns, partitioned by game_date, clustered by team_abbr, game_date, season_year, partition filter required\)/);
      expect(findings.filter((f) => f.blocking)).toEqual([]);
      await warehouse.ensureTables([teamOffenseGameSummaryTable]);
      const copy = standIn.tables.get('dev_nba_analytics.team_offense_game_summary');
      expect(copy).toMatchObject({ timePartitioning: { type: 'DAY', field: 'game_date' }, clustering: { fields: ['team_abbr', 'game_date', 'season_year'] }, requirePartitionFilter: true });
      const names = copy?.schema.fields.map((f) => f.name) ?? [];
      // Production's columns first, in its order (also the one the facts file lacks), then the tool's own.
      expect(names.slice(0, 54)).toEqual(productionMetadata().schema.fields.map((f) => f.name));
      expect(names).toContain('team_minutes');
      // Production's REQUIRED columns stay REQUIRED in the copy: the rehearsal fails where production would.
      expect(copy?.schema.fields.find((f) => f.name === 'home_game')?.mode).toBe('REQUIRED');
      expect(copy?.schema.fields.find((f) => f.name === 'team_minutes')?.mode).toBe('NULLABLE');
    } finally {
      await warehouse.close();
    }
  });
});
