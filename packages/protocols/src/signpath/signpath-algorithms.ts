// SignPath's algorithm table: payload.json and SignHash names mapped to crypto-core signing parameters.
import { getHash, type HashName } from '@sigil/crypto-core/hash';
import { RSA_HASHES, type RsaHashName } from '@sigil/crypto-core/rsa';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { ProtocolError } from '../errors.js';
import type { SignPathHashSigningData, SignPathPayload } from './signpath-schema.js';

/** `RsaHashAlgorithm` OIDs (seed README; seed 001 cuts them off) and the hash each names. */
export const SIGNPATH_HASH_OIDS = {
  '1.2.840.113549.2.5': 'MD5',
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
} as const satisfies Record<string, HashName>;

/** SignHash `rsaOptions.hashAlgorithmName` values (.NET `HashAlgorithmName` names) and the hash each names. */
export const SIGNPATH_HASH_NAMES = {
  MD5: 'MD5',
  SHA1: 'SHA-1',
  SHA256: 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
} as const satisfies Record<string, HashName>;

/** payload.json `SignatureAlgorithm` to a crypto-core scheme (seed 001). */
export const SIGNPATH_PAYLOAD_SCHEMES = {
  RsaPkcs1: 'pkcs1',
  RsaPss: 'pss',
  Ecdsa: 'ecdsa',
} as const satisfies Record<string, 'pkcs1' | 'pss' | 'ecdsa'>;

/** SignHash `rsaOptions.paddingMode` to a crypto-core RSA scheme (seed README). */
export const SIGNPATH_PADDING_SCHEMES = {
  Pkcs1: 'pkcs1',
  Pss: 'pss',
} as const satisfies Record<string, 'pkcs1' | 'pss'>;

/** `EcdsaSignatureFormat` / `signatureFormat` to crypto-core's format: IEEE P1363 r||s or RFC 3279 DER. */
export const SIGNPATH_ECDSA_FORMATS = {
  Ieee: 'p1363',
  Asn1: 'der',
} as const satisfies Record<string, EcdsaSignatureFormat>;

// ECDSA requests carry no hash name; the digest's length says which SHA-2 (or SHA-1) produced it.
const HASH_BY_DIGEST_LENGTH: Readonly<Record<number, HashName>> = {
  20: 'SHA-1',
  32: 'SHA-256',
  48: 'SHA-384',
  64: 'SHA-512',
};

/**
 * How to sign one SignPath hash: RSA PKCS#1 v1.5 or PSS (salt = hash length, as .NET's `RSASignaturePadding.Pss`)
 * with the named hash, or ECDSA over the digest in the requested format.
 */
export type SignPathSignatureParams =
  | { readonly scheme: 'pkcs1' | 'pss'; readonly hash: RsaHashName }
  | { readonly scheme: 'ecdsa'; readonly hash: HashName; readonly format: EcdsaSignatureFormat };

function lookup<T>(table: Readonly<Record<string, T>>, name: unknown, what: string): T {
  if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name] as T;
  throw new ProtocolError('ERR_SIGNPATH_ALGORITHM', `unsupported SignPath ${what} ${JSON.stringify(name)}`, {
    status: 400,
  });
}

/**
 * The crypto-core hash an `RsaHashAlgorithm` / `hashAlgorithmOid` names.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for an OID not in {@link SIGNPATH_HASH_OIDS}
 */
export function signPathHashByOid(oid: unknown): HashName {
  return lookup<HashName>(SIGNPATH_HASH_OIDS, oid, 'hash OID');
}

// The table lists MD5 (seed README), which crypto-core does not sign with RSA: refuse it by name, as a 400.
function rsaHash(hash: HashName): RsaHashName {
  if ((RSA_HASHES as readonly string[]).includes(hash)) return hash as RsaHashName;
  throw new ProtocolError('ERR_SIGNPATH_ALGORITHM', `RSA signing with ${hash} is not supported`, {
    status: 400,
  });
}

