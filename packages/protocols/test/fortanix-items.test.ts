// Fortanix DSM sign and verify items both ways: decoded for a key type into params and input, encoded from params,
// a key descriptor and an input; round trips through the wire schemas.
import { createHash } from 'node:crypto';
import { hashOutputLength, type SignatureParams } from '@sigil/crypto-core/sign';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  encodeFortanixSignItem,
  encodeFortanixVerifyItem,
  type FortanixKeyType,
  fortanixSignRequestSchema,
  fortanixVerifyRequestSchema,
} from '../src/fortanix/index.js';
import { fortanixSupportedParams, fortanixVerifyParams } from './support/params-arbitraries.js';

const KID = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
const RSA: FortanixKeyType = { objType: 'RSA' };
const P256: FortanixKeyType = { objType: 'EC', ellipticCurve: 'NistP256' };
const ED25519: FortanixKeyType = { objType: 'EC', ellipticCurve: 'Ed25519' };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const refused = (code: string) => expect.objectContaining({ name: 'ProtocolError', code, status: 400 });
const message = new TextEncoder().encode('artifact bytes');
const sha256 = new Uint8Array(createHash('sha256').update(message).digest());

describe('Fortanix item decoder', () => {
  it('decodes hash into a digest and data into a message, seed 003 member by member', () => {
    expect(
      decodeFortanixSignItem(
        { key: { kid: KID }, hash_alg: 'SHA256', hash: b64(sha256), mode: { PKCS1_V15: {} } },
        RSA,
      ),
    ).toEqual({ params: { scheme: 'rsa-pkcs1', hash: 'SHA-256' }, input: { digest: sha256 } });
    expect(
      decodeFortanixSignItem(
        { key: { name: 'k' }, hash_alg: 'SHA256', data: b64(message), deterministic_signature: true },
        P256,
      ),
    ).toEqual({
      params: { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'rfc6979' },
      input: { message },
    });
    expect(
      decodeFortanixVerifyItem({ hash_alg: 'SHA512', data: b64(message), signature: 'c2ln' }, ED25519),
    ).toEqual({
      params: { scheme: 'ed25519' },
      input: { message },
      signature: new TextEncoder().encode('sig'),
    });
  });

  it.each([
    [
      'both hash and data',
      { hash_alg: 'SHA256', hash: b64(sha256), data: 'AA==' },
      P256,
      'ERR_FORTANIX_ITEM',
    ],
    ['neither hash nor data', { hash_alg: 'SHA256' }, P256, 'ERR_FORTANIX_ITEM'],
    [
      'a context on a non-ML-DSA key',
      { hash_alg: 'SHA256', data: 'AA==', context: 'AA==' },
      P256,
      'ERR_FORTANIX_ITEM',
    ],
    ['an Ed25519 hash', { hash_alg: 'SHA512', hash: b64(new Uint8Array(64)) }, ED25519, 'ERR_FORTANIX_ITEM'],
    [
      'a digest of the wrong length',
      { hash_alg: 'SHA384', hash: b64(sha256) },
      P256,
      'ERR_FORTANIX_DIGEST_LENGTH',
    ],
    [
      'a mode on an EC key',
      { hash_alg: 'SHA256', data: 'AA==', mode: { PKCS1_V15: {} } },
      P256,
      'ERR_FORTANIX_MODE',
    ],
    ['an unsupported hash_alg', { hash_alg: 'STREEBOG256', data: 'AA==' }, P256, 'ERR_FORTANIX_ALGORITHM'],
  ] as const)('refuses %s', (_name, item, keyType, code) => {
    expect(() => decodeFortanixSignItem(item as never, keyType)).toThrow(refused(code));
  });
});

