import { findProcessor, PROCESSORS, type ProcessorDefinition } from '../processors/index.js';
import { UsageError } from '../errors.js';
import { chainPredecessors, phaseProcessors } from '../phases/phases.js';
import type { Phase } from '../vocabulary.js';

/** The processors named on the command line (all of the phase when none; their chain too with `withUpstream`), in run order. */
export function selectProcessors(phase: Phase, names: readonly string[], withUpstream = false): ProcessorDefinition[] {
  const ofPhase = phaseProcessors(phase, PROCESSORS);
  if (names.length === 0) return ofPhase;
  const chosen = new Set<string>();
  for (const name of names) {
    const processor = findProcessor(name);
    if (!processor || processor.phase !== phase) {
      throw new UsageError(`unknown phase ${phase} processor '${name}': expected one of ${ofPhase.map((p) => p.name).join(', ')}`);
    }
    chosen.add(processor.name);
    if (withUpstream) for (const upstream of chainPredecessors(processor.name)) chosen.add(upstream);
  }
  return ofPhase.filter((p) => chosen.has(p.name));
}
