// RSASSA-PSS key parameters (RFC 8017 App. A.2.3, RFC 4055 §3.1): the restrictions an id-RSASSA-PSS key carries.
import { aobject, aoneOf } from '../assert.js';
import { type DerReader, derContext, derInteger, derNull, derOid, derSequence } from '../der.js';
import { CryptoError } from '../errors.js';
import { getHash, type HashName, hashByOid } from '../hash.js';
import type { Key, RsaPublicKey } from '../key-types.js';
import { RSA_HASHES } from '../rsa.js';

/**
 * The restrictions an id-RSASSA-PSS key carries (RFC 4055 §3.1, RFC 8017 App. A.2.3): the key may only be
 * used for RSASSA-PSS with this hash, this MGF1 hash and at least this salt length.
 */
export interface RsaPssKeyParams {
  readonly hash: HashName;
  readonly mgfHash: HashName;
  readonly saltLength: number;
}

/** An RSA key imported from an id-RSASSA-PSS structure with parameters; it is still an RSA key. */
export type RsaPssRestricted<K extends RsaPublicKey = RsaPublicKey> = K & { readonly pss: RsaPssKeyParams };

const OID_MGF1 = '1.2.840.113549.1.1.8'; // RFC 8017 App. B.2.1

// RFC 8017 App. A.2.3 OAEP-PSSDigestAlgorithms: SHA-1 and SHA-2, the hashes RSA signs with.
const PSS_HASHES = RSA_HASHES;
// RFC 4055 §3.1 defaults: sha1, mgf1SHA1, saltLength 20, trailerField 1.
const PSS_DEFAULTS: RsaPssKeyParams = { hash: 'SHA-1', mgfHash: 'SHA-1', saltLength: 20 };

/**
 * The PSS restrictions of an RSA key imported from an id-RSASSA-PSS structure, or undefined.
 * @throws {TypeError} when key is not an object
 */
export function rsaPssParamsOf(key: Key): RsaPssKeyParams | undefined {
  aobject(key, 'key');
  return key.kty === 'RSA' && 'pss' in key ? (key as unknown as RsaPssRestricted).pss : undefined;
}

/** `key` with PSS restrictions attached (unchanged when there are none). */
export function withPss<K extends RsaPublicKey>(key: K, pss: RsaPssKeyParams | undefined): K {
  return pss === undefined ? key : ({ ...key, pss } as K);
}

/** Checks PSS restrictions handed to an exporter. */
export function assertPssParams(value: unknown, name: string): asserts value is RsaPssKeyParams {
  aobject(value, name);
  aoneOf(value.hash, PSS_HASHES, `${name}.hash`);
  aoneOf(value.mgfHash, PSS_HASHES, `${name}.mgfHash`);
  if (
    typeof value.saltLength !== 'number' ||
    !Number.isSafeInteger(value.saltLength) ||
    value.saltLength < 0
  ) {
    throw new RangeError(`${name}.saltLength must be a non-negative integer`);
  }
}

/** Reads a hash AlgorithmIdentifier whose parameters are NULL or absent (RFC 4055 §2.1). */
function readHashAlgorithm(reader: DerReader, what: string): HashName {
  const algorithm = reader.readSequence();
  const oid = algorithm.readOid();
  if (!algorithm.atEnd()) algorithm.readNull();
  algorithm.end();
  const hash = hashByOid(oid);
  if (hash === undefined || !(PSS_HASHES as readonly string[]).includes(hash.name)) {
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported ${what} hash ${oid} in RSASSA-PSS parameters`);
  }
  return hash.name;
}

/** RFC 8017 App. B.2.1: maskGenAlgorithm must be id-mgf1 with a hash AlgorithmIdentifier. */
function readMgf1(reader: DerReader): HashName {
  const mgf = reader.readSequence();
  const oid = mgf.readOid();
  if (oid !== OID_MGF1)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', `unsupported mask generation function ${oid}`);
  const hash = readHashAlgorithm(mgf, 'MGF1');
  mgf.end();
  return hash;
}

/** RFC 8017 App. A.2.3 RSASSA-PSS-params; each field has a DEFAULT (RFC 4055 §3.1). */
export function readPssParams(reader: DerReader): RsaPssKeyParams {
  const params = reader.readSequence();
  const hash = params.readOptionalExplicit(0, (field) => readHashAlgorithm(field, 'message'));
  const mgfHash = params.readOptionalExplicit(1, readMgf1);
  const saltLength = params.readOptionalExplicit(2, (field) => field.readUnsignedInteger());
  if (saltLength !== undefined && saltLength > 0xffffn)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'RSASSA-PSS salt length is too large');
  const trailerField = params.readOptionalExplicit(3, (field) => field.readUnsignedInteger());
  // RFC 8017 App. A.2.3: trailerField MUST be 1 (0xBC).
  if (trailerField !== undefined && trailerField !== 1n)
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'RSASSA-PSS trailerField must be 1');
  params.end();
  return {
    hash: hash ?? PSS_DEFAULTS.hash,
    mgfHash: mgfHash ?? PSS_DEFAULTS.mgfHash,
    saltLength: saltLength === undefined ? PSS_DEFAULTS.saltLength : Number(saltLength),
  };
}

function hashAlgorithmDer(hash: HashName): Uint8Array {
  return derSequence(derOid(getHash(hash).oid), derNull());
}

/** RSASSA-PSS-params with DEFAULT values omitted (X.690 §11.5). */
export function pssParamsDer(pss: RsaPssKeyParams): Uint8Array {
  const fields: Uint8Array[] = [];
  if (pss.hash !== PSS_DEFAULTS.hash) fields.push(derContext(0, hashAlgorithmDer(pss.hash)));
  if (pss.mgfHash !== PSS_DEFAULTS.mgfHash)
    fields.push(derContext(1, derSequence(derOid(OID_MGF1), hashAlgorithmDer(pss.mgfHash))));
  if (pss.saltLength !== PSS_DEFAULTS.saltLength)
    fields.push(derContext(2, derInteger(BigInt(pss.saltLength))));
  return derSequence(...fields);
}
