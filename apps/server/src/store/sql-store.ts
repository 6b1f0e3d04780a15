// The Store written once in SQL: every statement, the audit append and paging, over the small executor and dialect
// that the embedded (sqlite.ts) and the PostgreSQL (postgres.ts) adapters implement.
import { ServerError } from '../errors.js';
import {
  AUDIT_HEAD_SETTING,
  AUDIT_KEY_SETTING,
  linkAuditRecords,
  storableAuditContent,
} from './audit-chain.js';

/** Settings whose value is a secret sealed under the master key. */
const SEALED_SETTINGS = [AUDIT_KEY_SETTING] as const;

import {
  auditFromRow,
  fortanixAppFromRow,
  insertAudit,
  insertFortanixApp,
  insertKey,
  insertKeyVersion,
  insertSignPathPolicy,
  insertSignPathRequest,
  insertToken,
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
  AuditChain,
  AuditContent,
  AuditPage,
  AuditRecord,
  FortanixAppRecord,
  KeyRecord,
  KeyStatus,
  KeyVersionRecord,
  SealedSecret,
  SealedSecretSample,
  SignPathPolicyRecord,
  SignPathRequestRecord,
  SignPathRequestStatus,
  Store,
  TokenRecord,
} from './store.js';
import { isStorableText, refuseUnstorableText } from './text.js';

const storable = (value: SqlValue): boolean => typeof value !== 'string' || isStorableText(value);

/**
 * Runs a statement that stores its parameters.
 * @throws {ServerError} ERR_VALIDATION when a parameter is text no store can hold
 */
