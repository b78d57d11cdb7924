import { cols, type TableDef } from '../schema.js';
import { platformTable } from './platform-layout.js';

// Phase 2 raw tables in the platform's layouts (platform-layouts.ts, generated from its DDL). The
// lists below are the columns the processors, checks and sample data use: each must be a column
// of the platform's table (platformTable appends any other as the tool's own, and none is).

const loadColumns = [...cols('source_file_path data_hash', 'STRING'), ...cols('processed_at', 'TIMESTAMP')];

export const nbacSchedule = platformTable({
  dataset: 'nba_raw',
  name: 'nbac_schedule',
  key: ['game_id'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('game_date', 'DATE', true),
    ...cols('game_date_est', 'TIMESTAMP'),
    ...cols('season_year', 'INT64'),
    ...cols('season_nba_format', 'STRING'),
    ...cols('game_status', 'INT64', true),
    ...cols('home_team_tricode away_team_tricode', 'STRING', true),
    ...cols('home_team_score away_team_score', 'INT64'),
    ...cols('winning_team_tricode', 'STRING'),
    ...cols('is_regular_season is_playoffs is_all_star', 'BOOL'),
    ...loadColumns,
  ],
});

export const nbacTeamBoxscore = platformTable({
  dataset: 'nba_raw',
  name: 'nbac_team_boxscore',
  key: ['game_id', 'team_abbr'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('nba_game_id', 'STRING'),
    ...cols('game_date', 'DATE', true),
    ...cols('season_year', 'INT64'),
    ...cols('team_abbr', 'STRING', true),
    ...cols('is_home', 'BOOL'),
    ...cols('minutes', 'STRING'),
    ...cols(
      'fg_made fg_attempted three_pt_made three_pt_attempted ft_made ft_attempted ' +
        'offensive_rebounds defensive_rebounds total_rebounds assists steals blocks turnovers personal_fouls points plus_minus',
      'INT64',
    ),
    ...loadColumns,
  ],
});

const playerStatColumns = cols(
  'points field_goals_made field_goals_attempted three_pointers_made three_pointers_attempted ' +
    'free_throws_made free_throws_attempted offensive_rebounds defensive_rebounds total_rebounds ' +
    'assists steals blocks turnovers personal_fouls',
  'INT64',
);

export const nbacGamebookPlayerStats = platformTable({
  dataset: 'nba_raw',
  name: 'nbac_gamebook_player_stats',
  key: ['game_id', 'player_lookup'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('game_date', 'DATE', true),
    ...cols('season_year', 'INT64'),
    ...cols('home_team_abbr away_team_abbr', 'STRING'),
    ...cols('player_lookup', 'STRING', true),
    ...cols('player_name team_abbr player_status dnp_reason minutes', 'STRING'),
    ...cols('minutes_decimal', 'FLOAT64'),
    ...playerStatColumns,
    ...cols('plus_minus', 'INT64'),
    ...loadColumns,
  ],
});

export const nbacPlayerBoxscores = platformTable({
  dataset: 'nba_raw',
  name: 'nbac_player_boxscores',
  key: ['game_id', 'player_lookup'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('game_date', 'DATE', true),
    ...cols('season_year', 'INT64'),
    ...cols('game_status', 'STRING'),
    ...cols('home_team_abbr away_team_abbr', 'STRING'),
    ...cols('player_lookup', 'STRING', true),
    ...cols('player_full_name team_abbr minutes', 'STRING'),
    ...cols('starter', 'BOOL'),
    ...playerStatColumns,
    ...cols('plus_minus', 'INT64'),
    ...loadColumns,
  ],
});

export const bdlPlayerBoxscores = platformTable({
  dataset: 'nba_raw',
  name: 'bdl_player_boxscores',
  key: ['game_id', 'player_lookup'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('game_date', 'DATE', true),
    ...cols('season_year', 'INT64'),
    ...cols('game_status', 'STRING'),
    ...cols('home_team_abbr away_team_abbr', 'STRING'),
    ...cols('player_lookup', 'STRING', true),
    ...cols('player_full_name team_abbr minutes', 'STRING'),
    ...cols(
      'points field_goals_made field_goals_attempted three_pointers_made three_pointers_attempted ' +
        'free_throws_made free_throws_attempted offensive_rebounds defensive_rebounds rebounds ' +
        'assists steals blocks turnovers personal_fouls',
      'INT64',
    ),
    ...loadColumns,
  ],
});

