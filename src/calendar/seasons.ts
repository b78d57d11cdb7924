import type { IsoDate } from './dates.js';

/** A season label such as `2021-22`. */
export type SeasonLabel = string;

export interface SeasonRange {
  season: SeasonLabel;
  /** The year the season starts, e.g. 2021 for 2021-22. */
  seasonYear: number;
  /** First regular-season game date. */
  start: IsoDate;
  /** Last regular-season game date (or last scheduled game with --include-playoffs). */
  end: IsoDate;
  /** Where the dates came from: the schedule table, or the built-in defaults. */
  source: 'schedule' | 'defaults';
}

/**
 * Regular-season dates from the runbook and the league calendar. The schedule table wins when it
 * has the season; these keep `seasons` and `--season` useful on an empty warehouse.
 */
export const DEFAULT_SEASONS: readonly SeasonRange[] = [
  { season: '2021-22', seasonYear: 2021, start: '2021-10-19', end: '2022-04-10', source: 'defaults' },
  { season: '2022-23', seasonYear: 2022, start: '2022-10-18', end: '2023-04-09', source: 'defaults' },
  { season: '2023-24', seasonYear: 2023, start: '2023-10-24', end: '2024-04-14', source: 'defaults' },
  { season: '2024-25', seasonYear: 2024, start: '2024-10-22', end: '2025-04-13', source: 'defaults' },
  { season: '2025-26', seasonYear: 2025, start: '2025-10-21', end: '2026-04-12', source: 'defaults' },
];

const SEASON_LABEL = /^(\d{4})-(\d{2})$/;

/** The season year of a well-formed label (`2021-22` gives 2021), or null when the label is malformed. */
export function parseSeasonLabel(label: string): number | null {
  const match = SEASON_LABEL.exec(label);
  if (!match) return null;
  const startYear = Number(match[1]);
  const endYY = Number(match[2]);
  return (startYear + 1) % 100 === endYY ? startYear : null;
}

export function seasonLabel(seasonYear: number): SeasonLabel {
  return `${seasonYear}-${String((seasonYear + 1) % 100).padStart(2, '0')}`;
}
