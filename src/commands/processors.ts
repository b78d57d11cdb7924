import { Command } from 'commander';
import { PHASES } from '../phases/phases.js';
import { PROCESSORS } from '../processors/index.js';
import { inputTables } from '../processors/processor.js';
import { table } from '../reporting/output.js';
import { qualifiedName } from '../warehouse/schema.js';
import { commandContext } from './context.js';

/** `backfill processors`: each processor with its phase, order, inputs and output. */
export function processorsCommand(): Command {
  return new Command('processors').description('list processors with their phase, order, inputs and output').action((_options: unknown, cmd: Command) => {
    const context = commandContext(cmd);
    const rows = PHASES.flatMap((phase) =>
      phase.processors.map((name, index) => {
        const p = PROCESSORS.find((x) => x.name === name);
        return {
          name,
          phase: phase.phase,
          order: phase.mode === 'chain' ? index + 1 : null,
          mode: phase.mode,
          output: p ? qualifiedName(p.table) : '',
          requires: p?.requires.map((g) => `${g.name}: ${g.tables.map((t) => t.name).join(' | ')}`) ?? [],
          optional: p?.optional.map((t) => t.name) ?? [],
          dependsOn: p?.dependsOn ?? [],
          expectedRows: p?.expectedRows.description ?? '',
          inputs: p ? inputTables(p).map(qualifiedName) : [],
        };
      }),
    );
    context.out.json({ ok: true, exitCode: 0, processors: rows });
    context.out.result(
      table(
        ['phase', 'order', 'processor', 'output', 'required inputs (any one table per group)', 'optional inputs'],
        rows.map((r) => [r.phase, r.order ?? 'parallel', r.name, r.output, r.requires.join('; '), r.optional.join(', ') || '-']),
      ),
    );
  });
}
