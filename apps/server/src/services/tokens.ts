// API tokens: high-entropy bearer secrets stored as their SHA-256, with scopes and optional per-key grants; a token
// may also hold PingID SDK credentials (its API key sealed under the master key) for `PINGID-HMAC` requests.
import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { parseCompactJws } from '@sigil/crypto-core/jws';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  PINGID_AUTHORIZATION_PREFIX,
  type PingIdCredentials,
  type PingIdRequestParts,
  verifyAuthorizationHeader,
} from '@sigil/protocols/pingid';
import { ServerError } from '../errors.js';
import { openSecret, pingIdSealingContext, sealSecret } from '../providers/sealing.js';
import type { Store, TokenRecord } from '../store/store.js';
import { type AuditLog, auditEntry } from './audit.js';
import type { Actor } from './keys.js';

/** The scopes a token can carry. `admin` implies every other scope. */
export const TOKEN_SCOPES = ['admin', 'sign', 'verify', 'audit', 'pingone', 'metrics'] as const;

/** One scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Who is calling: the authenticated token. */
export interface Principal {
  readonly tokenId: string;
  readonly scopes: readonly string[];
  /** Key ids (or names) the token may use; undefined means every key. */
  readonly keys: readonly string[] | undefined;
}

/** A token's secret as it is shown once, and its id; with `pingidHmac`, its PingID credentials, also shown once. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  /** `accountId` is the token id; `apiKey` is base64 (padded) of 32 random bytes, as PingID SDK settings hold it. */
  readonly pingid?: PingIdCredentials;
}

/** What a token is issued from. */
export interface TokenRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly keys?: readonly string[] | undefined;
  /** Also give the token PingID SDK credentials, so that it can sign requests as `PINGID-HMAC=<jwt>`. */
  readonly pingidHmac?: boolean | undefined;
  readonly expiresAt?: string;
}

/** A request that authenticated with `PINGID-HMAC`: who made it, and the API key its response is signed with. */
export interface PingIdAuthentication {
  readonly principal: Principal;
  readonly apiKey: string;
}

/** Hex SHA-256 of a bearer secret: what the store keeps. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
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

/** Why protocols refused a PingID authorization, in a word or two for the 401 message. */
const PINGID_REFUSAL_REASONS: Readonly<Record<string, string>> = {
  ERR_PINGID_AUTH_MISSING: 'missing',
  ERR_PINGID_AUTH_MALFORMED: 'malformed',
  ERR_PINGID_AUTH_SIGNATURE: 'bad signature',
  ERR_PINGID_AUTH_MISMATCH: 'does not match the request',
  ERR_PINGID_AUTH_EXPIRED: 'expired',
  ERR_PINGID_AUTH_REPLAYED: 'replayed',
};

/** The `account_id` a `PINGID-HMAC=<jwt>` header claims, read without trusting it (it picks the key to verify with). */
export function claimedPingIdAccount(authorization: string): string | undefined {
  try {
    const accountId = parseCompactJws(authorization.slice(PINGID_AUTHORIZATION_PREFIX.length)).header
      .account_id;
    return typeof accountId === 'string' && accountId !== '' ? accountId : undefined;
  } catch {
    return undefined;
  }
}

