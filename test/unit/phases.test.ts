import { describe, expect, it } from 'vitest';
import { assertValidPhases, PHASES, phaseProcessors, validatePhases, type PhaseDefinition } from '../../src/phases/phases.js';
import { PROCESSORS } from '../../src/processors/index.js';
import { testProcessor } from '../helpers/test-processors.js';

describe('phase definitions', () => {
  it('accepts the real registry', () => {
    expect(validatePhases(PHASES, PROCESSORS)).toEqual([]);
    expect(phaseProcessors(3, PROCESSORS).map((p) => p.name)).toEqual(PHASES[0]?.processors);
  });

  it('accepts a valid chain and keeps its order', () => {
    const processors = [testProcessor('a', 3), testProcessor('b', 3), testProcessor('x', 4, ['a']), testProcessor('y', 4, ['x', 'b'])];
    const phases: PhaseDefinition[] = [
      { phase: 3, mode: 'parallel', processors: ['a', 'b'] },
      { phase: 4, mode: 'chain', processors: ['x', 'y'] },
    ];
    expect(() => assertValidPhases(phases, processors)).not.toThrow();
    expect(phaseProcessors(4, processors, phases).map((p) => p.name)).toEqual(['x', 'y']);
  });

  it('reports every problem at once', () => {
    const processors = [
      testProcessor('a', 3, ['x']), // depends on a later phase
      testProcessor('b', 3, ['a']), // depends on a parallel peer
      testProcessor('x', 4, ['y']), // depends on a later chain step
      testProcessor('y', 4, ['nope']), // unknown dependency
      testProcessor('orphan', 4),
    ];
    const phases: PhaseDefinition[] = [
      { phase: 3, mode: 'parallel', processors: ['a', 'b', 'ghost'] },
      { phase: 4, mode: 'chain', processors: ['x', 'y', 'x'] },
    ];
    const problems = validatePhases(phases, processors);
    expect(problems).toEqual(
      expect.arrayContaining([
        'phase 3 lists unknown processor ghost',
        'processor x is listed twice',
        'processor a (phase 3) depends on x of the later phase 4',
        'processor b depends on a, a peer in parallel phase 3',
        'processor x depends on y, which comes later in the phase 4 chain',
        'processor y depends on unknown processor nope',
        'processor orphan is in no phase',
      ]),
    );
    expect(() => assertValidPhases(phases, processors)).toThrow(/invalid phase definitions/);
  });

  it('finds cycles', () => {
    const processors = [testProcessor('x', 4, ['z']), testProcessor('y', 4, ['x']), testProcessor('z', 4, ['y'])];
    const phases: PhaseDefinition[] = [{ phase: 4, mode: 'chain', processors: ['x', 'y', 'z'] }];
    expect(validatePhases(phases, processors)).toContain('dependency cycle: x -> z -> y -> x');
  });

  it('finds a phase mismatch', () => {
    const processors = [testProcessor('a', 4)];
    expect(validatePhases([{ phase: 3, mode: 'parallel', processors: ['a'] }], processors)).toContain(
      'processor a declares phase 4 but is listed in phase 3',
    );
  });
});
