// What the remote providers share: call policy (timeout, bounded retries with back-off), vendor errors as 502/504,
// sealed connection details, and the public-key check of every signature that comes back.
import { utf8ToBytes } from '@sigil/crypto-core/encoding';
import type { Key, PublicKey } from '@sigil/crypto-core/key-types';
import { exportJwk, importJwk } from '@sigil/crypto-core/keys';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import type { LinkedVersion, SignatureParams } from './provider.js';
import { openSecret, sealSecret } from './sealing.js';
import { verifyWithKey } from './signing-engine.js';

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

/** What a ProtocolError from a vendor client carries (checked by name and code, not class). */
interface VendorFailure {
  readonly name: 'ProtocolError';
  readonly code: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly vendorMessage: string | undefined;
}

function isVendorFailure(error: unknown): error is VendorFailure {
  return (error as { name?: unknown } | null)?.name === 'ProtocolError';
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** True for a failure another attempt may cure: a timeout, an unreachable vendor, or a transient status. */
export function isRetryableFailure(error: unknown): boolean {
  if (!isVendorFailure(error)) return false;
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
  if (isVendorFailure(error)) {
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

/** Seals a remote key's connection details (credentials included) under the master key, bound to its row. */
export function sealConnection(
  masterKey: Uint8Array,
  keyId: string,
  version: number,
  connection: object,
): string {
  const secret = utf8ToBytes(JSON.stringify(connection));
  try {
    return sealSecret(masterKey, secret, `${keyId}/${version}`);
  } finally {
    secret.fill(0);
  }
}

/** Opens what {@link sealConnection} sealed. */
export function openConnection<T>(masterKey: Uint8Array, version: KeyVersionRecord): T {
  const secret = openSecret(masterKey, version.sealedPrivateKey, `${version.keyId}/${version.version}`);
  try {
    return JSON.parse(secret.toString('utf8')) as T;
  } finally {
    secret.fill(0);
  }
}

/** The key record fields and public JWK of a remote public key. */
export function describeRemoteKey(
  publicKey: PublicKey,
): Pick<LinkedVersion, 'type' | 'size' | 'curve' | 'publicJwk'> {
  const publicJwk = exportJwk(publicKey, { publicOnly: true });
  switch (publicKey.kty) {
    case 'RSA':
      return { type: 'RSA', size: publicKey.n.toString(2).length, curve: undefined, publicJwk };
    case 'EC':
      return { type: 'EC', size: undefined, curve: publicKey.curve, publicJwk };
    case 'OKP':
      return { type: 'OKP', size: undefined, curve: publicKey.curve, publicJwk };
  }
}

/** The public key of a stored version. */
export function publicKeyOfRecord(version: KeyVersionRecord): Key {
  return importJwk(version.publicJwk);
}

/**
 * Checks a remote signature against the version's public key, so a vendor's wrong or corrupted output never leaves.
 * @throws {ServerError} ERR_REMOTE_PROVIDER when it does not verify
 */
export function assertRemoteSignature(
  vendor: string,
  version: KeyVersionRecord,
  params: SignatureParams,
  input: SignInput,
  signature: Uint8Array,
): Uint8Array {
  if (!verifyWithKey(publicKeyOfRecord(version), params, input, signature)) {
    throw new ServerError('ERR_REMOTE_PROVIDER', `${vendor} returned a signature that does not verify`);
  }
  return signature;
}

/** Remote verification is local: the public half is in the store. HMAC keys are never remote. */
export async function verifyRemote(
  version: KeyVersionRecord,
  params: SignatureParams,
  input: SignInput,
  signature: Uint8Array,
): Promise<boolean> {
  return verifyWithKey(publicKeyOfRecord(version), params, input, signature);
}
