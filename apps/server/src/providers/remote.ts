// What the remote providers share: call policy (timeout, bounded retries with back-off), vendor errors as 502/504,
// one client per connection, sealed connection details, and the public-key check of every signature that comes back.
import { createHash } from 'node:crypto';
import { base64ToBytes, utf8ToBytes } from '@sigil/crypto-core/encoding';
import type { Key, PublicKey } from '@sigil/crypto-core/key-types';
import { importJwk } from '@sigil/crypto-core/keys';
import { type SignatureParams, verify } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { isProtocolError } from '@sigil/protocols/errors';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import {
  describeKey,
  type KeyProvider,
  type KeySpec,
  type LinkedVersion,
  type ProvisionedVersion,
} from './provider.js';
import { keyVersionSealingContext, openSecret, sealSecret } from './sealing.js';

/** How remote calls are made: a deadline per attempt and a bounded number of attempts with exponential back-off. */
export interface RemoteCallPolicy {
  /** Deadline of one attempt (headers and body), in milliseconds. */
  readonly timeoutMs: number;
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; each later wait doubles, up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** 5 s per attempt, 3 attempts, waits of 100 and 200 ms: a dead vendor is reported within about 15 s. */
export const DEFAULT_REMOTE_CALL_POLICY: RemoteCallPolicy = {
  timeoutMs: 5_000,
  attempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
};

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** True for a failure another attempt may cure: a timeout, an unreachable vendor, or a transient status. */
export function isRetryableFailure(error: unknown): boolean {
  if (!isProtocolError(error)) return false;
  if (error.code === 'ERR_VENDOR_TIMEOUT') return true;
  if (!error.code.endsWith('_HTTP')) return false;
  return error.status === undefined || RETRYABLE_STATUSES.has(error.status);
}

/**
 * The ServerError a client sees for a vendor failure: ERR_REMOTE_TIMEOUT (504) when the vendor did not answer in
 * time, ERR_REMOTE_PROVIDER (502) for anything else it did wrong. A ServerError passes unchanged.
 */
export function remoteFailure(vendor: string, error: unknown, attempts: number): ServerError {
  if (error instanceof ServerError) return error;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  if (isProtocolError(error)) {
    if (error.code === 'ERR_VENDOR_TIMEOUT' || error.code.endsWith('_TIMEOUT')) {
      return new ServerError('ERR_REMOTE_TIMEOUT', `${vendor} did not answer in time${tries}`, {
        cause: error,
      });
    }
    const detail =
      error.status === undefined
        ? 'could not be reached'
        : `answered ${error.status}${error.vendorMessage ? `: ${error.vendorMessage}` : ''}`;
    const what = error.code.endsWith('_RESPONSE') ? 'answered an unexpected body' : detail;
    return new ServerError('ERR_REMOTE_PROVIDER', `${vendor} ${what}${tries}`, { cause: error });
  }
  return new ServerError('ERR_REMOTE_PROVIDER', `${vendor} call failed${tries}`, { cause: error });
}

/** Waits `milliseconds`; tests may inject a fake through the providers' options. */
export type Sleep = (milliseconds: number) => Promise<void>;

/** Options every remote key provider takes: its retry policy, and a sleep tests can replace. */
export interface RemoteKeyProviderOptions {
  readonly policy?: RemoteCallPolicy | undefined;
  readonly sleep?: Sleep | undefined;
}

const realSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Runs `call` up to `policy.attempts` times while it fails retryably, waiting with exponential back-off between
 * attempts; the last failure becomes a 502 or 504 ServerError.
 * @throws {ServerError} ERR_REMOTE_PROVIDER, ERR_REMOTE_TIMEOUT, or a ServerError `call` threw
 */
export async function callRemote<T>(
  vendor: string,
  policy: RemoteCallPolicy,
  call: () => Promise<T>,
  sleep: Sleep = realSleep,
): Promise<T> {
  let backoff = policy.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryableFailure(error)) {
        throw remoteFailure(vendor, error, attempt);
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, policy.maxBackoffMs);
    }
  }
}

/** The public key of a stored version. */
function publicKeyOfRecord(version: KeyVersionRecord): Key {
  return importJwk(version.publicJwk);
}

/**
 * What the remote providers share: one client per connection (endpoint and credentials), calls under the retry
 * policy, connection details sealed under the master key and bound to their row, a check of every signature that
 * comes back, and local verification. Keys are created, imported and rotated at the vendor, never here.
 */
