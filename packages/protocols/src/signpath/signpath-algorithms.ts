// SignPath's algorithm table, both ways: payload.json and SignHash names to crypto-core SignatureParams, and back.
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { HashName } from '@sigil/crypto-core/hash';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import {
  assertSignatureParams,
  DEFAULT_ECDSA_NONCE,
  hashOutputLength,
  type SignatureParams,
  type SignatureScheme,
} from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import { digestOfInput, invertTable, lookupName, rsaHashOf } from '../algorithm-table.js';
import { ProtocolError } from '../errors.js';
import type {
  SIGNPATH_ECDSA_SIGNATURE_FORMATS,
  SIGNPATH_PADDING_MODES,
  SIGNPATH_SIGNATURE_ALGORITHMS,
  SignPathHashSigningData,
  SignPathPayload,
} from './signpath-schema.js';

type PayloadAlgorithm = (typeof SIGNPATH_SIGNATURE_ALGORITHMS)[number];
type PaddingMode = (typeof SIGNPATH_PADDING_MODES)[number];
type EcdsaFormatName = (typeof SIGNPATH_ECDSA_SIGNATURE_FORMATS)[number];

/** `RsaHashAlgorithm` / `hashAlgorithmOid` OIDs (seed README; seed 001 cuts them off) and the hash each names. */
export const SIGNPATH_HASH_OIDS = {
  '1.2.840.113549.2.5': 'MD5',
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
} as const satisfies Record<string, HashName>;

/**
 * SignHash `rsaOptions.hashAlgorithmName` values as SignPath documents them (`Sha1`, `Sha256`, `Sha384`, `Sha512`;
 * its own example sends `"Sha1"`) and the hash each names. SignPath is ASP.NET, whose enum binding ignores case, so
 * names are read case-insensitively (`SHA256` too) and written in the documented spelling.
 */
export const SIGNPATH_HASH_NAMES = {
  Sha1: 'SHA-1',
  Sha256: 'SHA-256',
  Sha384: 'SHA-384',
  Sha512: 'SHA-512',
} as const satisfies Record<string, HashName>;

/** payload.json `SignatureAlgorithm` to a crypto-core scheme (seed 001, "Artifact format for signing hash digests"). */
export const SIGNPATH_PAYLOAD_SCHEMES = {
  RsaPkcs1: 'rsa-pkcs1',
  RsaPss: 'rsa-pss',
  Ecdsa: 'ecdsa',
} as const satisfies Record<PayloadAlgorithm, SignatureScheme>;

/** SignHash `rsaOptions.paddingMode` to a crypto-core RSA scheme (seed README). */
export const SIGNPATH_PADDING_SCHEMES = {
  Pkcs1: 'rsa-pkcs1',
  Pss: 'rsa-pss',
} as const satisfies Record<PaddingMode, SignatureScheme>;

/** `EcdsaSignatureFormat` / `signatureFormat` to crypto-core's format: IEEE P1363 r||s or RFC 3279 DER. */
export const SIGNPATH_ECDSA_FORMATS = {
  Ieee: 'p1363',
  Asn1: 'der',
} as const satisfies Record<EcdsaFormatName, EcdsaSignatureFormat>;

/**
 * ECDSA requests name no hash: the digest's length says which one made it (seed 001: the hash is "the Base64
 * encoded hash value to sign"). Only these lengths are read, so only these hashes are written.
 */
export const SIGNPATH_ECDSA_HASHES = {
  20: 'SHA-1',
  32: 'SHA-256',
  48: 'SHA-384',
  64: 'SHA-512',
} as const satisfies Record<number, HashName>;

const OID_OF = invertTable(SIGNPATH_HASH_OIDS);
const NAME_OF = invertTable(SIGNPATH_HASH_NAMES);
const FORMAT_NAME_OF = invertTable(SIGNPATH_ECDSA_FORMATS);
const ECDSA_HASHES: readonly HashName[] = Object.values(SIGNPATH_ECDSA_HASHES);

const algorithmError = (message: string) =>
  new ProtocolError('ERR_SIGNPATH_ALGORITHM', message, { status: 400 });
const payloadError = (message: string) => new ProtocolError('ERR_SIGNPATH_PAYLOAD', message, { status: 400 });
// SignPath's own words for these failures, as Jsign recorded them (signpath-invalid-*-error.json).
const HASH_MISMATCH = 'The hash algorithm does not match the given hash.';
const INVALID_FORMAT = 'The file has an invalid format.';

