// Signing and verifying with a JOSE algorithm name over a message or a precomputed digest: the dispatch
// `sigil sign` and `sigil verify` share, over crypto-core's RSA, ECDSA, Ed25519 and HMAC functions.
import { ecdsaSign, ecdsaVerify } from '@sigil/crypto-core/ecdsa';
import { ed25519Sign, ed25519Verify } from '@sigil/crypto-core/eddsa';
import { base64ToBytes, base64urlToBytes, hexToBytes } from '@sigil/crypto-core/encoding';
import { getHash } from '@sigil/crypto-core/hash';
import { hmacSign, hmacVerify } from '@sigil/crypto-core/hmac';
import { assertKeyMatchesAlgorithm, getJwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import { isPrivateKey, type Key } from '@sigil/crypto-core/key-types';
import { rsaSign, rsaVerify } from '@sigil/crypto-core/rsa';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { CliError, ExitCode } from './exit-codes.js';

/** Signature file formats: ECDSA DER or P1363 bytes, or JOSE (base64url text of the JWS signature). */
export const SIGNATURE_FORMATS = ['der', 'p1363', 'jose'] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

/** The byte encoding of a signature for `alg` in `format`: DER is the ECDSA default, the others are raw. */
export function signatureEncodingOf(
  spec: JwsAlgorithmSpec,
  format: SignatureFormat | undefined,
): 'der' | 'p1363' | 'raw' {
  if (spec.kty === 'EC') return format === 'p1363' || format === 'jose' ? 'p1363' : 'der';
  if (format === 'der' || format === 'p1363') {
    throw new CliError(ExitCode.USAGE, `--format ${format} is for ECDSA (ES*) signatures only`);
  }
  return 'raw';
}

/**
 * Reads a digest given as hex or base64/base64url text, checked against `alg`'s hash length.
 * @throws {CliError} exit 2 for text that is no digest, or an algorithm that cannot sign a digest
 */
export function parseDigest(text: string, spec: JwsAlgorithmSpec): Uint8Array {
  if (spec.kty === 'OKP' || spec.kty === 'oct') {
    throw new CliError(
      ExitCode.USAGE,
      '--digest is for RS*, PS* and ES*: EdDSA and HMAC sign the message itself',
    );
  }
  const length = getHash(spec.hash).outputLength;
  const trimmed = text.trim();
  let digest: Uint8Array | undefined;
  // Hex first: a hex digest is also valid base64 text (of a longer value), never the other way round for
  // the padded base64 of a digest.
  if (/^(?:[0-9a-fA-F]{2})+$/.test(trimmed)) digest = hexToBytes(trimmed);
  else {
    for (const decode of [base64ToBytes, base64urlToBytes]) {
      try {
        digest = decode(trimmed);
        break;
      } catch {}
    }
  }
  if (digest === undefined) throw new CliError(ExitCode.USAGE, '--digest is neither hex nor base64');
  if (digest.length !== length) {
    throw new CliError(
      ExitCode.USAGE,
      `--digest has ${digest.length} bytes; ${spec.hash} digests have ${length}`,
    );
  }
  return digest;
}

/**
 * Signs `input` with `alg` (a JOSE name) and returns the signature bytes (ECDSA as DER or P1363).
 * @throws {CliError} exit 2 for a public key; crypto-core's errors for a key that does not fit `alg`
 */
export function signWithAlgorithm(
  alg: string,
  key: Key,
  input: SignInput,
  format: SignatureFormat | undefined,
): Uint8Array {
  const spec = getJwsAlgorithm(alg);
  assertKeyMatchesAlgorithm(alg, key);
  if (key.kty !== 'oct' && !isPrivateKey(key)) {
    throw new CliError(ExitCode.USAGE, `signing with ${alg} needs a private key`);
  }
  const encoding = signatureEncodingOf(spec, format);
  switch (spec.kty) {
    case 'RSA':
      if (key.kty !== 'RSA' || !('d' in key)) break;
      return rsaSign(key, input, { scheme: spec.scheme, hash: spec.hash });
    case 'EC':
      if (key.kty !== 'EC' || !('d' in key) || encoding === 'raw') break;
      return ecdsaSign(key, input, { hash: spec.hash, format: encoding });
    case 'OKP':
      if (key.kty !== 'OKP' || !('seed' in key) || !('message' in input)) break;
      return ed25519Sign(key, input.message);
    case 'oct':
      if (key.kty !== 'oct' || !('message' in input)) break;
      return hmacSign(spec.hash, key, input.message);
  }
  throw new CliError(ExitCode.USAGE, `cannot sign with ${alg} and this key`);
}

/** Verifies `signature` over `input` with `alg`; false for any mismatch (it fails closed). */
export function verifyWithAlgorithm(
  alg: string,
  key: Key,
  input: SignInput,
  signature: Uint8Array,
  format: SignatureFormat | undefined,
): boolean {
  const spec = getJwsAlgorithm(alg);
  assertKeyMatchesAlgorithm(alg, key);
  const encoding = signatureEncodingOf(spec, format);
  switch (spec.kty) {
    case 'RSA':
      // PS*: any salt length, as OpenSSL's verifier accepts by default.
      return (
        key.kty === 'RSA' &&
        rsaVerify(key, input, signature, {
          scheme: spec.scheme,
          hash: spec.hash,
          ...(spec.scheme === 'pss' ? { saltLength: 'auto' as const } : {}),
        })
      );
    case 'EC':
      return (
        key.kty === 'EC' &&
        encoding !== 'raw' &&
        ecdsaVerify(key, input, signature, { hash: spec.hash, format: encoding })
      );
    case 'OKP':
      return key.kty === 'OKP' && 'message' in input && ed25519Verify(key, input.message, signature);
    case 'oct':
      return key.kty === 'oct' && 'message' in input && hmacVerify(spec.hash, key, input.message, signature);
  }
}
