import { morningAfter, type SampleRow, type SampleSeasonOptions } from './common.js';
import { actives, sides, type Coverage, type GameMeta } from './games.js';
import { hexHash, Rng } from './prng.js';
import type { PlayerLine } from './simulate.js';

// BigDataBall play-by-play: shot events only (what the shot-zone processors read).

interface Shot {
  shooter: PlayerLine;
  team: string;
  type: 'paint' | 'mid' | 'three';
  made: boolean;
  helper: PlayerLine | null;
  role: 'assist' | 'block' | null;
}

/** One event per field-goal attempt; box-score assists land on teammates' makes, blocks on misses. */
export function pbpRows(games: GameMeta[], coverage: Coverage, options: SampleSeasonOptions): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const m of games) {
    if (!coverage.pbp.has(m.gameId)) continue;
    const rng = Rng.from(options.seed, options.seasonYear, 'pbp', m.gameId);
    const processedAt = morningAfter(m.game.date, rng);
    const path = `sample-data/bigdataball/${m.game.date}/${m.gameId}.csv`;
    const shotsBy = new Map<string, Shot[]>();
    for (const [side] of sides(m)) {
      const shots: Shot[] = [];
      for (const l of actives(side)) {
        const add = (type: Shot['type'], attempts: number, makes: number) => {
          for (let i = 0; i < attempts; i++) {
            shots.push({ shooter: l, team: side.team.code, type, made: i < makes, helper: null, role: null });
          }
        };
        add('paint', l.paintA, l.paintM);
        add('mid', l.midA, l.midM);
        add('three', l.threeA, l.threeM);
      }
      rng.shuffle(shots);
      shotsBy.set(side.team.code, shots);
    }
    const assign = (shots: Shot[], tokens: PlayerLine[], made: boolean, role: Shot['role'], teammates: boolean) => {
      rng.shuffle(tokens);
      for (const helper of tokens) {
        const target = shots.find((s) => s.made === made && s.helper === null && (!teammates || s.shooter !== helper));
        if (!target) continue;
        target.helper = helper;
        target.role = role;
      }
    };
    for (const [side, other] of sides(m)) {
      const own = shotsBy.get(side.team.code) ?? [];
      assign(own, actives(side).flatMap((l) => Array.from({ length: l.ast }, () => l)), true, 'assist', true);
      assign(own, actives(other).flatMap((l) => Array.from({ length: l.blk }, () => l)), false, 'block', false);
    }
    const events = rng.shuffle([...(shotsBy.get(m.game.away) ?? []), ...(shotsBy.get(m.game.home) ?? [])]);
    events.forEach((s, i) => {
      let distance: number;
      let subtype: string;
      if (s.type === 'three') {
        distance = rng.int(23, 27);
        subtype = '3pt jump shot';
      } else if (s.type === 'mid') {
        distance = rng.int(9, 22);
        subtype = 'jump shot';
      } else {
        distance = rng.int(0, 8);
        const big = s.shooter.player.position !== 'G';
        if (distance <= 3 && big && rng.chance(0.35)) subtype = 'dunk';
        else subtype = distance >= 4 && rng.chance(0.25) ? 'hook shot' : 'layup';
      }
      const eventId = `${m.gameId}_${i + 1}`;
      rows.push({
        game_id: m.gameId,
        game_date: m.game.date,
        season_year: options.seasonYear,
        event_id: eventId,
        event_sequence: i + 1,
        event_type: 'shot',
        event_subtype: subtype,
        shot_made: s.made,
        shot_type: s.type === 'three' ? '3PT' : '2PT',
        shot_distance: distance,
        player_1_lookup: s.shooter.player.lookup,
        player_1_team_abbr: s.team,
        player_2_lookup: s.helper?.player.lookup ?? null,
        player_2_role: s.role,
        home_team_abbr: m.game.home,
        away_team_abbr: m.game.away,
        data_source: 'bigdataball',
        source_file_path: path,
        data_hash: hexHash(`pbp|${eventId}|${s.shooter.player.lookup}|${s.made}|${distance}`),
        processed_at: processedAt,
        created_at: processedAt,
      });
    });
  }
  return rows;
}