/** True when the principal holds `scope` (or `admin`). */
export function hasScope(principal: Principal, scope: TokenScope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

function isExpired(record: TokenRecord): boolean {
  return record.expiresAt !== undefined && Date.parse(record.expiresAt) <= Date.now();
}

function principalOf(record: TokenRecord): Principal {
  return { tokenId: record.id, scopes: record.scopes, keys: record.keys };
}

/** Creates, revokes and authenticates tokens. */
export class TokenService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #masterKey: Uint8Array;

  /** `masterKey` (32 bytes) seals the PingID API keys of tokens. */
  constructor(store: Store, audit: AuditLog, masterKey: Uint8Array) {
    if (!(masterKey instanceof Uint8Array) || masterKey.length !== 32) {
      throw new TypeError('TokenService needs a 32-byte master key');
    }
    this.#store = store;
    this.#audit = audit;
    this.#masterKey = masterKey;
  }

  async #record(actor: Actor, operation: string, tokenId: string): Promise<void> {
    await this.#audit.record(auditEntry(actor, operation, { detail: tokenId }));
  }

  /** `POST /v1/tokens`: issues a token and audits it; the secret (and PingID API key) is shown once. */
  async issue(actor: Actor, request: Omit<TokenRequest, 'expiresAt'>): Promise<IssuedToken> {
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

  /** Issues a token; the secret (and PingID API key) is returned here and never again. */
  async create(request: TokenRequest): Promise<IssuedToken> {
    const id = randomUUID();
    const token = generateSecret();
    const apiKeyBytes = request.pingidHmac === true ? randomBytes(32) : undefined;
    const pingid: PingIdCredentials | undefined = apiKeyBytes && {
      accountId: id,
      token: randomBytes(16).toString('hex'),
      // protocols decodes the API key as padded base64 (RFC 4648 §4), as the PingID SDK settings file holds it.
      apiKey: apiKeyBytes.toString('base64'),
    };
    const record: TokenRecord = {
      id,
      name: request.name,
      secretHash: hashSecret(token),
      scopes: [...new Set(request.scopes)],
      keys: request.keys === undefined ? undefined : [...request.keys],
      expiresAt: request.expiresAt,
      createdAt: new Date().toISOString(),
      pingIdToken: pingid?.token,
      sealedPingIdApiKey: apiKeyBytes && sealSecret(this.#masterKey, apiKeyBytes, pingIdSealingContext(id)),
    };
    apiKeyBytes?.fill(0);
    // Short-lived tokens (Fortanix sessions) would pile up: whoever issues one clears the expired ones.
    if (record.expiresAt !== undefined) await this.#store.deleteExpiredTokens(record.createdAt);
    await this.#store.createToken(record);
    return pingid === undefined ? { id, token } : { id, token, pingid };
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
    if (isExpired(record)) return undefined;
    return principalOf(record);
  }

  /**
   * Authenticates a `PINGID-HMAC=<jwt>` request (seed 004): the token named by the JWT's `account_id`, unless
   * unknown, revoked or expired, gives the API key and `token` that protocols verifies the header with (signature,
   * token, this request's canonical string, expiry); its `X-Request-ID` is then remembered in the store until the
   * header expires, so a replay is refused by every process on the same store.
   * @throws {ServerError} ERR_UNAUTHENTICATED naming the reason
   */
  async authenticatePingId(
    authorization: string,
    request: PingIdRequestParts,
  ): Promise<PingIdAuthentication> {
    const accountId = claimedPingIdAccount(authorization);
    const record = accountId === undefined ? undefined : await this.#store.getToken(accountId);
    const credentials = record && this.#pingIdCredentials(record);
    try {
      await verifyAuthorizationHeader(authorization, request, {
        // Asked only once the header is well-formed: a malformed one is refused as such, whatever it names.
        credentialsFor: (id) => {
          if (credentials === undefined || id !== credentials.accountId) {
            throw new ServerError(
              'ERR_UNAUTHENTICATED',
              'PingID authorization refused (unknown account): no active token has this account_id',
            );
          }
          return credentials;
        },
        replayStore: {
          remember: (requestId, expires) =>
            this.#store.rememberNonce(`pingid:${accountId}:${requestId}`, expires.toISOString()),
        },
      });
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      const reason = PINGID_REFUSAL_REASONS[error.code];
      if (reason === undefined) throw error;
      throw new ServerError(
        'ERR_UNAUTHENTICATED',
        `PingID authorization refused (${reason}): ${error.message}`,
        {
          cause: error,
        },
      );
    }
    // credentialsFor accepted them, so record and credentials are both defined here.
    return { principal: principalOf(record!), apiKey: credentials!.apiKey };
  }

  /** The PingID credentials of an active token that has them, its API key opened; undefined otherwise. */
  #pingIdCredentials(record: TokenRecord): PingIdCredentials | undefined {
    if (record.pingIdToken === undefined || record.sealedPingIdApiKey === undefined || isExpired(record)) {
      return undefined;
    }
    const apiKey = openSecret(this.#masterKey, record.sealedPingIdApiKey, pingIdSealingContext(record.id));
    try {
      return { accountId: record.id, token: record.pingIdToken, apiKey: apiKey.toString('base64') };
    } finally {
      apiKey.fill(0);
    }
  }

  /**
   * Makes sure an admin token exists: `configured` (SIGIL_ADMIN_TOKEN) is registered when new; otherwise, on first
   * start (no admin token yet), one is generated. Returns the generated secret, to be printed once.
   */
  async bootstrapAdmin(configured: string | undefined): Promise<string | undefined> {
    if (configured) {
      const secretHash = hashSecret(configured);
      if ((await this.#store.getTokenBySecretHash(secretHash)) === undefined) {
        try {
          await this.#store.createToken({
            id: randomUUID(),
            name: 'admin (SIGIL_ADMIN_TOKEN)',
            secretHash,
            scopes: ['admin'],
            keys: undefined,
            expiresAt: undefined,
            createdAt: new Date().toISOString(),
          });
        } catch (error) {
          // Several processes starting on one database race to insert it: the loser finds the winner's row.
          if ((await this.#store.getTokenBySecretHash(secretHash)) === undefined) throw error;
        }
      }
      return undefined;
    }
    if ((await this.#store.countTokensWithScope('admin')) > 0) return undefined;
    return (await this.create({ name: 'admin (generated)', scopes: ['admin'] })).token;
  }
}
