import { phaseProcessors } from '../phases/phases.js';
import { PROCESSORS, type ProcessorDefinition } from '../processors/index.js';
import { playerGameSummaryTable } from '../processors/player-game-summary.js';
import { finalGamesSql } from '../processors/sql/common.js';
import { PLAYER_SOURCES } from '../processors/sql/player-source.js';
import {
  bettingprosPlayerPointsProps,
  bigdataballPlayByPlay,
  nbacSchedule,
  nbacTeamBoxscore,
  oddsApiPlayerPointsProps,
  RAW_TABLES,
} from '../warehouse/tables/raw-tables.js';
import type { TableDef } from '../warehouse/schema.js';
import { defineCheck, type CheckSqlContext, type ValidationCheck } from './check.js';

const PHASE3 = (): ProcessorDefinition[] => phaseProcessors(3, PROCESSORS);
const PHASE4 = (): ProcessorDefinition[] => phaseProcessors(4, PROCESSORS);

function scope(ctx: CheckSqlContext): { start: string; end: string; isBootstrap: (date: string) => string } {
  const { d } = ctx;
  return {
    start: d.param('start', 'DATE'),
    end: d.param('end', 'DATE'),
    isBootstrap: (date) => d.inArray(d.cast(date, 'STRING'), d.param('bootstrap_dates', 'ARRAY<STRING>')),
  };
}

/** Final game dates in scope; needs the `final_games` CTE. */
function expectedDates(ctx: CheckSqlContext): string {
  const { start, end } = scope(ctx);
  return `final_games AS (${finalGamesSql(ctx.d, start, end, ctx.table(nbacSchedule))}),
  expected AS (SELECT DISTINCT game_date FROM final_games)`;
}

function datesOf(ctx: CheckSqlContext, tables: readonly TableDef[]): string {
  const { start, end } = scope(ctx);
  return tables
    .map((t) => `SELECT ${t.dateColumn} AS game_date FROM ${ctx.table(t)} WHERE ${t.dateColumn} BETWEEN ${start} AND ${end}`)
    .join(' UNION DISTINCT ');
}

/** Phase 2 input groups: required ones gate the run, optional ones are reported. */
const INPUT_GROUPS: { name: string; tables: readonly TableDef[]; required: boolean }[] = [
  { name: 'schedule', tables: [nbacSchedule], required: true },
  { name: 'player stats', tables: PLAYER_SOURCES, required: true },
  { name: 'team box scores', tables: [nbacTeamBoxscore], required: true },
  { name: 'odds api prop lines', tables: [oddsApiPlayerPointsProps], required: false },
  { name: 'bettingpros prop lines', tables: [bettingprosPlayerPointsProps], required: false },
  { name: 'play-by-play', tables: [bigdataballPlayByPlay], required: false },
];

export const p2Readiness = defineCheck({
  name: 'p2_readiness',
  phase: 2,
  level: 'block',
  description:
    'Phase 2 coverage of the schedule\'s game dates per input group: a required group (schedule, player stats from any source, team box scores) blocks below 95 % and warns below 99 %; optional sources and raw duplicates are information',
  remedy: 'load the missing raw dates (backfill import TABLE FILE, or the scrapers), then validate again; processors resolve raw duplicates themselves',
  sql(ctx) {
    const { d } = ctx;
    const { start, end } = scope(ctx);
    const groups = INPUT_GROUPS.map(
      (g) => `SELECT '${g.name}' AS input_group, '${g.tables.map((t) => t.name).join(' | ')}' AS tables, ${g.required ? 'TRUE' : 'FALSE'} AS required,
          (SELECT COUNT(*) FROM expected) AS expected_dates,
          (SELECT COUNT(*) FROM expected WHERE game_date IN (${datesOf(ctx, g.tables)})) AS covered_dates,
          (SELECT STRING_AGG(${d.cast('game_date', 'STRING')}, ',' ORDER BY game_date) FROM expected
             WHERE game_date NOT IN (${datesOf(ctx, g.tables)})) AS missing_dates`,
    );
    const duplicates = RAW_TABLES.filter((t) => t.name !== nbacSchedule.name).map(
      (t) => `SELECT 'duplicates in ${t.name}' AS input_group, '${t.name}' AS tables, FALSE AS required,
          NULL AS expected_dates, COUNT(*) AS covered_dates, ${d.cast('NULL', 'STRING')} AS missing_dates
        FROM (SELECT ${t.key.join(', ')} FROM ${ctx.table(t)} WHERE ${t.dateColumn} BETWEEN ${start} AND ${end}
              GROUP BY ${[t.dateColumn, ...t.key].join(', ')} HAVING COUNT(*) > 1) AS dup
        HAVING COUNT(*) > 0`,
    );
    return `WITH ${expectedDates(ctx)},
  coverage AS (${groups.join('\n  UNION ALL ')})
SELECT input_group, tables, expected_dates, covered_dates,
  ROUND(100.0 * ${d.safeDivide('covered_dates', 'expected_dates')}, 1) AS coverage_pct, missing_dates,
  CASE WHEN NOT required THEN 'info'
       WHEN expected_dates = 0 THEN NULL
       WHEN 100.0 * covered_dates / expected_dates < 95 THEN 'block'
       WHEN 100.0 * covered_dates / expected_dates < 99 THEN 'warn' END AS level
FROM coverage
WHERE NOT required OR (expected_dates > 0 AND covered_dates * 100.0 / expected_dates < 99)
UNION ALL
SELECT input_group, tables, expected_dates, covered_dates, NULL AS coverage_pct, missing_dates, 'info' AS level
FROM (${duplicates.join('\n  UNION ALL ')}) AS raw_duplicates`;
  },
});

