// The Fortanix DSM-compatible surface: apps with Basic credentials, sessions, and sign/verify items (seed 003).
import { randomBytes, randomUUID } from 'node:crypto';
import { base64ToBytes, bitLength, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { Key, PublicKey } from '@sigil/crypto-core/key-types';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import {
  type FortanixKeyDescriptor,
  type FortanixKeyType,
  type FortanixSessionAuthResponse,
  type FortanixSignatureParams,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixKeyTypeOf,
  validateFortanixSignItem,
  validateFortanixVerifyItem,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import { readKey } from '../providers/local.js';
import type { SignatureParams } from '../providers/provider.js';
import {
  type CryptoEngineName,
  OpenedKey,
  type SigningKey,
  signOpened,
  verifyWithKey,
} from '../providers/signing-engine.js';
import type { KeyRecord, Store } from '../store/store.js';
import { type AuditLog, algorithmLabel } from './audit.js';
import { type Outcome, type Prepared, runTogether, settleEach } from './batch.js';
import { type Actor, type KeyService, publicKeyOfVersion } from './keys.js';
import { memoizeLookup } from './memo.js';
import type { SignCall, SigningService, SignOutcome } from './signing.js';
import { equalHashes, hashSecret, type Principal, type TokenService } from './tokens.js';

/** How long a session's access token lives, in seconds. */
export const FORTANIX_SESSION_SECONDS = 3600;

const RSA_HASHES = new Set(['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512']);

function rsaHash(hash: string): RsaHashName {
  if (!RSA_HASHES.has(hash))
    throw new ServerError('ERR_FORTANIX_ALGORITHM', `RSA signatures do not use ${hash}`);
  return hash as RsaHashName;
}

function toSignatureParams(
  params: FortanixSignatureParams,
  deterministic: boolean | undefined,
): SignatureParams {
  switch (params.kty) {
    case 'RSA':
      return params.scheme === 'pss'
        ? { kty: 'RSA', scheme: 'pss', hash: rsaHash(params.hash), mgfHash: rsaHash(params.mgfHash) }
        : { kty: 'RSA', scheme: 'pkcs1', hash: rsaHash(params.hash) };
    case 'EC':
      // DSM signs ECDSA with fresh randomness unless deterministic_signature is set (then RFC 6979).
      return { kty: 'EC', hash: params.hash, format: 'der', hedged: deterministic !== true };
    case 'OKP':
      return { kty: 'OKP' };
  }
}

function keyTypeOf(key: Key): FortanixKeyType {
  if (key.kty === 'oct')
    throw new ServerError('ERR_FORTANIX_ALGORITHM', 'HMAC keys do not sign through this API');
  return fortanixKeyTypeOf(key as PublicKey);
}

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
    const match = authorization === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!match?.[1]) return refuse();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 1) return refuse();
    const appId = decoded.slice(0, separator).toLowerCase();
    const app = /^[0-9a-f-]{36}$/.test(appId) ? await this.#store.getFortanixApp(appId) : undefined;
    if (app === undefined || !equalHashes(app.secretHash, hashSecret(decoded.slice(separator + 1))))
      return refuse();
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
    const keyType = keyTypeOf(resolved.kind === 'stored' ? resolved.publicKey : resolved.key);
    const validated = validateFortanixSignItem(item, keyType);
    const params = toSignatureParams(validated.params, validated.deterministic);
    const algorithm = algorithmLabel(params);
    if (resolved.kind === 'inline') {
      if (resolved.key.kty === 'oct' || !('d' in resolved.key || 'seed' in resolved.key)) {
        throw new ServerError('ERR_FORTANIX_ITEM', 'an inline key must be private to sign');
      }
      const signature = signOpened(
        new OpenedKey(resolved.key as SigningKey),
        params,
        validated.input,
        this.#engine,
      );
      await this.#audit.recordOutcome(actor, 'fortanix.sign', {
        algorithm,
        input: validated.input,
        detail: INLINE_KEY,
      });
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
        input: validated.input,
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
      const keyType = keyTypeOf(resolved.kind === 'stored' ? resolved.publicKey : resolved.key);
      const validated = validateFortanixVerifyItem(item, keyType);
      const params = toSignatureParams(validated.params, undefined);
      const algorithm = algorithmLabel(params);
      if (resolved.kind === 'inline') {
        const result = verifyWithKey(resolved.key, params, validated.input, validated.signature);
        await this.#audit.recordOutcome(
          actor,
          'fortanix.verify',
          { algorithm, input: validated.input, detail: INLINE_KEY },
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
        input: validated.input,
        signature: validated.signature,
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