describe('Fortanix item encoder', () => {
  it('sends a digest as hash, a message as data (or its digest with prehash), Ed25519 always as data', () => {
    const pkcs1 = { scheme: 'rsa-pkcs1', hash: 'SHA-256' } as const;
    expect(encodeFortanixSignItem(pkcs1, { kid: KID }, { digest: sha256 })).toEqual({
      key: { kid: KID },
      hash_alg: 'SHA256',
      mode: { PKCS1_V15: {} },
      hash: b64(sha256),
    });
    expect(encodeFortanixSignItem(pkcs1, undefined, { message })).toEqual({
      hash_alg: 'SHA256',
      mode: { PKCS1_V15: {} },
      data: b64(message),
    });
    expect(encodeFortanixSignItem(pkcs1, undefined, { message }, { prehash: true })).toMatchObject({
      hash: b64(sha256),
    });
    // As Fortanix's clients do when their caller names no padding: DSM then signs PKCS#1 v1.5.
    const unnamed = encodeFortanixSignItem(pkcs1, { kid: KID }, { message }, { omitDefaultMode: true });
    expect(unnamed).toEqual({ key: { kid: KID }, hash_alg: 'SHA256', data: b64(message) });
    expect(decodeFortanixSignItem(unnamed, RSA).params).toEqual(pkcs1);
    const pss = { scheme: 'rsa-pss', hash: 'SHA-256', mgfHash: 'SHA-256', saltLength: 32 } as const;
    expect(encodeFortanixSignItem(pss, undefined, { message }, { omitDefaultMode: true }).mode).toEqual({
      PSS: { mgf: { mgf1: { hash: 'SHA256' } } },
    });
    expect(
      encodeFortanixSignItem({ scheme: 'ed25519' }, { name: 'ed' }, { message }, { prehash: true }),
    ).toEqual({
      key: { name: 'ed' },
      hash_alg: 'SHA512',
      data: b64(message),
    });
    const ecdsa = { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'rfc6979' } as const;
    expect(encodeFortanixSignItem(ecdsa, { kid: KID }, { digest: sha256 })).toEqual({
      key: { kid: KID },
      hash_alg: 'SHA256',
      deterministic_signature: true,
      hash: b64(sha256),
    });
    expect(encodeFortanixVerifyItem(ecdsa, { kid: KID }, { digest: sha256 }, new Uint8Array([1, 2]))).toEqual(
      {
        key: { kid: KID },
        hash_alg: 'SHA256',
        hash: b64(sha256),
        signature: 'AQI=',
      },
    );
  });

  it('refuses an Ed25519 digest, a digest of the wrong length, and params DSM cannot express', () => {
    expect(() => encodeFortanixSignItem({ scheme: 'ed25519' }, undefined, { digest: sha256 })).toThrow(
      refused('ERR_FORTANIX_ITEM'),
    );
    expect(() =>
      encodeFortanixSignItem({ scheme: 'rsa-pkcs1', hash: 'SHA-512' }, undefined, { digest: sha256 }),
    ).toThrow(refused('ERR_FORTANIX_DIGEST_LENGTH'));
    expect(() => encodeFortanixSignItem({ scheme: 'hmac', hash: 'SHA-256' }, undefined, { message })).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
  });

  it("asks for PSS with DSM's salt: as long as the hash to sign, any ('auto') to verify", () => {
    const signing = { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 } as const;
    const verifying = { ...signing, saltLength: 'auto' } as const;
    const mode = { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } };
    const signature = new Uint8Array([1, 2]);
    expect(encodeFortanixSignItem(signing, undefined, { digest: sha256 })).toEqual({
      hash_alg: 'SHA256',
      mode,
      hash: b64(sha256),
    });
    expect(encodeFortanixVerifyItem(verifying, undefined, { digest: sha256 }, signature)).toEqual({
      hash_alg: 'SHA256',
      mode,
      hash: b64(sha256),
      signature: 'AQI=',
    });
    expect(() => encodeFortanixSignItem(verifying, undefined, { digest: sha256 })).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
    expect(() => encodeFortanixVerifyItem(signing, undefined, { digest: sha256 }, signature)).toThrow(
      refused('ERR_FORTANIX_ALGORITHM'),
    );
  });
});

