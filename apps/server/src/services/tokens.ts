// API tokens: high-entropy bearer secrets stored as their SHA-256, with scopes and optional per-key grants.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ServerError } from '../errors.js';
import type { Store, TokenRecord } from '../store/store.js';
import { type AuditLog, auditEntry } from './audit.js';
import type { Actor } from './keys.js';

/** The scopes a token can carry. `admin` implies every other scope. */
export const TOKEN_SCOPES = ['admin', 'sign', 'verify', 'audit', 'pingone'] as const;

/** One scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Who is calling: the authenticated token. */
export interface Principal {
  readonly tokenId: string;
  readonly scopes: readonly string[];
  /** Key ids (or names) the token may use; undefined means every key. */
  readonly keys: readonly string[] | undefined;
}

/** A token's secret as it is shown once, and its id. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
}

/** Hex SHA-256 of a bearer secret: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A fresh bearer secret: 32 random bytes, base64url, with a `sgl_` prefix so that scanners can spot it. */
export function generateSecret(): string {
  return `sgl_${randomBytes(32).toString('base64url')}`;
}

/** Equality of two hex hashes in constant time. */
export function equalHashes(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the principal holds `scope` (or `admin`). */
export function hasScope(principal: Principal, scope: TokenScope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

/** Creates, revokes and authenticates tokens. */
export class TokenService {
  readonly #store: Store;
  readonly #audit: AuditLog;

  constructor(store: Store, audit: AuditLog) {
    this.#store = store;
    this.#audit = audit;
  }

  async #record(actor: Actor, operation: string, tokenId: string): Promise<void> {
    await this.#audit.record(auditEntry(actor, operation, { detail: tokenId }));
  }

  /** `POST /v1/tokens`: issues a token and audits it; the secret is shown once. */
  async issue(
    actor: Actor,
    request: { name: string; scopes: readonly string[]; keys?: readonly string[] | undefined },
  ): Promise<IssuedToken> {
    const issued = await this.create(request);
    await this.#record(actor, 'tokens.create', issued.id);
    return issued;
  }

  /**
   * `DELETE /v1/tokens/{id}`: revokes a token and audits it.
   * @throws {ServerError} ERR_NOT_FOUND when there is none
   */
  async revoke(actor: Actor, id: string): Promise<void> {
    await this.delete(id);
    await this.#record(actor, 'tokens.delete', id);
  }

  /** Issues a token; the secret is returned here and never again. */
  async create(request: {
    name: string;
    scopes: readonly string[];
    keys?: readonly string[] | undefined;
    expiresAt?: string;
  }): Promise<IssuedToken> {
    const token = generateSecret();
    const record: TokenRecord = {
      id: randomUUID(),
      name: request.name,
      secretHash: hashSecret(token),
      scopes: [...new Set(request.scopes)],
      keys: request.keys === undefined ? undefined : [...request.keys],
      expiresAt: request.expiresAt,
      createdAt: new Date().toISOString(),
    };
    await this.#store.createToken(record);
    return { id: record.id, token };
  }

  /**
   * Revokes a token.
   * @throws {ServerError} ERR_NOT_FOUND when there is none
   */
  async delete(id: string): Promise<void> {
    if (!(await this.#store.deleteToken(id))) throw new ServerError('ERR_NOT_FOUND', `no token ${id}`);
  }

  /** The principal of a bearer secret, or undefined for an unknown, malformed or expired one. */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (secret.length < 16 || secret.length > 512) return undefined;
    const secretHash = hashSecret(secret);
    const record = await this.#store.getTokenBySecretHash(secretHash);
    if (record === undefined || !equalHashes(record.secretHash, secretHash)) return undefined;
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= Date.now()) return undefined;
    return { tokenId: record.id, scopes: record.scopes, keys: record.keys };
  }

  /**
   * Makes sure an admin token exists: `configured` (SIGIL_ADMIN_TOKEN) is registered when new; otherwise, on first
   * start (no admin token yet), one is generated. Returns the generated secret, to be printed once.
   */
  async bootstrapAdmin(configured: string | undefined): Promise<string | undefined> {
    if (configured) {
      if ((await this.#store.getTokenBySecretHash(hashSecret(configured))) === undefined) {
        await this.#store.createToken({
          id: randomUUID(),
          name: 'admin (SIGIL_ADMIN_TOKEN)',
          secretHash: hashSecret(configured),
          scopes: ['admin'],
          keys: undefined,
          expiresAt: undefined,
          createdAt: new Date().toISOString(),
        });
      }
      return undefined;
    }
    if ((await this.#store.countTokensWithScope('admin')) > 0) return undefined;
    return (await this.create({ name: 'admin (generated)', scopes: ['admin'] })).token;
  }
}
