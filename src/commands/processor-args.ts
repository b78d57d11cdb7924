import { findProcessor, PROCESSORS, type ProcessorDefinition } from '../processors/index.js';
import { UsageError } from '../errors.js';
import { phaseProcessors } from '../phases/phases.js';
import type { Phase } from '../vocabulary.js';

/** The processors named on the command line (all of the phase when none), in run order. */
export function selectProcessors(phase: Phase, names: readonly string[]): ProcessorDefinition[] {
  const ofPhase = phaseProcessors(phase, PROCESSORS);
  if (names.length === 0) return ofPhase;
  const chosen = new Set<string>();
  for (const name of names) {
    const processor = findProcessor(name);
    if (!processor || processor.phase !== phase) {
      throw new UsageError(`unknown phase ${phase} processor '${name}': expected one of ${ofPhase.map((p) => p.name).join(', ')}`);
    }
    chosen.add(processor.name);
  }
  return ofPhase.filter((p) => chosen.has(p.name));
}