/** The name of `table` that equals `name` ignoring case (ASP.NET binds enum names case-insensitively). */
function nameIgnoringCase(table: Readonly<Record<string, unknown>>, name: unknown): unknown {
  if (typeof name !== 'string') return name;
  const lower = name.toLowerCase();
  return Object.keys(table).find((candidate) => candidate.toLowerCase() === lower) ?? name;
}

/** What a SignPath request says about a signature, decoded: how to sign, and the digest to sign. */
export interface SignPathDecoded {
  readonly params: SignatureParams;
  readonly digest: Uint8Array;
}

/**
 * The crypto-core hash an `RsaHashAlgorithm` / `hashAlgorithmOid` names.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for an OID not in {@link SIGNPATH_HASH_OIDS}
 */
export function signPathHashByOid(oid: unknown): HashName {
  return lookupName<HashName>(SIGNPATH_HASH_OIDS, oid, 'hash OID', algorithmError);
}

/**
 * The OID SignPath names a hash by (the table read backwards).
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for a hash SignPath does not list (SHA-224, SHA-3)
 */
export function signPathHashOid(hash: HashName): string {
  const oid = OID_OF.get(hash);
  if (oid === undefined) throw algorithmError(`SignPath names no OID for ${hash}`);
  return oid;
}

// RSA PSS as SignPath signs it: .NET's RSASignaturePadding.Pss, MGF1 with the same hash, salt as long as the hash.
function rsaParams(scheme: 'rsa-pkcs1' | 'rsa-pss', hash: RsaHashName): SignatureParams {
  return scheme === 'rsa-pkcs1' ? { scheme, hash } : { scheme, hash, saltLength: hashOutputLength(hash) };
}

function checkDigestLength(hash: HashName, digestLength: number): void {
  const expected = hashOutputLength(hash);
  if (expected !== digestLength) {
    throw new ProtocolError(
      'ERR_SIGNPATH_PAYLOAD',
      `a ${hash} digest is ${expected} bytes, the hash given has ${digestLength}`,
      { status: 400, vendorMessage: HASH_MISMATCH },
    );
  }
}

// SignPath picks the ECDSA nonce itself and promises nothing about it: the params say the default.
function ecdsaParams(formatName: unknown, digestLength: number): SignatureParams {
  const format = lookupName<EcdsaSignatureFormat>(
    SIGNPATH_ECDSA_FORMATS,
    nameIgnoringCase(SIGNPATH_ECDSA_FORMATS, formatName),
    'ECDSA signature format',
    algorithmError,
  );
  const hash = (SIGNPATH_ECDSA_HASHES as Readonly<Record<number, HashName>>)[digestLength];
  if (hash === undefined) throw payloadError(`no supported hash has a ${digestLength}-byte digest`);
  return { scheme: 'ecdsa', hash, format, nonce: DEFAULT_ECDSA_NONCE };
}

function decodeDigest(base64: unknown, field: string): Uint8Array {
  try {
    return base64ToBytes(base64 as string);
  } catch (cause) {
    throw new ProtocolError('ERR_SIGNPATH_PAYLOAD', `${field} must be standard base64`, {
      cause,
      status: 400,
    });
  }
}

/**
 * Decodes a payload.json (as {@link parseSignPathPayload} returns it) into crypto-core params and the digest to
 * sign (seed 001: `SignatureAlgorithm`; `RsaHashAlgorithm` "only used for RSA keys"; `EcdsaSignatureFormat` "only
 * used for ECDSA keys", `Ieee` by default). RSA PSS has a salt as long as the hash (.NET `RSASignaturePadding.Pss`);
 * ECDSA takes its hash from the digest's length and the default nonce (SignPath names none).
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for an unknown or unsupported name, or RSA without a hash;
 * ERR_SIGNPATH_PAYLOAD for a digest that is not base64 or not as long as its hash
 */
