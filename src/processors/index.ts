import { playerGameSummary } from './player-game-summary.js';
import type { ProcessorDefinition } from './processor.js';
import { teamOffenseGameSummary } from './team-offense-game-summary.js';

/** Every processor, Phase 3 then Phase 4; the phase list in src/phases orders them. */
export const PROCESSORS: readonly ProcessorDefinition[] = [playerGameSummary, teamOffenseGameSummary];

/** Accepts `player_game_summary` and `player-game-summary`. */
export function findProcessor(name: string): ProcessorDefinition | undefined {
  const normalized = name.trim().toLowerCase().replaceAll('-', '_');
  return PROCESSORS.find((p) => p.name === normalized);
}

export type { ProcessorDefinition } from './processor.js';