function checkDigestLength(hash: HashName, digestLength: number): void {
  const expected = getHash(hash).outputLength;
  if (expected !== digestLength) {
    throw new ProtocolError(
      'ERR_SIGNPATH_PAYLOAD',
      `a ${hash} digest is ${expected} bytes, the hash given has ${digestLength}`,
      { status: 400 },
    );
  }
}

function ecdsaParams(formatName: unknown, digestLength: number): SignPathSignatureParams {
  const format = lookup<EcdsaSignatureFormat>(
    SIGNPATH_ECDSA_FORMATS,
    formatName ?? 'Ieee',
    'ECDSA signature format',
  );
  const hash = HASH_BY_DIGEST_LENGTH[digestLength];
  if (hash === undefined) {
    throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', `no supported hash has a ${digestLength}-byte digest`, {
      status: 400,
    });
  }
  return { scheme: 'ecdsa', hash, format };
}

/**
 * The signing parameters of a payload.json (seed 001: `SignatureAlgorithm`, `RsaHashAlgorithm` "only used for RSA
 * keys", `EcdsaSignatureFormat` "only used for ECDSA keys", `Ieee` by default). For RSA the digest must have the
 * named hash's length.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for an unknown name or a missing RSA hash; ERR_SIGNPATH_PAYLOAD
 * for a digest of the wrong length
 */
export function signPathPayloadParams(
  payload: Pick<SignPathPayload, 'signatureAlgorithm' | 'rsaHashAlgorithm' | 'ecdsaSignatureFormat'>,
  digestLength: number,
): SignPathSignatureParams {
  const scheme = lookup<'pkcs1' | 'pss' | 'ecdsa'>(
    SIGNPATH_PAYLOAD_SCHEMES,
    payload.signatureAlgorithm,
    'SignatureAlgorithm',
  );
  if (scheme === 'ecdsa') return ecdsaParams(payload.ecdsaSignatureFormat, digestLength);
  if (payload.rsaHashAlgorithm === undefined) {
    throw new ProtocolError('ERR_SIGNPATH_ALGORITHM', 'RsaHashAlgorithm is required for RSA', {
      status: 400,
    });
  }
  const hash = signPathHashByOid(payload.rsaHashAlgorithm);
  checkDigestLength(hash, digestLength);
  return { scheme, hash: rsaHash(hash) };
}

/**
 * The signing parameters of SignHash's `hashSigningData` (seed README: `signatureAlgorithm` Rsa|Ecdsa,
 * `rsaOptions{hashAlgorithmName|hashAlgorithmOid, paddingMode}`, `ecdsaOptions{signatureFormat}`).
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for an unknown name or missing rsaOptions; ERR_SIGNPATH_PAYLOAD
 * for a digest of the wrong length
 */
export function signPathHashSigningParams(
  data: Pick<SignPathHashSigningData, 'signatureAlgorithm' | 'rsaOptions' | 'ecdsaOptions'>,
  digestLength: number,
): SignPathSignatureParams {
  if (data.signatureAlgorithm === 'Ecdsa')
    return ecdsaParams(data.ecdsaOptions?.signatureFormat, digestLength);
  if (data.signatureAlgorithm !== 'Rsa') {
    throw new ProtocolError(
      'ERR_SIGNPATH_ALGORITHM',
      `unsupported signatureAlgorithm ${JSON.stringify(data.signatureAlgorithm)}`,
      {
        status: 400,
      },
    );
  }
  const options = data.rsaOptions;
  if (options === undefined) {
    throw new ProtocolError('ERR_SIGNPATH_ALGORITHM', 'rsaOptions is required for Rsa', { status: 400 });
  }
  const scheme = lookup<'pkcs1' | 'pss'>(SIGNPATH_PADDING_SCHEMES, options.paddingMode, 'paddingMode');
  const hash =
    options.hashAlgorithmOid !== undefined
      ? signPathHashByOid(options.hashAlgorithmOid)
      : lookup<HashName>(SIGNPATH_HASH_NAMES, options.hashAlgorithmName, 'hashAlgorithmName');
  checkDigestLength(hash, digestLength);
  return { scheme, hash: rsaHash(hash) };
}
