// The one table of hash functions: names, output sizes, OIDs and PKCS#1 DigestInfo prefixes.
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js';
import type { CHash } from '@noble/hashes/utils.js';
import { abytes, aoneOf } from './assert.js';
import { hexToBytes } from './encoding.js';

/** Hash names as JOSE, WebCrypto and Wycheproof spell them. */
export const HASH_NAMES = Object.freeze([
  'SHA-1',
  'SHA-224',
  'SHA-256',
  'SHA-384',
  'SHA-512',
  'SHA3-256',
  'SHA3-384',
  'SHA3-512',
  'MD5',
] as const);

/** A hash name crypto-core knows. */
export type HashName = (typeof HASH_NAMES)[number];

/** Everything the rest of crypto-core needs to know about one hash function. */
export interface HashDescriptor {
  readonly name: HashName;
  /** Output size in bytes. */
  readonly outputLength: number;
  /** Input block size in bytes (HMAC's B). */
  readonly blockLength: number;
  /** Dotted OID of the algorithm. */
  readonly oid: string;
  /** DER of DigestInfo up to the digest: RFC 8017 §9.2 note 1. */
  readonly digestInfoPrefix: Uint8Array;
  /** Node/OpenSSL name, for tests and engines that delegate. */
  readonly nodeName: string;
  /** Hash a message. */
  readonly digest: (message: Uint8Array) => Uint8Array;
  /** The @noble/hashes function, for HMAC and the curve libraries. */
  readonly noble: CHash;
}

function describe(
  name: HashName,
  noble: CHash,
  oid: string,
  digestInfoPrefixHex: string,
  nodeName: string,
): HashDescriptor {
  const digestInfoPrefix = hexToBytes(digestInfoPrefixHex);
  return Object.freeze({
    name,
    outputLength: noble.outputLen,
    blockLength: noble.blockLen,
    oid,
    // A fresh copy each time: bytes cannot be frozen, and one caller's edit must not change every signature.
    get digestInfoPrefix() {
      return digestInfoPrefix.slice();
    },
    nodeName,
    digest: (message: Uint8Array) => noble(message),
    noble,
  });
}

// DigestInfo prefixes: RFC 8017 §9.2 note 1 (SHA-1, SHA-2); SHA-3 from the NIST OIDs 2.16.840.1.101.3.4.2.8-10.
const HASHES: Readonly<Record<HashName, HashDescriptor>> = {
  'SHA-1': describe('SHA-1', sha1, '1.3.14.3.2.26', '3021300906052b0e03021a05000414', 'sha1'),
  'SHA-224': describe(
    'SHA-224',
    sha224,
    '2.16.840.1.101.3.4.2.4',
    '302d300d06096086480165030402040500041c',
    'sha224',
  ),
  'SHA-256': describe(
    'SHA-256',
    sha256,
    '2.16.840.1.101.3.4.2.1',
    '3031300d060960864801650304020105000420',
    'sha256',
  ),
  'SHA-384': describe(
    'SHA-384',
    sha384,
    '2.16.840.1.101.3.4.2.2',
    '3041300d060960864801650304020205000430',
    'sha384',
  ),
  'SHA-512': describe(
    'SHA-512',
    sha512,
    '2.16.840.1.101.3.4.2.3',
    '3051300d060960864801650304020305000440',
    'sha512',
  ),
  'SHA3-256': describe(
    'SHA3-256',
    sha3_256,
    '2.16.840.1.101.3.4.2.8',
    '3031300d060960864801650304020805000420',
    'sha3-256',
  ),
  'SHA3-384': describe(
    'SHA3-384',
    sha3_384,
    '2.16.840.1.101.3.4.2.9',
    '3041300d060960864801650304020905000430',
    'sha3-384',
  ),
  'SHA3-512': describe(
    'SHA3-512',
    sha3_512,
    '2.16.840.1.101.3.4.2.10',
    '3051300d060960864801650304020a05000440',
    'sha3-512',
  ),
  MD5: describe('MD5', md5, '1.2.840.113549.2.5', '3020300c06082a864886f70d020505000410', 'md5'),
};

/**
 * The descriptor of a hash by name.
 * @throws {RangeError} for an unknown name
 */
export function getHash(name: HashName): HashDescriptor {
  aoneOf(name, HASH_NAMES, 'hash');
  return HASHES[name];
}

/** The descriptor of a hash by its dotted OID, or undefined. */
export function hashByOid(oid: string): HashDescriptor | undefined {
  return Object.values(HASHES).find((hash) => hash.oid === oid);
}

/** Hash `message` with the named function. */
export function digest(name: HashName, message: Uint8Array): Uint8Array {
  const hash = getHash(name);
  abytes(message, 'message');
  return hash.digest(message);
}
