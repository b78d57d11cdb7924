import type { TableDef } from '../schema.js';
import { platformTable } from './platform-layout.js';

// Reference tables the processors may read, in the platform's layouts. None has a day partition:
// an import replaces such a table whole.

export const nbaPlayersRegistry = platformTable({
  dataset: 'nba_reference',
  name: 'nba_players_registry',
  key: ['player_lookup', 'team_abbr', 'season'],
});

export const teamLocations = platformTable({
  dataset: 'nba_static',
  name: 'team_locations',
  key: ['team_abbr'],
});

export const travelDistances = platformTable({
  dataset: 'nba_static',
  name: 'travel_distances',
  key: ['from_team', 'to_team'],
});

export const STATIC_TABLES: readonly TableDef[] = [nbaPlayersRegistry, teamLocations, travelDistances];
