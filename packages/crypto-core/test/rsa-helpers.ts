// Test helpers for RSA: Wycheproof/ACVP field parsing and node:crypto key conversion (JWK with CRT params).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { RsaPrivateKey, RsaPublicKey } from '../src/key-types.js';
import type { RsaHashName } from '../src/rsa.js';

/** A bigint from (possibly signed, possibly odd-length) big-endian hex. */
export function hexToBigInt(hex: string): bigint {
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** Bytes of a hex string. */
export function hex(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'hex'));
}

/** Hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** ACVP 'SHA2-256' / Wycheproof 'SHA-256' -> crypto-core hash name. */
export function hashName(name: string): RsaHashName {
  const normalized = name.replace(/^SHA2-/, 'SHA-');
  if (!['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'].includes(normalized)) {
    throw new Error(`unexpected hash ${name}`);
  }
  return normalized as RsaHashName;
}

function b64url(value: bigint): string {
  let h = value.toString(16);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, 'hex').toString('base64url');
}

function fromB64url(value: string | undefined): bigint {
  if (value === undefined) throw new Error('missing JWK member');
  return hexToBigInt(Buffer.from(value, 'base64url').toString('hex'));
}

/** node:crypto private KeyObject of a crypto-core key (through a JWK with every CRT parameter). */
export function toNodePrivateKey(key: RsaPrivateKey): KeyObject {
  const jwk = {
    kty: 'RSA',
    n: b64url(key.n),
    e: b64url(key.e),
    d: b64url(key.d),
    p: b64url(key.p),
    q: b64url(key.q),
    dp: b64url(key.dp),
    dq: b64url(key.dq),
    qi: b64url(key.qi),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/** node:crypto public KeyObject of a crypto-core public key. */
export function toNodePublicKey(key: RsaPublicKey): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: b64url(key.n), e: b64url(key.e) }, format: 'jwk' });
}

/** crypto-core key of a node:crypto private KeyObject. */
export function fromNodePrivateKey(keyObject: KeyObject): RsaPrivateKey {
  const jwk = keyObject.export({ format: 'jwk' });
  return {
    kty: 'RSA',
    n: fromB64url(jwk.n),
    e: fromB64url(jwk.e),
    d: fromB64url(jwk.d),
    p: fromB64url(jwk.p),
    q: fromB64url(jwk.q),
    dp: fromB64url(jwk.dp),
    dq: fromB64url(jwk.dq),
    qi: fromB64url(jwk.qi),
  };
}

/** Counts of one vector file, printed by each test. */
export interface VectorCounts {
  valid: number;
  invalid: number;
  acceptable: number;
}

/** Prints `<file>: N valid accepted, M invalid rejected, K acceptable (policy)`. */
export function logCounts(file: string, counts: VectorCounts, policy: string): void {
  console.log(
    `${file}: ${counts.valid} valid accepted, ${counts.invalid} invalid rejected, ${counts.acceptable} acceptable (${policy})`,
  );
}
