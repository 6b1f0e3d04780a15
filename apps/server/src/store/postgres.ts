// The shared store: the Store interface on PostgreSQL through postgres.js, safe for several server processes at once.
import postgres from 'postgres';
import { ServerError } from '../errors.js';
import {
  AUDIT_GENESIS_HASH,
  auditFromRow,
  fortanixAppFromRow,
  keyFromRow,
  policyFromRow,
  type Row,
  requestFromRow,
  text,
  tokenFromRow,
  versionFromRow,
} from './rows.js';
import type {
  AuditContent,
  AuditHasher,
  AuditPage,
  AuditRecord,
  FortanixAppRecord,
  KeyRecord,
  KeyStatus,
  KeyVersionRecord,
  SignPathPolicyRecord,
  SignPathRequestRecord,
  SignPathRequestStatus,
  Store,
  TokenRecord,
} from './store.js';

// The embedded store's migrations, in PostgreSQL's dialect: the same tables, columns and numbering. `ordinal` stands
// in for SQLite's rowid where listings are in insertion order.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, size INTEGER, curve TEXT,
     kid TEXT NOT NULL, provider TEXT NOT NULL, status TEXT NOT NULL, current_version INTEGER NOT NULL,
     pingone_alias TEXT UNIQUE, created_at TEXT NOT NULL, ordinal BIGINT GENERATED ALWAYS AS IDENTITY);
   CREATE INDEX keys_kid ON keys (kid);
   CREATE TABLE key_versions (
     key_id TEXT NOT NULL REFERENCES keys (id) ON DELETE CASCADE, version INTEGER NOT NULL,
     public_jwk TEXT NOT NULL, sealed_private_key TEXT NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (key_id, version));
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
     keys TEXT, expires_at TEXT, created_at TEXT NOT NULL);
   CREATE TABLE signpath_policies (
     id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, project_slug TEXT NOT NULL,
     signing_policy_slug TEXT NOT NULL, key_id TEXT NOT NULL, submitters TEXT NOT NULL,
     certificate TEXT NOT NULL, created_at TEXT NOT NULL, ordinal BIGINT GENERATED ALWAYS AS IDENTITY,
     UNIQUE (organization_id, project_slug, signing_policy_slug));
   CREATE TABLE signpath_requests (
     id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, policy_id TEXT NOT NULL, token_id TEXT NOT NULL,
     payload TEXT NOT NULL, status TEXT NOT NULL, signature TEXT, error TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX signpath_requests_status ON signpath_requests (status);
   CREATE TABLE fortanix_apps (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, keys TEXT, created_at TEXT NOT NULL);
   CREATE TABLE audit (
     sequence BIGINT PRIMARY KEY, at TEXT NOT NULL, request_id TEXT NOT NULL, token_id TEXT,
     operation TEXT NOT NULL, key_id TEXT, key_version INTEGER, algorithm TEXT, input_sha256 TEXT,
     result TEXT NOT NULL, detail TEXT, previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
   CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires_at TEXT NOT NULL);`,
  `ALTER TABLE signpath_requests ADD COLUMN lease_owner TEXT;
   ALTER TABLE signpath_requests ADD COLUMN lease_expires_at TEXT;`,
  `ALTER TABLE tokens ADD COLUMN pingid_token TEXT;
   ALTER TABLE tokens ADD COLUMN sealed_pingid_api_key TEXT;`,
  // A kid per key version: after a rotation the new version has its own, and a kid names the version it signs with.
  // The key's kid goes to its current version, which is what the key's JWK showed under that kid so far.
  `ALTER TABLE key_versions ADD COLUMN kid TEXT;
   UPDATE key_versions SET kid = (SELECT kid FROM keys WHERE keys.id = key_versions.key_id)
     WHERE version = (SELECT current_version FROM keys WHERE keys.id = key_versions.key_id);
   CREATE INDEX key_versions_kid ON key_versions (kid);`,
];

// PostgreSQL text cannot hold NUL (SQLite's can): no stored row matches a lookup by such a value, a write of one
// is refused as invalid input, and audit text has it replaced before it is hashed, so the chain stays verifiable.
const hasNul = (...values: readonly (string | undefined)[]): boolean =>
  values.some((value) => value?.includes('\0') === true);

function refuseNul(...values: readonly (string | undefined)[]): void {
  if (hasNul(...values)) throw new ServerError('ERR_VALIDATION', 'text values cannot contain NUL characters');
}

function auditWithoutNul(content: AuditContent): AuditContent {
  const clean = (value: string | undefined) => value?.replaceAll('\0', '\uFFFD');
  return {
    ...content,
    requestId: clean(content.requestId) ?? '',
    tokenId: clean(content.tokenId),
    operation: clean(content.operation) ?? '',
    keyId: clean(content.keyId),
    algorithm: clean(content.algorithm),
    inputSha256: clean(content.inputSha256),
    result: clean(content.result) ?? '',
    detail: clean(content.detail),
  };
}

/** Connection settings besides the URL. */
export interface PostgresStoreOptions {
  /** Most connections the pool opens (postgres.js default: 10). */
  readonly maxConnections?: number;
  /** Seconds after which an idle connection is closed; unset keeps them open. */
  readonly idleTimeoutSeconds?: number;
}

/** The Store on one PostgreSQL database (the schema is the first one on the connection's search_path). */
export class PostgresStore implements Store {
  readonly #sql: postgres.Sql;

  private constructor(sql: postgres.Sql) {
    this.#sql = sql;
  }

  /**
   * Connects to `url` and applies the migrations not yet applied; concurrent starters wait for each other.
   * @throws when the database cannot be reached or a migration fails
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const sql = postgres(url, {
      max: options.maxConnections ?? 10,
      ...(options.idleTimeoutSeconds === undefined ? {} : { idle_timeout: options.idleTimeoutSeconds }),
      onnotice: () => {},
    });
    const store = new PostgresStore(sql);
    try {
      await store.#migrate();
    } catch (error) {
      await sql.end({ timeout: 1 });
      throw error;
    }
    return store;
  }

  async #migrate(): Promise<void> {
    await this.#sql.begin(async (transaction) => {
      // DDL is transactional here: the lock (per schema) makes a second process wait, then see the versions applied.
      await transaction`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.sigil.migrations'))`;
      await transaction`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)`;
      const applied = new Set(
        (await transaction<Row[]>`SELECT version FROM schema_migrations`).map((row) => Number(row.version)),
      );
      for (const [index, migration] of MIGRATIONS.entries()) {
        const version = index + 1;
        if (applied.has(version)) continue;
        await transaction.unsafe(migration);
        await transaction`INSERT INTO schema_migrations (version, applied_at) VALUES (${version}, ${new Date().toISOString()})`;
      }
    });
  }

  async #one(query: Promise<Row[]>): Promise<Row | undefined> {
    return (await query)[0];
  }

  async createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void> {
    refuseNul(key.id, key.name, key.kid, key.curve, key.pingoneCredentialSigningKeyId, version.keyId);
    await this.#sql.begin(async (transaction) => {
      await transaction`
        INSERT INTO keys (id, name, type, size, curve, kid, provider, status, current_version, pingone_alias, created_at)
        VALUES (${key.id}, ${key.name}, ${key.type}, ${key.size ?? null}, ${key.curve ?? null}, ${key.kid},
                ${key.provider}, ${key.status}, ${key.currentVersion}, ${key.pingoneCredentialSigningKeyId ?? null},
                ${key.createdAt})`;
      await PostgresStore.#insertVersion(transaction, version);
    });
  }

  static async #insertVersion(sql: postgres.TransactionSql, version: KeyVersionRecord): Promise<void> {
    await sql`
      INSERT INTO key_versions (key_id, version, public_jwk, sealed_private_key, created_at, kid)
      VALUES (${version.keyId}, ${version.version}, ${version.publicJwk}, ${version.sealedPrivateKey},
              ${version.createdAt}, ${version.kid ?? null})`;
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    if (hasNul(id)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM keys WHERE id = ${id}`);
    return row && keyFromRow(row);
  }

  async getKeyByName(name: string): Promise<KeyRecord | undefined> {
    if (hasNul(name)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM keys WHERE name = ${name}`);
    return row && keyFromRow(row);
  }

  async getKeyByKid(kid: string): Promise<KeyRecord | undefined> {
    if (hasNul(kid)) return undefined;
    const row = await this.#one(
      this.#sql<Row[]>`SELECT * FROM keys WHERE kid = ${kid} ORDER BY created_at, ordinal LIMIT 1`,
    );
    return row && keyFromRow(row);
  }

  async getKeyVersionByKid(kid: string): Promise<KeyVersionRecord | undefined> {
    if (hasNul(kid)) return undefined;
    const row = await this.#one(
      this.#sql<Row[]>`SELECT * FROM key_versions WHERE kid = ${kid} ORDER BY created_at, key_id LIMIT 1`,
    );
    return row && versionFromRow(row);
  }

  async getKeyByPingOneAlias(credentialSigningKeyId: string): Promise<KeyRecord | undefined> {
    if (hasNul(credentialSigningKeyId)) return undefined;
    const row = await this.#one(
      this.#sql<Row[]>`SELECT * FROM keys WHERE pingone_alias = ${credentialSigningKeyId}`,
    );
    return row && keyFromRow(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.#sql<Row[]>`SELECT * FROM keys ORDER BY created_at, ordinal`).map(keyFromRow);
  }

  async addKeyVersion(version: KeyVersionRecord): Promise<void> {
    refuseNul(version.keyId);
    await this.#sql.begin(async (transaction) => {
      await PostgresStore.#insertVersion(transaction, version);
      await transaction`UPDATE keys SET current_version = ${version.version} WHERE id = ${version.keyId}`;
    });
  }

  async getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined> {
    if (hasNul(keyId)) return undefined;
    const row = await this.#one(
      this.#sql<Row[]>`SELECT * FROM key_versions WHERE key_id = ${keyId} AND version = ${version}`,
    );
    return row && versionFromRow(row);
  }

  async listKeyVersions(keyId: string): Promise<KeyVersionRecord[]> {
    if (hasNul(keyId)) return [];
    return (
      await this.#sql<Row[]>`SELECT * FROM key_versions WHERE key_id = ${keyId} ORDER BY version DESC`
    ).map(versionFromRow);
  }

  async setKeyStatus(id: string, status: KeyStatus): Promise<void> {
    if (hasNul(id)) return;
    await this.#sql`UPDATE keys SET status = ${status} WHERE id = ${id}`;
  }

  async setPingOneAlias(id: string, credentialSigningKeyId: string | undefined): Promise<void> {
    refuseNul(credentialSigningKeyId);
    if (hasNul(id)) return;
    await this.#sql`UPDATE keys SET pingone_alias = ${credentialSigningKeyId ?? null} WHERE id = ${id}`;
  }

  async deleteKey(id: string): Promise<boolean> {
    if (hasNul(id)) return false;
    return (await this.#sql`DELETE FROM keys WHERE id = ${id}`).count > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    refuseNul(token.id, token.name, ...token.scopes, ...(token.keys ?? []));
    await this.#sql`
      INSERT INTO tokens (id, name, secret_hash, scopes, keys, expires_at, created_at, pingid_token,
        sealed_pingid_api_key)
      VALUES (${token.id}, ${token.name}, ${token.secretHash}, ${JSON.stringify(token.scopes)},
              ${token.keys === undefined ? null : JSON.stringify(token.keys)}, ${token.expiresAt ?? null},
              ${token.createdAt}, ${token.pingIdToken ?? null}, ${token.sealedPingIdApiKey ?? null})`;
  }

  async getTokenBySecretHash(secretHash: string): Promise<TokenRecord | undefined> {
    if (hasNul(secretHash)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM tokens WHERE secret_hash = ${secretHash}`);
    return row && tokenFromRow(row);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    if (hasNul(id)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM tokens WHERE id = ${id}`);
    return row && tokenFromRow(row);
  }

  async deleteToken(id: string): Promise<boolean> {
    if (hasNul(id)) return false;
    return (await this.#sql`DELETE FROM tokens WHERE id = ${id}`).count > 0;
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    return (await this.#sql`DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ${now}`).count;
  }

  async countTokensWithScope(scope: string): Promise<number> {
    if (hasNul(scope)) return 0;
    const row = await this.#one(this.#sql<Row[]>`
      SELECT COUNT(*) AS count FROM tokens, json_array_elements_text(tokens.scopes::json) AS scope
      WHERE scope = ${scope}`);
    return Number(row?.count ?? 0);
  }

  async createSignPathPolicy(policy: SignPathPolicyRecord): Promise<void> {
    refuseNul(
      policy.organizationId,
      policy.projectSlug,
      policy.signingPolicySlug,
      policy.keyId,
      ...policy.submitters,
    );
    await this.#sql`
      INSERT INTO signpath_policies (id, organization_id, project_slug, signing_policy_slug, key_id, submitters,
        certificate, created_at)
      VALUES (${policy.id}, ${policy.organizationId}, ${policy.projectSlug}, ${policy.signingPolicySlug},
              ${policy.keyId}, ${JSON.stringify(policy.submitters)}, ${policy.certificate}, ${policy.createdAt})`;
  }

  async listSignPathPolicies(organizationId: string): Promise<SignPathPolicyRecord[]> {
    if (hasNul(organizationId)) return [];
    return (
      await this.#sql<Row[]>`
        SELECT * FROM signpath_policies WHERE organization_id = ${organizationId} ORDER BY created_at, ordinal`
    ).map(policyFromRow);
  }

  async getSignPathPolicy(id: string): Promise<SignPathPolicyRecord | undefined> {
    if (hasNul(id)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM signpath_policies WHERE id = ${id}`);
    return row && policyFromRow(row);
  }

  async createSignPathRequest(request: SignPathRequestRecord): Promise<void> {
    refuseNul(request.organizationId, request.payload);
    await this.#sql`
      INSERT INTO signpath_requests (id, organization_id, policy_id, token_id, payload, status, signature, error,
        created_at, updated_at)
      VALUES (${request.id}, ${request.organizationId}, ${request.policyId}, ${request.tokenId}, ${request.payload},
              ${request.status}, ${request.signature ?? null}, ${request.error ?? null}, ${request.createdAt},
              ${request.updatedAt})`;
  }

  async getSignPathRequest(id: string): Promise<SignPathRequestRecord | undefined> {
    if (hasNul(id)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM signpath_requests WHERE id = ${id}`);
    return row && requestFromRow(row);
  }

  async finishSignPathRequest(
    id: string,
    outcome: { status: SignPathRequestStatus; signature?: string; error?: string },
  ): Promise<void> {
    await this.#sql`
      UPDATE signpath_requests
      SET status = ${outcome.status}, signature = ${outcome.signature ?? null}, error = ${outcome.error ?? null},
          updated_at = ${new Date().toISOString()}
      WHERE id = ${id}`;
  }

  async listPendingSignPathRequests(): Promise<SignPathRequestRecord[]> {
    return (
      await this.#sql<Row[]>`SELECT * FROM signpath_requests WHERE status = 'InProgress' ORDER BY created_at`
    ).map(requestFromRow);
  }

  async claimSignPathRequest(id: string, owner: string, leaseExpiresAt: string): Promise<boolean> {
    const result = await this.#sql`
      UPDATE signpath_requests SET lease_owner = ${owner}, lease_expires_at = ${leaseExpiresAt}
      WHERE id = ${id} AND status = 'InProgress'
        AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_expires_at < ${new Date().toISOString()})`;
    return result.count > 0;
  }

  async claimAbandonedSignPathRequests(
    owner: string,
    leaseExpiresAt: string,
    limit: number,
  ): Promise<string[]> {
    // SKIP LOCKED: a request another process is claiming at this instant is left to it, not waited for.
    const rows = await this.#sql<Row[]>`
      WITH claimable AS (
        SELECT id FROM signpath_requests
        WHERE status = 'InProgress'
          AND (lease_owner IS NULL OR lease_expires_at < ${new Date().toISOString()})
        ORDER BY created_at LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE signpath_requests AS request SET lease_owner = ${owner}, lease_expires_at = ${leaseExpiresAt}
      FROM claimable WHERE request.id = claimable.id
      RETURNING request.id, request.created_at`;
    return rows
      .map((row) => ({ id: text(row.id), createdAt: text(row.created_at) }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((row) => row.id);
  }

  async renewSignPathRequestLeases(owner: string, leaseExpiresAt: string): Promise<void> {
    await this.#sql`
      UPDATE signpath_requests SET lease_expires_at = ${leaseExpiresAt}
      WHERE lease_owner = ${owner} AND status = 'InProgress'`;
  }

  async createFortanixApp(app: FortanixAppRecord): Promise<void> {
    refuseNul(app.id, app.name, ...(app.keys ?? []));
    await this.#sql`
      INSERT INTO fortanix_apps (id, name, secret_hash, keys, created_at)
      VALUES (${app.id}, ${app.name}, ${app.secretHash}, ${app.keys === undefined ? null : JSON.stringify(app.keys)},
              ${app.createdAt})`;
  }

  async getFortanixApp(id: string): Promise<FortanixAppRecord | undefined> {
    if (hasNul(id)) return undefined;
    const row = await this.#one(this.#sql<Row[]>`SELECT * FROM fortanix_apps WHERE id = ${id}`);
    return row && fortanixAppFromRow(row);
  }

  async appendAudit(original: AuditContent, hasher: AuditHasher): Promise<AuditRecord> {
    const [record] = await this.appendAuditMany([original], hasher);
    return record!;
  }

  async appendAuditMany(originals: readonly AuditContent[], hasher: AuditHasher): Promise<AuditRecord[]> {
    const contents = originals.map(auditWithoutNul);
    return this.#sql.begin(async (transaction): Promise<AuditRecord[]> => {
      // EXCLUSIVE conflicts with itself and with every writer, but not with readers: appends from every process
      // on this database queue here, so each one reads the true head of the chain (READ COMMITTED reads after
      // the lock is granted see what the previous holder committed).
      await transaction`LOCK TABLE audit IN EXCLUSIVE MODE`;
      const last = (
        await transaction<Row[]>`SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1`
      )[0];
      let previousHash = last ? text(last.hash) : AUDIT_GENESIS_HASH;
      let sequence = last ? Number(last.sequence) : 0;
      const records: AuditRecord[] = [];
      for (const content of contents) {
        sequence += 1;
        const hash = hasher(previousHash, content);
        await transaction`
          INSERT INTO audit (sequence, at, request_id, token_id, operation, key_id, key_version, algorithm,
            input_sha256, result, detail, previous_hash, hash)
          VALUES (${sequence}, ${content.at}, ${content.requestId}, ${content.tokenId ?? null}, ${content.operation},
                  ${content.keyId ?? null}, ${content.keyVersion ?? null}, ${content.algorithm ?? null},
                  ${content.inputSha256 ?? null}, ${content.result}, ${content.detail ?? null}, ${previousHash},
                  ${hash})`;
        records.push({ ...content, sequence, previousHash, hash });
        previousHash = hash;
      }
      return records;
    });
  }

  async listAudit(after: number, limit: number): Promise<AuditPage> {
    const rows = await this.#sql<Row[]>`
      SELECT * FROM audit WHERE sequence > ${after} ORDER BY sequence LIMIT ${limit + 1}`;
    const entries = rows.slice(0, limit).map(auditFromRow);
    return {
      entries,
      nextAfter: rows.length > limit ? entries[entries.length - 1]?.sequence : undefined,
    };
  }

  async rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    refuseNul(nonce);
    const now = new Date().toISOString();
    return this.#sql.begin(async (transaction): Promise<boolean> => {
      await transaction`DELETE FROM nonces WHERE expires_at < ${now}`;
      // ON CONFLICT: when two processes see the same nonce at once, exactly one insert counts.
      const inserted = await transaction`
        INSERT INTO nonces (nonce, expires_at) VALUES (${nonce}, ${expiresAt}) ON CONFLICT (nonce) DO NOTHING`;
      return inserted.count > 0;
    });
  }

  async ping(): Promise<boolean> {
    const row = await this.#one(this.#sql<Row[]>`SELECT 1 AS ok`);
    return row?.ok === 1;
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }

  /** Runs raw SQL (tests use it to tamper with rows and to read them back). */
  async exec(query: string): Promise<Row[]> {
    return [...(await this.#sql.unsafe<Row[]>(query))];
  }
}

/**
 * Opens the store at a `postgres://` URL (SIGIL_DATABASE_URL), migrating it first.
 * @throws when the database cannot be reached or a migration fails
 */
export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
