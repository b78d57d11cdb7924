import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '../../src/calendar/dates.js';
import {
  generateSampleSeason,
  playerLookup,
  type SampleRow,
  type SampleSeason,
  type SampleValue,
} from '../../src/sample-data/generate.js';
import { allStarBreak, TEAM_CODES, thanksgiving } from '../../src/sample-data/schedule.js';
import { RAW_TABLES } from '../../src/warehouse/tables/raw-tables.js';

const OPTIONS = { seasonYear: 2021, start: '2021-10-19', end: '2022-04-10', seed: 1 } as const;
/** Generous per-test limit for the loops over a whole season (slow shared CI machines). */
const SLOW = 30_000;

let season: SampleSeason;

function rowsOf(name: string): SampleRow[] {
  const rows = season[name];
  if (!rows) throw new Error(`no table ${name}`);
  return rows;
}

function num(row: SampleRow, column: string): number {
  const value = row[column];
  if (typeof value !== 'number') throw new Error(`${column} is not a number: ${String(value)}`);
  return value;
}

function str(row: SampleRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`${column} is not a string: ${String(value)}`);
  return value;
}

function groupBy(rows: readonly SampleRow[], key: (row: SampleRow) => string): Map<string, SampleRow[]> {
  const groups = new Map<string, SampleRow[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Latest row per key (the consumers' de-duplication by processed_at). */
function latest(rows: readonly SampleRow[], key: (row: SampleRow) => string): SampleRow[] {
  const best = new Map<string, SampleRow>();
  for (const row of rows) {
    const k = key(row);
    const seen = best.get(k);
    if (!seen || str(row, 'processed_at') > str(seen, 'processed_at')) best.set(k, row);
  }
  return [...best.values()];
}

/** Collects failed checks so that big loops make one assertion instead of thousands. */
class Problems {
  readonly list: string[] = [];
  check(ok: boolean, what: () => string): void {
    if (!ok && this.list.length < 20) this.list.push(what());
  }
}

function minutesToSeconds(text: string): number {
  const [mm, ss] = text.split(':').map(Number) as [number, number];
  return mm * 60 + ss;
}

/** Final schedule rows (status 3). */
function finals(): SampleRow[] {
  return rowsOf('nbac_schedule').filter((r) => r.game_status === 3);
}

function systemId(r: SampleRow): string {
  return `${str(r, 'game_date').replaceAll('-', '')}_${str(r, 'away_team_tricode')}_${str(r, 'home_team_tricode')}`;
}

beforeAll(() => {
  const started = performance.now();
  season = generateSampleSeason(OPTIONS);
  const ms = Math.round(performance.now() - started);
  const counts = Object.entries(season)
    .map(([name, rows]) => `${name}=${rows.length}`)
    .join(' ');
  console.log(`sample season generated in ${ms} ms: ${counts}`);
}, 60_000);

describe('generateSampleSeason: shape', () => {
  it('returns every raw table, with known columns, every REQUIRED one filled, and value types', () => {
    expect(Object.keys(season)).toEqual(RAW_TABLES.map((t) => t.name));
    const patterns: Partial<Record<string, RegExp>> = {
      DATE: /^\d{4}-\d{2}-\d{2}$/,
      TIMESTAMP: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    };
    const typeOk = (type: string, value: SampleValue): boolean => {
      const pattern = patterns[type];
      if (pattern) return typeof value === 'string' && pattern.test(value);
      switch (type) {
        case 'INT64':
          return Number.isInteger(value);
        case 'FLOAT64':
        case 'NUMERIC':
          return typeof value === 'number' && Number.isFinite(value);
        case 'BOOL':
          return typeof value === 'boolean';
        case 'STRING':
          return typeof value === 'string';
        default:
          // JSON, ARRAY and STRUCT columns: the sample data fills none (extend this when it does).
          return false;
      }
    };
    const problems = new Problems();
    for (const table of RAW_TABLES) {
      const rows = rowsOf(table.name);
      expect(rows.length, table.name).toBeGreaterThan(0);
      const types = new Map(table.columns.map((c) => [c.name, c.type]));
      const required = table.columns.filter((c) => c.mode === 'REQUIRED').map((c) => c.name);
      // The injury report's layout has no REQUIRED column; every other raw table has some.
      if (table.name !== 'nbac_injury_report') expect(required.length, table.name).toBeGreaterThan(0);
      // Every row of the small tables, every third row of the big ones (keeps the test fast).
      const stride = rows.length > 30_000 ? 3 : 1;
      for (let i = 0; i < rows.length; i += stride) {
        const row = rows[i] as SampleRow;
        for (const column of required) {
          problems.check(row[column] !== null && row[column] !== undefined, () => `${table.name}.${column} (REQUIRED) is missing or null`);
        }
        problems.check(row.processed_at !== null && row.processed_at !== undefined, () => `${table.name}.processed_at is null`);
        for (const [column, value] of Object.entries(row)) {
          const type = types.get(column);
          if (type === undefined) {
            problems.check(false, () => `${table.name} has no column ${column}`);
            continue;
          }
          if (value === null) continue;
          problems.check(typeOk(type, value), () => `${table.name}.${column} (${type}) has ${JSON.stringify(value)}`);
        }
      }
    }
    expect(problems.list).toEqual([]);
  }, SLOW);

  it('normalises player names like the seed', () => {
    expect(playerLookup('José Alvarado')).toBe('josealvarado');
    expect(playerLookup('Nikola Jokić')).toBe('nikolajokic');
    expect(playerLookup("D'Angelo Russell Jr.")).toBe('dangelorusselljr');
  }, SLOW);

  it('gives every player one team and a unique player_lookup', () => {
    const teams = new Map<string, Set<string>>();
    for (const r of rowsOf('nbac_gamebook_player_stats')) {
      const set = teams.get(str(r, 'player_lookup')) ?? new Set<string>();
      set.add(str(r, 'team_abbr'));
      teams.set(str(r, 'player_lookup'), set);
    }
    expect(teams.size).toBe(30 * 15);
    for (const set of teams.values()) expect(set.size).toBe(1);
    const names = new Set(rowsOf('nbac_gamebook_player_stats').map((r) => str(r, 'player_name')));
    expect([...names].some((n) => n !== n.normalize('NFD'))).toBe(true);
  }, SLOW);
});

describe('generateSampleSeason: schedule', () => {
  it('has exactly 1230 regular-season games, 82 per team, 41 at home', () => {
    const regular = finals().filter((r) => r.is_regular_season === true);
    expect(regular).toHaveLength(1230);
    expect(new Set(regular.map((r) => r.game_id)).size).toBe(1230);
    expect(regular.every((r) => /^00221\d{5}$/.test(str(r, 'game_id')))).toBe(true);
    const games = new Map<string, number>(TEAM_CODES.map((t) => [t, 0]));
    const home = new Map<string, number>(TEAM_CODES.map((t) => [t, 0]));
    for (const r of regular) {
      games.set(str(r, 'home_team_tricode'), (games.get(str(r, 'home_team_tricode')) ?? 0) + 1);
      games.set(str(r, 'away_team_tricode'), (games.get(str(r, 'away_team_tricode')) ?? 0) + 1);
      home.set(str(r, 'home_team_tricode'), (home.get(str(r, 'home_team_tricode')) ?? 0) + 1);
    }
    expect(games.size).toBe(30);
    for (const count of games.values()) expect(count).toBe(82);
    for (const count of home.values()) expect(count).toBe(41);
  }, SLOW);

  it('never has a team twice on one date', () => {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const r of finals()) {
      for (const team of [str(r, 'home_team_tricode'), str(r, 'away_team_tricode')]) {
        const key = `${str(r, 'game_date')}|${team}`;
        if (seen.has(key)) twice.push(key);
        seen.add(key);
      }
    }
    expect(twice).toEqual([]);
  }, SLOW);

  it('spans start..end with 155-170 game dates, an All-Star break, no Dec 24 or Thanksgiving', () => {
    const dates = [...new Set(finals().filter((r) => r.is_regular_season).map((r) => str(r, 'game_date')))].sort();
    expect(dates[0]).toBe(OPTIONS.start);
    expect(dates.at(-1)).toBe(OPTIONS.end);
    expect(dates.length).toBeGreaterThanOrEqual(155);
    expect(dates.length).toBeLessThanOrEqual(170);
    const brk = allStarBreak(OPTIONS.seasonYear);
    expect(brk).toEqual({ start: '2022-02-18', end: '2022-02-23' });
    const all = new Set(rowsOf('nbac_schedule').map((r) => str(r, 'game_date')));
    for (const day of eachDay(brk.start, brk.end)) expect(all.has(day), day).toBe(false);
    expect(all.has('2021-12-24')).toBe(false);
    expect(thanksgiving(2021)).toBe('2021-11-25');
    expect(all.has('2021-11-25')).toBe(false);
    expect(rowsOf('nbac_schedule').every((r) => r.is_all_star === false)).toBe(true);
  }, SLOW);

  it('has a short postseason from end + 4 with 004 ids', () => {
    const playoffs = finals().filter((r) => r.is_playoffs === true);
    expect(playoffs.length).toBeGreaterThanOrEqual(20);
    expect(playoffs.every((r) => str(r, 'game_id').startsWith('004') && r.is_regular_season === false)).toBe(true);
    const dates = [...new Set(playoffs.map((r) => str(r, 'game_date')))].sort();
    expect(dates[0]).toBe(addDays(OPTIONS.end, 4));
    expect(dates.length).toBeGreaterThanOrEqual(8);
    const teams = new Set(playoffs.flatMap((r) => [r.home_team_tricode, r.away_team_tricode]));
    expect(teams.size).toBe(16);
  }, SLOW);

  it('has NBA.com game codes, the season label, status texts and one team id and name per tricode', () => {
    const problems = new Problems();
    const ids = new Map<string, Set<number>>();
    const names = new Map<string, Set<string>>();
    const note = (code: string, id: SampleValue | undefined, name: SampleValue | undefined) => {
      ids.set(code, (ids.get(code) ?? new Set<number>()).add(id as number));
      if (name !== undefined) names.set(code, (names.get(code) ?? new Set<string>()).add(name as string));
    };
    for (const r of rowsOf('nbac_schedule')) {
      const code = str(r, 'game_code');
      problems.check(/^\d{8}\/[A-Z]{6}$/.test(code), () => `game_code ${code}`);
      problems.check(
        code === `${str(r, 'game_date').replaceAll('-', '')}/${str(r, 'away_team_tricode')}${str(r, 'home_team_tricode')}`,
        () => `game_code ${code} does not match ${systemId(r)}`,
      );
      problems.check(r.season === '2021-22' && r.season_nba_format === '2021-22', () => `season ${String(r.season)}`);
      problems.check(r.game_status_text === (r.game_status === 3 ? 'Final' : 'Scheduled'), () => `status text ${String(r.game_status_text)}`);
      problems.check(r.created_at === r.processed_at, () => `created_at ${String(r.created_at)}`);
      note(str(r, 'home_team_tricode'), r.home_team_id, r.home_team_name);
      note(str(r, 'away_team_tricode'), r.away_team_id, r.away_team_name);
    }
    for (const r of rowsOf('nbac_team_boxscore')) note(str(r, 'team_abbr'), r.team_id, undefined);
    expect(problems.list).toEqual([]);
    expect(ids.size).toBe(30);
    const all = new Set<number>();
    for (const [code, set] of ids) {
      expect(set.size, code).toBe(1);
      const id = [...set][0] as number;
      expect(id).toBeGreaterThanOrEqual(1610612737);
      expect(id).toBeLessThanOrEqual(1610612766);
      all.add(id);
      expect(names.get(code)?.size, code).toBe(1);
    }
    expect(all.size).toBe(30);
    const mil = finals().find((r) => r.home_team_tricode === 'MIL');
    expect([mil?.home_team_id, mil?.home_team_name]).toEqual([1610612749, 'Bucks']);
  }, SLOW);

  it('scores match the team box score, with some scheduled-status duplicates', () => {
    const box = groupBy(rowsOf('nbac_team_boxscore'), (r) => str(r, 'nba_game_id'));
    const problems = new Problems();
    for (const r of finals()) {
      const teams = box.get(str(r, 'game_id')) ?? [];
      const home = teams.find((t) => t.is_home === true);
      const away = teams.find((t) => t.is_home === false);
      problems.check(
        teams.length === 2 &&
          home?.game_id === systemId(r) &&
          home.points === r.home_team_score &&
          away?.points === r.away_team_score &&
          r.winning_team_tricode ===
            (num(r, 'home_team_score') > num(r, 'away_team_score') ? r.home_team_tricode : r.away_team_tricode),
        () => `schedule ${String(r.game_id)} does not match its team box score`,
      );
    }
    expect(problems.list).toEqual([]);
    const previews = rowsOf('nbac_schedule').filter((r) => r.game_status === 1);
    expect(previews.length).toBeGreaterThan(0.02 * finals().length);
    const finalById = new Map(finals().map((r) => [r.game_id, r]));
    for (const p of previews) {
      expect(p.home_team_score).toBeNull();
      expect(str(p, 'processed_at') < str(finalById.get(p.game_id) as SampleRow, 'processed_at')).toBe(true);
    }
  }, SLOW);
});

describe('generateSampleSeason: box scores', () => {
  it('team totals equal the sums of active players in every source that has the game', () => {
    const teamRows = rowsOf('nbac_team_boxscore');
    const sources: [string, string][] = [
      ['nbac_gamebook_player_stats', 'total_rebounds'],
      ['nbac_player_boxscores', 'total_rebounds'],
      ['bdl_player_boxscores', 'rebounds'],
    ];
    const pairs: [string, string][] = [
      ['points', 'points'],
      ['fg_made', 'field_goals_made'],
      ['fg_attempted', 'field_goals_attempted'],
      ['three_pt_made', 'three_pointers_made'],
      ['three_pt_attempted', 'three_pointers_attempted'],
      ['ft_made', 'free_throws_made'],
      ['ft_attempted', 'free_throws_attempted'],
      ['offensive_rebounds', 'offensive_rebounds'],
      ['defensive_rebounds', 'defensive_rebounds'],
      ['assists', 'assists'],
      ['steals', 'steals'],
      ['blocks', 'blocks'],
      ['turnovers', 'turnovers'],
      ['personal_fouls', 'personal_fouls'],
    ];
    const problems = new Problems();
    for (const [source, rebounds] of sources) {
      const rows = latest(rowsOf(source), (r) => `${str(r, 'game_id')}|${str(r, 'player_lookup')}`).filter(
        (r) => r.player_status === undefined || r.player_status === 'active',
      );
      const byTeamGame = groupBy(rows, (r) => `${str(r, 'game_id')}|${str(r, 'team_abbr')}`);
      let compared = 0;
      for (const team of teamRows) {
        const key = `${str(team, 'game_id')}|${str(team, 'team_abbr')}`;
        const players = byTeamGame.get(key);
        if (!players) continue;
        compared++;
        problems.check(players.length === 13, () => `${source} ${key}: ${players.length} active players`);
        for (const [teamColumn, playerColumn] of [...pairs, ['total_rebounds', rebounds] as [string, string]]) {
          const sum = players.reduce((s, p) => s + num(p, playerColumn), 0);
          const expected = team[teamColumn];
          problems.check(sum === expected, () => `${source} ${key}: ${playerColumn} sums to ${sum}, not ${String(expected)}`);
        }
        const seconds = players.reduce((s, p) => s + minutesToSeconds(str(p, 'minutes')), 0);
        problems.check(seconds === minutesToSeconds(str(team, 'minutes')), () => `${source} ${key}: ${seconds} seconds`);
      }
      expect(compared, source).toBeGreaterThan(0);
    }
    expect(problems.list).toEqual([]);
  }, SLOW);

  it('plays 240, 265 or 290 minutes per team-game, with overtime sometimes', () => {
    const minutes = rowsOf('nbac_team_boxscore').map((r) => str(r, 'minutes'));
    expect(new Set(minutes).size).toBeGreaterThanOrEqual(2);
    expect(minutes.filter((m) => !['240:00', '265:00', '290:00'].includes(m))).toEqual([]);
    const ot = minutes.filter((m) => m !== '240:00').length / minutes.length;
    expect(ot).toBeGreaterThan(0.02);
    expect(ot).toBeLessThan(0.12);
    const gamebook = rowsOf('nbac_gamebook_player_stats').filter((r) => r.player_status === 'active');
    const byTeamGame = groupBy(gamebook, (r) => `${str(r, 'game_id')}|${str(r, 'team_abbr')}`);
    const problems = new Problems();
    for (const [key, players] of byTeamGame) {
      const unique = latest(players, (r) => str(r, 'player_lookup'));
      const total = unique.reduce((s, p) => s + num(p, 'minutes_decimal'), 0);
      problems.check([240, 265, 290].some((t) => Math.abs(total - t) < 1e-6), () => `${key}: ${total} minutes`);
      problems.check(unique.every((p) => num(p, 'minutes_decimal') >= 1), () => `${key}: a player under a minute`);
    }
    expect(problems.list).toEqual([]);
    expect(gamebook.some((p) => num(p, 'minutes_decimal') < 5)).toBe(true);
  }, SLOW);

  it('keeps makes within attempts and points consistent in every player source', () => {
    const problems = new Problems();
    for (const source of ['nbac_gamebook_player_stats', 'nbac_player_boxscores', 'bdl_player_boxscores']) {
      for (const r of rowsOf(source)) {
        if (r.points === null) continue;
        const fgm = num(r, 'field_goals_made');
        const fga = num(r, 'field_goals_attempted');
        const tpm = num(r, 'three_pointers_made');
        const tpa = num(r, 'three_pointers_attempted');
        const ftm = num(r, 'free_throws_made');
        const fta = num(r, 'free_throws_attempted');
        const ok = fgm <= fga && tpm <= tpa && tpa <= fga && tpm <= fgm && ftm <= fta;
        problems.check(ok, () => `${source} ${JSON.stringify(r)}`);
        problems.check(num(r, 'points') === 2 * fgm + tpm + ftm, () => `${source} points ${JSON.stringify(r)}`);
        const oreb = num(r, 'offensive_rebounds');
        const dreb = num(r, 'defensive_rebounds');
        problems.check(oreb + dreb === (r.total_rebounds ?? r.rebounds), () => `${source} rebounds ${JSON.stringify(r)}`);
      }
    }
    expect(problems.list).toEqual([]);
  }, SLOW);

  it('lists 13 active players plus inactive and DNP players with NULL stats', () => {
    const rows = latest(rowsOf('nbac_gamebook_player_stats'), (r) => `${str(r, 'game_id')}|${str(r, 'player_lookup')}`);
    const byTeamGame = groupBy(rows, (r) => `${str(r, 'game_id')}|${str(r, 'team_abbr')}`);
    const problems = new Problems();
    for (const [key, players] of byTeamGame) {
      problems.check(players.length === 15, () => `${key}: ${players.length} listed`);
      problems.check(players.filter((p) => p.player_status === 'active').length === 13, () => `${key}: not 13 active`);
    }
    const out = rows.filter((r) => r.player_status !== 'active');
    expect(out.some((r) => r.player_status === 'inactive')).toBe(true);
    expect(out.some((r) => r.player_status === 'dnp')).toBe(true);
    for (const r of out) {
      problems.check(
        r.minutes === null &&
          r.minutes_decimal === null &&
          r.points === null &&
          r.plus_minus === null &&
          typeof r.dnp_reason === 'string',
        () => `not-active row ${JSON.stringify(r)}`,
      );
    }
    expect(problems.list).toEqual([]);
  }, SLOW);

  it('scores look like the NBA and never tie', () => {
    const teamRows = rowsOf('nbac_team_boxscore');
    const points = teamRows.map((r) => num(r, 'points'));
    const mean = points.reduce((a, b) => a + b, 0) / points.length;
    expect(mean).toBeGreaterThan(104);
    expect(mean).toBeLessThan(118);
    expect(points.filter((p) => p >= 90 && p <= 140).length / points.length).toBeGreaterThan(0.85);
    expect(teamRows.every((r) => r.plus_minus !== 0)).toBe(true);
  }, SLOW);

  it('gives every player one NBA.com id and one BettingPros id, unique in the league', () => {
    const one = (rows: SampleRow[], column: string): void => {
      const byPlayer = new Map<string, Set<SampleValue>>();
      for (const r of rows) byPlayer.set(str(r, 'player_lookup'), (byPlayer.get(str(r, 'player_lookup')) ?? new Set()).add(r[column] ?? null));
      const ids = [...byPlayer.values()].map((set) => [...set]);
      expect(ids.every((list) => list.length === 1 && Number.isInteger(list[0])), column).toBe(true);
      expect(new Set(ids.map((list) => list[0])).size, column).toBe(byPlayer.size);
    };
    one(rowsOf('nbac_player_boxscores'), 'nba_player_id');
    one(rowsOf('bettingpros_player_points_props'), 'bp_player_id');
    const schedule = new Map(finals().map((r) => [systemId(r), str(r, 'game_id')]));
    expect(rowsOf('nbac_player_boxscores').every((r) => r.nba_game_id === schedule.get(str(r, 'game_id')))).toBe(true);
    const playoffs = new Set(finals().filter((r) => r.is_playoffs === true).map(systemId));
    expect(rowsOf('bdl_player_boxscores').every((r) => r.is_postseason === playoffs.has(str(r, 'game_id')))).toBe(true);
  }, SLOW);

  it('carries the same numbers for the same player in all three sources', () => {
    const bdl = new Map(rowsOf('bdl_player_boxscores').map((r) => [`${str(r, 'game_id')}|${str(r, 'player_lookup')}`, r]));
    const columns = ['points', 'field_goals_attempted', 'three_pointers_made', 'free_throws_made', 'assists', 'steals', 'minutes'];
    const problems = new Problems();
    for (const source of ['nbac_gamebook_player_stats', 'nbac_player_boxscores']) {
      for (const r of rowsOf(source)) {
        if (r.player_status !== undefined && r.player_status !== 'active') continue;
        const key = `${str(r, 'game_id')}|${str(r, 'player_lookup')}`;
        const other = bdl.get(key);
        problems.check(
          other !== undefined && columns.every((c) => r[c] === other[c]) && r.total_rebounds === other.rebounds,
          () => `${source} ${key} differs from BDL`,
        );
      }
    }
    expect(problems.list).toEqual([]);
  }, SLOW);
});

describe('generateSampleSeason: source coverage', () => {
  it('misses 2-5 % of games in the gamebook, each covered by NBA.com box scores or BDL', () => {
    const games = new Set(rowsOf('nbac_team_boxscore').map((r) => str(r, 'game_id')));
    const gamebook = new Set(rowsOf('nbac_gamebook_player_stats').map((r) => str(r, 'game_id')));
    const nbac = new Set(rowsOf('nbac_player_boxscores').map((r) => str(r, 'game_id')));
    const bdl = new Set(rowsOf('bdl_player_boxscores').map((r) => str(r, 'game_id')));
    const gaps = [...games].filter((g) => !gamebook.has(g));
    expect(gaps.length / games.size).toBeGreaterThanOrEqual(0.02);
    expect(gaps.length / games.size).toBeLessThanOrEqual(0.05);
    expect(bdl.size).toBe(games.size);
    for (const g of gaps) expect(nbac.has(g) || bdl.has(g)).toBe(true);
    expect(gaps.some((g) => nbac.has(g))).toBe(true);
    expect(gaps.some((g) => !nbac.has(g) && bdl.has(g))).toBe(true);
    const share = nbac.size / games.size;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
  }, SLOW);

  it('duplicates a few gamebook rows with a later processed_at', () => {
    const rows = rowsOf('nbac_gamebook_player_stats');
    const unique = latest(rows, (r) => `${str(r, 'game_id')}|${str(r, 'player_lookup')}`);
    const duplicates = rows.length - unique.length;
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates / unique.length).toBeLessThan(0.02);
  }, SLOW);

  it('has Odds API lines on 30-50 % of game dates and BettingPros on at least 99 %', () => {
    const dates = new Set(finals().map((r) => str(r, 'game_date')));
    const odds = new Set(rowsOf('odds_api_player_points_props').map((r) => str(r, 'game_date')));
    const bp = new Set(rowsOf('bettingpros_player_points_props').map((r) => str(r, 'game_date')));
    expect(odds.size / dates.size).toBeGreaterThanOrEqual(0.3);
    expect(odds.size / dates.size).toBeLessThanOrEqual(0.5);
    expect(bp.size / dates.size).toBeGreaterThanOrEqual(0.99);
    expect(bp.size).toBeLessThan(dates.size);
  }, SLOW);

  it('writes game_date_est as the Eastern wall-clock tip, and Odds API tip times as its UTC instant', () => {
    // The UTC instant of an Eastern wall time, by the platform's zone data (Intl), not the generator's rule.
    const newYork = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', dateStyle: 'short', timeStyle: 'medium' });
    const instant = (wall: string): string => {
      for (const hours of [4, 5]) {
        const utc = new Date(Date.parse(`${wall.replace(' ', 'T')}Z`) + hours * 3_600_000);
        if (newYork.format(utc) === wall) return utc.toISOString().replace('T', ' ').slice(0, 19);
      }
      throw new Error(`no instant for ${wall}`);
    };
    const tips = new Map(finals().map((r) => [systemId(r), str(r, 'game_date_est')]));
    expect(new Set([...tips.values()].map((t) => t.slice(11)))).toEqual(new Set(['19:00:00', '19:30:00', '22:00:00']));
    const problems = new Problems();
    const offsets = new Set<number>();
    for (const r of rowsOf('odds_api_player_points_props')) {
      const wall = tips.get(str(r, 'game_id')) as string;
      problems.check(str(r, 'game_start_time') === instant(wall), () => `${str(r, 'game_id')}: ${str(r, 'game_start_time')} for ${wall} Eastern`);
      offsets.add((Date.parse(`${str(r, 'game_start_time').replace(' ', 'T')}Z`) - Date.parse(`${wall.replace(' ', 'T')}Z`)) / 3_600_000);
    }
    expect(problems.list).toEqual([]);
    expect(offsets).toEqual(new Set([4, 5])); // EDT in October, November and spring; EST in winter
  }, SLOW);

  it('shapes Odds API snapshots around tip-off, with in-game snapshots marked negative', () => {
    const rows = rowsOf('odds_api_player_points_props');
    expect(new Set(rows.map((r) => r.minutes_before_tipoff))).toEqual(new Set([240, 30, -20]));
    expect(new Set(rows.map((r) => r.bookmaker))).toEqual(new Set(['draftkings', 'fanduel', 'betmgm']));
    const problems = new Problems();
    for (const r of rows) {
      const tip = Date.parse(`${str(r, 'game_start_time').replace(' ', 'T')}Z`);
      const snap = Date.parse(`${str(r, 'snapshot_timestamp').replace(' ', 'T')}Z`);
      problems.check((tip - snap) / 60000 === r.minutes_before_tipoff, () => `snapshot ${JSON.stringify(r)}`);
    }
    expect(problems.list).toEqual([]);
    const perTeamGame = groupBy(rows, (r) => `${str(r, 'game_id')}`);
    for (const players of [...perTeamGame.values()].slice(0, 50)) {
      const count = new Set(players.map((r) => r.player_lookup)).size;
      expect(count).toBeGreaterThanOrEqual(12);
      expect(count).toBeLessThanOrEqual(16);
    }
    const lines = rows.map((r) => num(r, 'points_line'));
    expect(lines.some((l) => Number.isInteger(l))).toBe(true);
    expect(lines.filter((l) => !Number.isInteger(l)).length / lines.length).toBeGreaterThan(0.6);
  }, SLOW);

  it('shapes BettingPros rows: books, sides, other markets, late updates', () => {
    const rows = rowsOf('bettingpros_player_points_props');
    expect(new Set(rows.map((r) => r.bookmaker))).toEqual(new Set(['DraftKings', 'FanDuel', 'BetMGM', 'BettingPros Consensus']));
    expect(new Set(rows.map((r) => r.bet_side))).toEqual(new Set(['over', 'under']));
    expect(new Set(rows.map((r) => r.market_type))).toEqual(new Set(['points', 'assists']));
    const inactive = rows.filter((r) => r.is_active === false).length / rows.length;
    expect(inactive).toBeGreaterThan(0.02);
    expect(inactive).toBeLessThan(0.08);
    expect(rows.some((r) => r.is_best_line === true)).toBe(true);
    const late = rows.filter((r) => str(r, 'bookmaker_last_update') > str(r, 'created_at'));
    expect(late).toHaveLength(0);
    const perKey = new Map<string, number>();
    for (const r of rows) {
      const key = `${str(r, 'game_date')}|${str(r, 'player_lookup')}|${str(r, 'bookmaker')}|${str(r, 'bet_side')}|${
        str(r, 'market_type')
      }`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    const withLater = [...perKey.values()].filter((n) => n > 1).length;
    expect(withLater / perKey.size).toBeGreaterThan(0.01);
    expect(withLater / perKey.size).toBeLessThan(0.06);
  }, SLOW);

  it('has play-by-play for 25-45 % of games with one shot event per field-goal attempt', () => {
    const pbp = rowsOf('bigdataball_play_by_play');
    const games = new Set(rowsOf('nbac_team_boxscore').map((r) => str(r, 'game_id')));
    const pbpGames = new Set(pbp.map((r) => str(r, 'game_id')));
    expect(pbpGames.size / games.size).toBeGreaterThanOrEqual(0.25);
    expect(pbpGames.size / games.size).toBeLessThanOrEqual(0.45);
    expect(new Set(pbp.map((r) => r.event_id)).size).toBe(pbp.length);
    const shots = groupBy(pbp, (r) => `${str(r, 'game_id')}|${str(r, 'player_1_lookup')}`);
    const problems = new Problems();
    let checked = 0;
    for (const r of rowsOf('bdl_player_boxscores')) {
      if (!pbpGames.has(str(r, 'game_id'))) continue;
      const key = `${str(r, 'game_id')}|${str(r, 'player_lookup')}`;
      const mine = shots.get(key) ?? [];
      const threes = mine.filter((s) => s.shot_type === '3PT');
      problems.check(
        mine.length === r.field_goals_attempted &&
          mine.filter((s) => s.shot_made === true).length === r.field_goals_made &&
          threes.length === r.three_pointers_attempted &&
          threes.filter((s) => s.shot_made === true).length === r.three_pointers_made,
        () => `${key}: shots do not match the box score`,
      );
      for (const s of mine) {
        const d = num(s, 'shot_distance');
        problems.check(
          s.player_1_team_abbr === r.team_abbr &&
            (s.shot_type === '3PT' ? d >= 23 && d <= 27 && s.event_subtype === '3pt jump shot' : d >= 0 && d <= 22),
          () => `${key}: bad shot ${JSON.stringify(s)}`,
        );
      }
      checked++;
    }
    expect(problems.list).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    const assisted = pbp.filter((r) => r.player_2_role === 'assist');
    expect(assisted.length).toBeGreaterThan(0);
    expect(assisted.every((r) => r.shot_made === true && r.player_2_lookup !== r.player_1_lookup)).toBe(true);
  }, SLOW);
});

describe('generateSampleSeason: determinism', () => {
  it('gives identical output for the same seed and different output for another seed', () => {
    const again = generateSampleSeason(OPTIONS);
    for (const table of ['nbac_schedule', 'nbac_gamebook_player_stats']) {
      expect(JSON.stringify(again[table]) === JSON.stringify(season[table]), table).toBe(true);
    }
    // The big tables: same row counts and the same rows at a stride (full JSON would be ~100 MB).
    const sampled = (rows: SampleRow[] | undefined) => JSON.stringify((rows ?? []).filter((_, i) => i % 25 === 0));
    for (const table of RAW_TABLES.map((t) => t.name)) {
      expect(again[table]?.length, table).toBe(season[table]?.length);
      expect(sampled(again[table]) === sampled(season[table]), table).toBe(true);
    }
    const other = generateSampleSeason({ ...OPTIONS, seed: 2 });
    expect(JSON.stringify(other.nbac_schedule) === JSON.stringify(season.nbac_schedule)).toBe(false);
    expect(sampled(other.nbac_gamebook_player_stats) === sampled(season.nbac_gamebook_player_stats)).toBe(false);
    expect(other.nbac_schedule?.filter((r) => r.game_status === 3 && r.is_regular_season)).toHaveLength(1230);
  }, 60_000);
});
