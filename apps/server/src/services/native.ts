// The native API's entry points, `POST /v1/sign`, `/v1/sign/batch` and `/v1/verify`: parsed requests to signing calls.
import { bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { KeyRecord } from '../store/store.js';
import type { AuditLog } from './audit.js';
import { type Outcome, runTogether } from './batch.js';
import { joseSignatureParams } from './jose-params.js';
import type { Actor, KeyService } from './keys.js';
import { memoizeLookup } from './memo.js';
import {
  decodeBase64,
  type NativeSignRequest,
  type NativeSignResult,
  type NativeVerifyRequest,
  nativeSignInput,
} from './native-requests.js';
import type { SignCall, SigningService, SignOutcome } from './signing.js';
import type { Principal } from './tokens.js';

function nativeResult(outcome: SignOutcome, call: SignCall): NativeSignResult {
  return {
    signature: bytesToBase64(outcome.signature),
    keyId: call.key.id,
    keyVersion: outcome.keyVersion,
    algorithm: call.algorithm,
  };
}

/** Signs and verifies for the native API. */
export class NativeService {
  readonly #keys: KeyService;
  readonly #signing: SigningService;
  readonly #audit: AuditLog;

  constructor(keys: KeyService, signing: SigningService, audit: AuditLog) {
    this.#keys = keys;
    this.#signing = signing;
    this.#audit = audit;
  }

  /**
   * The signing call of a native request: its key, its input and the JOSE algorithm's parameters.
   * @throws {ServerError} the request's (audited) failure
   */
  async #callOf(
    actor: Actor,
    principal: Principal,
    operation: string,
    request: NativeSignRequest,
    resolve: (reference: string) => Promise<KeyRecord> = (reference) => this.#keys.resolve(reference),
  ): Promise<SignCall> {
    let key: KeyRecord;
    try {
      key = await resolve(request.key);
    } catch (error) {
      throw await this.#audit.recordFailure(actor, operation, error);
    }
    let input: SignInput | undefined;
    try {
      input = nativeSignInput(request);
      const params = joseSignatureParams(key, request.algorithm, input, request.format);
      return { actor, principal, operation, key, algorithm: request.algorithm, params, input };
    } catch (error) {
      throw await this.#audit.recordFailure(actor, operation, error, {
        keyId: key.id,
        algorithm: request.algorithm,
        input,
      });
    }
  }

  /** `POST /v1/sign`. */
  async sign(actor: Actor, principal: Principal, request: NativeSignRequest): Promise<NativeSignResult> {
    const call = await this.#callOf(actor, principal, 'sign', request);
    return nativeResult(await this.#signing.signOne(call), call);
  }

  /**
   * `POST /v1/sign/batch`: prepares each item in order (a bad one gets its own audited error; each key is read once),
   * then signs the rest together through {@link SigningService.signBatch}. One outcome per item, in order.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when a success cannot be recorded (no signature may leave then)
   */
  async signBatch(
    actor: Actor,
    principal: Principal,
    requests: readonly Outcome<NativeSignRequest>[],
  ): Promise<Outcome<NativeSignResult>[]> {
    const resolve = memoizeLookup(
      (reference: string) => this.#keys.resolve(reference),
      (reference) => reference,
    );
    return runTogether(
      requests,
      async (request) => ({ call: await this.#callOf(actor, principal, 'sign', request, resolve) }),
      (calls) => this.#signing.signBatch(calls),
      nativeResult,
    );
  }

  /** `POST /v1/verify`. */
  async verify(
    actor: Actor,
    principal: Principal,
    request: NativeVerifyRequest,
  ): Promise<{ valid: boolean }> {
    const call = await this.#callOf(actor, principal, 'verify', request);
    let signature: Uint8Array;
    try {
      signature = decodeBase64(request.signature, 'signature');
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'verify', error, {
        keyId: call.key.id,
        input: call.input,
      });
    }
    return { valid: await this.#signing.verifyOne({ ...call, signature, keyVersion: request.keyVersion }) };
  }
}
