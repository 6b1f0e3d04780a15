import { generateKeyPairSync } from 'node:crypto';
import { importJwk } from '../src/keys.js';
import { rsaSign } from '../src/rsa.js';
import { modPowUnchecked } from '../src/rsa-math.js';
import type { RsaPrivateKey } from '../src/key-types.js';
const key = importJwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as never) as RsaPrivateKey;
const message = new Uint8Array(32).fill(7);
const time = (fn: () => unknown) => { const t = performance.now(); let n = 0; while (performance.now() - t < 1500) { fn(); n++; } return (performance.now() - t) / n * 1000; };
const c = 12345678901234567890123456789n * 98765432109876543210n;
for (let r = 0; r < 3; r++) {
  const sign = time(() => rsaSign(key, { message }, { scheme: 'pkcs1', hash: 'SHA-256' }));
  const half = time(() => modPowUnchecked(c % key.p, key.dp, key.p));
  const pub = time(() => modPowUnchecked(c, key.e, key.n));
  console.log(`sign ${sign.toFixed(0)}us  half ${half.toFixed(0)}us  2*half ${(2 * half).toFixed(0)}us  public ${pub.toFixed(0)}us`);
}
