// Fortanix DSM sign and verify items both ways: an item (seed 003) decoded into crypto-core params and input for
// its key's type, and params, a key descriptor and an input encoded into the item that asks DSM for them.
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import { hashOutputLength, type SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { digestOfInput } from '../algorithm-table.js';
import { ProtocolError } from '../errors.js';
import {
  type FortanixKeyType,
  type FortanixOperation,
  fortanixSignatureFields,
  fortanixSignatureParams,
} from './fortanix-algorithms.js';
import type { FortanixKeyDescriptor, FortanixSignRequest, FortanixVerifyRequest } from './fortanix-schema.js';

/** A sign item decoded: how to sign, and what (`{digest}` for `hash`, `{message}` for `data`). */
export interface FortanixDecodedSignItem {
  readonly params: SignatureParams;
  readonly input: SignInput;
}

/** A verify item decoded: how to verify, over what, and the signature. */
export interface FortanixDecodedVerifyItem extends FortanixDecodedSignItem {
  readonly signature: Uint8Array;
}

const itemError = (message: string) => new ProtocolError('ERR_FORTANIX_ITEM', message, { status: 400 });
const digestLengthError = (message: string) =>
  new ProtocolError('ERR_FORTANIX_DIGEST_LENGTH', message, { status: 400 });

function bytesOf(base64: string, field: string): Uint8Array {
  try {
    return base64ToBytes(base64);
  } catch (cause) {
    throw new ProtocolError('ERR_FORTANIX_ITEM', `${field} must be standard base64`, { cause, status: 400 });
  }
}

function decodeCommon(
  item: Pick<FortanixSignRequest, 'hash_alg' | 'hash' | 'data' | 'mode' | 'context'>,
  keyType: FortanixKeyType,
  deterministic: boolean | null | undefined,
  operation: FortanixOperation,
): FortanixDecodedSignItem {
  // Seed 003: "Either hash or data should be specified; it is an error to specify both or none."
  if ((item.hash === undefined) === (item.data === undefined)) {
    throw itemError('exactly one of hash and data must be given');
  }
  // Seed 003: "Currently only ML-DSA keys accept a context parameter".
  if (item.context !== undefined) throw itemError('context is only accepted for ML-DSA keys');
  const params = fortanixSignatureParams(keyType, item.hash_alg, item.mode, deterministic, operation);
  if (item.data !== undefined) return { params, input: { message: bytesOf(item.data, 'data') } };
  if (params.scheme === 'ed25519' || params.scheme === 'hmac')
    throw itemError('Ed25519 signs data, not a hash');
  const digest = bytesOf(item.hash ?? '', 'hash');
  const expected = hashOutputLength(params.hash);
  if (digest.length !== expected) {
    throw digestLengthError(`hash must be ${expected} bytes for ${item.hash_alg}, got ${digest.length}`);
  }
  return { params, input: { digest } };
}

/**
 * Decodes one sign item for its key's type: exactly one of `hash`/`data`, no `context`, a `mode` only for RSA, a
 * supported `hash_alg`, a digest as long as `hash_alg`'s output, and `deterministic_signature` as the ECDSA nonce
 * (see {@link fortanixSignatureParams}).
 * @throws {ProtocolError} (status 400) ERR_FORTANIX_ITEM, ERR_FORTANIX_MODE, ERR_FORTANIX_ALGORITHM,
 * ERR_FORTANIX_DIGEST_LENGTH
 */
export function decodeFortanixSignItem(
  item: FortanixSignRequest,
  keyType: FortanixKeyType,
): FortanixDecodedSignItem {
  return decodeCommon(item, keyType, item.deterministic_signature, 'sign');
}

/**
 * Decodes one verify item the same way, and its signature. A verify item has no nonce to ask for: ECDSA params
 * carry {@link DEFAULT_ECDSA_NONCE}, which verification does not use. PSS params accept any salt length
 * (`saltLength: 'auto'`), where a sign item's have a salt as long as the hash: no DSM request names a salt length
 * (OpenAPI `RsaSignaturePaddingPss` is only `{mgf}`), so a client cannot say which length to expect, and DSM, built
 * on mbed TLS, verifies PSS as mbed TLS's plain PSS verify does, with any salt (`MBEDTLS_RSA_SALT_LEN_ANY`).
 * @throws {ProtocolError} as {@link decodeFortanixSignItem}
 */
export function decodeFortanixVerifyItem(
  item: FortanixVerifyRequest,
  keyType: FortanixKeyType,
): FortanixDecodedVerifyItem {
  return {
    ...decodeCommon(item, keyType, undefined, 'verify'),
    signature: bytesOf(item.signature, 'signature'),
  };
}

/** Options of {@link encodeFortanixSignItem}. */
export interface FortanixEncodeOptions {
  /**
   * Send a message's digest (`hash`, computed here with `params.hash`) rather than the message (`data`, hashed by
   * DSM). Ed25519 always sends `data`: it has no separate hash. False by default.
   */
  readonly prehash?: boolean;
  /**
   * Leave `mode` out when the params are what DSM signs an RSA key with when a request names none, PKCS#1 v1.5
   * (OpenAPI `SignRequest.mode`: "If not specified for RSA signing, the backend will pick a default padding mode";
   * under a wildcard padding policy that is PKCS#1 v1.5), as Fortanix's clients send no `mode` unless their caller
   * names one. False by default: the item names its padding.
   */
  readonly omitDefaultMode?: boolean;
}

function encodeCommon(
  params: SignatureParams,
  key: FortanixKeyDescriptor | undefined,
  input: SignInput,
  options: FortanixEncodeOptions,
  operation: FortanixOperation,
): FortanixSignRequest {
  const { mode, ...fields } = fortanixSignatureFields(params, operation);
  const sendMode = mode !== undefined && !(options.omitDefaultMode === true && 'PKCS1_V15' in mode);
  const message = 'message' in input && input.message instanceof Uint8Array ? input.message : undefined;
  let payload: { hash: string } | { data: string };
  if (params.scheme === 'ed25519') {
    if (message === undefined) throw itemError('Ed25519 signs data, not a hash');
    payload = { data: bytesToBase64(message) };
  } else if (message !== undefined && options.prehash !== true) {
    payload = { data: bytesToBase64(message) };
  } else {
    payload = { hash: bytesToBase64(digestOfInput(input, params.hash, digestLengthError)) };
  }
  return { ...(key === undefined ? {} : { key }), ...fields, ...(sendMode ? { mode } : {}), ...payload };
}

/**
 * The sign item that asks DSM for `params` over `input` with `key` (seed 003): usable as the body of
 * `/crypto/v1/sign` and as a `/crypto/v1/keys/batch/sign` item. A `{digest}` goes as `hash`, a `{message}` as
 * `data` (or as `hash` with `prehash`). `key` may be left out where the caller adds it.
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for params DSM cannot express (see {@link fortanixSignatureFields});
 * ERR_FORTANIX_DIGEST_LENGTH for a digest of the wrong length; ERR_FORTANIX_ITEM for an Ed25519 digest
 */
export function encodeFortanixSignItem(
  params: SignatureParams,
  key: FortanixKeyDescriptor | undefined,
  input: SignInput,
  options: FortanixEncodeOptions = {},
): FortanixSignRequest {
  return encodeCommon(params, key, input, options, 'sign');
}

/**
 * The verify item that asks DSM to check `signature` over `input` under `params` with `key`: the sign item without
 * `deterministic_signature` (a verifier has no nonce), plus the signature. PSS params must accept any salt length
 * (`saltLength: 'auto'`), as DSM verifies (see {@link decodeFortanixVerifyItem}).
 * @throws {ProtocolError} as {@link encodeFortanixSignItem}; ERR_FORTANIX_ALGORITHM for PSS with a fixed salt length
 */
export function encodeFortanixVerifyItem(
  params: SignatureParams,
  key: FortanixKeyDescriptor | undefined,
  input: SignInput,
  signature: Uint8Array,
  options: FortanixEncodeOptions = {},
): FortanixVerifyRequest {
  const { deterministic_signature: _nonce, ...item } = encodeCommon(params, key, input, options, 'verify');
  return { ...item, signature: bytesToBase64(signature) };
}
