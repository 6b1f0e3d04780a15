// Ed25519 sign/verify: crypto-core vs node:crypto vs @noble/curves used directly with a precomputed base table.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed25519Sign, ed25519Verify, generateEd25519Key } from '../src/eddsa.js';
import { bytesToBase64url } from '../src/encoding.js';
import type { BenchCase } from './harness.js';

/** `ed25519-sign` and `ed25519-verify` over a 32-byte message. */
export function cases(): BenchCase[] {
  const message = new Uint8Array(32).fill(7);
  const key = generateEd25519Key();
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: bytesToBase64url(key.publicKey) };
  const nodePrivate = createPrivateKey({ key: { ...jwk, d: bytesToBase64url(key.seed) }, format: 'jwk' });
  const nodePublic = createPublicKey({ key: jwk, format: 'jwk' });
  ed25519.Point.BASE.precompute(8, false);
  const signature = ed25519Sign(key, message);
  return [
    { name: 'ed25519-sign', impl: 'crypto-core', run: () => ed25519Sign(key, message) },
    { name: 'ed25519-sign', impl: 'node:crypto', run: () => sign(null, message, nodePrivate) },
    { name: 'ed25519-sign', impl: '@noble/curves', run: () => ed25519.sign(message, key.seed) },
    { name: 'ed25519-verify', impl: 'crypto-core', run: () => ed25519Verify(key, message, signature) },
    { name: 'ed25519-verify', impl: 'node:crypto', run: () => verify(null, message, nodePublic, signature) },
    {
      name: 'ed25519-verify',
      impl: '@noble/curves',
      run: () => ed25519.verify(signature, message, key.publicKey, { zip215: false }),
    },
  ];
}
