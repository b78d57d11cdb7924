import type { TargetColumn } from '../day-write.js';
import { SchemaMismatchError } from '../errors.js';
import { qualifiedName, type TableDef } from '../schema.js';
import type { Row, SqlParams } from '../warehouse.js';
import { duckDbDialect as d } from './duckdb-dialect.js';
import { bigQueryTypeOf, columnUpgrade, legacyHistoryUpgrade, type ColumnUpgrade } from './duckdb-upgrade.js';

/** What a table of the file needs to match its definition, and the layout a write then produces. */
export interface TableReconciled {
  /** Undefined for a table an old file opened to read lacks (it reads as absent). */
  layout?: TargetColumn[];
  upgrades: ColumnUpgrade[];
  /** Statements that rebuild an older run history in the platform's layout. */
  rebuild?: string[];
}

interface Engine {
  query(sql: string, params?: SqlParams): Promise<Row[]>;
  execute(sql: string): Promise<void>;
  readonly readOnly: boolean;
  /** True for a file (an in-memory warehouse opened to read still gets its tables). */
  readonly isFile: boolean;
}

/**
 * Creates a missing table, adds missing columns, and says which columns of an older version's
 * file change type within their family (duckdb-upgrade.ts); any other type difference is fatal.
 */
export async function reconcileTable(engine: Engine, table: TableDef): Promise<TableReconciled> {
  const name = d.table(table);
  const defined = table.columns.map((c) => ({ name: c.name, type: c.type }));
  const existing = await engine.query(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $schema AND table_name = $name ORDER BY ordinal_position`,
    { schema: table.dataset, name: table.name },
  );
  if (existing.length === 0) {
    if (engine.readOnly && engine.isFile) return { upgrades: [] };
    await engine.execute(`CREATE TABLE IF NOT EXISTS ${name} (${table.columns.map((c) => `${c.name} ${d.type(c.type)}`).join(', ')})`);
    return { layout: defined, upgrades: [] };
  }
  const types = new Map(existing.map((r) => [String(r.column_name), String(r.data_type)]));
  const rebuild = legacyHistoryUpgrade(table, types);
  if (rebuild) return { layout: defined, upgrades: [], rebuild };
  const upgrades: ColumnUpgrade[] = [];
  for (const column of table.columns) {
    const want = d.type(column.type);
    const have = types.get(column.name);
    if (have === undefined) {
      if (!engine.readOnly) await engine.execute(`ALTER TABLE ${name} ADD COLUMN ${column.name} ${want}`);
    } else if (have !== want) {
      const upgrade = columnUpgrade(table, column, have);
      if (!upgrade) throw new SchemaMismatchError(`${qualifiedName(table)}.${column.name} is ${have} in the warehouse but the tool writes ${want}`);
      upgrades.push(upgrade);
    }
  }
  // The layout a write produces: the definition's columns, then any the file has beyond them.
  // A NOT NULL column of the file is REQUIRED there, as on BigQuery: the file decides.
  const required = new Set(existing.filter((r) => r.is_nullable === 'NO').map((r) => String(r.column_name)));
  const mode = (column: string) => (required.has(column) ? { mode: 'REQUIRED' as const } : {});
  const known = new Set(defined.map((c) => c.name));
  const older = [...types].filter(([column]) => !known.has(column)).map(([column, type]) => ({ name: column, type: bigQueryTypeOf(type), ...mode(column) }));
  return { layout: [...defined.map((c) => ({ ...c, ...mode(c.name) })), ...older], upgrades };
}