export function decodeSignPathPayload(
  payload: Pick<
    SignPathPayload,
    'signatureAlgorithm' | 'rsaHashAlgorithm' | 'ecdsaSignatureFormat' | 'base64EncodedHash'
  >,
): SignPathDecoded {
  const digest = decodeDigest(payload.base64EncodedHash, 'Base64EncodedHash');
  const scheme = lookupName<SignatureScheme>(
    SIGNPATH_PAYLOAD_SCHEMES,
    nameIgnoringCase(SIGNPATH_PAYLOAD_SCHEMES, payload.signatureAlgorithm),
    'SignatureAlgorithm',
    (message) =>
      new ProtocolError('ERR_SIGNPATH_ALGORITHM', message, { status: 400, vendorMessage: INVALID_FORMAT }),
  );
  if (scheme === 'ecdsa')
    return { params: ecdsaParams(payload.ecdsaSignatureFormat ?? 'Ieee', digest.length), digest };
  if (payload.rsaHashAlgorithm === undefined) throw algorithmError('RsaHashAlgorithm is required for RSA');
  const hash = rsaHashOf(signPathHashByOid(payload.rsaHashAlgorithm), algorithmError);
  checkDigestLength(hash, digest.length);
  return { params: rsaParams(scheme as 'rsa-pkcs1' | 'rsa-pss', hash), digest };
}

/**
 * Decodes SignHash's `hashSigningData` into crypto-core params and the digest to sign, as
 * {@link decodeSignPathPayload} does a payload.json (seed README: `signatureAlgorithm` Rsa|Ecdsa,
 * `rsaOptions{hashAlgorithmName|hashAlgorithmOid, paddingMode}`, `ecdsaOptions{signatureFormat}`, `Ieee` when absent).
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM, ERR_SIGNPATH_PAYLOAD
 */
export function decodeSignPathHashSigningData(
  data: Pick<SignPathHashSigningData, 'hash' | 'signatureAlgorithm' | 'rsaOptions' | 'ecdsaOptions'>,
): SignPathDecoded {
  const digest = decodeDigest(data.hash, 'hash');
  const signatureAlgorithm = nameIgnoringCase({ Rsa: true, Ecdsa: true }, data.signatureAlgorithm);
  if (signatureAlgorithm === 'Ecdsa') {
    return { params: ecdsaParams(data.ecdsaOptions?.signatureFormat ?? 'Ieee', digest.length), digest };
  }
  if (signatureAlgorithm !== 'Rsa') {
    throw algorithmError(`unsupported signatureAlgorithm ${JSON.stringify(data.signatureAlgorithm)}`);
  }
  const options = data.rsaOptions;
  if (options === undefined) throw algorithmError('rsaOptions is required for Rsa');
  const scheme = lookupName(
    SIGNPATH_PADDING_SCHEMES,
    nameIgnoringCase(SIGNPATH_PADDING_SCHEMES, options.paddingMode),
    'paddingMode',
    algorithmError,
  );
  const named =
    options.hashAlgorithmOid !== undefined
      ? signPathHashByOid(options.hashAlgorithmOid)
      : lookupName<HashName>(
          SIGNPATH_HASH_NAMES,
          nameIgnoringCase(SIGNPATH_HASH_NAMES, options.hashAlgorithmName),
          'hashAlgorithmName',
          algorithmError,
        );
  const hash = rsaHashOf(named, algorithmError);
  checkDigestLength(hash, digest.length);
  return { params: rsaParams(scheme, hash), digest };
}

/** What SignPath can be asked for: RSA with a padding and a hash it names, or ECDSA in a format. */
type SignPathAlgorithm =
  | { readonly kind: 'Rsa'; readonly padding: PaddingMode; readonly hash: RsaHashName }
  | { readonly kind: 'Ecdsa'; readonly format: EcdsaFormatName; readonly hash: HashName };

// The encoders' one set of refusals: everything SignPath's requests cannot say.
function signPathAlgorithmOf(params: SignatureParams): SignPathAlgorithm {
  assertSignatureParams(params);
  switch (params.scheme) {
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      signPathHashOid(params.hash);
      if (params.scheme === 'rsa-pkcs1') return { kind: 'Rsa', padding: 'Pkcs1', hash: params.hash };
      // .NET's RSASignaturePadding.Pss: MGF1 with the signature's hash, a salt as long as that hash.
      if (params.mgfHash !== undefined && params.mgfHash !== params.hash) {
        throw algorithmError(`SignPath signs PSS with MGF1 over ${params.hash}, not ${params.mgfHash}`);
      }
      if (params.saltLength !== hashOutputLength(params.hash)) {
        throw algorithmError(
          `SignPath signs PSS with a ${hashOutputLength(params.hash)}-byte salt, not ${String(params.saltLength)}`,
        );
      }
      return { kind: 'Rsa', padding: 'Pss', hash: params.hash };
    }
    case 'ecdsa': {
      if (!ECDSA_HASHES.includes(params.hash)) {
        throw algorithmError(
          `SignPath tells ECDSA hashes apart by length only: ${params.hash} is not one of them`,
        );
      }
      if (params.nonce === 'rfc6979') {
        throw algorithmError('SignPath does not offer deterministic (RFC 6979) ECDSA signatures');
      }
      return {
        kind: 'Ecdsa',
        format: FORMAT_NAME_OF.get(params.format) as EcdsaFormatName,
        hash: params.hash,
      };
    }
    default:
      throw algorithmError(`SignPath signs RSA and ECDSA hashes, not ${params.scheme}`);
  }
}

