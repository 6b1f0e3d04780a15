// Signing: resolve the key, authorize the caller, dispatch to the provider, audit the outcome; every surface comes here.
import { getHash } from '@sigil/crypto-core/hash';
import { getJwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { ServerError, toServerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { SignatureParams } from '../providers/provider.js';
import type { KeyRecord, KeyVersionRecord, Store } from '../store/store.js';
import { type AuditLog, sha256Hex } from './audit.js';
import type { Actor, KeyService } from './keys.js';
import type { Principal } from './tokens.js';

/** One signature to make, from any surface. */
export interface SignCall {
  readonly actor: Actor;
  readonly principal: Principal;
  /** Audit operation name: `sign`, `pingone.sign`, `signpath.sign`, `fortanix.sign`, ... */
  readonly operation: string;
  readonly key: KeyRecord;
  /** Algorithm label for audit and metrics (a JOSE name, or the vendor's). */
  readonly algorithm: string;
  readonly params: SignatureParams;
  readonly input: SignInput;
}

/** A made signature. */
export interface SignOutcome {
  readonly signature: Uint8Array;
  readonly keyVersion: number;
}

/** `POST /v1/sign` as parsed. */
export interface NativeSignRequest {
  readonly key: string;
  readonly algorithm: string;
  readonly message?: string | undefined;
  readonly digest?: string | undefined;
  readonly format?: EcdsaSignatureFormat | undefined;
}

/** `POST /v1/verify` as parsed. */
export interface NativeVerifyRequest extends NativeSignRequest {
  readonly signature: string;
  readonly keyVersion?: number | undefined;
}

/** The answer of `POST /v1/sign`. */
export interface NativeSignResult {
  readonly signature: string;
  readonly keyId: string;
  readonly keyVersion: number;
  readonly algorithm: string;
}

/**
 * Bytes of standard or URL-safe base64 (padding optional).
 * @throws {ServerError} ERR_VALIDATION for anything else
 */
export function decodeBase64(text: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new ServerError('ERR_VALIDATION', `${field} must be base64`);
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function inputBytes(input: SignInput): Uint8Array {
  return 'message' in input ? input.message : input.digest;
}

function keyFamily(key: KeyRecord): JwsAlgorithmSpec['kty'] {
  return key.type === 'HMAC' ? 'oct' : key.type;
}

/**
 * The signature parameters for a JOSE algorithm on a key, checking that they fit.
 * @throws {ServerError} ERR_UNSUPPORTED_ALGORITHM, ERR_ALGORITHM_MISMATCH, ERR_DIGEST_NOT_SUPPORTED, ERR_DIGEST_LENGTH
 */
export function joseSignatureParams(
  key: KeyRecord,
  algorithm: string,
  input: SignInput,
  format: EcdsaSignatureFormat = 'der',
): SignatureParams {
  let spec: JwsAlgorithmSpec;
  try {
    spec = getJwsAlgorithm(algorithm);
  } catch (cause) {
    throw new ServerError('ERR_UNSUPPORTED_ALGORITHM', `unsupported algorithm ${JSON.stringify(algorithm)}`, {
      cause,
    });
  }
  if (spec.kty !== keyFamily(key) || ('curve' in spec && spec.curve !== key.curve)) {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${algorithm} does not suit ${key.type} key ${key.name}`);
  }
  if (spec.kty === 'RSA' && (key.size ?? 0) < 2048) {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${algorithm} needs an RSA key of at least 2048 bits`);
  }
  if ('digest' in input) {
    if (spec.kty === 'OKP' || spec.kty === 'oct') {
      throw new ServerError('ERR_DIGEST_NOT_SUPPORTED', `${algorithm} signs a message, not a digest`);
    }
    const expected = getHash(spec.hash).outputLength;
    if (input.digest.length !== expected) {
      throw new ServerError(
        'ERR_DIGEST_LENGTH',
        `a ${spec.hash} digest is ${expected} bytes, got ${input.digest.length}`,
      );
    }
  }
  switch (spec.kty) {
    case 'RSA':
      return { kty: 'RSA', scheme: spec.scheme, hash: spec.hash };
    case 'EC':
      return { kty: 'EC', hash: spec.hash, format };
    case 'OKP':
      return { kty: 'OKP' };
    case 'oct':
      return { kty: 'oct', hash: spec.hash };
  }
}

/**
 * The message or digest of a native request.
 * @throws {ServerError} ERR_VALIDATION unless exactly one of them is given, as base64
 */
export function nativeSignInput(request: Pick<NativeSignRequest, 'message' | 'digest'>): SignInput {
  if ((request.message === undefined) === (request.digest === undefined)) {
    throw new ServerError('ERR_VALIDATION', 'exactly one of message and digest is required');
  }
  return request.message !== undefined
    ? { message: decodeBase64(request.message, 'message') }
    : { digest: decodeBase64(request.digest ?? '', 'digest') };
}

/** True when a token's grants allow `key` (by id or name). */
export function grantsAllow(principal: Principal, key: KeyRecord): boolean {
  return principal.keys === undefined || principal.keys.includes(key.id) || principal.keys.includes(key.name);
}

/** Signs and verifies for every surface, with audit and metrics. */
export class SigningService {
  readonly #store: Store;
  readonly #keys: KeyService;
  readonly #audit: AuditLog;
  readonly #metrics: Metrics;
  // Failures already written to the audit log, so that an outer handler does not record them twice.
  readonly #recorded = new WeakSet<ServerError>();

  constructor(store: Store, keys: KeyService, audit: AuditLog, metrics: Metrics) {
    this.#store = store;
    this.#keys = keys;
    this.#audit = audit;
    this.#metrics = metrics;
  }

  /** The key service (vendor services resolve keys through it). */
  get keys(): KeyService {
    return this.#keys;
  }

  /**
   * Records a refused or failed operation and returns the error to throw (the audit failure if that fails too).
   */
  async recordFailure(
    actor: Actor,
    operation: string,
    error: unknown,
    known: {
      key?: KeyRecord | undefined;
      keyVersion?: number | undefined;
      algorithm?: string | undefined;
      input?: SignInput | undefined;
    } = {},
  ): Promise<ServerError> {
    const failure = toServerError(error);
    if (failure.code === 'ERR_AUDIT_UNAVAILABLE' || this.#recorded.has(failure)) return failure;
    const denied = ['ERR_FORBIDDEN', 'ERR_UNAUTHENTICATED', 'ERR_KEY_DISABLED'].includes(failure.code);
    try {
      await this.#audit.record({
        requestId: actor.requestId,
        tokenId: actor.tokenId,
        operation,
        keyId: known.key?.id,
        keyVersion: known.keyVersion,
        algorithm: known.algorithm,
        inputSha256: known.input && sha256Hex(inputBytes(known.input)),
        result: denied ? 'denied' : 'error',
        detail: failure.code,
      });
    } catch (auditError) {
      return toServerError(auditError);
    }
    this.#recorded.add(failure);
    return failure;
  }

  /** Records a successful administrative operation. */
  async recordSuccess(
    actor: Actor,
    operation: string,
    keyId: string | undefined,
    detail: string | undefined,
  ): Promise<void> {
    await this.#audit.record({
      requestId: actor.requestId,
      tokenId: actor.tokenId,
      operation,
      keyId,
      keyVersion: undefined,
      algorithm: undefined,
      inputSha256: undefined,
      result: 'ok',
      detail,
    });
  }

  async #currentVersion(key: KeyRecord): Promise<KeyVersionRecord> {
    const version = await this.#store.getKeyVersion(key.id, key.currentVersion);
    if (version === undefined)
      throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no current version`);
    return version;
  }

  /**
   * Makes one signature: grant and status checks, the provider, then the audit record; if that record cannot be
   * written, the signature is dropped.
   * @throws {ServerError} ERR_FORBIDDEN, ERR_KEY_DISABLED, ERR_AUDIT_UNAVAILABLE, or the provider's error
   */
  async signWith(call: SignCall): Promise<SignOutcome> {
    const { actor, key, input } = call;
    let keyVersion: number | undefined;
    let signature: Uint8Array;
    try {
      if (!grantsAllow(call.principal, key)) {
        throw new ServerError('ERR_FORBIDDEN', `this token may not use key ${key.name}`);
      }
      if (key.status !== 'active') throw new ServerError('ERR_KEY_DISABLED', `key ${key.name} is disabled`);
      const version = await this.#currentVersion(key);
      keyVersion = version.version;
      const started = performance.now();
      signature = await this.#keys.provider.sign(version, call.params, input);
      this.#metrics.signingLatency.observe(
        { algorithm: call.algorithm },
        (performance.now() - started) / 1000,
      );
    } catch (error) {
      throw await this.recordFailure(actor, call.operation, error, { ...call, keyVersion });
    }
    await this.#audit.record({
      requestId: actor.requestId,
      tokenId: actor.tokenId,
      operation: call.operation,
      keyId: key.id,
      keyVersion,
      algorithm: call.algorithm,
      inputSha256: sha256Hex(inputBytes(input)),
      result: 'ok',
      detail: undefined,
    });
    this.#metrics.signatures.inc({
      algorithm: call.algorithm,
      surface: call.operation.split('.')[0] ?? 'sign',
    });
    return { signature, keyVersion };
  }

  /**
   * Checks a signature against one version, or (without `keyVersion`) against any version of the key.
   * @throws {ServerError} ERR_FORBIDDEN, ERR_KEY_NOT_FOUND for an unknown version, ERR_AUDIT_UNAVAILABLE
   */
  async verifyWith(
    call: SignCall & { signature: Uint8Array; keyVersion?: number | undefined },
  ): Promise<boolean> {
    const { actor, key, input } = call;
    let valid = false;
    let matchedVersion: number | undefined;
    try {
      if (!grantsAllow(call.principal, key)) {
        throw new ServerError('ERR_FORBIDDEN', `this token may not use key ${key.name}`);
      }
      const versions =
        call.keyVersion === undefined
          ? await this.#store.listKeyVersions(key.id)
          : [await this.#store.getKeyVersion(key.id, call.keyVersion)];
      for (const version of versions) {
        if (version === undefined)
          throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no such version`);
        if (await this.#keys.provider.verify(version, call.params, input, call.signature)) {
          valid = true;
          matchedVersion = version.version;
          break;
        }
      }
    } catch (error) {
      throw await this.recordFailure(actor, call.operation, error, call);
    }
    await this.#audit.record({
      requestId: actor.requestId,
      tokenId: actor.tokenId,
      operation: call.operation,
      keyId: key.id,
      keyVersion: matchedVersion,
      algorithm: call.algorithm,
      inputSha256: sha256Hex(inputBytes(input)),
      result: valid ? 'valid' : 'invalid',
      detail: undefined,
    });
    return valid;
  }

  async #resolve(actor: Actor, operation: string, reference: string): Promise<KeyRecord> {
    try {
      return await this.#keys.resolve(reference);
    } catch (error) {
      throw await this.recordFailure(actor, operation, error);
    }
  }

  async #prepare(actor: Actor, operation: string, request: NativeSignRequest) {
    const key = await this.#resolve(actor, operation, request.key);
    let input: SignInput | undefined;
    try {
      input = nativeSignInput(request);
      return { key, input, params: joseSignatureParams(key, request.algorithm, input, request.format) };
    } catch (error) {
      throw await this.recordFailure(actor, operation, error, { key, algorithm: request.algorithm, input });
    }
  }

  /** `POST /v1/sign`. */
  async sign(actor: Actor, principal: Principal, request: NativeSignRequest): Promise<NativeSignResult> {
    const { key, input, params } = await this.#prepare(actor, 'sign', request);
    const outcome = await this.signWith({
      actor,
      principal,
      operation: 'sign',
      key,
      algorithm: request.algorithm,
      params,
      input,
    });
    return {
      signature: Buffer.from(outcome.signature).toString('base64'),
      keyId: key.id,
      keyVersion: outcome.keyVersion,
      algorithm: request.algorithm,
    };
  }

  /** `POST /v1/verify`. */
  async verify(
    actor: Actor,
    principal: Principal,
    request: NativeVerifyRequest,
  ): Promise<{ valid: boolean }> {
    const { key, input, params } = await this.#prepare(actor, 'verify', request);
    let signature: Uint8Array;
    try {
      signature = decodeBase64(request.signature, 'signature');
    } catch (error) {
      throw await this.recordFailure(actor, 'verify', error, { key, input });
    }
    const valid = await this.verifyWith({
      actor,
      principal,
      operation: 'verify',
      key,
      algorithm: request.algorithm,
      params,
      input,
      signature,
      keyVersion: request.keyVersion,
    });
    return { valid };
  }
}
