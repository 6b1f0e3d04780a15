// The shared store: the SQL store on PostgreSQL through postgres.js, safe for several server processes at once.
import postgres from 'postgres';
import { CREATE_MIGRATIONS_TABLE, pendingMigrations, SELECT_APPLIED_MIGRATIONS } from './migrations.js';
import type { Row, SqlDialect, SqlExecutor, SqlStatements, SqlValue } from './sql.js';
import { SqlStore } from './sql-store.js';

const POSTGRES_DIALECT: SqlDialect = {
  bigint: 'BIGINT',
  insertionOrder: 'ordinal',
  insertionOrderColumn: 'ordinal BIGINT GENERATED ALWAYS AS IDENTITY',
  jsonArrayElements: (column, alias) => `json_array_elements_text(${column}::json) AS ${alias}(value)`,
  skipLocked: 'FOR UPDATE SKIP LOCKED',
  // EXCLUSIVE conflicts with itself and with every writer, not with readers; READ COMMITTED reads after the lock is
  // granted see what the previous holder committed.
  lockTable: (table) => `LOCK TABLE ${table} IN EXCLUSIVE MODE`,
};

/** `?` placeholders as PostgreSQL's numbered `$1`, `$2`, ... (the store's SQL has no `?` anywhere else). */
function numberedParameters(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** Statements, as prepared statements, on a pool or inside one of its transactions. */
class PostgresStatements implements SqlStatements {
  readonly #connection: postgres.Sql | postgres.TransactionSql;

  constructor(connection: postgres.Sql | postgres.TransactionSql) {
    this.#connection = connection;
  }

  #query(sql: string, parameters: readonly SqlValue[]) {
    return this.#connection.unsafe<Row[]>(numberedParameters(sql), [...parameters], { prepare: true });
  }

  async all(sql: string, parameters: readonly SqlValue[]): Promise<Row[]> {
    return [...(await this.#query(sql, parameters))];
  }

  async run(sql: string, parameters: readonly SqlValue[]): Promise<number> {
    return (await this.#query(sql, parameters)).count;
  }
}

/** A postgres.js pool as an executor: each transaction on a connection of its own. */
class PostgresPool extends PostgresStatements implements SqlExecutor {
  readonly #pool: postgres.Sql;

  constructor(pool: postgres.Sql) {
    super(pool);
    this.#pool = pool;
  }

  async transaction<T>(body: (statements: SqlStatements) => Promise<T>): Promise<T> {
    return (await this.#pool.begin((transaction) => body(new PostgresStatements(transaction)))) as T;
  }

  async close(): Promise<void> {
    await this.#pool.end({ timeout: 5 });
  }
}

/** Connection settings besides the URL. */
export interface PostgresStoreOptions {
  /** Most connections the pool opens (postgres.js default: 10). */
  readonly maxConnections?: number;
  /** Seconds after which an idle connection is closed; unset keeps them open. */
  readonly idleTimeoutSeconds?: number;
}

/** The Store on one PostgreSQL database (the schema is the first one on the connection's search_path). */
export class PostgresStore extends SqlStore {
  readonly #pool: postgres.Sql;

  private constructor(pool: postgres.Sql) {
    super(new PostgresPool(pool), POSTGRES_DIALECT);
    this.#pool = pool;
  }

  /**
   * Connects to `url` and applies the migrations not yet applied; concurrent starters wait for each other.
   * @throws when the database cannot be reached or a migration fails
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = postgres(url, {
      max: options.maxConnections ?? 10,
      ...(options.idleTimeoutSeconds === undefined ? {} : { idle_timeout: options.idleTimeoutSeconds }),
      onnotice: () => {},
    });
    try {
      await pool.begin(async (transaction) => {
        // DDL is transactional here: the lock (per schema) makes a second process wait, then see the versions applied.
        await transaction`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.sigil.migrations'))`;
        await transaction.unsafe(CREATE_MIGRATIONS_TABLE);
        const script = pendingMigrations(
          POSTGRES_DIALECT,
          await transaction.unsafe<Row[]>(SELECT_APPLIED_MIGRATIONS),
        );
        if (script !== '') await transaction.unsafe(script);
      });
    } catch (error) {
      await pool.end({ timeout: 1 });
      throw error;
    }
    return new PostgresStore(pool);
  }

  /** Runs raw SQL (tests use it to tamper with rows and to read them back). */
  async exec(query: string): Promise<Row[]> {
    return [...(await this.#pool.unsafe<Row[]>(query))];
  }
}

/**
 * Opens the store at a `postgres://` URL (SIGIL_DATABASE_URL), migrating it first.
 * @throws when the database cannot be reached or a migration fails
 */
export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
