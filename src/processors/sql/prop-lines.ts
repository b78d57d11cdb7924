import type { SqlDialect } from '../../warehouse/dialect.js';
import { tableInRange } from './common.js';
import { bettingprosPlayerPointsProps, oddsApiPlayerPointsProps } from '../../warehouse/tables/raw-tables.js';

/** Median of `value` per (game_date, player_lookup) over rows of `source` (portable: no MEDIAN in BigQuery). */
function medianPerPlayer(source: string): string {
  return `SELECT game_date, player_lookup, AVG(points_line) AS points_line FROM (
      SELECT game_date, player_lookup, points_line,
        ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup ORDER BY points_line) AS k,
        COUNT(*) OVER (PARTITION BY game_date, player_lookup) AS n
      FROM (${source}) AS books
    ) AS ordered
    WHERE 2 * k BETWEEN n AND n + 2
    GROUP BY game_date, player_lookup`;
}

/**
 * Pre-tip points lines (product.md §6): per bookmaker the latest snapshot before tip-off, then the
 * median across bookmakers; Odds API first, then BettingPros (points market, over side, active
 * books, never its consensus row). Needs a `player_games` CTE (game_date, player_lookup, tip_at)
 * naming who plays when; defines `prop_lines` (game_date, player_lookup, points_line, line_source).
 */
export function propLinesCtes(d: SqlDialect, from: string, to: string): string {
  const oddsLatest = `SELECT o.game_date, o.player_lookup, o.points_line FROM (
      SELECT o.*, ROW_NUMBER() OVER (
        PARTITION BY o.game_date, o.player_lookup, o.bookmaker
        ORDER BY o.snapshot_timestamp DESC, o.processed_at DESC) AS snapshot_rank
      FROM ${tableInRange(d, oddsApiPlayerPointsProps, from, to)} AS o
      JOIN player_games AS pg ON pg.game_date = o.game_date AND pg.player_lookup = o.player_lookup
      WHERE o.points_line IS NOT NULL
        AND COALESCE(o.minutes_before_tipoff, 0) >= 0
        AND (o.snapshot_timestamp IS NULL OR pg.tip_at IS NULL OR o.snapshot_timestamp <= pg.tip_at)
    ) AS o WHERE snapshot_rank = 1`;
  const bettingProsLatest = `SELECT b.game_date, b.player_lookup, b.points_line FROM (
      SELECT b.*, ROW_NUMBER() OVER (
        PARTITION BY b.game_date, b.player_lookup, b.bookmaker
        ORDER BY b.bookmaker_last_update DESC, b.created_at DESC, b.processed_at DESC) AS snapshot_rank
      FROM ${tableInRange(d, bettingprosPlayerPointsProps, from, to)} AS b
      JOIN player_games AS pg ON pg.game_date = b.game_date AND pg.player_lookup = b.player_lookup
      WHERE b.points_line IS NOT NULL
        AND LOWER(b.market_type) = 'points' AND LOWER(b.bet_side) = 'over'
        AND COALESCE(b.is_active, TRUE) AND LOWER(b.bookmaker) NOT LIKE '%consensus%'
        AND (b.bookmaker_last_update IS NULL OR pg.tip_at IS NULL OR b.bookmaker_last_update <= pg.tip_at)
    ) AS b WHERE snapshot_rank = 1`;
  return `odds_api_lines AS (${medianPerPlayer(oddsLatest)}),
  bettingpros_lines AS (${medianPerPlayer(bettingProsLatest)}),
  prop_lines AS (
    SELECT game_date, player_lookup, points_line, 'odds_api' AS line_source FROM odds_api_lines
    UNION ALL
    SELECT b.game_date, b.player_lookup, b.points_line, 'bettingpros' AS line_source
    FROM bettingpros_lines AS b
    LEFT JOIN odds_api_lines AS o ON o.game_date = b.game_date AND o.player_lookup = b.player_lookup
    WHERE o.player_lookup IS NULL
  )`;
}
