import { cols, defineTable } from '../warehouse/schema.js';
import { nbacSchedule } from '../warehouse/tables/raw-tables.js';
import { DEFAULT_WEIGHT, FEATURE_VERSION, FEATURES, sourceWeight } from './ml-features.js';
import { playerCompositeFactorsTable } from './player-composite-factors.js';
import { playerDailyCacheTable } from './player-daily-cache.js';
import { playerShotZoneAnalysisTable } from './player-shot-zone-analysis.js';
import { defineProcessor } from './processor.js';
import { completenessSql, finalGamesSql, rangeParams, seasonYearSql, tableInRange } from './sql/common.js';
import { listedPlayersSql, qualityTierSql } from './sql/windows.js';
import { teamDefenseZoneAnalysisTable } from './team-defense-zone-analysis.js';
import { upcomingPlayerGameContextTable } from './upcoming-player-game-context.js';
import { upcomingTeamGameContextTable } from './upcoming-team-game-context.js';

export const mlFeatureStoreTable = defineTable({
  dataset: 'nba_precompute',
  name: 'ml_feature_store',
  dateColumn: 'game_date',
  key: ['player_lookup'],
  columns: [
    ...cols('game_date', 'DATE'),
    ...cols('season_year', 'INT64'),
    ...cols('game_id player_lookup team_abbr opponent_team_abbr', 'STRING'),
    ...cols('feature_names', 'ARRAY<STRING>'),
    ...cols('features', 'ARRAY<FLOAT64>'),
    ...cols('feature_sources', 'ARRAY<STRING>'),
    ...cols('feature_count default_feature_count required_default_count', 'INT64'),
    ...cols('feature_version', 'STRING'),
    ...cols('feature_quality_score completeness_pct', 'FLOAT64'),
    ...cols('quality_tier', 'STRING'),
    ...cols('is_quality_ready', 'BOOL'),
    ...cols('processed_at', 'TIMESTAMP'),
  ],
});

/**
 * One row per listed player with a played game before the date: the model's feature vector, each
 * value's source (or `default`), and a quality score that counts defaults against it.
 */
export const mlFeatureStore = defineProcessor({
  name: 'ml_feature_store',
  phase: 4,
  description: 'the versioned ML feature vector per listed player, with sources and quality',
  table: mlFeatureStoreTable,
  requires: [
    { name: 'schedule', tables: [nbacSchedule] },
    { name: 'player context', tables: [upcomingPlayerGameContextTable] },
    { name: 'player daily cache', tables: [playerDailyCacheTable] },
    { name: 'composite factors', tables: [playerCompositeFactorsTable] },
  ],
  optional: [playerShotZoneAnalysisTable, teamDefenseZoneAnalysisTable, upcomingTeamGameContextTable],
  lookback: false,
  dependsOn: ['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_composite_factors', 'player_daily_cache'],
  expectedRows: { min: 1, description: 'a row per listed player with a played game before the date' },
  select(d) {
    const { start, end } = rangeParams(d);
    const value = (i: number) => `v${i}`;
    const values = FEATURES.map((f, i) => `${d.cast(f.sql, 'FLOAT64')} AS ${value(i)}`).join(',\n    ');
    const features = d.array(FEATURES.map((f, i) => `COALESCE(${value(i)}, ${f.fallback})`), 'FLOAT64');
    const sources = d.array(FEATURES.map((f, i) => `CASE WHEN ${value(i)} IS NULL THEN 'default' ELSE '${f.source}' END`), 'STRING');
    const names = d.array(FEATURES.map((f) => `'${f.name}'`), 'STRING');
    const sum = (term: (i: number) => string) => balancedSum(FEATURES.map((_, i) => term(i)));
    const defaults = sum((i) => `CASE WHEN ${value(i)} IS NULL THEN 1 ELSE 0 END`);
    const requiredDefaults = sum((i) => (FEATURES[i]?.required ? `CASE WHEN ${value(i)} IS NULL THEN 1 ELSE 0 END` : '0'));
    // Mean source weight over the features, leaving out optional ones that fell back to a default.
    const weightSum = sum((i) => {
      const f = FEATURES[i];
      return `CASE WHEN ${value(i)} IS NULL THEN ${f?.required ? DEFAULT_WEIGHT : 0} ELSE ${sourceWeight(f?.source ?? '')} END`;
    });
    const weightCount = sum((i) => `CASE WHEN ${value(i)} IS NULL THEN ${FEATURES[i]?.required ? 1 : 0} ELSE 1 END`);
    return `WITH final_games AS (${finalGamesSql(d, start, end)}),
  listed AS (${listedPlayersSql(d, start, end)}),
  raw_values AS (
    SELECT u.game_date, u.game_id, u.player_lookup, u.team_abbr, u.opponent_team_abbr, c.games_in_sample,
    ${values}
    FROM listed AS u
    LEFT JOIN ${tableInRange(d, playerDailyCacheTable, start, end)} AS c ON c.cache_date = u.game_date AND c.player_lookup = u.player_lookup
    LEFT JOIN ${tableInRange(d, playerCompositeFactorsTable, start, end)} AS f ON f.game_date = u.game_date AND f.player_lookup = u.player_lookup
    LEFT JOIN ${tableInRange(d, playerShotZoneAnalysisTable, start, end)} AS s ON s.analysis_date = u.game_date AND s.player_lookup = u.player_lookup
    LEFT JOIN ${tableInRange(d, teamDefenseZoneAnalysisTable, start, end)} AS z ON z.analysis_date = u.game_date AND z.team_abbr = u.opponent_team_abbr
    LEFT JOIN ${tableInRange(d, upcomingTeamGameContextTable, start, end)} AS t ON t.game_date = u.game_date AND t.team_abbr = u.team_abbr
    LEFT JOIN ${tableInRange(d, upcomingTeamGameContextTable, start, end)} AS o ON o.game_date = u.game_date AND o.team_abbr = u.opponent_team_abbr
  ),
  scored AS (
    SELECT r.*, ${defaults} AS default_feature_count, ${requiredDefaults} AS required_default_count,
      ${d.safeDivide(weightSum, weightCount)} AS mean_weight
    FROM raw_values AS r
  ),
  capped AS (
    SELECT s.*, ROUND(CASE WHEN required_default_count >= 5 THEN LEAST(mean_weight, 49)
                           WHEN required_default_count >= 1 THEN LEAST(mean_weight, 69)
                           ELSE mean_weight END, 1) AS feature_quality_score
    FROM scored AS s
  )
SELECT game_date, ${seasonYearSql('game_date')} AS season_year, game_id, player_lookup, team_abbr, opponent_team_abbr,
  ${names} AS feature_names, ${features} AS features, ${sources} AS feature_sources,
  ${FEATURES.length} AS feature_count, default_feature_count, required_default_count,
  '${FEATURE_VERSION}' AS feature_version, feature_quality_score,
  ${completenessSql('games_in_sample', 10)} AS completeness_pct,
  ${qualityTierSql(completenessSql('games_in_sample', 10))} AS quality_tier,
  feature_quality_score >= 70 AND required_default_count = 0 AS is_quality_ready,
  ${d.currentTimestamp()} AS processed_at
FROM capped`;
  },
});

/**
 * `a + b + c + ...` as a balanced tree: the same value, but shallow, so BigQuery's analyzer (and
 * its response) does not nest one level per feature.
 */
function balancedSum(terms: readonly string[]): string {
  if (terms.length === 1) return terms[0] as string;
  const middle = Math.ceil(terms.length / 2);
  return `(${balancedSum(terms.slice(0, middle))} + ${balancedSum(terms.slice(middle))})`;
}
