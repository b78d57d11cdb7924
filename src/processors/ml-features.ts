/**
 * The feature vector of `ml_feature_store`, in order. Each feature names the table it comes from,
 * its SQL over the aliases of the feature-store query (NULL when the input is missing), its
 * default (used, and marked `default`, when the value is NULL) and whether it is required for a
 * row to be quality-ready. The seed's v2 list is the guide; features the tool's tables cannot
 * support yet (injuries, game lines, prediction feedback) are left out rather than faked.
 *
 * Aliases: u = upcoming_player_game_context, t/o = upcoming_team_game_context (team/opponent),
 * c = player_daily_cache, f = player_composite_factors, s = player_shot_zone_analysis,
 * z = team_defense_zone_analysis of the opponent.
 */
export interface FeatureSpec {
  readonly name: string;
  readonly source: string;
  readonly sql: string;
  readonly fallback: number;
  readonly required: boolean;
}

const UPGC = 'upcoming_player_game_context';
const UTGC = 'upcoming_team_game_context';
const PDC = 'player_daily_cache';
const PCF = 'player_composite_factors';
const PSZA = 'player_shot_zone_analysis';
const TDZA = 'team_defense_zone_analysis';

const feature = (name: string, source: string, sql: string, fallback: number, required = false): FeatureSpec => ({
  name,
  source,
  sql,
  fallback,
  required,
});

export const FEATURE_VERSION = 'v1_33features';

export const FEATURES: readonly FeatureSpec[] = [
  feature('points_avg_last_5', PDC, 'c.points_avg_last_5', 10, true),
  feature('points_avg_last_10', PDC, 'c.points_avg_last_10', 10, true),
  feature('points_avg_season', PDC, 'c.points_avg_season', 10, true),
  feature('points_std_last_10', PDC, 'c.points_std_last_10', 5),
  feature('games_in_last_7_days', UPGC, 'u.games_in_last_7_days', 3),
  feature('fatigue_score', PCF, 'f.fatigue_score', 50, true),
  feature('shot_zone_mismatch_score', PCF, 'f.shot_zone_mismatch_score', 0),
  feature('pace_score', PCF, 'f.pace_score', 0),
  feature('usage_spike_score', PCF, 'f.usage_spike_score', 0),
  feature('rest_advantage', UTGC, 'GREATEST(-2, LEAST(2, u.days_rest - o.team_days_rest))', 0),
  feature('minutes_avg_last_10', PDC, 'c.minutes_avg_last_10', 28, true),
  feature('usage_rate_last_10', PDC, 'c.usage_rate_last_10', 20),
  feature('ts_pct_last_10', PDC, 'c.ts_pct_last_10', 0.55),
  feature('opponent_def_rating', TDZA, 'z.defensive_rating_last_15', 112, true),
  feature('opponent_pace', TDZA, 'z.opponent_pace', 100, true),
  feature('home_away', UPGC, 'CASE WHEN u.home_game THEN 1 ELSE 0 END', 0),
  feature('back_to_back', UPGC, 'CASE WHEN u.back_to_back THEN 1 ELSE 0 END', 0),
  feature('playoff_game', UPGC, "CASE WHEN u.nba_game_id LIKE '004%' THEN 1 ELSE 0 END", 0),
  feature('pct_paint', PSZA, 's.paint_rate / 100', 0.35),
  feature('pct_mid_range', PSZA, 's.mid_range_rate / 100', 0.2),
  feature('pct_three', PSZA, 's.three_pt_rate / 100', 0.45),
  feature('team_pace', PDC, 'c.team_pace_last_10', 100),
  feature('team_off_rating', PDC, 'c.team_off_rating_last_10', 112),
  feature('team_win_pct', UTGC, 't.win_pct_to_date', 0.5),
  feature('vegas_points_line', UPGC, 'u.current_points_line', 0),
  feature('has_vegas_line', UPGC, 'CASE WHEN u.current_points_line IS NULL THEN 0 ELSE 1 END', 0),
  feature('line_vs_season_avg', UPGC, 'u.current_points_line - c.points_avg_season', 0),
  feature('days_rest', UPGC, 'LEAST(u.days_rest, 7)', 2),
  feature('minutes_load_last_7d', UPGC, 'u.minutes_in_last_7_days', 0),
  feature('games_played_season', PDC, 'c.games_played_season', 0),
  feature('opponent_paint_defense_vs_league', TDZA, 'z.paint_defense_vs_league_avg', 0),
  feature('opponent_three_defense_vs_league', TDZA, 'z.three_pt_defense_vs_league_avg', 0),
  feature('opponent_win_pct', UTGC, 'o.win_pct_to_date', 0.5),
];

/** Quality weight of a value by where it came from (the seed's weights): Phase 4 100, Phase 3 87, default 40. */
export function sourceWeight(source: string): number {
  return [UPGC, UTGC].includes(source) ? 87 : 100;
}

export const DEFAULT_WEIGHT = 40;
