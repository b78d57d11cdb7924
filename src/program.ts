import { Command } from 'commander';
import { addGlobalOptions } from './commands/global-options.js';
import { TOOL_VERSION } from './commands/context.js';
import { importCommand } from './commands/import.js';
import { phaseCommand } from './commands/phase.js';
import { processorsCommand } from './commands/processors.js';
import { sampleDataCommand } from './commands/sample-data.js';
import { seasonsCommand } from './commands/seasons.js';
import { reportCommand } from './commands/report.js';
import { retryCommand } from './commands/retry.js';
import { runCommand } from './commands/run.js';
import { rollbackCommand } from './commands/rollback.js';
import { statusCommand } from './commands/status.js';
import { upgradeCommand } from './commands/upgrade.js';
import { validateCommand } from './commands/validate.js';
import { assertValidPhases, PHASES } from './phases/phases.js';
import { PROCESSORS } from './processors/index.js';

/** The `backfill` program with every command registered; each test can build its own. */
export function createProgram(): Command {
  assertValidPhases(PHASES, PROCESSORS);
  const program = new Command('backfill')
    .description('Runs the NBA props warehouse backfill day by day: Phase 3 analytics, then the Phase 4 chain')
    .version(TOOL_VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  addGlobalOptions(program);
  program.addCommand(
    phaseCommand({ name: 'phase3', phase: 3, description: 'run the Phase 3 analytics processors (in parallel) over dates' }),
  );
  program.addCommand(
    phaseCommand({ name: 'phase4', phase: 4, description: 'run the Phase 4 precompute chain over dates, in its fixed order per date' }),
  );
  program.addCommand(runCommand());
  program.addCommand(validateCommand());
  program.addCommand(statusCommand());
  program.addCommand(retryCommand());
  program.addCommand(rollbackCommand());
  program.addCommand(reportCommand());
  program.addCommand(seasonsCommand());
  program.addCommand(processorsCommand());
  program.addCommand(upgradeCommand());
  program.addCommand(sampleDataCommand());
  program.addCommand(importCommand());
  for (const command of program.commands) command.exitOverride();
  return program;
}
