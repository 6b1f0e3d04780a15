// The Store written once in SQL: every statement, the audit append and paging, over the small executor and dialect
// that the embedded (sqlite.ts) and the PostgreSQL (postgres.ts) adapters implement.
import { auditContentValues, linkAuditRecords, storableAuditContent } from './audit-chain.js';
import {
  auditFromRow,
  fortanixAppFromRow,
  keyFromRow,
  ParsedJwks,
  policyFromRow,
  requestFromRow,
  text,
  tokenFromRow,
  versionFromRow,
} from './rows.js';
import type { Row, SqlDialect, SqlExecutor, SqlStatements, SqlValue } from './sql.js';
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
import { isStorableText, refuseUnstorableText } from './text.js';

const INSERT_KEY = `INSERT INTO keys (id, name, type, size, curve, kid, provider, status, current_version,
  pingone_alias, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_KEY_VERSION = `INSERT INTO key_versions (key_id, version, public_jwk, sealed_private_key, created_at,
  kid) VALUES (?, ?, ?, ?, ?, ?)`;
const INSERT_AUDIT = `INSERT INTO audit (sequence, at, request_id, token_id, operation, key_id, key_version,
  algorithm, input_sha256, result, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const storable = (value: SqlValue): boolean => typeof value !== 'string' || isStorableText(value);

/**
 * A list kept as a JSON array column. Its items are checked, not just the JSON text (which escapes NUL): PostgreSQL
 * cannot read `\u0000` or an unpaired surrogate back out of JSON as text.
 * @throws {ServerError} ERR_VALIDATION when an item is not storable text
 */
function jsonList(items: readonly string[]): string {
  refuseUnstorableText(items);
  return JSON.stringify(items);
}

const optionalJsonList = (items: readonly string[] | undefined): string | null =>
  items === undefined ? null : jsonList(items);

/**
 * Runs a statement that stores its parameters.
 * @throws {ServerError} ERR_VALIDATION when a parameter is text no store can hold
 */
function write(statements: SqlStatements, sql: string, parameters: readonly SqlValue[]): Promise<number> {
  refuseUnstorableText(parameters);
  return statements.run(sql, parameters);
}

/** The Store on any SQL database an executor and a dialect describe. */
export class SqlStore implements Store {
  readonly #executor: SqlExecutor;
  readonly #dialect: SqlDialect;
  readonly #jwks = new ParsedJwks();

  constructor(executor: SqlExecutor, dialect: SqlDialect) {
    this.#executor = executor;
    this.#dialect = dialect;
  }

  // Statements that only compare their parameters find nothing by text no store can hold: no row holds it.
  async #select(sql: string, ...parameters: SqlValue[]): Promise<Row[]> {
    return parameters.every(storable) ? this.#executor.all(sql, parameters) : [];
  }

  async #first(sql: string, ...parameters: SqlValue[]): Promise<Row | undefined> {
    return (await this.#select(sql, ...parameters))[0];
  }

  async #delete(sql: string, ...parameters: SqlValue[]): Promise<number> {
    return parameters.every(storable) ? this.#executor.run(sql, parameters) : 0;
  }

  #version = (row: Row): KeyVersionRecord => versionFromRow(row, this.#jwks);

  async createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void> {
    await this.#executor.transaction(async (statements) => {
      await write(statements, INSERT_KEY, [
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
      ]);
      await SqlStore.#insertVersion(statements, version);
    });
  }

  static async #insertVersion(statements: SqlStatements, version: KeyVersionRecord): Promise<void> {
    await write(statements, INSERT_KEY_VERSION, [
      version.keyId,
      version.version,
      JSON.stringify(version.publicJwk),
      version.sealedPrivateKey,
      version.createdAt,
      version.kid ?? null,
    ]);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = await this.#first('SELECT * FROM keys WHERE id = ?', id);
    return row && keyFromRow(row);
  }

  async getKeyByName(name: string): Promise<KeyRecord | undefined> {
    const row = await this.#first('SELECT * FROM keys WHERE name = ?', name);
    return row && keyFromRow(row);
  }

  async getKeyByKid(kid: string): Promise<KeyRecord | undefined> {
    const order = this.#dialect.insertionOrder;
    const row = await this.#first(
      `SELECT * FROM keys WHERE kid = ? ORDER BY created_at, ${order} LIMIT 1`,
      kid,
    );
    return row && keyFromRow(row);
  }

  async getKeyVersionByKid(kid: string): Promise<KeyVersionRecord | undefined> {
    const order = this.#dialect.insertionOrder;
    const row = await this.#first(
      `SELECT * FROM key_versions WHERE kid = ? ORDER BY created_at, ${order} LIMIT 1`,
      kid,
    );
    return row && this.#version(row);
  }

  async getKeyByPingOneAlias(credentialSigningKeyId: string): Promise<KeyRecord | undefined> {
    const row = await this.#first('SELECT * FROM keys WHERE pingone_alias = ?', credentialSigningKeyId);
    return row && keyFromRow(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    const rows = await this.#select(
      `SELECT * FROM keys ORDER BY created_at, ${this.#dialect.insertionOrder}`,
    );
    return rows.map(keyFromRow);
  }

  async addKeyVersion(version: KeyVersionRecord): Promise<void> {
    await this.#executor.transaction(async (statements) => {
      await SqlStore.#insertVersion(statements, version);
      await write(statements, 'UPDATE keys SET current_version = ? WHERE id = ?', [
        version.version,
        version.keyId,
      ]);
    });
  }

  async getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined> {
    const row = await this.#first(
      'SELECT * FROM key_versions WHERE key_id = ? AND version = ?',
      keyId,
      version,
    );
    return row && this.#version(row);
  }

  async listKeyVersions(keyId: string): Promise<KeyVersionRecord[]> {
    return (
      await this.#select('SELECT * FROM key_versions WHERE key_id = ? ORDER BY version DESC', keyId)
    ).map(this.#version);
  }

  async setKeyStatus(id: string, status: KeyStatus): Promise<void> {
    await write(this.#executor, 'UPDATE keys SET status = ? WHERE id = ?', [status, id]);
  }

  async setPingOneAlias(id: string, credentialSigningKeyId: string | undefined): Promise<void> {
    await write(this.#executor, 'UPDATE keys SET pingone_alias = ? WHERE id = ?', [
      credentialSigningKeyId ?? null,
      id,
    ]);
  }

  async deleteKey(id: string): Promise<boolean> {
    return (await this.#delete('DELETE FROM keys WHERE id = ?', id)) > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    await write(
      this.#executor,
      `INSERT INTO tokens (id, name, secret_hash, scopes, keys, expires_at, created_at, pingid_token,
         sealed_pingid_api_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        token.id,
        token.name,
        token.secretHash,
        jsonList(token.scopes),
        optionalJsonList(token.keys),
        token.expiresAt ?? null,
        token.createdAt,
        token.pingIdToken ?? null,
        token.sealedPingIdApiKey ?? null,
      ],
    );
  }

  async getTokenBySecretHash(secretHash: string): Promise<TokenRecord | undefined> {
    const row = await this.#first('SELECT * FROM tokens WHERE secret_hash = ?', secretHash);
    return row && tokenFromRow(row);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const row = await this.#first('SELECT * FROM tokens WHERE id = ?', id);
    return row && tokenFromRow(row);
  }

  async deleteToken(id: string): Promise<boolean> {
    return (await this.#delete('DELETE FROM tokens WHERE id = ?', id)) > 0;
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    return this.#delete('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?', now);
  }

  async countTokensWithScope(scope: string): Promise<number> {
    const scopes = this.#dialect.jsonArrayElements('tokens.scopes', 'scope');
    const row = await this.#first(
      `SELECT COUNT(*) AS count FROM tokens, ${scopes} WHERE scope.value = ?`,
      scope,
    );
    return Number(row?.count ?? 0);
  }

  async createSignPathPolicy(policy: SignPathPolicyRecord): Promise<void> {
    await write(
      this.#executor,
      `INSERT INTO signpath_policies (id, organization_id, project_slug, signing_policy_slug, key_id, submitters,
         certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        policy.id,
        policy.organizationId,
        policy.projectSlug,
        policy.signingPolicySlug,
        policy.keyId,
        jsonList(policy.submitters),
        policy.certificate,
        policy.createdAt,
      ],
    );
  }

  async listSignPathPolicies(organizationId: string): Promise<SignPathPolicyRecord[]> {
    const order = this.#dialect.insertionOrder;
    const rows = await this.#select(
      `SELECT * FROM signpath_policies WHERE organization_id = ? ORDER BY created_at, ${order}`,
      organizationId,
    );
    return rows.map(policyFromRow);
  }

  async getSignPathPolicy(id: string): Promise<SignPathPolicyRecord | undefined> {
    const row = await this.#first('SELECT * FROM signpath_policies WHERE id = ?', id);
    return row && policyFromRow(row);
  }

  async createSignPathRequest(request: SignPathRequestRecord): Promise<void> {
    await write(
      this.#executor,
      `INSERT INTO signpath_requests (id, organization_id, policy_id, token_id, payload, status, signature, error,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
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
      ],
    );
  }

  async getSignPathRequest(id: string): Promise<SignPathRequestRecord | undefined> {
    const row = await this.#first('SELECT * FROM signpath_requests WHERE id = ?', id);
    return row && requestFromRow(row);
  }

  async finishSignPathRequest(
    id: string,
    outcome: { status: SignPathRequestStatus; signature?: string; error?: string },
  ): Promise<void> {
    await write(
      this.#executor,
      'UPDATE signpath_requests SET status = ?, signature = ?, error = ?, updated_at = ? WHERE id = ?',
      [outcome.status, outcome.signature ?? null, outcome.error ?? null, new Date().toISOString(), id],
    );
  }

  async listPendingSignPathRequests(): Promise<SignPathRequestRecord[]> {
    const rows = await this.#select(
      "SELECT * FROM signpath_requests WHERE status = 'InProgress' ORDER BY created_at, id",
    );
    return rows.map(requestFromRow);
  }

  async claimSignPathRequest(id: string, owner: string, leaseExpiresAt: string): Promise<boolean> {
    const claimed = await write(
      this.#executor,
      `UPDATE signpath_requests SET lease_owner = ?, lease_expires_at = ?
       WHERE id = ? AND status = 'InProgress' AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
      [owner, leaseExpiresAt, id, owner, new Date().toISOString()],
    );
    return claimed > 0;
  }

  async claimAbandonedSignPathRequests(
    owner: string,
    leaseExpiresAt: string,
    limit: number,
  ): Promise<string[]> {
    const parameters = [owner, leaseExpiresAt, new Date().toISOString(), limit];
    refuseUnstorableText(parameters);
    // The dialect's skipLocked: a request another process is claiming at this instant is left to it, not waited for.
    const rows = await this.#executor.all(
      `UPDATE signpath_requests SET lease_owner = ?, lease_expires_at = ?
       WHERE id IN (SELECT id FROM signpath_requests
                    WHERE status = 'InProgress' AND (lease_owner IS NULL OR lease_expires_at < ?)
                    ORDER BY created_at, id LIMIT ? ${this.#dialect.skipLocked})
       RETURNING id, created_at`,
      parameters,
    );
    // RETURNING lists rows in no particular order.
    return rows
      .map((row) => ({ id: text(row.id), createdAt: text(row.created_at) }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((row) => row.id);
  }

  async renewSignPathRequestLeases(owner: string, leaseExpiresAt: string): Promise<void> {
    await write(
      this.#executor,
      "UPDATE signpath_requests SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'InProgress'",
      [leaseExpiresAt, owner],
    );
  }

  async createFortanixApp(app: FortanixAppRecord): Promise<void> {
    await write(
      this.#executor,
      'INSERT INTO fortanix_apps (id, name, secret_hash, keys, created_at) VALUES (?, ?, ?, ?, ?)',
      [app.id, app.name, app.secretHash, optionalJsonList(app.keys), app.createdAt],
    );
  }

  async getFortanixApp(id: string): Promise<FortanixAppRecord | undefined> {
    const row = await this.#first('SELECT * FROM fortanix_apps WHERE id = ?', id);
    return row && fortanixAppFromRow(row);
  }

  async appendAudit(content: AuditContent, hasher: AuditHasher): Promise<AuditRecord> {
    const [record] = await this.appendAuditMany([content], hasher);
    return record!;
  }

  async appendAuditMany(contents: readonly AuditContent[], hasher: AuditHasher): Promise<AuditRecord[]> {
    const storableContents = contents.map(storableAuditContent);
    const lock = this.#dialect.lockTable('audit');
    return this.#executor.transaction(async (statements) => {
      // Appenders queue here, so each one reads the true head of the chain.
      if (lock !== undefined) await statements.run(lock, []);
      const [head] = await statements.all(
        'SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1',
        [],
      );
      const records = linkAuditRecords(
        head && { sequence: Number(head.sequence), hash: text(head.hash) },
        storableContents,
        hasher,
      );
      for (const record of records) {
        await statements.run(INSERT_AUDIT, [
          record.sequence,
          ...auditContentValues(record),
          record.previousHash,
          record.hash,
        ]);
      }
      return records;
    });
  }

  async listAudit(after: number, limit: number): Promise<AuditPage> {
    const rows = await this.#select(
      'SELECT * FROM audit WHERE sequence > ? ORDER BY sequence LIMIT ?',
      after,
      limit + 1,
    );
    const entries = rows.slice(0, limit).map(auditFromRow);
    return { entries, nextAfter: rows.length > limit ? entries[entries.length - 1]?.sequence : undefined };
  }

  async rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.#executor.transaction(async (statements) => {
      await statements.run('DELETE FROM nonces WHERE expires_at < ?', [now]);
      // ON CONFLICT: when two processes see the same nonce at once, exactly one insert counts.
      const inserted = await write(
        statements,
        'INSERT INTO nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING',
        [nonce, expiresAt],
      );
      return inserted > 0;
    });
  }

  async ping(): Promise<boolean> {
    return (await this.#first('SELECT 1 AS ok'))?.ok === 1;
  }

  async close(): Promise<void> {
    await this.#executor.close();
  }
}
