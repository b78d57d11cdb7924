import { formatMinutes, morningAfter, stamp, type SampleRow, type SampleSeasonOptions } from './common.js';
import { actives, sides, type Coverage, type GameMeta } from './games.js';
import { hexHash, Rng } from './prng.js';
import { fga, fgm, points, UNITS_PER_MINUTE } from './simulate.js';
import { teamInfo } from './teams.js';

// Box scores: NBA.com team box score, gamebook, NBA.com player box score and Ball Don't Lie. Rows are
// object literals (much faster and smaller than objects built key by key); the columns a source does
// not carry are left out and written as NULL.

const GAMEBOOK_DUPLICATE_SHARE = 0.005;

export function teamBoxRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'team-box-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    const processedAt = morningAfter(m.game.date, rng);
    for (const [side, other] of sides(m)) {
      const t = side.totals;
      rows.push({
        game_id: m.gameId,
        nba_game_id: m.nbaId,
        game_date: m.game.date,
        season_year: options.seasonYear,
        team_id: teamInfo(side.team.code).id,
        team_abbr: side.team.code,
        is_home: side.isHome,
        minutes: `${240 + 25 * m.result.overtimes}:00`,
        fg_made: t.fgm,
        fg_attempted: t.fga,
        three_pt_made: t.threeM,
        three_pt_attempted: t.threeA,
        ft_made: t.ftm,
        ft_attempted: t.fta,
        offensive_rebounds: t.oreb,
        defensive_rebounds: t.dreb,
        total_rebounds: t.oreb + t.dreb,
        assists: t.ast,
        steals: t.stl,
        blocks: t.blk,
        turnovers: t.tov,
        personal_fouls: t.pf,
        points: t.points,
        plus_minus: t.points - other.totals.points,
        source_file_path: `sample-data/nba-com/team-boxscore/${m.game.date}/${m.nbaId}.json`,
        data_hash: hexHash(`team-box|${m.gameId}|${side.team.code}|${t.points}`),
        processed_at: processedAt,
      });
    }
  }
  return rows;
}

export function gamebookRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'gamebook-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.gamebook.has(m.gameId)) continue;
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/nba-com/gamebooks-data/${m.game.date}/${m.gameId}.json`;
    for (const [side] of sides(m)) {
      for (const l of side.lines) {
        const a = l.status === 'active';
        const row: SampleRow = {
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          player_lookup: l.player.lookup,
          player_name: l.player.name,
          player_name_original: l.player.name,
          team_abbr: side.team.code,
          player_status: l.status,
          dnp_reason: l.reason,
          minutes: a ? formatMinutes(l.units) : null,
          minutes_decimal: a ? l.units / UNITS_PER_MINUTE : null,
          points: a ? points(l) : null,
          field_goals_made: a ? fgm(l) : null,
          field_goals_attempted: a ? fga(l) : null,
          three_pointers_made: a ? l.threeM : null,
          three_pointers_attempted: a ? l.threeA : null,
          free_throws_made: a ? l.ftm : null,
          free_throws_attempted: a ? l.fta : null,
          offensive_rebounds: a ? l.oreb : null,
          defensive_rebounds: a ? l.dreb : null,
          total_rebounds: a ? l.oreb + l.dreb : null,
          assists: a ? l.ast : null,
          steals: a ? l.stl : null,
          blocks: a ? l.blk : null,
          turnovers: a ? l.tov : null,
          personal_fouls: a ? l.pf : null,
          plus_minus: a ? l.plusMinus : null,
          source_file_path: path,
          data_hash: hexHash(`gamebook|${m.gameId}|${l.player.lookup}|${l.status}|${l.units}|${points(l)}`),
          processed_at: processedAt,
        };
        rows.push(row);
        if (rng.chance(GAMEBOOK_DUPLICATE_SHARE)) {
          // A re-processed copy of the same row (consumers keep the latest processed_at).
          rows.push({ ...row, processed_at: stamp(m.game.date, 2 * 24 * 60 + 14 * 60 + rng.int(0, 240)) });
        }
      }
    }
  }
  return rows;
}

export function nbacBoxRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'nbac-box-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.nbacBox.has(m.gameId)) continue;
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/nba-com/boxscores/${m.game.date}/${m.nbaId}.json`;
    for (const [side] of sides(m)) {
      for (const l of actives(side)) {
        rows.push({
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          nba_game_id: m.nbaId,
          game_status: 'Final',
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          nba_player_id: l.player.nbaId,
          player_full_name: l.player.name,
          player_lookup: l.player.lookup,
          team_abbr: side.team.code,
          minutes: formatMinutes(l.units),
          starter: l.starter,
          points: points(l),
          field_goals_made: fgm(l),
          field_goals_attempted: fga(l),
          three_pointers_made: l.threeM,
          three_pointers_attempted: l.threeA,
          free_throws_made: l.ftm,
          free_throws_attempted: l.fta,
          offensive_rebounds: l.oreb,
          defensive_rebounds: l.dreb,
          total_rebounds: l.oreb + l.dreb,
          assists: l.ast,
          steals: l.stl,
          blocks: l.blk,
          turnovers: l.tov,
          personal_fouls: l.pf,
          plus_minus: l.plusMinus,
          source_file_path: path,
          data_hash: hexHash(`nbac-box|${m.gameId}|${l.player.lookup}|${l.units}|${points(l)}`),
          created_at: processedAt,
          processed_at: processedAt,
        });
      }
    }
  }
  return rows;
}

export function bdlRows(games: GameMeta[], options: SampleSeasonOptions): SampleRow[] {
  const rng = Rng.from(options.seed, options.seasonYear, 'bdl-rows');
  const rows: SampleRow[] = [];
  for (const m of games) {
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/ball-dont-lie/boxscores/${m.game.date}.json`;
    for (const [side] of sides(m)) {
      for (const l of actives(side)) {
        rows.push({
          game_id: m.gameId,
          game_date: m.game.date,
          season_year: options.seasonYear,
          game_status: 'Final',
          is_postseason: m.game.playoff,
          home_team_abbr: m.game.home,
          away_team_abbr: m.game.away,
          player_lookup: l.player.lookup,
          player_full_name: l.player.name,
          team_abbr: side.team.code,
          minutes: formatMinutes(l.units),
          points: points(l),
          field_goals_made: fgm(l),
          field_goals_attempted: fga(l),
          three_pointers_made: l.threeM,
          three_pointers_attempted: l.threeA,
          free_throws_made: l.ftm,
          free_throws_attempted: l.fta,
          offensive_rebounds: l.oreb,
          defensive_rebounds: l.dreb,
          rebounds: l.oreb + l.dreb,
          assists: l.ast,
          steals: l.stl,
          blocks: l.blk,
          turnovers: l.tov,
          personal_fouls: l.pf,
          source_file_path: path,
          data_hash: hexHash(`bdl|${m.gameId}|${l.player.lookup}|${l.units}|${points(l)}`),
          created_at: processedAt,
          processed_at: processedAt,
        });
      }
    }
  }
  return rows;
}
