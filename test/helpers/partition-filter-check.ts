/**
 * Whether each scan of a partitioned table in a ZetaSQL resolved tree can be pruned the way
 * BigQuery prunes: a filter on the bare partition column against constants or parameters
 * (=, <, <=, >, >=, BETWEEN, IN a list or an array parameter; AND of any, OR of all), between the
 * scan and the first node that is neither a filter nor a projection (join, aggregate, window, set
 * operation, CTE boundary, subquery). DELETE and UPDATE count their WHERE on the target table.
 */

/** A resolved node with its oneof wrappers removed and its `parent` fields merged in. */
export interface Plain {
  kind: string;
  [field: string]: unknown;
}

export interface ScanVerdict {
  /** `dataset.table` (the catalog's full name). */
  table: string;
  column: string;
  pruned: boolean;
}

/** Unwraps `{ node: 'resolvedXNode', resolvedXNode: {...} }` (nested for base classes) and merges `parent`. */
export function plain(value: unknown, kind?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => plain(v));
  if (!value || typeof value !== 'object') return value;
  let inner = value as Record<string, unknown>;
  let name = kind;
  while (typeof inner.node === 'string' && inner[inner.node] && typeof inner[inner.node] === 'object') {
    name = inner.node;
    inner = inner[inner.node] as Record<string, unknown>;
  }
  const out: Record<string, unknown> = name ? { kind: name } : {};
  for (let level: Record<string, unknown> | undefined = inner; level; level = level.parent as Record<string, unknown> | undefined) {
    for (const [key, v] of Object.entries(level)) {
      if (key === 'parent' || key === 'node' || key in out) continue;
      // A statement's target scan is a bare ResolvedTableScanProto, without the oneof wrapper.
      out[key] = plain(v, key === 'tableScan' ? 'resolvedTableScanNode' : undefined);
    }
  }
  return out;
}

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && typeof (v as Plain).kind === 'string';

function columnKey(column: unknown): string {
  const id = (column as { columnId?: { low?: number; high?: number } } | undefined)?.columnId;
  return `${id?.high ?? 0}:${id?.low ?? 0}`;
}

const COMPARISONS = new Set(['$equal', '$less', '$less_or_equal', '$greater', '$greater_or_equal']);
const NOT_CONSTANT = new Set(['resolvedColumnRefNode', 'resolvedSubqueryExprNode', 'resolvedAggregateFunctionCallNode', 'resolvedAnalyticFunctionCallNode']);

/** No column, subquery, aggregate or window anywhere inside: a literal, a parameter, or functions of them. */
function isConstant(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.every(isConstant);
  if (!expr || typeof expr !== 'object') return true;
  if (isPlain(expr) && NOT_CONSTANT.has(expr.kind)) return false;
  return Object.values(expr).every(isConstant);
}

const isColumn = (expr: unknown, ids: ReadonlySet<string>) => isPlain(expr) && expr.kind === 'resolvedColumnRefNode' && ids.has(columnKey(expr.column));

/** Whether a condition restricts one of `ids` (the partition column) to constants. */
function prunes(expr: unknown, ids: ReadonlySet<string>): boolean {
  if (!isPlain(expr) || expr.kind !== 'resolvedFunctionCallNode') return false;
  const name = String((expr.function as { name?: string } | undefined)?.name ?? '').replace(/^ZetaSQL:/, '');
  const args = (expr.argumentList ?? []) as unknown[];
  if (name === '$and') return args.some((a) => prunes(a, ids));
  if (name === '$or') return args.length > 0 && args.every((a) => prunes(a, ids));
  if (COMPARISONS.has(name)) return (isColumn(args[0], ids) && isConstant(args[1])) || (isColumn(args[1], ids) && isConstant(args[0]));
  if (name === '$between' || name === '$in' || name === '$in_array') return isColumn(args[0], ids) && isConstant(args.slice(1));
  return false;
}

/**
 * Every scan of a table `partitionColumn` names a column for, in a tree from ZetaSql.resolve, with
 * whether it is pruned.
 */
export function partitionScans(tree: unknown, partitionColumn: (table: string) => string | undefined): ScanVerdict[] {
  const verdicts: ScanVerdict[] = [];
  const path: { node: Plain; via: string }[] = [];
  const visit = (value: unknown, via: string) => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, via));
    if (!value || typeof value !== 'object') return;
    const node = value as Plain;
    if (isPlain(node) && node.kind === 'resolvedTableScanNode') {
      const table = String((node.table as { fullName?: string } | undefined)?.fullName ?? '');
      const column = partitionColumn(table);
      // An INSERT's target is written, not read.
      const target = path.at(-1)?.node.kind === 'resolvedInsertStmtNode' && via === 'tableScan';
      if (column && !target) verdicts.push({ table, column, pruned: isPruned(node, via, column, path) });
    }
    if (isPlain(node)) path.push({ node, via });
    for (const [key, v] of Object.entries(node)) if (key !== 'kind') visit(v, key);
    if (isPlain(node)) path.pop();
  };
  visit(plain(tree), '');
  return verdicts;
}

/** Walks up from the scan (hanging under `via`) while the nodes above only filter or project it. */
function isPruned(scan: Plain, via: string, column: string, path: readonly { node: Plain; via: string }[]): boolean {
  const columns = (scan.columnList ?? []) as { name?: string }[];
  const ids = new Set(columns.filter((c) => c.name === column).map(columnKey));
  if (ids.size === 0) return false;
  let childVia = via;
  for (let i = path.length - 1; i >= 0; i--) {
    const { node, via: nodeVia } = path[i] as { node: Plain; via: string };
    if (node.kind === 'resolvedFilterScanNode' && childVia === 'inputScan') {
      if (prunes(node.filterExpr, ids)) return true;
    } else if ((node.kind === 'resolvedDeleteStmtNode' || node.kind === 'resolvedUpdateStmtNode') && childVia === 'tableScan') {
      return prunes(node.whereExpr, ids);
    } else if (node.kind !== 'resolvedProjectScanNode' || childVia !== 'inputScan') {
      return false;
    }
    // A projection passes the column on under the same id.
    childVia = nodeVia;
  }
  return false;
}
