import type { IsoDate } from '../calendar/dates.js';
import type { Phase } from '../vocabulary.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { processorRunHistory, toolHistorySql } from './history.js';

export interface FailedPairs {
  runId: string;
  pairs: { processor: string; phase: Phase; date: IsoDate }[];
}

/** The failed pairs of a run (default: the latest run with a failed pair), from run history. */
export async function failedPairsOf(warehouse: Warehouse, runId?: string): Promise<FailedPairs | undefined> {
  if (!(await warehouse.tableExists(processorRunHistory))) return undefined;
  const d = warehouse.dialect;
  const history = `(${toolHistorySql(d)}) AS tool_history`;
  let id = runId;
  if (!id) {
    const latest = await warehouse.query(
      `SELECT run_id FROM ${history} WHERE status = 'failed' GROUP BY run_id ORDER BY MAX(started_at) DESC LIMIT 1`,
    );
    if (latest.length === 0) return undefined;
    id = String(latest[0]?.run_id);
  }
  const rows = await warehouse.query(
    `SELECT DISTINCT processor_name, phase, data_date FROM ${history}
     WHERE run_id = ${d.param('run_id', 'STRING')} AND status = 'failed' ORDER BY data_date, processor_name`,
    { run_id: id },
  );
  if (rows.length === 0) return undefined;
  return {
    runId: id,
    pairs: rows.map((r) => ({ processor: String(r.processor_name), phase: Number(r.phase) as Phase, date: String(r.data_date) })),
  };
}