function write(statements: SqlStatements, sql: string, ...parameters: SqlValue[]): Promise<number> {
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

  async #delete(sql: string, ...parameters: SqlValue[]): Promise<number> {
    return parameters.every(storable) ? this.#executor.run(sql, parameters) : 0;
  }

  async #one<T>(fromRow: (row: Row) => T, sql: string, ...parameters: SqlValue[]): Promise<T | undefined> {
    const [row] = await this.#select(sql, ...parameters);
    return row && fromRow(row);
  }

  async #many<T>(fromRow: (row: Row) => T, sql: string, ...parameters: SqlValue[]): Promise<T[]> {
    return (await this.#select(sql, ...parameters)).map(fromRow);
  }

  /** `ORDER BY created_at` with ties in insertion order. */
  get #creationOrder(): string {
    return `ORDER BY created_at, ${this.#dialect.insertionOrder}`;
  }

  readonly #version = (row: Row): KeyVersionRecord => versionFromRow(row, this.#jwks);

  async createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void> {
    await this.#executor.transaction(async (statements) => {
      await write(statements, ...insertKey(key));
      await write(statements, ...insertKeyVersion(version));
    });
  }

  getKey(id: string): Promise<KeyRecord | undefined> {
    return this.#one(keyFromRow, 'SELECT * FROM keys WHERE id = ?', id);
  }

  getKeyByName(name: string): Promise<KeyRecord | undefined> {
    return this.#one(keyFromRow, 'SELECT * FROM keys WHERE name = ?', name);
  }

  getKeyByKid(kid: string): Promise<KeyRecord | undefined> {
    return this.#one(keyFromRow, `SELECT * FROM keys WHERE kid = ? ${this.#creationOrder} LIMIT 1`, kid);
  }

  getKeyVersionByKid(kid: string): Promise<KeyVersionRecord | undefined> {
    return this.#one(
      this.#version,
      `SELECT * FROM key_versions WHERE kid = ? ${this.#creationOrder} LIMIT 1`,
      kid,
    );
  }

  getKeyByPingOneAlias(credentialSigningKeyId: string): Promise<KeyRecord | undefined> {
    return this.#one(keyFromRow, 'SELECT * FROM keys WHERE pingone_alias = ?', credentialSigningKeyId);
  }

  listKeys(): Promise<KeyRecord[]> {
    return this.#many(keyFromRow, `SELECT * FROM keys ${this.#creationOrder}`);
  }

  async addKeyVersion(version: KeyVersionRecord): Promise<void> {
    await this.#executor.transaction(async (statements) => {
      await write(statements, ...insertKeyVersion(version));
      await write(
        statements,
        'UPDATE keys SET current_version = ? WHERE id = ?',
        version.version,
        version.keyId,
      );
    });
  }

  getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined> {
    return this.#one(
      this.#version,
      'SELECT * FROM key_versions WHERE key_id = ? AND version = ?',
      keyId,
      version,
    );
  }

  listKeyVersions(keyId: string): Promise<KeyVersionRecord[]> {
    return this.#many(
      this.#version,
      'SELECT * FROM key_versions WHERE key_id = ? ORDER BY version DESC',
      keyId,
    );
  }

  async setKeyStatus(id: string, status: KeyStatus): Promise<void> {
    await write(this.#executor, 'UPDATE keys SET status = ? WHERE id = ?', status, id);
  }

  async setPingOneAlias(id: string, credentialSigningKeyId: string | undefined): Promise<void> {
    await write(
      this.#executor,
      'UPDATE keys SET pingone_alias = ? WHERE id = ?',
      credentialSigningKeyId ?? null,
      id,
    );
  }

  async deleteKey(id: string): Promise<boolean> {
    return (await this.#delete('DELETE FROM keys WHERE id = ?', id)) > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    await write(this.#executor, ...insertToken(token));
  }

  getTokenBySecretHash(secretHash: string): Promise<TokenRecord | undefined> {
    return this.#one(tokenFromRow, 'SELECT * FROM tokens WHERE secret_hash = ?', secretHash);
  }

  getToken(id: string): Promise<TokenRecord | undefined> {
    return this.#one(tokenFromRow, 'SELECT * FROM tokens WHERE id = ?', id);
  }

  async deleteToken(id: string): Promise<boolean> {
    return (await this.#delete('DELETE FROM tokens WHERE id = ?', id)) > 0;
  }

  deleteExpiredTokens(now: string): Promise<number> {
    return this.#delete('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?', now);
  }

  async countTokensWithScope(scope: string): Promise<number> {
    const scopes = this.#dialect.jsonArrayElements('tokens.scopes', 'scope');
    const [row] = await this.#select(
      `SELECT COUNT(*) AS count FROM tokens, ${scopes} WHERE scope.value = ?`,
      scope,
    );
    return Number(row?.count ?? 0);
  }

  async createSignPathPolicy(policy: SignPathPolicyRecord): Promise<void> {
    await write(this.#executor, ...insertSignPathPolicy(policy));
  }

  listSignPathPolicies(organizationId: string): Promise<SignPathPolicyRecord[]> {
    const sql = `SELECT * FROM signpath_policies WHERE organization_id = ? ${this.#creationOrder}`;
    return this.#many(policyFromRow, sql, organizationId);
  }

  getSignPathPolicy(id: string): Promise<SignPathPolicyRecord | undefined> {
    return this.#one(policyFromRow, 'SELECT * FROM signpath_policies WHERE id = ?', id);
  }

  async createSignPathRequest(request: SignPathRequestRecord): Promise<void> {
    await write(this.#executor, ...insertSignPathRequest(request));
  }

  getSignPathRequest(id: string): Promise<SignPathRequestRecord | undefined> {
    return this.#one(requestFromRow, 'SELECT * FROM signpath_requests WHERE id = ?', id);
  }

  async finishSignPathRequest(
    id: string,
    outcome: { status: SignPathRequestStatus; signature?: string; error?: string },
  ): Promise<void> {
    await write(
      this.#executor,
      'UPDATE signpath_requests SET status = ?, signature = ?, error = ?, updated_at = ? WHERE id = ?',
      outcome.status,
      outcome.signature ?? null,
      outcome.error ?? null,
      new Date().toISOString(),
      id,
    );
  }

  listPendingSignPathRequests(): Promise<SignPathRequestRecord[]> {
    const sql = "SELECT * FROM signpath_requests WHERE status = 'InProgress' ORDER BY created_at, id";
    return this.#many(requestFromRow, sql);
  }

  async claimSignPathRequest(id: string, owner: string, leaseExpiresAt: string): Promise<boolean> {
    const claimed = await write(
      this.#executor,
      `UPDATE signpath_requests SET lease_owner = ?, lease_expires_at = ?
       WHERE id = ? AND status = 'InProgress' AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
      owner,
      leaseExpiresAt,
      id,
      owner,
      new Date().toISOString(),
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
      leaseExpiresAt,
      owner,
    );
  }

  async createFortanixApp(app: FortanixAppRecord): Promise<void> {
    await write(this.#executor, ...insertFortanixApp(app));
  }

  getFortanixApp(id: string): Promise<FortanixAppRecord | undefined> {
    return this.#one(fortanixAppFromRow, 'SELECT * FROM fortanix_apps WHERE id = ?', id);
  }

  async appendAudit(content: AuditContent, chain: AuditChain): Promise<AuditRecord> {
    const [record] = await this.appendAuditMany([content], chain);
    return record!;
  }

  async appendAuditMany(contents: readonly AuditContent[], chain: AuditChain): Promise<AuditRecord[]> {
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
        chain,
      );
      for (const record of records) await write(statements, ...insertAudit(record));
      const last = records[records.length - 1];
      if (last !== undefined) {
        await statements.run(
          'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
          [AUDIT_HEAD_SETTING, chain.sealHead(last)],
        );
      }
      return records;
    });
  }

  async lastAudit(): Promise<{ sequence: number; hash: string } | undefined> {
    const [row] = await this.#select('SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1');
    return row === undefined ? undefined : { sequence: Number(row.sequence), hash: text(row.hash) };
  }

  async listAudit(after: number, limit: number): Promise<AuditPage> {
    const sql = 'SELECT * FROM audit WHERE sequence > ? ORDER BY sequence LIMIT ?';
    const rows = await this.#select(sql, after, limit + 1);
    const entries = rows.slice(0, limit).map(auditFromRow);
    return { entries, nextAfter: rows.length > limit ? entries[entries.length - 1]?.sequence : undefined };
  }

  async rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    refuseUnstorableText([nonce, expiresAt]);
    const now = new Date().toISOString();
    return this.#executor.transaction(async (statements) => {
      await statements.run('DELETE FROM nonces WHERE expires_at < ?', [now]);
      // ON CONFLICT: when two processes see the same nonce at once, exactly one insert counts.
      const sql = 'INSERT INTO nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING';
      return (await statements.run(sql, [nonce, expiresAt])) > 0;
    });
  }

  async getSetting(name: string): Promise<string | undefined> {
    const [row] = await this.#select('SELECT value FROM settings WHERE name = ?', name);
    return row === undefined ? undefined : text(row.value);
  }

  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    return this.#executor.transaction(async (statements) => {
      // ON CONFLICT: two processes starting at once on one database both end with the first one's value.
      await write(
        statements,
        'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
        name,
        value,
      );
      const [row] = await statements.all('SELECT value FROM settings WHERE name = ?', [name]);
      return text(row?.value);
    });
  }

  async sampleSealedSecret(): Promise<SealedSecretSample | undefined> {
    const [version] = await this.#select(
      'SELECT key_id, version, sealed_private_key FROM key_versions ORDER BY key_id, version LIMIT 1',
    );
    if (version !== undefined) {
      return {
        kind: 'key-version',
        keyId: text(version.key_id),
        version: Number(version.version),
        sealed: text(version.sealed_private_key),
      };
    }
    const [token] = await this.#select(
      'SELECT id, sealed_pingid_api_key FROM tokens WHERE sealed_pingid_api_key IS NOT NULL ORDER BY id LIMIT 1',
    );
    return token === undefined
      ? undefined
      : { kind: 'pingid', tokenId: text(token.id), sealed: text(token.sealed_pingid_api_key) };
  }

  async rewrapSealedSecrets(
    rewrap: (secret: SealedSecret) => string,
    settings: Readonly<Record<string, string>>,
  ): Promise<number> {
    return this.#executor.transaction(async (statements) => {
      let count = 0;
      const versions = await statements.all(
        'SELECT key_id, version, sealed_private_key FROM key_versions',
        [],
      );
      for (const row of versions) {
        const sealed = rewrap({
          kind: 'key-version',
          keyId: text(row.key_id),
          version: Number(row.version),
          sealed: text(row.sealed_private_key),
        });
        await statements.run(
          'UPDATE key_versions SET sealed_private_key = ? WHERE key_id = ? AND version = ?',
          [sealed, text(row.key_id), Number(row.version)],
        );
        count += 1;
      }
      const tokens = await statements.all(
        'SELECT id, sealed_pingid_api_key FROM tokens WHERE sealed_pingid_api_key IS NOT NULL',
        [],
      );
      for (const row of tokens) {
        const sealed = rewrap({
          kind: 'pingid',
          tokenId: text(row.id),
          sealed: text(row.sealed_pingid_api_key),
        });
        await statements.run('UPDATE tokens SET sealed_pingid_api_key = ? WHERE id = ?', [
          sealed,
          text(row.id),
        ]);
        count += 1;
      }
      for (const row of await statements.all('SELECT name, value FROM settings WHERE name IN (?)', [
        SEALED_SETTINGS[0],
      ])) {
        const sealed = rewrap({ kind: 'setting', name: text(row.name), sealed: text(row.value) });
        await statements.run('UPDATE settings SET value = ? WHERE name = ?', [sealed, text(row.name)]);
        count += 1;
      }
      for (const [name, value] of Object.entries(settings)) {
        await write(
          statements,
          'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
          name,
          value,
        );
      }
      return count;
    });
  }

  /** A SQL store has no backup of its own: the embedded store overrides this; PostgreSQL is backed up with pg_dump. */
  async backup(_destination: string): Promise<void> {
    throw new ServerError(
      'ERR_CONFLICT',
      'this store is PostgreSQL: back it up with pg_dump (and keep SIGIL_MASTER_KEY apart from the dump)',
    );
  }

  async ping(): Promise<boolean> {
    const [row] = await this.#select('SELECT 1 AS ok');
    return row?.ok === 1;
  }

  async close(): Promise<void> {
    await this.#executor.close();
  }
}