/**
 * The payload.json that asks SignPath for `params` over `input` (seed 001-002), camelCase as
 * {@link parseSignPathPayload} returns it (the client sends it PascalCase). A message is hashed here with
 * `params.hash`. `EcdsaSignatureFormat` is always written, though `Ieee` is the default.
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for params SignPath cannot express (Ed25519, HMAC, a hash it does
 * not name, PSS with another salt or MGF1 hash, deterministic ECDSA); ERR_SIGNPATH_PAYLOAD for a digest of the
 * wrong length
 * @throws {TypeError} / {RangeError} for params that are not crypto-core SignatureParams
 */
export function encodeSignPathPayload(
  params: SignatureParams,
  input: SignInput,
  metadata?: Readonly<Record<string, unknown>>,
): SignPathPayload {
  const algorithm = signPathAlgorithmOf(params);
  const base64EncodedHash = bytesToBase64(digestOfInput(input, algorithm.hash, payloadError));
  const fields =
    algorithm.kind === 'Rsa'
      ? {
          signatureAlgorithm: algorithm.padding === 'Pkcs1' ? ('RsaPkcs1' as const) : ('RsaPss' as const),
          rsaHashAlgorithm: signPathHashOid(algorithm.hash),
        }
      : { signatureAlgorithm: 'Ecdsa' as const, ecdsaSignatureFormat: algorithm.format };
  return { ...fields, base64EncodedHash, ...(metadata === undefined ? {} : { metadata: { ...metadata } }) };
}

/** Options of {@link encodeSignPathHashSigningData}. */
export interface SignPathHashSigningOptions {
  /** How `rsaOptions` names the hash: `'name'` (`hashAlgorithmName`, the default) or `'oid'` (`hashAlgorithmOid`). */
  readonly hashAlgorithm?: 'name' | 'oid';
}

/**
 * SignHash's `hashSigningData` that asks SignPath for `params` over `input` (seed README). A message is hashed here
 * with `params.hash`; `ecdsaOptions` is always written.
 * @throws {ProtocolError} as {@link encodeSignPathPayload}
 */
export function encodeSignPathHashSigningData(
  params: SignatureParams,
  input: SignInput,
  options: SignPathHashSigningOptions = {},
): SignPathHashSigningData {
  const algorithm = signPathAlgorithmOf(params);
  const hash = bytesToBase64(digestOfInput(input, algorithm.hash, payloadError));
  if (algorithm.kind === 'Ecdsa') {
    return { hash, signatureAlgorithm: 'Ecdsa', ecdsaOptions: { signatureFormat: algorithm.format } };
  }
  const named =
    options.hashAlgorithm === 'oid'
      ? { hashAlgorithmOid: signPathHashOid(algorithm.hash) }
      : { hashAlgorithmName: NAME_OF.get(algorithm.hash) as string };
  return { hash, signatureAlgorithm: 'Rsa', rsaOptions: { ...named, paddingMode: algorithm.padding } };
}

/**
 * A short name of `params` in SignPath's words, for audit records and metrics: `RsaPkcs1/SHA256`, `RsaPss/SHA384`,
 * `Ecdsa/SHA256/Ieee` (the payload.json algorithm, the .NET hash name, the ECDSA format).
 * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for params SignPath cannot express
 */
export function signPathAlgorithmLabel(params: SignatureParams): string {
  const algorithm = signPathAlgorithmOf(params);
  const hashName = NAME_OF.get(algorithm.hash) as string;
  return algorithm.kind === 'Rsa'
    ? `Rsa${algorithm.padding}/${hashName}`
    : `Ecdsa/${hashName}/${algorithm.format}`;
}
