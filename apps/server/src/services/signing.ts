// Signing: resolve the key, authorize the caller, dispatch to the provider, audit the outcome; every surface comes here.
import { getHash } from '@sigil/crypto-core/hash';
import { getJwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { ServerError, toServerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { KeyProvider, SignatureParams } from '../providers/provider.js';
import type { KeyRecord, KeyVersionRecord, Store } from '../store/store.js';
import { type AuditEntry, type AuditLog, auditEntry, sha256Hex } from './audit.js';
import type { Actor, KeyService } from './keys.js';
import { memoizeLookup } from './memo.js';
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
  /** The version to sign with (PingOne names one by its kid); the key's current version by default. */
  readonly version?: number | undefined;
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
    const expected = getHash(spec.params.hash).outputLength;
    if (input.digest.length !== expected) {
      throw new ServerError(
        'ERR_DIGEST_LENGTH',
        `a ${spec.params.hash} digest is ${expected} bytes, got ${input.digest.length}`,
      );
    }
  }
  switch (spec.kty) {
    case 'RSA':
      return {
        kty: 'RSA',
        scheme: spec.params.scheme === 'rsa-pss' ? 'pss' : 'pkcs1',
        hash: spec.params.hash,
      };
    case 'EC':
      return { kty: 'EC', hash: spec.params.hash, format };
    case 'OKP':
      return { kty: 'OKP' };
    case 'oct':
      return { kty: 'oct', hash: spec.params.hash };
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
      await this.#audit.record(
        auditEntry(actor, operation, {
          keyId: known.key?.id,
          keyVersion: known.keyVersion,
          algorithm: known.algorithm,
          inputSha256: known.input && sha256Hex(inputBytes(known.input)),
          result: denied ? 'denied' : 'error',
          detail: failure.code,
        }),
      );
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
    await this.#audit.record(auditEntry(actor, operation, { keyId, detail }));
  }

  async #versionOf(key: KeyRecord, number: number): Promise<KeyVersionRecord> {
    const version = await this.#store.getKeyVersion(key.id, number);
    if (version === undefined)
      throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no version ${number}`);
    return version;
  }

  /**
   * Makes one signature: grant and status checks, the provider, then the audit record; if that record cannot be
   * written, the signature is dropped.
   * @throws {ServerError} ERR_FORBIDDEN, ERR_KEY_DISABLED, ERR_AUDIT_UNAVAILABLE, or the provider's error
   */
  async signWith(call: SignCall): Promise<SignOutcome> {
    const [outcome] = await this.signMany([call]);
    if (outcome === undefined) throw new ServerError('ERR_INTERNAL', 'no signature');
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Makes several signatures as {@link signWith} does each, but hands every provider its items together, so a remote
   * provider with a batch API (Fortanix) makes one call for them. One result per call, in order: a failed call as
   * its (audited) ServerError. Audit records are written in call order.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when a success cannot be recorded (no signature may leave then)
   */
  async signMany(calls: readonly SignCall[]): Promise<(SignOutcome | ServerError)[]> {
    // Each key version is read once, whatever the number of items naming it.
    const versionOf = (call: SignCall) => `${call.key.id}/${call.version ?? call.key.currentVersion}`;
    const distinct = new Map<string, SignCall>();
    for (const call of calls) distinct.set(versionOf(call), call);
    const current = new Map<string, KeyVersionRecord | ServerError>();
    await Promise.all(
      [...distinct].map(async ([id, call]) => {
        const number = call.version ?? call.key.currentVersion;
        current.set(
          id,
          await this.#versionOf(call.key, number).catch((error: unknown) => toServerError(error)),
        );
      }),
    );
    const versions = calls.map((call): KeyVersionRecord | ServerError => {
      if (!grantsAllow(call.principal, call.key)) {
        return new ServerError('ERR_FORBIDDEN', `this token may not use key ${call.key.name}`);
      }
      if (call.key.status !== 'active') {
        return new ServerError('ERR_KEY_DISABLED', `key ${call.key.name} is disabled`);
      }
      const version = current.get(versionOf(call));
      // A failed lookup is every such item's failure, each with an error (and audit record) of its own.
      return version instanceof ServerError
        ? new ServerError(version.code, version.message, { cause: version })
        : (version ?? new ServerError('ERR_INTERNAL', 'no key version'));
    });
    const signatures: (Uint8Array | ServerError | undefined)[] = versions.map((version) =>
      version instanceof ServerError ? version : undefined,
    );
    const byProvider = new Map<KeyProvider, number[]>();
    calls.forEach((call, index) => {
      if (signatures[index] !== undefined) return;
      try {
        const provider = this.#keys.providerOf(call.key);
        const indexes = byProvider.get(provider);
        if (indexes === undefined) byProvider.set(provider, [index]);
        else indexes.push(index);
      } catch (error) {
        signatures[index] = toServerError(error);
      }
    });
    const started = performance.now();
    await Promise.all(
      [...byProvider].map(async ([provider, indexes]) => {
        const items = indexes.map((index) => ({
          version: versions[index] as KeyVersionRecord,
          params: calls[index]!.params,
          input: calls[index]!.input,
        }));
        const results: (Uint8Array | Error)[] =
          provider.signBatch !== undefined && items.length > 1
            ? await provider.signBatch(items).catch((error: unknown) => items.map(() => error as Error))
            : await Promise.all(
                items.map((item) =>
                  provider
                    .sign(item.version, item.params, item.input)
                    .catch((error: unknown) => error as Error),
                ),
              );
        indexes.forEach((index, position) => {
          const result = results[position];
          signatures[index] = result instanceof Uint8Array ? result : toServerError(result);
        });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const outcomes: (SignOutcome | ServerError)[] = [];
    const failures = new Set<ServerError>();
    // Consecutive successes are recorded together in one audit transaction, before any later failure's record (so
    // the records stay in call order); a success leaves only once its record is written.
    let pending: { call: SignCall; outcome: SignOutcome; entry: AuditEntry }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const written = pending;
      pending = [];
      await this.#audit.recordMany(written.map((item) => item.entry));
      // Metrics once per algorithm and surface, not once per item.
      const counts = new Map<string, { algorithm: string; surface: string; count: number }>();
      for (const { call, outcome } of written) {
        const surface = call.operation.split('.')[0] ?? 'sign';
        const id = `${call.algorithm}\n${surface}`;
        const counted = counts.get(id);
        if (counted === undefined) counts.set(id, { algorithm: call.algorithm, surface, count: 1 });
        else counted.count += 1;
        outcomes.push(outcome);
      }
      for (const { algorithm, surface, count } of counts.values()) {
        this.#metrics.signingLatency.observe({ algorithm }, seconds);
        this.#metrics.signatures.inc({ algorithm, surface }, count);
      }
    };
    for (const [index, call] of calls.entries()) {
      const signature = signatures[index];
      const version = versions[index];
      const keyVersion = version instanceof ServerError ? undefined : version?.version;
      if (!(signature instanceof Uint8Array)) {
        await flush();
        // One remote failure may stand for several items: each gets its own error, so each gets its audit record.
        let failure = signature ?? new ServerError('ERR_INTERNAL', 'no signature');
        if (failures.has(failure))
          failure = new ServerError(failure.code, failure.message, { cause: failure });
        failures.add(failure);
        outcomes.push(await this.recordFailure(call.actor, call.operation, failure, { ...call, keyVersion }));
        continue;
      }
      pending.push({
        call,
        outcome: { signature, keyVersion: keyVersion ?? call.key.currentVersion },
        entry: {
          requestId: call.actor.requestId,
          tokenId: call.actor.tokenId,
          operation: call.operation,
          keyId: call.key.id,
          keyVersion,
          algorithm: call.algorithm,
          inputSha256: sha256Hex(inputBytes(call.input)),
          result: 'ok',
          detail: undefined,
        },
      });
    }
    await flush();
    return outcomes;
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
        if (await this.#keys.providerOf(key).verify(version, call.params, input, call.signature)) {
          valid = true;
          matchedVersion = version.version;
          break;
        }
      }
    } catch (error) {
      throw await this.recordFailure(actor, call.operation, error, call);
    }
    await this.#audit.record(
      auditEntry(actor, call.operation, {
        keyId: key.id,
        keyVersion: matchedVersion,
        algorithm: call.algorithm,
        inputSha256: sha256Hex(inputBytes(input)),
        result: valid ? 'valid' : 'invalid',
      }),
    );
    return valid;
  }

  async #resolve(
    actor: Actor,
    operation: string,
    reference: string,
    lookup: (reference: string) => Promise<KeyRecord> = (ref) => this.#keys.resolve(ref),
  ): Promise<KeyRecord> {
    try {
      return await lookup(reference);
    } catch (error) {
      throw await this.recordFailure(actor, operation, error);
    }
  }

  async #prepare(
    actor: Actor,
    operation: string,
    request: NativeSignRequest,
    lookup?: (reference: string) => Promise<KeyRecord>,
  ) {
    const key = await this.#resolve(actor, operation, request.key, lookup);
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

  /**
   * `POST /v1/sign/batch` once parsed: prepares each request in order (a bad one gets its own audited error), then
   * signs the rest together through {@link signMany}, so one batch spreads over the signing workers and its audit
   * records share a transaction. One result per request, in order.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when a success cannot be recorded (no signature may leave then)
   */
  async signEach(
    actor: Actor,
    principal: Principal,
    requests: readonly (NativeSignRequest | ServerError)[],
  ): Promise<(NativeSignResult | ServerError)[]> {
    const results: (NativeSignResult | ServerError | undefined)[] = [];
    const calls: SignCall[] = [];
    const positions: number[] = [];
    const lookup = memoizeLookup(
      (reference: string) => this.#keys.resolve(reference),
      (reference) => reference,
    );
    for (const request of requests) {
      if (request instanceof ServerError) {
        results.push(request);
        continue;
      }
      try {
        const { key, input, params } = await this.#prepare(actor, 'sign', request, lookup);
        positions.push(results.length);
        results.push(undefined);
        calls.push({ actor, principal, operation: 'sign', key, algorithm: request.algorithm, params, input });
      } catch (error) {
        results.push(toServerError(error));
      }
    }
    const outcomes = await this.signMany(calls);
    outcomes.forEach((outcome, index) => {
      const call = calls[index]!;
      results[positions[index]!] =
        outcome instanceof ServerError
          ? outcome
          : {
              signature: Buffer.from(outcome.signature).toString('base64'),
              keyId: call.key.id,
              keyVersion: outcome.keyVersion,
              algorithm: call.algorithm,
            };
    });
    return results.map((result) => result ?? new ServerError('ERR_INTERNAL', 'no signature'));
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
