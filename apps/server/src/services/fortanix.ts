// The Fortanix DSM-compatible surface: sign/verify items (seed 003) and their batches, key listing and lookup, over
// the apps and sessions of fortanix-sessions.ts and the Sobjects of fortanix-keys.ts.
import { base64ToBytes, bitLength, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { Key, PublicKey } from '@sigil/crypto-core/key-types';
import { verify } from '@sigil/crypto-core/sign';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  type FortanixKeyDescriptor,
  type FortanixKeyType,
  type FortanixListSobjectsQuery,
  type FortanixListSobjectsResponse,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixSobject,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixAlgorithmLabel,
  fortanixKeyTypeOf,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import { readKey } from '../providers/local.js';
import { type CryptoEngineName, type SigningKey, signWithEngine } from '../providers/signing-engine.js';
import type { KeyRecord, Store } from '../store/store.js';
import type { AuditLog } from './audit.js';
import { type Outcome, type Prepared, runTogether, settleEach } from './batch.js';
import { FortanixKeyDirectory } from './fortanix-keys.js';
import { FortanixSessions } from './fortanix-sessions.js';
import type { Actor, KeyService } from './keys.js';
import { memoizeLookup } from './memo.js';
import type { SignCall, SigningService, SignOutcome } from './signing.js';
import type { Principal, TokenService } from './tokens.js';

export { FORTANIX_SESSION_SECONDS } from './fortanix-sessions.js';

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
  /** Apps, session auth and terminate. */
  readonly sessions: FortanixSessions;
  readonly #engine: CryptoEngineName;
  readonly #directory: FortanixKeyDirectory;
  readonly #signing: SigningService;
  readonly #audit: AuditLog;

  constructor(
    store: Store,
    keys: KeyService,
    signing: SigningService,
    tokens: TokenService,
    audit: AuditLog,
    engine: CryptoEngineName = 'native',
  ) {
    this.sessions = new FortanixSessions(store, keys, tokens, audit);
    this.#engine = engine;
    this.#directory = new FortanixKeyDirectory(store);
    this.#signing = signing;
    this.#audit = audit;
  }

  /** `POST /v1/fortanix/apps`: see {@link FortanixSessions.createApp}. */
  createApp(
    actor: Actor,
    request: { name: string; keys?: readonly string[] | undefined },
  ): Promise<{ appId: string; secret: string }> {
    return this.sessions.createApp(actor, request);
  }

  /**
   * `GET /crypto/v1/keys`: the Sobjects of the keys the session is granted, filtered and paged as asked.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE
   */
  async listKeys(
    actor: Actor,
    principal: Principal,
    query: FortanixListSobjectsQuery,
  ): Promise<FortanixListSobjectsResponse> {
    const answer = await this.#directory.list(principal, query);
    const count = Array.isArray(answer) ? answer.length : answer.items.length;
    await this.#audit.recordOutcome(actor, 'fortanix.keys.list', { detail: `${count} sobjects` });
    return answer;
  }

  /**
   * `POST /crypto/v1/keys/info`: the Sobject a `{kid}` or `{name}` names, if the session is granted it.
   * @throws {ServerError} ERR_KEY_NOT_FOUND for an unknown or ungranted key; ERR_FORTANIX_ITEM for a transient or
   * inline descriptor (Sigil holds no such objects)
   */
  async lookupKey(
    actor: Actor,
    principal: Principal,
    descriptor: FortanixKeyDescriptor,
  ): Promise<FortanixSobject> {
    try {
      if (!('kid' in descriptor || 'name' in descriptor)) {
        throw new ServerError(
          'ERR_FORTANIX_ITEM',
          'only persisted security objects ({kid} or {name}) are held here',
        );
      }
      const sobject = await this.#directory.lookup(principal, descriptor);
      await this.#audit.recordOutcome(actor, 'fortanix.keys.info', { keyId: sobject.kid ?? undefined });
      return sobject;
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'fortanix.keys.info', error);
    }
  }

  async #resolve(principal: Principal, descriptor: FortanixKeyDescriptor | undefined): Promise<ResolvedKey> {
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
    // An unknown key and one outside the session's grants get the same 404: an app learns nothing of the others.
    const { record, publicKey } = await this.#directory.find(principal, descriptor);
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
      this.#resolve(principal, descriptor),
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
      (descriptor: FortanixKeyDescriptor | undefined) => this.#resolve(principal, descriptor),
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
      const resolved = await this.#resolve(principal, item.key);
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
