// The embedded store: the Store interface on better-sqlite3 (WAL) in the data directory, with numbered migrations.
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

/** The file name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'sigil.db';

/** The first hash of the audit chain (re-exported: callers of the embedded store used it from here). */
export { AUDIT_GENESIS_HASH };

// Each entry runs once, in order; its index + 1 is recorded in schema_migrations.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, size INTEGER, curve TEXT,
     kid TEXT NOT NULL, provider TEXT NOT NULL, status TEXT NOT NULL, current_version INTEGER NOT NULL,
     pingone_alias TEXT UNIQUE, created_at TEXT NOT NULL);
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
     certificate TEXT NOT NULL, created_at TEXT NOT NULL,
     UNIQUE (organization_id, project_slug, signing_policy_slug));
   CREATE TABLE signpath_requests (
     id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, policy_id TEXT NOT NULL, token_id TEXT NOT NULL,
     payload TEXT NOT NULL, status TEXT NOT NULL, signature TEXT, error TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX signpath_requests_status ON signpath_requests (status);
   CREATE TABLE fortanix_apps (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, keys TEXT, created_at TEXT NOT NULL);
   CREATE TABLE audit (
     sequence INTEGER PRIMARY KEY, at TEXT NOT NULL, request_id TEXT NOT NULL, token_id TEXT,
     operation TEXT NOT NULL, key_id TEXT, key_version INTEGER, algorithm TEXT, input_sha256 TEXT,
     result TEXT NOT NULL, detail TEXT, previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
   CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires_at TEXT NOT NULL);`,
  // Job leases: which process is signing an accepted request, and until when its claim holds without a heartbeat.
  `ALTER TABLE signpath_requests ADD COLUMN lease_owner TEXT;
   ALTER TABLE signpath_requests ADD COLUMN lease_expires_at TEXT;`,
  // PingID SDK credentials of a token: the public `token` and the API key sealed under the master key.
  `ALTER TABLE tokens ADD COLUMN pingid_token TEXT;
   ALTER TABLE tokens ADD COLUMN sealed_pingid_api_key TEXT;`,
  // A kid per key version: after a rotation the new version has its own, and a kid names the version it signs with.
  // The key's kid goes to its current version, which is what the key's JWK showed under that kid so far.
  `ALTER TABLE key_versions ADD COLUMN kid TEXT;
   UPDATE key_versions SET kid = (SELECT kid FROM keys WHERE keys.id = key_versions.key_id)
     WHERE version = (SELECT current_version FROM keys WHERE keys.id = key_versions.key_id);
   CREATE INDEX key_versions_kid ON key_versions (kid);`,
];

/** The Store on one SQLite database. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  /** Opens (creating and migrating) the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    // One process owns an embedded store: leases a previous (crashed) process held are void once it is reopened.
    this.#db
      .prepare(
        "UPDATE signpath_requests SET lease_owner = NULL, lease_expires_at = NULL WHERE status = 'InProgress'",
      )
      .run();
  }

  #migrate(): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)',
    );
    const applied = new Set(
      (this.#db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((row) =>
        Number(row.version),
      ),
    );
    MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (applied.has(version)) return;
      this.#db.transaction(() => {
        this.#db.exec(sql);
        this.#db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(version, new Date().toISOString());
      })();
    });
  }

  /** A prepared statement, compiled once per SQL text (compiling costs more than running most of them). */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(sql: string, ...parameters: unknown[]): Row | undefined {
    return this.#statement(sql).get(...parameters) as Row | undefined;
  }

  #all(sql: string, ...parameters: unknown[]): Row[] {
    return this.#statement(sql).all(...parameters) as Row[];
  }

  async createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void> {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO keys (id, name, type, size, curve, kid, provider, status, current_version, pingone_alias, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          key.id,
          key.name,
          key.type,
          key.size ?? null,
          key.curve ?? null,
          key.kid,
          key.provider,
          key.status,
          key.currentVersion,
          key.pingoneCredentialSigningKeyId ?? null,
          key.createdAt,
        );
      this.#insertVersion(version);
    })();
  }

  #insertVersion(version: KeyVersionRecord): void {
    this.#db
      .prepare(
        'INSERT INTO key_versions (key_id, version, public_jwk, sealed_private_key, created_at, kid) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        version.keyId,
        version.version,
        version.publicJwk,
        version.sealedPrivateKey,
        version.createdAt,
        version.kid ?? null,
      );
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = this.#get('SELECT * FROM keys WHERE id = ?', id);
    return row && keyFromRow(row);
  }

  async getKeyByName(name: string): Promise<KeyRecord | undefined> {
    const row = this.#get('SELECT * FROM keys WHERE name = ?', name);
    return row && keyFromRow(row);
  }

  async getKeyByKid(kid: string): Promise<KeyRecord | undefined> {
    const row = this.#get('SELECT * FROM keys WHERE kid = ? ORDER BY created_at LIMIT 1', kid);
    return row && keyFromRow(row);
  }

  async getKeyVersionByKid(kid: string): Promise<KeyVersionRecord | undefined> {
    const row = this.#get('SELECT * FROM key_versions WHERE kid = ? ORDER BY created_at, rowid LIMIT 1', kid);
    return row && versionFromRow(row);
  }

  async getKeyByPingOneAlias(credentialSigningKeyId: string): Promise<KeyRecord | undefined> {
    const row = this.#get('SELECT * FROM keys WHERE pingone_alias = ?', credentialSigningKeyId);
    return row && keyFromRow(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.#all('SELECT * FROM keys ORDER BY created_at, rowid').map(keyFromRow);
  }

  async addKeyVersion(version: KeyVersionRecord): Promise<void> {
    this.#db.transaction(() => {
      this.#insertVersion(version);
      this.#db
        .prepare('UPDATE keys SET current_version = ? WHERE id = ?')
        .run(version.version, version.keyId);
    })();
  }

  async getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined> {
    const row = this.#get('SELECT * FROM key_versions WHERE key_id = ? AND version = ?', keyId, version);
    return row && versionFromRow(row);
  }

  async listKeyVersions(keyId: string): Promise<KeyVersionRecord[]> {
    return this.#all('SELECT * FROM key_versions WHERE key_id = ? ORDER BY version DESC', keyId).map(
      versionFromRow,
    );
  }

  async setKeyStatus(id: string, status: KeyStatus): Promise<void> {
    this.#statement('UPDATE keys SET status = ? WHERE id = ?').run(status, id);
  }

  async setPingOneAlias(id: string, credentialSigningKeyId: string | undefined): Promise<void> {
    this.#db
      .prepare('UPDATE keys SET pingone_alias = ? WHERE id = ?')
      .run(credentialSigningKeyId ?? null, id);
  }

  async deleteKey(id: string): Promise<boolean> {
    return this.#statement('DELETE FROM keys WHERE id = ?').run(id).changes > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO tokens (id, name, secret_hash, scopes, keys, expires_at, created_at, pingid_token,
           sealed_pingid_api_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        token.id,
        token.name,
        token.secretHash,
        JSON.stringify(token.scopes),
        token.keys === undefined ? null : JSON.stringify(token.keys),
        token.expiresAt ?? null,
        token.createdAt,
        token.pingIdToken ?? null,
        token.sealedPingIdApiKey ?? null,
      );
  }

  async getTokenBySecretHash(secretHash: string): Promise<TokenRecord | undefined> {
    const row = this.#get('SELECT * FROM tokens WHERE secret_hash = ?', secretHash);
    return row && tokenFromRow(row);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const row = this.#get('SELECT * FROM tokens WHERE id = ?', id);
    return row && tokenFromRow(row);
  }

  async deleteToken(id: string): Promise<boolean> {
    return this.#statement('DELETE FROM tokens WHERE id = ?').run(id).changes > 0;
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    return this.#statement('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?').run(now)
      .changes;
  }

  async countTokensWithScope(scope: string): Promise<number> {
    const row = this.#get(
      'SELECT COUNT(*) AS count FROM tokens, json_each(tokens.scopes) WHERE json_each.value = ?',
      scope,
    );
    return Number(row?.count ?? 0);
  }

  async createSignPathPolicy(policy: SignPathPolicyRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO signpath_policies (id, organization_id, project_slug, signing_policy_slug, key_id, submitters,
           certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        policy.id,
        policy.organizationId,
        policy.projectSlug,
        policy.signingPolicySlug,
        policy.keyId,
        JSON.stringify(policy.submitters),
        policy.certificate,
        policy.createdAt,
      );
  }

  async listSignPathPolicies(organizationId: string): Promise<SignPathPolicyRecord[]> {
    return this.#all(
      'SELECT * FROM signpath_policies WHERE organization_id = ? ORDER BY created_at, rowid',
      organizationId,
    ).map(policyFromRow);
  }

  async getSignPathPolicy(id: string): Promise<SignPathPolicyRecord | undefined> {
    const row = this.#get('SELECT * FROM signpath_policies WHERE id = ?', id);
    return row && policyFromRow(row);
  }

  async createSignPathRequest(request: SignPathRequestRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO signpath_requests (id, organization_id, policy_id, token_id, payload, status, signature, error,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        request.id,
        request.organizationId,
        request.policyId,
        request.tokenId,
        request.payload,
        request.status,
        request.signature ?? null,
        request.error ?? null,
        request.createdAt,
        request.updatedAt,
      );
  }

  async getSignPathRequest(id: string): Promise<SignPathRequestRecord | undefined> {
    const row = this.#get('SELECT * FROM signpath_requests WHERE id = ?', id);
    return row && requestFromRow(row);
  }

  async finishSignPathRequest(
    id: string,
    outcome: { status: SignPathRequestStatus; signature?: string; error?: string },
  ): Promise<void> {
    this.#db
      .prepare(
        'UPDATE signpath_requests SET status = ?, signature = ?, error = ?, updated_at = ? WHERE id = ?',
      )
      .run(outcome.status, outcome.signature ?? null, outcome.error ?? null, new Date().toISOString(), id);
  }

  async listPendingSignPathRequests(): Promise<SignPathRequestRecord[]> {
    return this.#all("SELECT * FROM signpath_requests WHERE status = 'InProgress' ORDER BY created_at").map(
      requestFromRow,
    );
  }

  async claimSignPathRequest(id: string, owner: string, leaseExpiresAt: string): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE signpath_requests SET lease_owner = ?, lease_expires_at = ?
           WHERE id = ? AND status = 'InProgress'
             AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
        )
        .run(owner, leaseExpiresAt, id, owner, new Date().toISOString()).changes > 0
    );
  }

  async claimAbandonedSignPathRequests(
    owner: string,
    leaseExpiresAt: string,
    limit: number,
  ): Promise<string[]> {
    return this.#db
      .prepare(
        `UPDATE signpath_requests SET lease_owner = ?, lease_expires_at = ?
         WHERE id IN (SELECT id FROM signpath_requests
                      WHERE status = 'InProgress' AND (lease_owner IS NULL OR lease_expires_at < ?)
                      ORDER BY created_at LIMIT ?)
         RETURNING id`,
      )
      .all(owner, leaseExpiresAt, new Date().toISOString(), limit)
      .map((row) => text((row as Row).id));
  }

  async renewSignPathRequestLeases(owner: string, leaseExpiresAt: string): Promise<void> {
    this.#db
      .prepare(
        "UPDATE signpath_requests SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'InProgress'",
      )
      .run(leaseExpiresAt, owner);
  }

  async createFortanixApp(app: FortanixAppRecord): Promise<void> {
    this.#db
      .prepare('INSERT INTO fortanix_apps (id, name, secret_hash, keys, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(
        app.id,
        app.name,
        app.secretHash,
        app.keys === undefined ? null : JSON.stringify(app.keys),
        app.createdAt,
      );
  }

  async getFortanixApp(id: string): Promise<FortanixAppRecord | undefined> {
    const row = this.#get('SELECT * FROM fortanix_apps WHERE id = ?', id);
    return row && fortanixAppFromRow(row);
  }

  async appendAudit(content: AuditContent, hasher: AuditHasher): Promise<AuditRecord> {
    const [record] = await this.appendAuditMany([content], hasher);
    return record!;
  }

  async appendAuditMany(contents: readonly AuditContent[], hasher: AuditHasher): Promise<AuditRecord[]> {
    return this.#db
      .transaction((): AuditRecord[] => {
        const last = this.#get('SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1');
        let previousHash = last ? text(last.hash) : AUDIT_GENESIS_HASH;
        let sequence = last ? Number(last.sequence) : 0;
        const insert = this.#statement(
          `INSERT INTO audit (sequence, at, request_id, token_id, operation, key_id, key_version, algorithm,
             input_sha256, result, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        const records: AuditRecord[] = [];
        for (const content of contents) {
          sequence += 1;
          const hash = hasher(previousHash, content);
          insert.run(
            sequence,
            content.at,
            content.requestId,
            content.tokenId ?? null,
            content.operation,
            content.keyId ?? null,
            content.keyVersion ?? null,
            content.algorithm ?? null,
            content.inputSha256 ?? null,
            content.result,
            content.detail ?? null,
            previousHash,
            hash,
          );
          records.push({ ...content, sequence, previousHash, hash });
          previousHash = hash;
        }
        return records;
      })
      .immediate();
  }

  async listAudit(after: number, limit: number): Promise<AuditPage> {
    const rows = this.#all(
      'SELECT * FROM audit WHERE sequence > ? ORDER BY sequence LIMIT ?',
      after,
      limit + 1,
    );
    const entries = rows.slice(0, limit).map(auditFromRow);
    return {
      entries,
      nextAfter: rows.length > limit ? entries[entries.length - 1]?.sequence : undefined,
    };
  }

  async rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.#db.transaction((): boolean => {
      this.#statement('DELETE FROM nonces WHERE expires_at < ?').run(now);
      return (
        this.#db
          .prepare('INSERT OR IGNORE INTO nonces (nonce, expires_at) VALUES (?, ?)')
          .run(nonce, expiresAt).changes > 0
      );
    })();
  }

  async ping(): Promise<boolean> {
    return this.#get('SELECT 1 AS ok')?.ok === 1;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /** Runs raw SQL (tests use it to tamper with rows). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }
}

/** Opens the embedded store in `dataDir`. */
export function openSqliteStore(dataDir: string): SqliteStore {
  return new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
}