// A key type that fits params, and an input the params can sign: a digest or a message (Ed25519: a message).
const sampleOf = (paramsArbitrary: fc.Arbitrary<SignatureParams>) =>
  paramsArbitrary.chain((params) =>
    fc.record({
      params: fc.constant(params),
      keyType:
        params.scheme === 'ecdsa'
          ? fc.constantFrom<FortanixKeyType>(P256, { objType: 'EC', ellipticCurve: 'SecP256K1' })
          : fc.constant(params.scheme === 'ed25519' ? ED25519 : RSA),
      input: fc.oneof(
        fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ message: bytes })),
        ...(params.scheme === 'ed25519'
          ? []
          : [
              fc.uint8Array({ minLength: 64, maxLength: 64 }).map((bytes) => ({
                digest: bytes.slice(0, hashOutputLength((params as { hash: 'SHA-1' }).hash)),
              })),
            ]),
      ),
      key: fc.oneof(fc.constant(undefined), fc.constant({ kid: KID }), fc.constant({ name: 'release key' })),
    }),
  );
const sample = sampleOf(fortanixSupportedParams);
const verifySample = sampleOf(fortanixVerifyParams);

describe('Fortanix item round trips', () => {
  it('decodeFortanixSignItem(encodeFortanixSignItem(p, key, input)) is {p, input}, through JSON and the schema', () => {
    fc.assert(
      fc.property(sample, ({ params, keyType, input, key }) => {
        const item = encodeFortanixSignItem(params, key, input);
        const wire = fortanixSignRequestSchema.parse(JSON.parse(JSON.stringify(item)));
        expect(wire).toEqual(item);
        expect(item.key).toEqual(key);
        expect(decodeFortanixSignItem(wire, keyType)).toEqual({ params, input });
      }),
      { numRuns: 300 },
    );
  });

  it('with prehash, a message comes back as its digest', () => {
    fc.assert(
      fc.property(sample, ({ params, keyType, input }) => {
        fc.pre('message' in input && params.scheme !== 'ed25519');
        const item = encodeFortanixSignItem(params, undefined, input, { prehash: true });
        const decoded = decodeFortanixSignItem(item, keyType);
        expect(decoded.params).toEqual(params);
        expect('digest' in decoded.input).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('decodeFortanixVerifyItem(encodeFortanixVerifyItem(...)) gives the params back: PSS salt auto, default nonce', () => {
    fc.assert(
      fc.property(verifySample, fc.uint8Array({ minLength: 1, maxLength: 80 }), (s, signature) => {
        const item = fortanixVerifyRequestSchema.parse(
          encodeFortanixVerifyItem(s.params, s.key, s.input, signature),
        );
        const expected: SignatureParams =
          s.params.scheme === 'ecdsa' ? { ...s.params, nonce: 'hedged' } : s.params;
        expect(decodeFortanixVerifyItem(item, s.keyType)).toEqual({
          params: expected,
          input: s.input,
          signature,
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('Fortanix item decoder: items without a key', () => {
  it('decodes PSS with its own MGF1 hash (any salt to verify), deterministic ECDSA and an Ed25519 verify item', () => {
    const pss = { PSS: { mgf: { mgf1: { hash: 'SHA1' } } } } as const;
    expect(decodeFortanixSignItem({ hash_alg: 'SHA256', hash: b64(sha256), mode: pss }, RSA)).toEqual({
      params: { scheme: 'rsa-pss', hash: 'SHA-256', mgfHash: 'SHA-1', saltLength: 32 },
      input: { digest: sha256 },
    });
    expect(
      decodeFortanixSignItem({ hash_alg: 'SHA256', data: b64(message), deterministic_signature: true }, P256),
    ).toEqual({
      params: { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'rfc6979' },
      input: { message },
    });
    expect(
      decodeFortanixVerifyItem({ hash_alg: 'SHA256', hash: b64(sha256), mode: pss, signature: 'AQI=' }, RSA),
    ).toEqual({
      params: { scheme: 'rsa-pss', hash: 'SHA-256', mgfHash: 'SHA-1', saltLength: 'auto' },
      input: { digest: sha256 },
      signature: new Uint8Array([1, 2]),
    });
    expect(
      decodeFortanixVerifyItem({ hash_alg: 'SHA512', data: 'AA==', signature: 'AQI=' }, ED25519),
    ).toEqual({
      params: { scheme: 'ed25519' },
      input: { message: new Uint8Array([0]) },
      signature: new Uint8Array([1, 2]),
    });
  });
});
