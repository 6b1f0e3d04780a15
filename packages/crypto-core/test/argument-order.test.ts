// One argument order: every primitive takes (key, params, input[, signature]) like sign(); a caller still using
// the old order gets a TypeError naming the field, never a signature over the wrong bytes.
import { describe, expect, it } from 'vitest';
import { ecdsaSign, ecdsaVerify, generateEcKey } from '../src/ecdsa.js';
import { ed25519Sign, ed25519Verify, generateEd25519Key } from '../src/eddsa.js';
import { utf8ToBytes } from '../src/encoding.js';
import { generateHmacKey, hmacSign, hmacVerify } from '../src/hmac.js';
import { publicKeyOf } from '../src/keys.js';
import { generateRsaKey, rs256, rsaSign, rsaVerify } from '../src/rsa.js';
import { sign, verify } from '../src/sign.js';

const message = utf8ToBytes('key, params, input, signature');
const rsaKey = generateRsaKey(1024, { allowWeakSize: true });
const ecKey = generateEcKey('P-256');
const edKey = generateEd25519Key();
const hmacKey = generateHmacKey('SHA-256');

/** A primitive called the way a stale caller would, past the type checker. */
const stale = (primitive: unknown) => primitive as (...args: unknown[]) => unknown;

function expectTypeError(action: () => unknown, field: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TypeError);
  expect((caught as TypeError).message).toMatch(new RegExp(`^${field.replace('.', '\\.')} `));
}

describe('argument order', () => {
  it('every primitive agrees with sign() and verify() in the new order', () => {
    const input = { message };
    const rsaSignature = rsaSign(rsaKey, rs256.params, input);
    expect(rsaSignature).toEqual(sign(rsaKey, { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, input));
    expect(rsaVerify(publicKeyOf(rsaKey), rs256.params, input, rsaSignature)).toBe(true);
    const ecParams = { hash: 'SHA-256', format: 'p1363' } as const;
    const ecSignature = ecdsaSign(ecKey, ecParams, input);
    expect(ecSignature).toEqual(sign(ecKey, { scheme: 'ecdsa', ...ecParams, nonce: 'rfc6979' }, input));
    expect(ecdsaVerify(publicKeyOf(ecKey), ecParams, input, ecSignature)).toBe(true);
    const edSignature = ed25519Sign(edKey, message);
    expect(ed25519Verify(publicKeyOf(edKey), message, edSignature)).toBe(true);
    expect(verify(edKey, { scheme: 'ed25519' }, input, edSignature)).toBe(true);
    const tag = hmacSign(hmacKey, 'SHA-256', message);
    expect(hmacVerify(hmacKey, 'SHA-256', message, tag)).toBe(true);
    expect(verify(hmacKey, { scheme: 'hmac', hash: 'SHA-256' }, input, tag)).toBe(true);
  });

  it('rsaSign(key, input, params) and rsaVerify(key, input, signature, params) throw on params.scheme', () => {
    const signature = rs256.sign(rsaKey, { message });
    expectTypeError(() => stale(rsaSign)(rsaKey, { message }, rs256.params), 'params.scheme');
    expectTypeError(() => stale(rsaVerify)(rsaKey, { message }, signature, rs256.params), 'params.scheme');
  });

  it('ecdsaSign(key, input, params) and ecdsaVerify(key, input, signature, params) throw on params.hash', () => {
    const params = { hash: 'SHA-256' } as const;
    const signature = ecdsaSign(ecKey, params, { message });
    expectTypeError(() => stale(ecdsaSign)(ecKey, { message }, params), 'params.hash');
    expectTypeError(() => stale(ecdsaVerify)(ecKey, { message }, signature, params), 'params.hash');
  });

  it('hmacSign(hash, key, message) and hmacVerify(hash, key, message, tag) throw on key', () => {
    const tag = hmacSign(hmacKey, 'SHA-256', message);
    for (const key of [hmacKey, hmacKey.key]) {
      expectTypeError(() => stale(hmacSign)('SHA-256', key, message), 'key');
      expectTypeError(() => stale(hmacVerify)('SHA-256', key, message, tag), 'key');
    }
  });

  it('sign(key, input, params) throws on params.scheme', () => {
    expectTypeError(
      () => stale(sign)(ecKey, { message }, { scheme: 'ecdsa', hash: 'SHA-256' }),
      'params.scheme',
    );
    expectTypeError(
      () => stale(verify)(ecKey, { message }, { scheme: 'ecdsa' }, new Uint8Array(64)),
      'params.scheme',
    );
  });
});
