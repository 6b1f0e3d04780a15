// The seam between the SQL store and a database driver: how statements run, and where the two dialects differ.

/** A database row as a driver returns it. */
export type Row = Record<string, unknown>;

/** A statement parameter. */
export type SqlValue = string | number | null;

/** Runs statements; `?` marks each parameter in the SQL text, in order. */
export interface SqlStatements {
  /** The rows a statement returns. */
  all(sql: string, parameters: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; how many rows it inserted, changed or deleted. */
  run(sql: string, parameters: readonly SqlValue[]): Promise<number>;
}

/** A database the SQL store runs on: statements, write transactions, and the end of it. */
export interface SqlExecutor extends SqlStatements {
  /**
   * Runs `body` in one write transaction on the statements it is given: committed when `body` resolves, rolled
   * back when it rejects. `body` must not use the executor itself.
   */
  transaction<T>(body: (statements: SqlStatements) => Promise<T>): Promise<T>;
  /** Releases the database. */
  close(): Promise<void>;
}

/** What SQLite and PostgreSQL spell differently; everything else the store writes once. */
export interface SqlDialect {
  /** A 64-bit integer column type: `INTEGER` on SQLite (as a PRIMARY KEY, the rowid), `BIGINT` on PostgreSQL. */
  readonly bigint: string;
  /** The column that orders a table's rows by insertion: SQLite's implicit `rowid`, PostgreSQL's `ordinal`. */
  readonly insertionOrder: string;
  /** The definition of that column where a table must declare it, or undefined where every table has it. */
  readonly insertionOrderColumn: string | undefined;
  /** A FROM item that lists the text elements of the JSON array in `column` as `alias.value`. */
  jsonArrayElements(column: string, alias: string): string;
  /** The locking clause of a SELECT whose rows concurrent claimers must skip rather than share ('' if none). */
  readonly skipLocked: string;
  /**
   * A statement that makes every other writer to `table` wait until the transaction ends, or undefined where a write
   * transaction excludes them already (SQLite's single writer).
   */
  lockTable(table: string): string | undefined;
}
