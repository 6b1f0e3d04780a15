// Fortanix DSM sign/verify item validation and batch assembly (seed 003: per-item status, results in request order).
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import { isCryptoError } from '@sigil/crypto-core/errors';
import { getHash } from '@sigil/crypto-core/hash';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ProtocolError } from '../errors.js';
import {
  type FortanixKeyType,
  type FortanixSignatureParams,
  fortanixSignatureParams,
} from './fortanix-algorithms.js';
import type { FortanixSignRequest, FortanixSignResponse, FortanixVerifyRequest } from './fortanix-schema.js';

/** A sign item that passed validation: how to sign, and what. */
export interface ValidatedFortanixSignItem {
  readonly params: FortanixSignatureParams;
  /** `{digest}` for `hash`, `{message}` for `data`. */
  readonly input: SignInput;
  /** `deterministic_signature` as sent (DSM's default is false). */
  readonly deterministic: boolean | undefined;
}

/** A verify item that passed validation. */
export interface ValidatedFortanixVerifyItem {
  readonly params: FortanixSignatureParams;
  readonly input: SignInput;
  readonly signature: Uint8Array;
}

function itemError(message: string): ProtocolError {
  return new ProtocolError('ERR_FORTANIX_ITEM', message, { status: 400 });
}

function validateCommon(
  item: Pick<FortanixSignRequest, 'hash_alg' | 'hash' | 'data' | 'mode' | 'context'>,
  keyType: FortanixKeyType,
): { params: FortanixSignatureParams; input: SignInput } {
  // Seed 003: "Either hash or data should be specified; it is an error to specify both or none."
  if ((item.hash === undefined) === (item.data === undefined)) {
    throw itemError('exactly one of hash and data must be given');
  }
  // Seed 003: "Currently only ML-DSA keys accept a context parameter".
  if (item.context !== undefined) throw itemError('context is only accepted for ML-DSA keys');
  const params = fortanixSignatureParams(keyType, item.hash_alg, item.mode);
  if (item.data !== undefined) return { params, input: { message: base64ToBytes(item.data) } };
  if (params.kty === 'OKP') throw itemError('Ed25519 signs data, not a hash');
  const digest = base64ToBytes(item.hash ?? '');
  const expected = getHash(params.hash).outputLength;
  if (digest.length !== expected) {
    throw new ProtocolError(
      'ERR_FORTANIX_DIGEST_LENGTH',
      `hash must be ${expected} bytes for ${item.hash_alg}, got ${digest.length}`,
      { status: 400 },
    );
  }
  return { params, input: { digest } };
}

/**
 * Checks one sign item against its key's type: exactly one of `hash`/`data`, no `context`, a `mode` only for RSA,
 * a supported `hash_alg`, and a digest as long as `hash_alg`'s output.
 * @throws {ProtocolError} (status 400) ERR_FORTANIX_ITEM, ERR_FORTANIX_MODE, ERR_FORTANIX_ALGORITHM, ERR_FORTANIX_DIGEST_LENGTH
 */
export function validateFortanixSignItem(
  item: FortanixSignRequest,
  keyType: FortanixKeyType,
): ValidatedFortanixSignItem {
  const { params, input } = validateCommon(item, keyType);
  return { params, input, deterministic: item.deterministic_signature ?? undefined };
}

/**
 * Checks one verify item the same way as a sign item, and decodes its signature.
 * @throws {ProtocolError} (status 400) ERR_FORTANIX_ITEM, ERR_FORTANIX_MODE, ERR_FORTANIX_ALGORITHM, ERR_FORTANIX_DIGEST_LENGTH
 */
export function validateFortanixVerifyItem(
  item: FortanixVerifyRequest,
  keyType: FortanixKeyType,
): ValidatedFortanixVerifyItem {
  const { params, input } = validateCommon(item, keyType);
  return { params, input, signature: base64ToBytes(item.signature) };
}

/** A sign result body: `kid` for persisted keys (omitted for transient ones) and the base64 signature. */
export function fortanixSignBody(kid: string | undefined, signature: Uint8Array): FortanixSignResponse {
  return { ...(kid === undefined ? {} : { kid }), signature: bytesToBase64(signature) };
}

/** One batch result: `{status, body}` on success, `{status, error}` on failure (seed 003). */
export type FortanixBatchResult<TBody> = { status: number; body: TBody } | { status: number; error: string };

/**
 * Runs `handle` on every item and assembles the batch answer in request order: a returned body becomes
 * `{status: 200, body}`; a ProtocolError becomes `{status: error.status ?? 400, error: message}` and a crypto-core
 * error `{status: 400, error}`, so one bad item does not fail the batch.
 * @throws whatever `handle` throws that is neither a ProtocolError nor a CryptoError (a bug, not a bad item)
 */
export async function runFortanixBatch<TItem, TBody>(
  items: readonly TItem[],
  handle: (item: TItem, index: number) => TBody | Promise<TBody>,
): Promise<FortanixBatchResult<TBody>[]> {
  return Promise.all(
    items.map(async (item, index): Promise<FortanixBatchResult<TBody>> => {
      try {
        return { status: 200, body: await handle(item, index) };
      } catch (error) {
        if (error instanceof ProtocolError || (error as { name?: unknown })?.name === 'ProtocolError') {
          const protocolError = error as ProtocolError;
          return { status: protocolError.status ?? 400, error: protocolError.message };
        }
        if (isCryptoError(error)) return { status: 400, error: error.message };
        throw error;
      }
    }),
  );
}
