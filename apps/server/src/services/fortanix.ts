// The Fortanix DSM-compatible surface: apps with Basic credentials, sessions, and sign/verify items (seed 003).
import { randomBytes, randomUUID } from 'node:crypto';
import { base64ToBytes, bitLength, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { Key, PublicKey } from '@sigil/crypto-core/key-types';
import { verify } from '@sigil/crypto-core/sign';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  type FortanixAppCredentials,
  type FortanixKeyDescriptor,
  type FortanixKeyType,
  type FortanixSessionAuthResponse,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixAlgorithmLabel,
  fortanixKeyTypeOf,
  parseFortanixBasicCredentials,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import { readKey } from '../providers/local.js';
import { type CryptoEngineName, type SigningKey, signWithEngine } from '../providers/signing-engine.js';
import type { KeyRecord, Store } from '../store/store.js';
import type { AuditLog } from './audit.js';
import { type Outcome, type Prepared, runTogether, settleEach } from './batch.js';
import { type Actor, type KeyService, publicKeyOfVersion } from './keys.js';
import { memoizeLookup } from './memo.js';
import type { SignCall, SigningService, SignOutcome } from './signing.js';
import { equalHashes, hashSecret, type Principal, type TokenService } from './tokens.js';

/** How long a session's access token lives, in seconds. */
export const FORTANIX_SESSION_SECONDS = 3600;

/** The audit detail of an operation with inline key material. */
const INLINE_KEY = 'inline key';

/** The answer for a stored key's signature. */
function storedKeySignature(outcome: SignOutcome, call: SignCall): FortanixSignResponse {
  return { kid: call.key.id, signature: bytesToBase64(outcome.signature) };
}

/** A resolved key descriptor: a stored key, or inline material. */
type ResolvedKey =
  | { readonly kind: 'stored'; readonly record: KeyRecord; readonly publicKey: Key }
  | { readonly kind: 'inline'; readonly key: SigningKey | PublicKey };

/**
 * The DSM key type of a resolved key.
 * @throws {ServerError} ERR_FORTANIX_ALGORITHM for an HMAC key
 */
function keyTypeOf(resolved: ResolvedKey): FortanixKeyType {
  const key: Key = resolved.kind === 'stored' ? resolved.publicKey : resolved.key;
  if (key.kty === 'oct')
    throw new ServerError('ERR_FORTANIX_ALGORITHM', 'HMAC keys do not sign through this API');
  return fortanixKeyTypeOf(key);
}

/** Fortanix-compatible operations. */
export class FortanixService {
  readonly #engine: CryptoEngineName;
  readonly #store: Store;
  readonly #keys: KeyService;
  readonly #signing: SigningService;
  readonly #tokens: TokenService;
  readonly #audit: AuditLog;

  constructor(
    store: Store,
    keys: KeyService,
    signing: SigningService,
    tokens: TokenService,
    audit: AuditLog,
    engine: CryptoEngineName = 'native',
  ) {
    this.#engine = engine;
    this.#store = store;
    this.#keys = keys;
    this.#signing = signing;
    this.#tokens = tokens;
    this.#audit = audit;
  }

  /** `POST /v1/fortanix/apps`: an app and its secret, shown once (Basic credentials `base64(appId:secret)`). */
  async createApp(
    actor: Actor,
    request: { name: string; keys?: readonly string[] | undefined },
  ): Promise<{ appId: string; secret: string }> {
    const keyIds =
      request.keys === undefined
        ? undefined
        : await Promise.all(request.keys.map(async (reference) => (await this.#keys.resolve(reference)).id));
    const secret = randomBytes(32).toString('base64url');
    const appId = randomUUID();
    await this.#store.createFortanixApp({
      id: appId,
      name: request.name,
      secretHash: hashSecret(secret),
      keys: keyIds,
      createdAt: new Date().toISOString(),
    });
    await this.#audit.recordOutcome(actor, 'fortanix.apps.create', { detail: appId });
    return { appId, secret };
  }

  /**
   * `POST /sys/v1/session/auth` with `Authorization: Basic base64(appId:secret)`: a bearer session for the app.
   * @throws {ServerError} ERR_UNAUTHENTICATED for missing or wrong credentials
   */
  async sessionAuth(actor: Actor, authorization: string | undefined): Promise<FortanixSessionAuthResponse> {
    const refuse = async (): Promise<never> => {
      throw await this.#audit.recordFailure(
        actor,
        'fortanix.session',
        new ServerError('ERR_UNAUTHENTICATED', 'invalid app credentials'),
      );
    };
    let credentials: FortanixAppCredentials;
    try {
      credentials = parseFortanixBasicCredentials(authorization);
    } catch (error) {
      if (isProtocolError(error, 'ERR_FORTANIX_CREDENTIALS')) return refuse();
      throw error;
    }
    const app = await this.#store.getFortanixApp(credentials.appId);
    if (app === undefined || !equalHashes(app.secretHash, hashSecret(credentials.appSecret))) return refuse();
    const issued = await this.#tokens.create({
      name: `fortanix session ${app.id}`,
      scopes: ['sign', 'verify'],
      keys: app.keys,
      expiresAt: new Date(Date.now() + FORTANIX_SESSION_SECONDS * 1000).toISOString(),
    });
    await this.#audit.recordOutcome({ ...actor, tokenId: issued.id }, 'fortanix.session', { detail: app.id });
    return {
      token_type: 'Bearer',
      expires_in: FORTANIX_SESSION_SECONDS,
      access_token: issued.token,
      entity_id: app.id,
    };
  }

  async #resolve(descriptor: FortanixKeyDescriptor | undefined): Promise<ResolvedKey> {
    if (descriptor === undefined) throw new ServerError('ERR_FORTANIX_ITEM', 'key is required');
    if ('inline' in descriptor) {
      const key = readKey(base64ToBytes(descriptor.inline.value)) as SigningKey | PublicKey;
      // Inline keys are signed on the request's thread: bound RSA to the sizes the server itself creates.
      if (key.kty === 'RSA' && (bitLength(key.n) < 2048 || bitLength(key.n) > 4096)) {
        throw new ServerError('ERR_FORTANIX_ITEM', 'an inline RSA key must have 2048 to 4096 bits');
      }
      return { kind: 'inline', key };
    }
    if ('transient_key' in descriptor)
      throw new ServerError('ERR_FORTANIX_ITEM', 'transient keys are not supported');
    const record =
      'kid' in descriptor
        ? await this.#store.getKey(descriptor.kid.toLowerCase())
        : await this.#store.getKeyByName(descriptor.name);
    if (record === undefined) throw new ServerError('ERR_KEY_NOT_FOUND', 'sobject does not exist');
    const version = await this.#store.getKeyVersion(record.id, record.currentVersion);
    const publicKey = version && publicKeyOfVersion(version);
    if (publicKey === undefined)
      throw new ServerError('ERR_FORTANIX_ALGORITHM', `key ${record.name} cannot sign here`);
    return { kind: 'stored', record, publicKey };
  }

  /**
   * Checks one item and, for inline key material, signs it at once; for a stored key, the call to make.
   * @throws {ServerError} the item's error, not yet audited
   */
  async #prepareSign(
    actor: Actor,
    principal: Principal,
    item: FortanixSignRequest,
    resolve: (descriptor: FortanixKeyDescriptor | undefined) => Promise<ResolvedKey> = (descriptor) =>
      this.#resolve(descriptor),
  ): Promise<Prepared<SignCall, FortanixSignResponse>> {
    const resolved = await resolve(item.key);
    // The table decides the params: PSS salted as long as the hash, an RFC 6979 nonce only for
    // `deterministic_signature: true` (DSM's default is a random one), ECDSA as DER.
    const { params, input } = decodeFortanixSignItem(item, keyTypeOf(resolved));
    const algorithm = fortanixAlgorithmLabel(params);
    if (resolved.kind === 'inline') {
      if (resolved.key.kty === 'oct' || !('d' in resolved.key || 'seed' in resolved.key)) {
        throw new ServerError('ERR_FORTANIX_ITEM', 'an inline key must be private to sign');
      }
      const signature = signWithEngine(resolved.key as SigningKey, params, input, this.#engine);
      await this.#audit.recordOutcome(actor, 'fortanix.sign', { algorithm, input, detail: INLINE_KEY });
      return { value: { signature: bytesToBase64(signature) } };
    }
    return {
      call: {
        actor,
        principal,
        operation: 'fortanix.sign',
        key: resolved.record,
        algorithm,
        params,
        input,
      },
    };
  }

  /** `POST /crypto/v1/sign`: signs one item. */
  async sign(actor: Actor, principal: Principal, item: FortanixSignRequest): Promise<FortanixSignResponse> {
    try {
      const prepared = await this.#prepareSign(actor, principal, item);
      if ('value' in prepared) return prepared.value;
      return storedKeySignature(await this.#signing.signOne(prepared.call), prepared.call);
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'fortanix.sign', error);
    }
  }

  /**
   * `POST /crypto/v1/keys/batch/sign` once parsed (a malformed item keeps its error, unaudited, as a single request
   * would): checks every item in order (a bad one gets its own audited error; each key is read once), signs inline
   * keys at once, then the stored-key items together through {@link SigningService.signBatch}, so a batch spreads
   * over the signing workers and its audit records share a transaction. One outcome per item, in order.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE (no result may leave then)
   */
  async signBatch(
    actor: Actor,
    principal: Principal,
    items: readonly Outcome<FortanixSignRequest>[],
  ): Promise<Outcome<FortanixSignResponse>[]> {
    const resolve = memoizeLookup(
      (descriptor: FortanixKeyDescriptor | undefined) => this.#resolve(descriptor),
      (descriptor) => JSON.stringify(descriptor ?? null),
    );
    return runTogether(
      items,
      async (item) => {
        try {
          return await this.#prepareSign(actor, principal, item, resolve);
        } catch (error) {
          throw await this.#audit.recordFailure(actor, 'fortanix.sign', error);
        }
      },
      (calls) => this.#signing.signBatch(calls),
      storedKeySignature,
    );
  }

  /** `POST /crypto/v1/verify`: verifies one item. */
  async verify(
    actor: Actor,
    principal: Principal,
    item: FortanixVerifyRequest,
  ): Promise<FortanixVerifyResponse> {
    try {
      const resolved = await this.#resolve(item.key);
      // PSS verifies with any salt length ('auto'), as DSM does: a verify request names none (decodeFortanixVerifyItem).
      const { params, input, signature } = decodeFortanixVerifyItem(item, keyTypeOf(resolved));
      const algorithm = fortanixAlgorithmLabel(params);
      if (resolved.kind === 'inline') {
        const result = verify(resolved.key, params, input, signature);
        await this.#audit.recordOutcome(
          actor,
          'fortanix.verify',
          { algorithm, input, detail: INLINE_KEY },
          result ? 'valid' : 'invalid',
        );
        return { result };
      }
      const result = await this.#signing.verifyOne({
        actor,
        principal,
        operation: 'fortanix.verify',
        key: resolved.record,
        algorithm,
        params,
        input,
        signature,
      });
      return { kid: resolved.record.id, result };
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'fortanix.verify', error);
    }
  }

  /**
   * `POST /crypto/v1/keys/batch/verify` once parsed: verifies the items one after the other; each gets its own
   * outcome, and a bad item does not fail the batch.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE (no result may leave then)
   */
  async verifyBatch(
    actor: Actor,
    principal: Principal,
    items: readonly Outcome<FortanixVerifyRequest>[],
  ): Promise<Outcome<FortanixVerifyResponse>[]> {
    return settleEach(items, (item) => this.verify(actor, principal, item));
  }
}
