import type { ProcessorDefinition } from '../processors/processor.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { TOOL_VERSION } from '../version.js';
import { insertHistory, processorRunHistory, readLatestStates, pairKey, type HistoryRow } from './history.js';
import { newRunId } from './run-file.js';

/**
 * Records a `rolled-back` row for every (processor, date) that had history, so dedup treats the
 * pairs as not done. One batch insert for the whole rollback.
 */
export async function markRolledBack(
  warehouse: Warehouse,
  processors: readonly ProcessorDefinition[],
  dates: readonly string[],
  commandLine: string,
): Promise<number> {
  if (dates.length === 0) return 0;
  await warehouse.ensureTables([processorRunHistory]);
  const sorted = [...dates].sort();
  const states = await readLatestStates(warehouse, processors.map((p) => p.name), sorted[0] as string, sorted[sorted.length - 1] as string);
  const now = new Date().toISOString();
  const runId = newRunId();
  const rows: HistoryRow[] = [];
  for (const processor of processors) {
    for (const date of sorted) {
      const state = states.get(pairKey(processor.name, date));
      if (!state || state.status === 'rolled-back') continue;
      rows.push({
        run_id: runId,
        processor_name: processor.name,
        phase: processor.phase,
        data_date: date,
        status: 'rolled-back',
        skip_reason: null,
        error_class: null,
        errors: null,
        missing_dependencies: null,
        rows_written: 0,
        attempts: 0,
        input_fingerprint: null,
        started_at: now,
        finished_at: now,
        duration_ms: 0,
        command_line: commandLine,
        tool_version: TOOL_VERSION,
      });
    }
  }
  await insertHistory(warehouse, rows);
  return rows.length;
}
