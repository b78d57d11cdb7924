#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CommandFailed } from './errors.js';
import { EXIT, exitCodeForError } from './exit-code.js';
import { createProgram } from './program.js';

/** Entry point: runs the program and turns every outcome into an exit code, here and nowhere else. */
async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const program = createProgram();
  let commanderMessage = '';
  program.configureOutput({
    writeErr: (text) => {
      commanderMessage += text;
    },
    outputError: (text) => {
      commanderMessage += text;
    },
  });
  for (const command of program.commands) command.configureOutput({ writeErr: (t) => (commanderMessage += t), outputError: (t) => (commanderMessage += t) });
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const code = exitCodeForError(error);
    if (error instanceof CommanderError) {
      if (code === EXIT.ok) return code;
      const message = (commanderMessage.trim() || error.message).replace(/^error: /, '').split('\n')[0] ?? error.message;
      report(json, code, message);
      return code;
    }
    if (error instanceof CommandFailed) return code; // the command already printed its report
    const message = error instanceof Error ? error.message : String(error);
    report(json, code, code === EXIT.aborted && !(error instanceof Error && error.name === 'AbortError') ? `unexpected error: ${message}` : message);
    if (process.env.BACKFILL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}

function report(json: boolean, exitCode: number, message: string): void {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, exitCode, error: message })}\n`);
  process.stderr.write(`error: ${message}\n`);
}

process.exitCode = await main(process.argv.slice(2));
