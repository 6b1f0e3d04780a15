import { p256 } from '@noble/curves/nist.js';
import { ecdsaSign, ecdsaVerify } from './src/ecdsa.ts';

const { secretKey, publicKey } = p256.keygen();
const key = {
  kty: 'EC' as const,
  curve: 'P-256' as const,
  point: p256.getPublicKey(secretKey, false),
  d: secretKey,
};
const msg = new Uint8Array(32);
const sig = p256.sign(msg, secretKey, { prehash: false });
const cases: [string, () => unknown][] = [
  ['noble sign', () => p256.sign(msg, secretKey, { prehash: false })],
  ['ours sign p1363 digest', () => ecdsaSign(key, { digest: msg }, { hash: 'SHA-256', format: 'p1363' })],
  ['ours sign der msg', () => ecdsaSign(key, { message: msg }, { hash: 'SHA-256' })],
  ['noble verify', () => p256.verify(sig, msg, publicKey, { prehash: false, lowS: false })],
  ['ours verify', () => ecdsaVerify(key, { digest: msg }, sig, { hash: 'SHA-256', format: 'p1363' })],
];
for (let round = 0; round < 2; round++)
  for (const [op, fn] of cases) {
    for (let i = 0; i < 50; i++) fn();
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 1000) {
      fn();
      n++;
    }
    console.log(op, ((1000 * n) / (performance.now() - t)).toFixed(0));
  }
