import { mlFeatureStore } from './ml-feature-store.js';
import { playerCompositeFactors } from './player-composite-factors.js';
import { playerDailyCache } from './player-daily-cache.js';
import { playerGameSummary } from './player-game-summary.js';
import { playerShotZoneAnalysis } from './player-shot-zone-analysis.js';
import type { ProcessorDefinition } from './processor.js';
import { teamDefenseGameSummary } from './team-defense-game-summary.js';
import { teamDefenseZoneAnalysis } from './team-defense-zone-analysis.js';
import { teamOffenseGameSummary } from './team-offense-game-summary.js';
import { upcomingPlayerGameContext } from './upcoming-player-game-context.js';
import { upcomingTeamGameContext } from './upcoming-team-game-context.js';

/** Every processor, Phase 3 then Phase 4; the phase list in src/phases orders them. */
export const PROCESSORS: readonly ProcessorDefinition[] = [
  playerGameSummary,
  teamOffenseGameSummary,
  teamDefenseGameSummary,
  upcomingPlayerGameContext,
  upcomingTeamGameContext,
  teamDefenseZoneAnalysis,
  playerShotZoneAnalysis,
  playerCompositeFactors,
  playerDailyCache,
  mlFeatureStore,
];

/** Accepts `player_game_summary` and `player-game-summary`. */
export function findProcessor(name: string): ProcessorDefinition | undefined {
  const normalized = name.trim().toLowerCase().replaceAll('-', '_');
  return PROCESSORS.find((p) => p.name === normalized);
}

export type { ProcessorDefinition } from './processor.js';
