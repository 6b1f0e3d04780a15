// The one sign/verify entry point: every scheme checked by node:crypto (OpenSSL) in both directions, the PSS salt
// and the ECDSA nonce as the params say, engine hooks, and bad params, keys and inputs.
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateEcKey } from '../src/ecdsa.js';
import { generateEd25519Key } from '../src/eddsa.js';
import { utf8ToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import { digest } from '../src/hash.js';
import { generateHmacKey } from '../src/hmac.js';
import type { PrivateKey } from '../src/key-types.js';
import { exportJwk, publicKeyOf } from '../src/keys.js';
import { generateRsaKey } from '../src/rsa.js';
import { pureRsaEngine } from '../src/rsa-engine.js';
import {
  assertSignatureParams,
  DEFAULT_ECDSA_NONCE,
  type SignatureEngine,
  type SignatureParams,
  sign,
  verify,
} from '../src/sign.js';

const message = utf8ToBytes('one entry point for every scheme');
const rsaKey = generateRsaKey(2048);
const ecKey = generateEcKey('P-256');
const edKey = generateEd25519Key();
const hmacKey = generateHmacKey('SHA-256');

function nodePrivate(key: PrivateKey): KeyObject {
  return createPrivateKey({ key: exportJwk(key) as never, format: 'jwk' });
}
function nodePublic(key: PrivateKey): KeyObject {
  return createPublicKey({ key: exportJwk(publicKeyOf(key)) as never, format: 'jwk' });
}

describe('sign and verify against node:crypto', () => {
  it('RSASSA-PKCS1-v1_5 over a message and over a digest', () => {
    const params: SignatureParams = { scheme: 'rsa-pkcs1', hash: 'SHA-384' };
    const fromMessage = sign(rsaKey, params, { message });
    const fromDigest = sign(rsaKey, params, { digest: digest('SHA-384', message) });
    // PKCS#1 v1.5 is deterministic: both inputs give the same bytes, which OpenSSL accepts.
    expect(fromDigest).toEqual(fromMessage);
    expect(nodeVerify('sha384', message, nodePublic(rsaKey), fromMessage)).toBe(true);
    const byNode = new Uint8Array(nodeSign('sha384', message, nodePrivate(rsaKey)));
    expect(verify(publicKeyOf(rsaKey), params, { message }, byNode)).toBe(true);
  });

  it('RSASSA-PSS checks exactly the salt length the params name, or any with auto', () => {
    const params: SignatureParams = { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 };
    const signature = sign(rsaKey, params, { message });
    expect(
      nodeVerify(
        'sha256',
        message,
        { key: nodePublic(rsaKey), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        signature,
      ),
    ).toBe(true);
    const shortSalt = new Uint8Array(
      nodeSign('sha256', message, {
        key: nodePrivate(rsaKey),
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 20,
      }),
    );
    const publicKey = publicKeyOf(rsaKey);
    expect(verify(publicKey, params, { message }, shortSalt)).toBe(false);
    expect(verify(publicKey, { ...params, saltLength: 20 }, { message }, shortSalt)).toBe(true);
    expect(verify(publicKey, { ...params, saltLength: 'auto' }, { message }, shortSalt)).toBe(true);
    expect(() => sign(rsaKey, { ...params, saltLength: 'auto' }, { message })).toThrow(RangeError);
  });

  it('ECDSA: rfc6979 repeats, hedged does not, both verify in OpenSSL in either format', () => {
    for (const format of ['der', 'p1363'] as const) {
      const deterministic: SignatureParams = { scheme: 'ecdsa', hash: 'SHA-256', format, nonce: 'rfc6979' };
      const hedged: SignatureParams = { ...deterministic, nonce: 'hedged' };
      expect(sign(ecKey, deterministic, { message })).toEqual(sign(ecKey, deterministic, { message }));
      const first = sign(ecKey, hedged, { message });
      expect(first).not.toEqual(sign(ecKey, hedged, { message }));
      const dsaEncoding = format === 'der' ? 'der' : 'ieee-p1363';
      expect(nodeVerify('sha256', message, { key: nodePublic(ecKey), dsaEncoding }, first)).toBe(true);
      const byNode = new Uint8Array(nodeSign('sha256', message, { key: nodePrivate(ecKey), dsaEncoding }));
      expect(verify(publicKeyOf(ecKey), hedged, { message }, byNode)).toBe(true);
    }
    expect(DEFAULT_ECDSA_NONCE).toBe('hedged');
  });

  it('Ed25519 and HMAC sign the message and refuse a digest', () => {
    const edSignature = sign(edKey, { scheme: 'ed25519' }, { message });
    expect(nodeVerify(null, message, nodePublic(edKey), edSignature)).toBe(true);
    const tag = sign(hmacKey, { scheme: 'hmac', hash: 'SHA-256' }, { message });
    expect(tag).toEqual(new Uint8Array(createHmac('sha256', hmacKey.key).update(message).digest()));
    expect(verify(hmacKey, { scheme: 'hmac', hash: 'SHA-256' }, { message }, tag)).toBe(true);
    for (const [key, params] of [
      [edKey, { scheme: 'ed25519' }],
      [hmacKey, { scheme: 'hmac', hash: 'SHA-256' }],
    ] as const) {
      const digestInput = { digest: digest('SHA-256', message) };
      expect(() => sign(key, params, digestInput)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
      );
      expect(verify(key, params, digestInput, new Uint8Array(64))).toBe(false);
    }
  });
});

describe('keys, params and engines', () => {
  it('a key of another family, or a public key, is ERR_KEY_MISMATCH; verify says false', () => {
    const error = (() => {
      try {
        sign(ecKey, { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, { message });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCryptoError(error, 'ERR_KEY_MISMATCH')).toBe(true);
    expect(() =>
      sign(
        publicKeyOf(ecKey) as never,
        { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' },
        { message },
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_KEY_MISMATCH' }));
    const signature = sign(
      ecKey,
      { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' },
      { message },
    );
    expect(
      verify(publicKeyOf(rsaKey), { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, { message }, signature),
    ).toBe(false);
  });

  it('malformed params throw TypeError or RangeError naming the field', () => {
    expect(() => assertSignatureParams(null)).toThrow(TypeError);
    expect(() => assertSignatureParams({ scheme: 'dsa' })).toThrow(/params.scheme/);
    expect(() => assertSignatureParams({ scheme: 'rsa-pkcs1', hash: 'MD5' })).toThrow(/params.hash/);
    expect(() => assertSignatureParams({ scheme: 'rsa-pss', hash: 'SHA-256' })).toThrow(/params.saltLength/);
    expect(() => assertSignatureParams({ scheme: 'ecdsa', hash: 'SHA-256', format: 'der' })).toThrow(
      /params.nonce/,
    );
    expect(() =>
      assertSignatureParams({ scheme: 'ecdsa', hash: 'SHA-256', format: 'jose', nonce: 'hedged' }),
    ).toThrow(/params.format/);
    expect(() =>
      verify(publicKeyOf(ecKey), { scheme: 'nope' } as never, { message }, new Uint8Array(1)),
    ).toThrow(RangeError);
  });

  it('an engine takes over the primitives its hooks name, and sign still checks the RSA result', () => {
    const calls: string[] = [];
    const engine: SignatureEngine = {
      name: 'recording',
      rsa: {
        name: 'recording-rsa',
        privateOperation: (key, x) => {
          calls.push('rsa');
          return pureRsaEngine.privateOperation(key, x);
        },
        publicOperation: pureRsaEngine.publicOperation,
      },
      ecdsaMessage: (key, hash, input, format) => {
        calls.push('ecdsa');
        return new Uint8Array(
          nodeSign(hash.replace('-', '').toLowerCase(), input, {
            key: nodePrivate(key),
            dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363',
          }),
        );
      },
      ed25519: () => undefined,
    };
    const rsaSignature = sign(rsaKey, { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, { message }, engine);
    expect(
      verify(publicKeyOf(rsaKey), { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, { message }, rsaSignature),
    ).toBe(true);
    const ecParams: SignatureParams = { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' };
    expect(
      verify(publicKeyOf(ecKey), ecParams, { message }, sign(ecKey, ecParams, { message }, engine)),
    ).toBe(true);
    // rfc6979 and digests stay with crypto-core; an engine hook that answers undefined falls back too.
    sign(ecKey, { ...ecParams, nonce: 'rfc6979' }, { message }, engine);
    sign(ecKey, ecParams, { digest: digest('SHA-256', message) }, engine);
    expect(sign(edKey, { scheme: 'ed25519' }, { message }, engine)).toEqual(
      sign(edKey, { scheme: 'ed25519' }, { message }),
    );
    expect(calls).toEqual(['rsa', 'ecdsa']);

    const faulty: SignatureEngine = {
      name: 'faulty',
      rsa: {
        name: 'faulty-rsa',
        privateOperation: (key, x) => pureRsaEngine.privateOperation(key, x) ^ 1n,
        publicOperation: pureRsaEngine.publicOperation,
      },
    };
    expect(() => sign(rsaKey, { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, { message }, faulty)).toThrow(
      expect.objectContaining({ code: 'ERR_RSA_FAULT' }),
    );
  });
});