export const p3Coverage = defineCheck({
  name: 'p3_coverage',
  phase: 3,
  level: 'block',
  description: 'every game date present in every Phase 3 table',
  remedy: 'run backfill phase3 for the named dates (the retry command in the run summary does it)',
  sql(ctx) {
    return coverageSql(ctx, PHASE3(), false);
  },
});

export const p4Coverage = defineCheck({
  name: 'p4_coverage',
  phase: 4,
  level: 'block',
  description: 'every post-bootstrap game date present in every Phase 4 table, and no rows on bootstrap days',
  remedy: 'run backfill phase4 for the missing dates; delete rows on bootstrap days with backfill rollback --phase 4',
  sql(ctx) {
    return coverageSql(ctx, PHASE4(), true);
  },
});

function coverageSql(ctx: CheckSqlContext, processors: readonly ProcessorDefinition[], phase4: boolean): string {
  const { start, end, isBootstrap } = scope(ctx);
  const perTable = processors.map((p) => {
    const t = p.table;
    const present = `SELECT DISTINCT ${t.dateColumn} FROM ${ctx.table(t)} WHERE ${t.dateColumn} BETWEEN ${start} AND ${end}`;
    const missing = `SELECT '${t.name}' AS table_name, game_date, 'no rows' AS problem FROM expected
      WHERE game_date NOT IN (${present})${phase4 ? ` AND NOT ${isBootstrap('game_date')}` : ''}`;
    if (!phase4) return missing;
    return `${missing}
      UNION ALL SELECT '${t.name}' AS table_name, ${t.dateColumn} AS game_date, 'rows on a bootstrap day' AS problem
      FROM (${present}) AS p WHERE ${isBootstrap(t.dateColumn)}`;
  });
  return `WITH ${expectedDates(ctx)}
SELECT table_name, game_date, problem FROM (${perTable.join('\n  UNION ALL ')}) AS offending`;
}

export const nullCritical = defineCheck({
  name: 'null_critical',
  phase: 3,
  level: 'block',
  description: 'active player rows with NULL points, minutes_played or team_abbr',
  remedy: 'inspect the raw source of the named games (player_game_summary.primary_source_used), fix or re-import it, then backfill phase3 those dates',
  sql(ctx) {
    const { start, end } = scope(ctx);
    return `SELECT game_date, game_id, player_lookup, primary_source_used,
      CASE WHEN points IS NULL THEN 'points' WHEN minutes_played IS NULL THEN 'minutes_played' ELSE 'team_abbr' END AS null_column
    FROM ${ctx.table(playerGameSummaryTable)}
    WHERE game_date BETWEEN ${start} AND ${end} AND is_active
      AND (points IS NULL OR minutes_played IS NULL OR team_abbr IS NULL)`;
  },
});

export const duplicateKeys = defineCheck({
  name: 'duplicate_keys',
  phase: 3,
  level: 'block',
  description: 'two rows for one key in any Phase 3 or Phase 4 table',
  remedy: 'backfill rollback the named dates for the phase, then run them again (the day replace cannot create duplicates, so look for other writers)',
  sql(ctx) {
    const { start, end } = scope(ctx);
    const parts = [...PHASE3(), ...PHASE4()].map((p) => {
      const t = p.table;
      return `SELECT '${t.name}' AS table_name, ${t.dateColumn} AS game_date, ${t.key[0]} AS key_value, COUNT(*) AS copies
        FROM ${ctx.table(t)} WHERE ${t.dateColumn} BETWEEN ${start} AND ${end}
        GROUP BY ${t.dateColumn}, ${t.key.join(', ')} HAVING COUNT(*) > 1`;
    });
    return parts.join('\nUNION ALL\n');
  },
});

export const playersPerGame = defineCheck({
  name: 'players_per_game',
  phase: 3,
  level: 'warn',
  description: 'games with fewer than 15 listed players in player_game_summary',
  remedy: 'a short listing usually means the game came from a fallback source that lists active players only; check primary_source_used and the gamebook for those games',
  sql(ctx) {
    const { start, end } = scope(ctx);
    return `SELECT game_date, game_id, COUNT(*) AS listed_players, MIN(primary_source_used) AS source
    FROM ${ctx.table(playerGameSummaryTable)} WHERE game_date BETWEEN ${start} AND ${end}
    GROUP BY game_date, game_id HAVING COUNT(*) < 15`;
  },
});

export const p4Quality = defineCheck({
  name: 'p4_quality',
  phase: 4,
  level: 'info',
  description: 'distribution of Good / OK / Degraded / Poor rows per Phase 4 table',
  remedy: 'early-season rows are thin by nature; a low share of Good after week 3 points at Phase 3 gaps (see p3_coverage)',
  sql(ctx) {
    const { d } = ctx;
    const { start, end } = scope(ctx);
    const parts = PHASE4().map((p) => {
      const t = p.table;
      return `SELECT '${t.name}' AS table_name, quality_tier, COUNT(*) AS row_count FROM ${ctx.table(t)}
        WHERE ${t.dateColumn} BETWEEN ${start} AND ${end} GROUP BY quality_tier`;
    });
    return `SELECT table_name, quality_tier, row_count,
      ROUND(100.0 * row_count / SUM(row_count) OVER (PARTITION BY table_name), 1) AS share_pct
    FROM (${parts.join('\n  UNION ALL ')}) AS tiers
    WHERE ${d.cast('row_count', 'INT64')} > 0`;
  },
});

/** Every check, in the order `validate` runs and prints them. */
export const CHECKS: readonly ValidationCheck[] = [p2Readiness, p3Coverage, p4Coverage, nullCritical, duplicateKeys, playersPerGame, p4Quality];
