import type { SqlDialect } from '../dialect.js';
import { historyFloor } from '../partition-filter.js';
import { platformTable } from './platform-layout.js';

/**
 * `nba_reference.processor_run_history` in the platform's own layout: the table its live pipeline
 * and dashboards read. The tool writes its rows in the platform's vocabulary (class names,
 * `phase_3_analytics`, the platform's statuses, JSON errors) and keeps what the platform has no
 * column for (fingerprint, command line, version, error class, finer states) in `summary` JSON.
 * Its rows are recognisable (`execution_host = 'backfill-cli'`, `backfill_mode`, the summary's
 * `tool` marker), and only they are read back: the live pipeline's rows are never the tool's.
 */
export const processorRunHistory = platformTable({
  dataset: 'nba_reference',
  name: 'processor_run_history',
  key: ['run_id', 'processor_name'],
});

export const TOOL_EXECUTION_HOST = 'backfill-cli';
export const TOOL_MARKER = 'backfill';

/** The platform's processor class per output table. */
export const PLATFORM_PROCESSOR_NAMES: Readonly<Record<string, string>> = {
  player_game_summary: 'PlayerGameSummaryProcessor',
  team_offense_game_summary: 'TeamOffenseGameSummaryProcessor',
  team_defense_game_summary: 'TeamDefenseGameSummaryProcessor',
  upcoming_player_game_context: 'UpcomingPlayerGameContextProcessor',
  upcoming_team_game_context: 'UpcomingTeamGameContextProcessor',
  team_defense_zone_analysis: 'TeamDefenseZoneAnalysisProcessor',
  player_shot_zone_analysis: 'PlayerShotZoneAnalysisProcessor',
  player_composite_factors: 'PlayerCompositeFactorsProcessor',
  player_daily_cache: 'PlayerDailyCacheProcessor',
  ml_feature_store: 'MLFeatureStoreProcessor',
};

export const PLATFORM_PHASES = { 3: 'phase_3_analytics', 4: 'phase_4_precompute' } as const;

/** The platform's failure_category for the tool's error classes. */
export const FAILURE_CATEGORIES: Readonly<Record<string, string>> = {
  'missing-dependency': 'upstream_failure',
  'upstream-not-done': 'upstream_failure',
  transient: 'timeout',
  'rate-limit': 'processing_error',
  quota: 'processing_error',
  'invalid-data': 'processing_error',
  'shrink-guard': 'processing_error',
  'lease-held': 'configuration_error',
  fatal: 'processing_error',
  interrupted: 'unknown',
};

/** The platform's error type names for the tool's classes (the runbook looks for `DependencyError`). */
export const ERROR_TYPES: Readonly<Record<string, string>> = {
  'missing-dependency': 'DependencyError',
  'upstream-not-done': 'DependencyError',
};

/**
 * The tool's rows of the history, in the tool's own words: `processor_name` is the table name,
 * `phase` 3 or 4, `status` with `rolled-back`, and the summary's fields as columns. Every reader
 * of history (dedup, resume, retry, status, report) reads this, never the table itself, and it
 * filters the partition column from a constant floor so BigQuery prunes.
 */
export function toolHistorySql(d: SqlDialect): string {
  const summary = (field: string) => d.jsonString('summary', `$.${field}`);
  const phase = `CASE phase WHEN '${PLATFORM_PHASES[3]}' THEN 3 WHEN '${PLATFORM_PHASES[4]}' THEN 4 END`;
  return `SELECT run_id, output_table AS processor_name, ${phase} AS phase, data_date,
      COALESCE(${summary('state')}, status) AS status, ${summary('skip_reason')} AS skip_reason,
      ${summary('error_class')} AS error_class, ${d.jsonText('errors')} AS errors,
      ${d.jsonStringArray('missing_dependencies')} AS missing_dependencies,
      records_processed AS rows_written, retry_attempt AS attempts, ${summary('input_fingerprint')} AS input_fingerprint,
      started_at, processed_at AS finished_at, ${d.cast(`ROUND(duration_seconds * 1000)`, 'INT64')} AS duration_ms,
      ${summary('command_line')} AS command_line, ${summary('tool_version')} AS tool_version
    FROM ${d.table(processorRunHistory)}
    WHERE ${historyFloor('data_date')} AND execution_host = '${TOOL_EXECUTION_HOST}' AND backfill_mode
      AND ${summary('tool')} = '${TOOL_MARKER}'`;
}
