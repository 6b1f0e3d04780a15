// The embedded store: the SQL store on better-sqlite3 in the data directory (WAL, an fsync at every commit), held by
// one process at a time (an exclusive SQLite lock) and readable by its owner only.
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CREATE_MIGRATIONS_TABLE, pendingMigrations, SELECT_APPLIED_MIGRATIONS } from './migrations.js';
import type { Row, SqlDialect, SqlExecutor, SqlStatements, SqlValue } from './sql.js';
import { SqlStore } from './sql-store.js';

/** The file name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'sigil.db';

const SQLITE_DIALECT: SqlDialect = {
  bigint: 'INTEGER',
  insertionOrder: 'rowid',
  insertionOrderColumn: undefined,
  jsonArrayElements: (column, alias) => `json_each(${column}) AS ${alias}`,
  skipLocked: '',
  lockTable: () => undefined,
};

/**
 * One better-sqlite3 connection as an executor. Its calls are synchronous but a transaction body awaits between
 * statements, so while a transaction is open every other call waits for it to end rather than run inside it.
 */
class SqliteConnection implements SqlExecutor {
  readonly database: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  /** Settles (never rejects) once the open transaction has ended; undefined when none is open. */
  #open: Promise<void> | undefined;
  readonly #inTransaction: SqlStatements = {
    all: async (sql, parameters) => this.#all(sql, parameters),
    run: async (sql, parameters) => this.#run(sql, parameters),
  };

  constructor(path: string) {
    this.database = new Database(path);
    try {
      // SQLite §locking_mode: EXCLUSIVE before the first WAL access keeps the write lock from the first transaction
      // until close, and needs no shared-memory index; the OS drops the lock when the process dies, so a crash
      // never leaves the store locked. A second process (or connection) gets SQLITE_BUSY at once (no busy wait).
      this.database.pragma('locking_mode = EXCLUSIVE');
      this.database.pragma('busy_timeout = 0');
      this.database.pragma('journal_mode = WAL');
      this.database.pragma('synchronous = FULL');
      this.database.pragma('foreign_keys = ON');
      this.#migrate();
    } catch (error) {
      this.database.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY')
        throw new StoreLockedError(path, { cause: error });
      throw error;
    }
    // The database, its WAL and journal hold sealed keys and token hashes: the owner's alone, whatever the umask or
    // the mode an existing directory gave them.
    for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
      if (path !== ':memory:' && existsSync(file)) chmodSync(file, 0o600);
    }
  }

  /** Applies pending migrations and voids stale leases, in one transaction that also takes the exclusive lock. */
  #migrate(): void {
    this.database
      .transaction(() => {
        this.database.exec(CREATE_MIGRATIONS_TABLE);
        const applied = this.#all(SELECT_APPLIED_MIGRATIONS, []);
        this.database.exec(pendingMigrations(SQLITE_DIALECT, applied));
        // One process owns an embedded store: leases a previous (crashed) process held are void once it reopens.
        this.#run(
          "UPDATE signpath_requests SET lease_owner = NULL, lease_expires_at = NULL WHERE status = 'InProgress'",
          [],
        );
      })
      .immediate();
  }

  /** A prepared statement, compiled once per SQL text (compiling costs more than running most of them). */
  #prepared(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #all(sql: string, parameters: readonly SqlValue[]): Row[] {
    return this.#prepared(sql).all(...parameters) as Row[];
  }

  #run(sql: string, parameters: readonly SqlValue[]): number {
    return this.#prepared(sql).run(...parameters).changes;
  }

  /** Runs `action` once no transaction is open (checked in the same turn it runs). */
  async #whenIdle<T>(action: () => T): Promise<T> {
    while (this.#open !== undefined) await this.#open;
    return action();
  }

  all(sql: string, parameters: readonly SqlValue[]): Promise<Row[]> {
    return this.#whenIdle(() => this.#all(sql, parameters));
  }

  run(sql: string, parameters: readonly SqlValue[]): Promise<number> {
    return this.#whenIdle(() => this.#run(sql, parameters));
  }

  async transaction<T>(body: (statements: SqlStatements) => Promise<T>): Promise<T> {
    while (this.#open !== undefined) await this.#open;
    // IMMEDIATE takes the write lock at BEGIN: another process waits there (busy_timeout), not at its first write.
    this.database.exec('BEGIN IMMEDIATE');
    const ended = this.#commitAfter(body);
    this.#open = ended.then(this.#release, this.#release);
    return ended;
  }

  readonly #release = (): void => {
    this.#open = undefined;
  };

  async #commitAfter<T>(body: (statements: SqlStatements) => Promise<T>): Promise<T> {
    try {
      const result = await body(this.#inTransaction);
      this.database.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.database.inTransaction) this.database.exec('ROLLBACK');
      throw error;
    }
  }

  /** SQLite's online backup API (§Online Backup): a consistent copy, taken between transactions of this connection. */
  async backup(destination: string): Promise<void> {
    while (this.#open !== undefined) await this.#open;
    await this.database.backup(destination);
  }

  close(): Promise<void> {
    if (this.database.open) this.database.close();
    return Promise.resolve();
  }
}

/** Another process (or connection) holds the embedded store: one process owns a data directory at a time. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';

  constructor(path: string, options?: { cause?: unknown }) {
    super(
      `${path} is in use by another Sigil server: stop it, give this one its own SIGIL_DATA_DIR, or run both on ` +
        'one PostgreSQL database (SIGIL_DATABASE_URL)',
      options,
    );
  }
}

/** The Store on one SQLite database. */
export class SqliteStore extends SqlStore {
  readonly #connection: SqliteConnection;

  /** Opens (creating and migrating) the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    const connection = new SqliteConnection(path);
    super(connection, SQLITE_DIALECT);
    this.#connection = connection;
  }

  /** Runs raw SQL (tests use it to tamper with rows). */
  exec(sql: string): void {
    this.#connection.database.exec(sql);
  }

  override backup(destination: string): Promise<void> {
    return this.#connection.backup(destination);
  }
}

/** Opens the embedded store in `dataDir`. */
export function openSqliteStore(dataDir: string): SqliteStore {
  return new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
}