export const oddsApiPlayerPointsProps = platformTable({
  dataset: 'nba_raw',
  name: 'odds_api_player_points_props',
  key: ['game_id', 'player_lookup', 'bookmaker', 'snapshot_timestamp'],
  extra: [
    ...cols('game_id', 'STRING', true),
    ...cols('odds_api_event_id', 'STRING'),
    ...cols('game_date', 'DATE', true),
    ...cols('game_start_time snapshot_timestamp', 'TIMESTAMP'),
    ...cols('minutes_before_tipoff', 'INT64'),
    ...cols('bookmaker', 'STRING', true),
    ...cols('player_lookup', 'STRING', true),
    ...cols('player_name', 'STRING'),
    ...cols('points_line', 'FLOAT64', true),
    ...cols('over_price under_price', 'FLOAT64'),
    ...cols('over_price_american under_price_american', 'INT64'),
    ...cols('data_source', 'STRING'),
    ...loadColumns,
  ],
});

export const bettingprosPlayerPointsProps = platformTable({
  dataset: 'nba_raw',
  name: 'bettingpros_player_points_props',
  key: ['player_lookup', 'bookmaker', 'bet_side', 'market_type', 'created_at'],
  extra: [
    ...cols('game_date', 'DATE', true),
    ...cols('market_type', 'STRING', true),
    ...cols('player_lookup', 'STRING', true),
    ...cols('player_name player_team', 'STRING'),
    ...cols('bookmaker bet_side', 'STRING', true),
    ...cols('points_line', 'FLOAT64', true),
    ...cols('odds_american', 'INT64'),
    ...cols('is_active is_best_line', 'BOOL'),
    ...cols('bookmaker_last_update', 'TIMESTAMP'),
    ...cols('opening_line', 'FLOAT64'),
    ...cols('opening_odds', 'INT64'),
    ...cols('opening_timestamp created_at', 'TIMESTAMP'),
    ...loadColumns,
  ],
});

export const bigdataballPlayByPlay = platformTable({
  dataset: 'nba_raw',
  name: 'bigdataball_play_by_play',
  key: ['game_id', 'event_id'],
  extra: [
    ...cols('game_id event_id', 'STRING', true),
    ...cols('game_date', 'DATE', true),
    ...cols('event_type event_subtype', 'STRING'),
    ...cols('shot_made', 'BOOL'),
    ...cols('shot_type', 'STRING'),
    ...cols('shot_distance', 'FLOAT64'),
    ...cols('player_1_lookup player_1_team_abbr player_2_lookup player_2_role', 'STRING'),
    ...cols('home_team_abbr away_team_abbr data_source', 'STRING'),
    ...loadColumns,
  ],
});

export const nbacInjuryReport = platformTable({
  dataset: 'nba_raw',
  name: 'nbac_injury_report',
  key: ['report_hour', 'game_date', 'team', 'player_lookup'],
  extra: [
    // report_date and report_hour: the NBA's report of that Eastern date and hour (e.g. 17 = 5 PM ET).
    ...cols('report_date game_date', 'DATE'),
    ...cols('report_hour', 'INT64'),
    ...cols('season game_time game_id matchup away_team home_team team', 'STRING'),
    ...cols('player_full_name player_lookup injury_status reason reason_category', 'STRING'),
    ...cols('confidence_score', 'FLOAT64'),
    ...loadColumns,
  ],
});

/** Every raw table, in the order `sample-data` writes them. */
export const RAW_TABLES: readonly TableDef[] = [
  nbacSchedule,
  nbacTeamBoxscore,
  nbacGamebookPlayerStats,
  nbacPlayerBoxscores,
  bdlPlayerBoxscores,
  oddsApiPlayerPointsProps,
  bettingprosPlayerPointsProps,
  bigdataballPlayByPlay,
  nbacInjuryReport,
];
