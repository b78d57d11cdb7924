/** BigQuery bills at least 10 MiB per query (and per table referenced). */
export const MIN_BILLED_BYTES = 10 * 1024 * 1024;
const TIB = 1024 ** 4;

/** On-demand price of a query that scans `bytes`, in USD at `pricePerTiB` (default 6.25, the US list price). */
export function queryCost(bytes: number, pricePerTiB = 6.25, tablesReferenced = 1): number {
  const billed = Math.max(bytes, MIN_BILLED_BYTES * Math.max(1, tablesReferenced));
  return (billed / TIB) * pricePerTiB;
}

/** `1.5 GiB`, `320 MiB` ... */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
