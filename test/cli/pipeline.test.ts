import { beforeAll, describe, expect, it } from 'vitest';
import { runDocument } from '../../src/reporting/json-schema.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { runCli } from '../helpers/cli.js';
import { sampleSeasonFile } from '../helpers/sample-warehouse.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
let sample: Awaited<ReturnType<typeof sampleSeasonFile>>;
beforeAll(async () => {
  sample = await sampleSeasonFile(dir);
});

describe('backfill run pipelines Phase 3 into Phase 4 per date', () => {
  it('a failed Phase 3 date stops only its own Phase 4; later dates run, with a thin-history warning', async () => {
    const db = sample.copy('thin');
    const warehouse = await DuckDbWarehouse.open({ path: db, readOnly: false });
    for (const table of ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores']) {
      await warehouse.execute(`DELETE FROM nba_raw.${table} WHERE game_date = DATE '2021-11-02'`);
    }
    await warehouse.close();
    const result = await runCli(['--db', db, '--json', 'run', '--start-date', '2021-10-19', '--end-date', '2021-11-30']);
    expect(result.code, result.stderr).toBe(1);
    const doc = runDocument.parse(JSON.parse(result.stdout));
    const on = (date: string, phase: number) => doc.outcomes.filter((o) => o.date === date && o.phase === phase);
    expect(on('2021-11-02', 3).find((o) => o.processor === 'player_game_summary')).toMatchObject({ status: 'failed', errorClass: 'missing-dependency' });
    expect(on('2021-11-02', 4).map((o) => [o.status, o.errorClass])).toEqual(Array(5).fill(['not-run', 'upstream-not-done']));
    expect(on('2021-11-03', 4).map((o) => o.status)).toEqual(Array(5).fill('success'));
    expect(doc.failed.every((o) => o.date === '2021-11-02')).toBe(true);
    expect(result.stderr).toMatch(/2021-22: Phase 3 failed on 2021-11-02; Phase 4 for \d+ later date\(s\) ran on that thinner history/);
    expect(doc.retryCommand).toMatch(/run --dates 2021-11-02$/);
  });
});
