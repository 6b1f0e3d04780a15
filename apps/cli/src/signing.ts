// Signing and verifying with a JOSE algorithm name over a message or a precomputed digest: the dispatch
// `sigil sign` and `sigil verify` share, over crypto-core's one sign/verify.
import { base64ToBytes, base64urlToBytes, hexToBytes } from '@sigil/crypto-core/encoding';
import { getHash } from '@sigil/crypto-core/hash';
import { assertKeyMatchesAlgorithm, getJwsAlgorithm, type JwsAlgorithmSpec } from '@sigil/crypto-core/jws';
import { isPrivateKey, type Key } from '@sigil/crypto-core/key-types';
import { type SignatureParams, sign, verify } from '@sigil/crypto-core/sign';
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
  const hash = spec.params.hash;
  const length = getHash(hash).outputLength;
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
    throw new CliError(ExitCode.USAGE, `--digest has ${digest.length} bytes; ${hash} digests have ${length}`);
  }
  return digest;
}

/** `alg`'s parameters with the signature encoding the file format asks for (ECDSA only). */
function paramsFor(spec: JwsAlgorithmSpec, format: SignatureFormat | undefined): SignatureParams {
  const encoding = signatureEncodingOf(spec, format);
  return spec.params.scheme === 'ecdsa' && encoding !== 'raw'
    ? { ...spec.params, format: encoding }
    : spec.params;
}

/**
 * Signs `input` with `alg` (a JOSE name) and returns the signature bytes (ECDSA as DER or P1363, with the default
 * hedged nonce).
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
  if ('digest' in input && (spec.kty === 'OKP' || spec.kty === 'oct')) {
    throw new CliError(ExitCode.USAGE, `cannot sign a digest with ${alg}`);
  }
  return sign(key, paramsFor(spec, format), input);
}

/**
 * Verifies `signature` over `input` with `alg`; false for any mismatch (it fails closed). PS* accept any salt
 * length, as OpenSSL's verifier does by default.
 */
export function verifyWithAlgorithm(
  alg: string,
  key: Key,
  input: SignInput,
  signature: Uint8Array,
  format: SignatureFormat | undefined,
): boolean {
  const spec = getJwsAlgorithm(alg);
  assertKeyMatchesAlgorithm(alg, key);
  const params = paramsFor(spec, format);
  return verify(
    key,
    params.scheme === 'rsa-pss' ? { ...params, saltLength: 'auto' } : params,
    input,
    signature,
  );
}
