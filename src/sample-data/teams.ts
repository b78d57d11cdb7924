/** NBA.com's team ids and team names (`teamName` in its schedule feed) per tricode. */
export interface TeamInfo {
  id: number;
  name: string;
}

export const TEAMS: Readonly<Record<string, TeamInfo>> = {
  ATL: { id: 1610612737, name: 'Hawks' },
  BOS: { id: 1610612738, name: 'Celtics' },
  CLE: { id: 1610612739, name: 'Cavaliers' },
  NOP: { id: 1610612740, name: 'Pelicans' },
  CHI: { id: 1610612741, name: 'Bulls' },
  DAL: { id: 1610612742, name: 'Mavericks' },
  DEN: { id: 1610612743, name: 'Nuggets' },
  GSW: { id: 1610612744, name: 'Warriors' },
  HOU: { id: 1610612745, name: 'Rockets' },
  LAC: { id: 1610612746, name: 'Clippers' },
  LAL: { id: 1610612747, name: 'Lakers' },
  MIA: { id: 1610612748, name: 'Heat' },
  MIL: { id: 1610612749, name: 'Bucks' },
  MIN: { id: 1610612750, name: 'Timberwolves' },
  BKN: { id: 1610612751, name: 'Nets' },
  NYK: { id: 1610612752, name: 'Knicks' },
  ORL: { id: 1610612753, name: 'Magic' },
  IND: { id: 1610612754, name: 'Pacers' },
  PHI: { id: 1610612755, name: '76ers' },
  PHX: { id: 1610612756, name: 'Suns' },
  POR: { id: 1610612757, name: 'Trail Blazers' },
  SAC: { id: 1610612758, name: 'Kings' },
  SAS: { id: 1610612759, name: 'Spurs' },
  OKC: { id: 1610612760, name: 'Thunder' },
  TOR: { id: 1610612761, name: 'Raptors' },
  UTA: { id: 1610612762, name: 'Jazz' },
  MEM: { id: 1610612763, name: 'Grizzlies' },
  WAS: { id: 1610612764, name: 'Wizards' },
  DET: { id: 1610612765, name: 'Pistons' },
  CHA: { id: 1610612766, name: 'Hornets' },
};

export function teamInfo(code: string): TeamInfo {
  const info = TEAMS[code];
  if (!info) throw new Error(`unknown team ${code}`);
  return info;
}
