import type { ProcessorDefinition } from '../processors/processor.js';
import type { Phase } from '../vocabulary.js';

/**
 * A phase runs its processors either independently (`parallel`: none reads another's output) or as
 * a `chain`: for each date, processor k runs only after processor k-1 succeeded for that date.
 */
export interface PhaseDefinition {
  readonly phase: Phase;
  readonly mode: 'parallel' | 'chain';
  readonly processors: readonly string[];
}

/** The static phase list: Phase 3 in parallel, Phase 4 as the runbook's fixed chain. */
export const PHASES: readonly PhaseDefinition[] = [
  {
    phase: 3,
    mode: 'parallel',
    processors: [
      'player_game_summary',
      'team_offense_game_summary',
      'team_defense_game_summary',
      'upcoming_player_game_context',
      'upcoming_team_game_context',
    ],
  },
  {
    phase: 4,
    mode: 'chain',
    processors: [
      'team_defense_zone_analysis',
      'player_shot_zone_analysis',
      'player_composite_factors',
      'player_daily_cache',
      'ml_feature_store',
    ],
  },
];

/**
 * Checks the phase list against the processor registry and reports every problem at once:
 * unknown or unlisted processors, a processor listed twice, a phase mismatch, a dependency on an
 * unknown processor, on a later phase or later in a chain, on a peer of a parallel phase, cycles.
 */
export function validatePhases(
  phases: readonly PhaseDefinition[],
  processors: readonly ProcessorDefinition[],
): string[] {
  const problems: string[] = [];
  const byName = new Map(processors.map((p) => [p.name, p]));
  const position = new Map<string, { phase: Phase; index: number; mode: PhaseDefinition['mode'] }>();
  const phaseOrder = phases.map((p) => p.phase);
  for (const definition of phases) {
    definition.processors.forEach((name, index) => {
      if (!byName.has(name)) problems.push(`phase ${definition.phase} lists unknown processor ${name}`);
      if (position.has(name)) problems.push(`processor ${name} is listed twice`);
      else position.set(name, { phase: definition.phase, index, mode: definition.mode });
    });
  }
  for (const processor of processors) {
    const at = position.get(processor.name);
    if (!at) {
      problems.push(`processor ${processor.name} is in no phase`);
      continue;
    }
    if (at.phase !== processor.phase) {
      problems.push(`processor ${processor.name} declares phase ${processor.phase} but is listed in phase ${at.phase}`);
    }
    for (const dependency of processor.dependsOn) {
      const dep = position.get(dependency);
      if (!byName.has(dependency)) {
        problems.push(`processor ${processor.name} depends on unknown processor ${dependency}`);
      } else if (!dep) {
        continue; // reported above as "in no phase"
      } else if (phaseOrder.indexOf(dep.phase) > phaseOrder.indexOf(at.phase)) {
        problems.push(`processor ${processor.name} (phase ${at.phase}) depends on ${dependency} of the later phase ${dep.phase}`);
      } else if (dep.phase === at.phase && at.mode === 'parallel') {
        problems.push(`processor ${processor.name} depends on ${dependency}, a peer in parallel phase ${at.phase}`);
      } else if (dep.phase === at.phase && dep.index >= at.index) {
        problems.push(`processor ${processor.name} depends on ${dependency}, which comes later in the phase ${at.phase} chain`);
      }
    }
  }
  const cycle = findCycle(processors);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** Throws with every problem listed when the phase list and the registry disagree. */
export function assertValidPhases(phases: readonly PhaseDefinition[], processors: readonly ProcessorDefinition[]): void {
  const problems = validatePhases(phases, processors);
  if (problems.length > 0) throw new Error(`invalid phase definitions:\n- ${problems.join('\n- ')}`);
}

function findCycle(processors: readonly ProcessorDefinition[]): string[] | undefined {
  const deps = new Map(processors.map((p) => [p.name, p.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const p of processors) {
    const found = visit(p.name);
    if (found) return found;
  }
  return undefined;
}

/** The processors of a phase in their run order. */
export function phaseProcessors(
  phase: Phase,
  processors: readonly ProcessorDefinition[],
  phases: readonly PhaseDefinition[] = PHASES,
): ProcessorDefinition[] {
  const definition = phases.find((p) => p.phase === phase);
  if (!definition) return [];
  return definition.processors.map((name) => {
    const processor = processors.find((p) => p.name === name);
    if (!processor) throw new Error(`phase ${phase} lists unknown processor ${name}`);
    return processor;
  });
}

/** Processors that must succeed for a date before `name` runs for it: the earlier steps of its chain. */
export function chainPredecessors(name: string, phases: readonly PhaseDefinition[] = PHASES): string[] {
  for (const phase of phases) {
    const index = phase.processors.indexOf(name);
    if (index >= 0) return phase.mode === 'chain' ? phase.processors.slice(0, index) : [];
  }
  return [];
}

/**
 * Same-date upstream when one run covers Phase 3 and Phase 4 together (`backfill run`): a Phase 4
 * step also waits for every Phase 3 processor of the date (and, through the runner, of the
 * season's earlier dates), so Phase 4 for a date starts as soon as its Phase 3 is done.
 */
export function crossPhaseUpstream(name: string, phases: readonly PhaseDefinition[] = PHASES): string[] {
  const own = phases.find((p) => p.processors.includes(name));
  if (!own || own.mode !== 'chain') return chainPredecessors(name, phases);
  const earlier = phases.filter((p) => p.phase < own.phase).flatMap((p) => p.processors);
  return [...earlier, ...chainPredecessors(name, phases)];
}
