import { addDays, parseIsoDate } from '../calendar/dates.js';
import { qualifiedName, type TableDef } from '../warehouse/schema.js';
import {
  bdlPlayerBoxscores,
  bettingprosPlayerPointsProps,
  bigdataballPlayByPlay,
  nbacGamebookPlayerStats,
  nbacInjuryReport,
  nbacPlayerBoxscores,
  nbacSchedule,
  nbacTeamBoxscore,
  oddsApiPlayerPointsProps,
  RAW_TABLES,
} from '../warehouse/tables/raw-tables.js';
import { teamLocations, travelDistances } from '../warehouse/tables/static-tables.js';
import { teamLocationRows, travelDistanceRows } from './arenas.js';
import { bdlRows, gamebookRows, nbacBoxRows, teamBoxRows } from './boxscore-rows.js';
import { clearStampCache, type SampleRow, type SampleSeason, type SampleSeasonOptions } from './common.js';
import { chooseCoverage, simulateSeason } from './games.js';
import { injuryRows } from './injury-rows.js';
import { playerLookup } from './names.js';
import { pbpRows } from './pbp-rows.js';
import { bettingProsRows, oddsApiRows } from './prop-rows.js';
import { buildLeague } from './roster.js';
import { TEAM_CODES } from './schedule.js';
import { scheduleRows } from './schedule-rows.js';

// The sample season: a simulated league and season (roster.ts, schedule.ts, simulate.ts, games.ts)
// turned into the rows of each raw source (schedule-rows.ts, boxscore-rows.ts, prop-rows.ts,
// pbp-rows.ts). Each source fills the platform's REQUIRED columns and those it carries; the other
// columns of the platform's layouts are written as NULL.

export { playerLookup };
export type { SampleRow, SampleSeason, SampleSeasonOptions, SampleValue } from './common.js';

/**
 * Throws unless every column of the row is one of the table's and every REQUIRED column of the
 * platform's layout has a value (checked on the first row of each table). The layouts are wider
 * than what a sample source carries: the other columns stay NULL.
 */
function checkColumns(table: TableDef, row: SampleRow | undefined): void {
  if (!row) return;
  const known = new Set(table.columns.map((c) => c.name));
  const unknown = Object.keys(row).filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`sample rows for ${table.name} have columns ${unknown.join(',')} that the table does not have`);
  const missing = table.columns.filter((c) => c.mode === 'REQUIRED' && (row[c.name] ?? null) === null).map((c) => c.name);
  if (missing.length > 0) throw new Error(`sample rows for ${table.name} lack the REQUIRED columns ${missing.join(',')}`);
}

/**
 * One deterministic, NBA-shaped season of Phase 2 raw data: the regular season from `start` to
 * `end` (1230 games, All-Star break, no games on Dec 24 or Thanksgiving) plus a short first playoff
 * round from `end + 4`, with rows for every raw table in RAW_TABLES.
 */
export function generateSampleSeason(options: SampleSeasonOptions): SampleSeason {
  const { seasonYear, start, end, seed } = options;
  if (!parseIsoDate(start) || !parseIsoDate(end)) throw new Error(`invalid season dates ${start}..${end}`);
  if (end < start) throw new Error(`season end ${end} is before start ${start}`);
  if (!Number.isInteger(seasonYear) || !Number.isFinite(seed)) throw new Error('seasonYear and seed must be numbers');
  if (addDays(start, 400) < end) throw new Error(`season ${start}..${end} is longer than a year`);

  const league = buildLeague(seed, seasonYear, TEAM_CODES);
  const games = simulateSeason(options, league);
  const coverage = chooseCoverage(games, options);

  const tables: SampleSeason = {
    [nbacSchedule.name]: scheduleRows(games, options),
    [nbacTeamBoxscore.name]: teamBoxRows(games, options),
    [nbacGamebookPlayerStats.name]: gamebookRows(games, coverage, options),
    [nbacPlayerBoxscores.name]: nbacBoxRows(games, coverage, options),
    [bdlPlayerBoxscores.name]: bdlRows(games, options),
    [oddsApiPlayerPointsProps.name]: oddsApiRows(games, options),
    [bettingprosPlayerPointsProps.name]: bettingProsRows(games, options),
    [bigdataballPlayByPlay.name]: pbpRows(games, coverage, options),
    [nbacInjuryReport.name]: injuryRows(games, options),
  };
  const ordered: SampleSeason = {};
  for (const table of RAW_TABLES) {
    const rows = tables[table.name] ?? [];
    checkColumns(table, rows[0]);
    ordered[table.name] = rows;
  }
  clearStampCache();
  return ordered;
}

/** When the sample's reference rows were made: fixed, so the same seed gives the same rows. */
const REFERENCE_CREATED_AT = '2021-09-01 00:00:00';

/** The reference tables the sample fills (no date partition, replaced whole). */
export const SAMPLE_REFERENCE_TABLES: readonly TableDef[] = [teamLocations, travelDistances];

/**
 * The 30 arenas and the great-circle miles of every ordered pair of teams, keyed by qualified
 * table name; the same for every seed.
 */
export function generateReferenceTables(): SampleSeason {
  return {
    [qualifiedName(teamLocations)]: teamLocationRows(TEAM_CODES, REFERENCE_CREATED_AT),
    [qualifiedName(travelDistances)]: travelDistanceRows(TEAM_CODES, REFERENCE_CREATED_AT),
  };
}
