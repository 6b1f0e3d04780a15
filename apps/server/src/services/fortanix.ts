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
import { ServerError, toServerError } from '../errors.js';
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
import { type AuditLog, auditEntry, sha256Hex } from './audit.js';
import { type Actor, type KeyService, publicKeyOfVersion } from './keys.js';
import { memoizeLookup } from './memo.js';
import type { SignCall, SigningService } from './signing.js';
import { equalHashes, hashSecret, type Principal, type TokenService } from './tokens.js';

/** How long a session's access token lives, in seconds. */
export const FORTANIX_SESSION_SECONDS = 3600;

/** One batch item's answer: `{status, body}` or `{status, error}` (seed 003). */
export type FortanixItemResult<T> = { status: number; body: T } | { status: number; error: string };

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

function labelOf(params: FortanixSignatureParams): string {
  return params.kty === 'OKP'
    ? 'Ed25519'
    : params.kty === 'EC'
      ? `ECDSA/${params.hash}`
      : `RSA-${params.scheme}/${params.hash}`;
}

function keyTypeOf(key: Key): FortanixKeyType {
  if (key.kty === 'oct')
    throw new ServerError('ERR_FORTANIX_ALGORITHM', 'HMAC keys do not sign through this API');
  return fortanixKeyTypeOf(key as PublicKey);
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
    await this.#signing.recordSuccess(actor, 'fortanix.apps.create', undefined, appId);
    return { appId, secret };
  }

  /**
   * `POST /sys/v1/session/auth` with `Authorization: Basic base64(appId:secret)`: a bearer session for the app.
   * @throws {ServerError} ERR_UNAUTHENTICATED for missing or wrong credentials
   */
  async sessionAuth(actor: Actor, authorization: string | undefined): Promise<FortanixSessionAuthResponse> {
    const refuse = async (): Promise<never> => {
      throw await this.#signing.recordFailure(
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
    await this.#signing.recordSuccess(
      { ...actor, tokenId: issued.id },
      'fortanix.session',
      undefined,
      app.id,
    );
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

  async #inlineAudit(
    actor: Actor,
    operation: string,
    algorithm: string,
    input: Uint8Array,
    result: string,
  ): Promise<void> {
    await this.#audit.record(
      auditEntry(actor, operation, {
        algorithm,
        inputSha256: sha256Hex(input),
        result,
        detail: 'inline key',
      }),
    );
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
  ): Promise<{ response: FortanixSignResponse } | { call: SignCall; kid: string }> {
    const resolved = await resolve(item.key);
    const keyType = keyTypeOf(resolved.kind === 'stored' ? resolved.publicKey : resolved.key);
    const validated = validateFortanixSignItem(item, keyType);
    const params = toSignatureParams(validated.params, validated.deterministic);
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
      const bytes = 'message' in validated.input ? validated.input.message : validated.input.digest;
      await this.#inlineAudit(actor, 'fortanix.sign', labelOf(validated.params), bytes, 'ok');
      return { response: { signature: bytesToBase64(signature) } };
    }
    return {
      kid: resolved.record.id,
      call: {
        actor,
        principal,
        operation: 'fortanix.sign',
        key: resolved.record,
        algorithm: labelOf(validated.params),
        params,
        input: validated.input,
      },
    };
  }

  /** Signs one item. */
  async sign(actor: Actor, principal: Principal, item: FortanixSignRequest): Promise<FortanixSignResponse> {
    try {
      const prepared = await this.#prepareSign(actor, principal, item);
      if ('response' in prepared) return prepared.response;
      const outcome = await this.#signing.signWith(prepared.call);
      return { kid: prepared.kid, signature: bytesToBase64(outcome.signature) };
    } catch (error) {
      throw await this.#signing.recordFailure(actor, 'fortanix.sign', error);
    }
  }

  /**
   * `POST /crypto/v1/keys/batch/sign`: checks every item in order (a bad one gets its own status), then signs the
   * stored-key items together through {@link SigningService.signMany}, so a batch spreads over the signing workers
   * and its audit records share a transaction.
   * @throws {ServerError} ERR_BATCH_TOO_LARGE; ERR_AUDIT_UNAVAILABLE (no result may leave then)
   */
  async signBatch(
    actor: Actor,
    principal: Principal,
    items: readonly unknown[],
    limit: number,
    parse: (item: unknown) => FortanixSignRequest,
  ): Promise<FortanixItemResult<FortanixSignResponse>[]> {
    if (items.length > limit)
      throw new ServerError('ERR_BATCH_TOO_LARGE', `a batch holds at most ${limit} items`);
    const outcomes: (FortanixSignResponse | ServerError | undefined)[] = [];
    const calls: SignCall[] = [];
    const pending: { position: number; kid: string }[] = [];
    const resolve = memoizeLookup(
      (descriptor: FortanixKeyDescriptor | undefined) => this.#resolve(descriptor),
      (descriptor) => JSON.stringify(descriptor ?? null),
    );
    for (const item of items) {
      let request: FortanixSignRequest;
      try {
        request = parse(item);
      } catch (error) {
        // A malformed item is refused before it reaches signing, as a single request would be: no audit record.
        outcomes.push(toServerError(error));
        continue;
      }
      try {
        const prepared = await this.#prepareSign(actor, principal, request, resolve);
        if ('response' in prepared) {
          outcomes.push(prepared.response);
        } else {
          pending.push({ position: outcomes.length, kid: prepared.kid });
          outcomes.push(undefined);
          calls.push(prepared.call);
        }
      } catch (error) {
        outcomes.push(await this.#signing.recordFailure(actor, 'fortanix.sign', error));
      }
    }
    const signed = await this.#signing.signMany(calls);
    signed.forEach((outcome, index) => {
      const { position, kid } = pending[index]!;
      outcomes[position] =
        outcome instanceof ServerError ? outcome : { kid, signature: bytesToBase64(outcome.signature) };
    });
    const fatal = outcomes.find(
      (outcome): outcome is ServerError => outcome instanceof ServerError && outcome.status >= 500,
    );
    if (fatal !== undefined) throw fatal;
    return outcomes.map((outcome) =>
      outcome === undefined
        ? { status: 500, error: 'no signature' }
        : outcome instanceof ServerError
          ? { status: outcome.status, error: outcome.message }
          : { status: 200, body: outcome },
    );
  }

  /** Verifies one item. */
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
      if (resolved.kind === 'inline') {
        const result = verifyWithKey(resolved.key, params, validated.input, validated.signature);
        const bytes = 'message' in validated.input ? validated.input.message : validated.input.digest;
        await this.#inlineAudit(
          actor,
          'fortanix.verify',
          labelOf(validated.params),
          bytes,
          result ? 'valid' : 'invalid',
        );
        return { result };
      }
      const result = await this.#signing.verifyWith({
        actor,
        principal,
        operation: 'fortanix.verify',
        key: resolved.record,
        algorithm: labelOf(validated.params),
        params,
        input: validated.input,
        signature: validated.signature,
      });
      return { kid: resolved.record.id, result };
    } catch (error) {
      throw await this.#signing.recordFailure(actor, 'fortanix.verify', error);
    }
  }

  /**
   * Runs a batch in request order; every item gets its own status, and a bad item does not fail the batch.
   * @throws {ServerError} ERR_BATCH_TOO_LARGE; ERR_AUDIT_UNAVAILABLE (no result may leave then)
   */
  async batch<I, T>(
    items: readonly unknown[],
    limit: number,
    parse: (item: unknown) => I,
    handle: (item: I) => Promise<T>,
  ): Promise<FortanixItemResult<T>[]> {
    if (items.length > limit)
      throw new ServerError('ERR_BATCH_TOO_LARGE', `a batch holds at most ${limit} items`);
    const results: FortanixItemResult<T>[] = [];
    for (const item of items) {
      try {
        results.push({ status: 200, body: await handle(parse(item)) });
      } catch (error) {
        const failure = toServerError(error);
        if (failure.status >= 500) throw failure;
        results.push({ status: failure.status, error: failure.message });
      }
    }
    return results;
  }
}
