// JWK thumbprints (RFC 7638): a hash of a key's required public JWK members.
import { aobject } from '../assert.js';
import { bytesToBase64url, utf8ToBytes } from '../encoding.js';
import { getHash, type HashName } from '../hash.js';
import type { Key } from '../key-types.js';
import { importJwk, type Jwk, publicJwkMembers } from './jwk.js';
import { assertKey } from './key-objects.js';

/** True for a crypto-core key object (bigint or byte members) rather than a JWK (string members). */
function isKeyObject(value: Record<string, unknown>): boolean {
  return (
    typeof value.n === 'bigint' ||
    value.point instanceof Uint8Array ||
    value.publicKey instanceof Uint8Array ||
    value.key instanceof Uint8Array
  );
}

/**
 * The JWK thumbprint of a key or JWK (RFC 7638 §3): `hash` over the UTF-8 JSON of the required public
 * members in lexicographic order without whitespace, base64url encoded. A JWK is fully validated first.
 * @throws {TypeError|RangeError} when input is not a key or object, or hash is unknown
 * @throws {CryptoError} as `importJwk` for an invalid JWK
 */
export function jwkThumbprint(input: Key | Jwk, hash: HashName = 'SHA-256'): string {
  aobject(input, 'input');
  const descriptor = getHash(hash);
  const key = isKeyObject(input) ? (input as unknown as Key) : importJwk(input as Jwk);
  assertKey(key, 'key');
  // RFC 7638 §3.3: required members only; JSON.stringify adds no whitespace and keeps insertion order.
  const json = JSON.stringify(publicJwkMembers(key));
  return bytesToBase64url(descriptor.digest(utf8ToBytes(json)));
}