export abstract class RemoteProviderBase<Client> {
  /** The vendor's name in messages: `Fortanix DSM`, `SignPath`. */
  protected readonly vendor: string;
  readonly #masterKey: Uint8Array;
  readonly #policy: RemoteCallPolicy;
  readonly #sleep: Sleep | undefined;
  readonly #clients = new Map<string, Client>();

  constructor(vendor: string, masterKey: Uint8Array, options: RemoteKeyProviderOptions = {}) {
    this.vendor = vendor;
    this.#masterKey = masterKey;
    this.#policy = options.policy ?? DEFAULT_REMOTE_CALL_POLICY;
    this.#sleep = options.sleep;
  }

  /**
   * The client of one connection, named by `parts` (endpoint and credentials), made once with the policy's deadline
   * per attempt and shared by every key linked through it; `connectionId` tells connections apart without the secrets.
   */
  protected clientFor(
    parts: readonly string[],
    create: (timeoutMs: number) => Client,
  ): { client: Client; connectionId: string } {
    const connectionId = createHash('sha256').update(parts.join('\n')).digest('hex');
    let client = this.#clients.get(connectionId);
    if (client === undefined) {
      client = create(this.#policy.timeoutMs);
      this.#clients.set(connectionId, client);
    }
    return { client, connectionId };
  }

  /**
   * Runs one vendor call under the retry policy ({@link callRemote}).
   * @throws {ServerError} ERR_REMOTE_PROVIDER, ERR_REMOTE_TIMEOUT, or a ServerError `call` threw
   */
  protected call<T>(call: () => Promise<T>): Promise<T> {
    return callRemote(this.vendor, this.#policy, call, this.#sleep);
  }

  /** A linked version: the public key's record fields, and the connection details (credentials included) sealed. */
  protected linkedVersion(
    keyId: string,
    version: number,
    publicKey: PublicKey,
    connection: object,
    names: Pick<LinkedVersion, 'name' | 'kid'>,
  ): LinkedVersion {
    const secret = utf8ToBytes(JSON.stringify(connection));
    try {
      const sealedPrivateKey = sealSecret(this.#masterKey, secret, keyVersionSealingContext(keyId, version));
      return { ...describeKey(publicKey), sealedPrivateKey, ...names };
    } finally {
      secret.fill(0);
    }
  }

  /** Opens the connection details {@link linkedVersion} sealed for a version. */
  protected connectionOf<T>(version: KeyVersionRecord): T {
    const secret = openSecret(
      this.#masterKey,
      version.sealedPrivateKey,
      keyVersionSealingContext(version.keyId, version.version),
    );
    try {
      return JSON.parse(secret.toString('utf8')) as T;
    } finally {
      secret.fill(0);
    }
  }

  /**
   * A vendor's base64 signature as bytes.
   * @throws {ServerError} ERR_REMOTE_PROVIDER when it is not base64
   */
  protected signatureBytes(base64: string): Uint8Array {
    try {
      return base64ToBytes(base64);
    } catch (cause) {
      throw new ServerError('ERR_REMOTE_PROVIDER', `${this.vendor} returned a signature that is not base64`, {
        cause,
      });
    }
  }

  /**
   * Checks a remote signature against the version's public key, so a vendor's wrong or corrupted output never leaves.
   * @throws {ServerError} ERR_REMOTE_PROVIDER when it does not verify
   */
  protected checkedSignature(
    version: KeyVersionRecord,
    params: SignatureParams,
    input: SignInput,
    signature: Uint8Array,
  ): Uint8Array {
    if (!verify(publicKeyOfRecord(version), params, input, signature)) {
      throw new ServerError(
        'ERR_REMOTE_PROVIDER',
        `${this.vendor} returned a signature that does not verify`,
      );
    }
    return signature;
  }

  async generate(_keyId: string, _version: number, _spec: KeySpec): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys in ${this.vendor} are created and rotated there`);
  }

  async importKey(): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys in ${this.vendor} are imported there`);
  }

  /** Remote verification is local: the public half is in the store. HMAC keys are never remote. */
  readonly verify: KeyProvider['verify'] = async (version, params, input, signature) =>
    verify(publicKeyOfRecord(version), params, input, signature);
}
