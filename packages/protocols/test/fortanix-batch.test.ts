import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  sign,
  verify,
} from 'node:crypto';
import { getHash } from '@sigil/crypto-core/hash';
import { DEFAULT_ECDSA_NONCE, type SignatureParams } from '@sigil/crypto-core/sign';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/errors.js';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  type FortanixKeyType,
  type FortanixSignRequest,
  fortanixBatchSignResponseSchema,
  fortanixSignBody,
  runFortanixBatch,
} from '../src/fortanix/index.js';

const rsa: FortanixKeyType = { objType: 'RSA' };
const p256: FortanixKeyType = { objType: 'EC', ellipticCurve: 'NistP256' };
const ed25519: FortanixKeyType = { objType: 'EC', ellipticCurve: 'Ed25519' };
const message = Buffer.from('release 1.2.3');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const digestOf = (name: string) => createHash(name).update(message).digest();

describe('decodeFortanixSignItem: the per-item matrix', () => {
  const kid = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
  const base = { key: { kid }, hash_alg: 'SHA256' } as const;
  const cases: [string, FortanixSignRequest, FortanixKeyType, string][] = [
    ['neither hash nor data', base, rsa, 'ERR_FORTANIX_ITEM'],
    [
      'both hash and data',
      { ...base, hash: b64(digestOf('sha256')), data: b64(message) },
      rsa,
      'ERR_FORTANIX_ITEM',
    ],
    [
      'a context on a non-ML-DSA key',
      { ...base, data: b64(message), context: 'AA==' },
      rsa,
      'ERR_FORTANIX_ITEM',
    ],
    [
      'a mode on an EC key',
      { ...base, data: b64(message), mode: { PKCS1_V15: {} } },
      p256,
      'ERR_FORTANIX_MODE',
    ],
    [
      'a PSS mode on an Ed25519 key',
      { ...base, data: b64(message), mode: { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } } },
      ed25519,
      'ERR_FORTANIX_MODE',
    ],
    ['a hash for Ed25519', { ...base, hash: b64(digestOf('sha512')) }, ed25519, 'ERR_FORTANIX_ITEM'],
    [
      'a SHA-1 digest under SHA256',
      { ...base, hash: b64(digestOf('sha1')) },
      rsa,
      'ERR_FORTANIX_DIGEST_LENGTH',
    ],
    [
      'a SHA-256 digest under SHA384',
      { ...base, hash_alg: 'SHA384', hash: b64(digestOf('sha256')) },
      p256,
      'ERR_FORTANIX_DIGEST_LENGTH',
    ],
    ['an empty hash', { ...base, hash: '' }, rsa, 'ERR_FORTANIX_DIGEST_LENGTH'],
    [
      'an unsupported hash_alg',
      { ...base, hash_alg: 'STREEBOG256', data: b64(message) },
      rsa,
      'ERR_FORTANIX_ALGORITHM',
    ],
    [
      'an unsupported curve',
      { ...base, data: b64(message) },
      { objType: 'EC', ellipticCurve: 'Gost256A' },
      'ERR_FORTANIX_ALGORITHM',
    ],
  ];
  it.each(cases)('refuses %s', (_name, item, keyType, code) => {
    expect(() => decodeFortanixSignItem(item, keyType)).toThrow(
      expect.objectContaining({ code, status: 400 }),
    );
  });

  it('accepts a digest of the right length and data', () => {
    const byHash = decodeFortanixSignItem(
      { ...base, hash_alg: 'SHA384', hash: b64(digestOf('sha384')) },
      p256,
    );
    expect(byHash.params).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-384',
      format: 'der',
      nonce: DEFAULT_ECDSA_NONCE,
    });
    expect(byHash.input).toEqual({ digest: new Uint8Array(digestOf('sha384')) });
    const deterministic = decodeFortanixSignItem(
      { ...base, hash_alg: 'SHA384', hash: b64(digestOf('sha384')), deterministic_signature: true },
      p256,
    );
    expect(deterministic.params).toMatchObject({ scheme: 'ecdsa', nonce: 'rfc6979' });
    // deterministic_signature means nothing to Ed25519 (deterministic anyway): accepted, and not in the params.
    const byData = decodeFortanixSignItem(
      { ...base, data: b64(message), deterministic_signature: true },
      ed25519,
    );
    expect(byData).toEqual({ params: { scheme: 'ed25519' }, input: { message: new Uint8Array(message) } });
  });

  it('decodes verify items the same way, and their signature', () => {
    const checked = decodeFortanixVerifyItem(
      { ...base, hash: b64(digestOf('sha256')), signature: 'AQID' },
      rsa,
    );
    expect(checked.signature).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => decodeFortanixVerifyItem({ ...base, signature: 'AQID' }, rsa)).toThrow(
      expect.objectContaining({ code: 'ERR_FORTANIX_ITEM' }),
    );
  });
});

// A batch signer the way the server's Fortanix surface will run one, with node:crypto in place of crypto-core.
const keys = new Map<string, { type: FortanixKeyType; privateKey: KeyObject; publicKey: KeyObject }>([
  [
    '11111111-1111-4111-8111-111111111111',
    { type: rsa, ...generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  ],
  [
    '22222222-2222-4222-8222-222222222222',
    { type: p256, ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  ],
  ['33333333-3333-4333-8333-333333333333', { type: ed25519, ...generateKeyPairSync('ed25519') }],
]);

function nodeSign(
  params: SignatureParams,
  input: { digest: Uint8Array } | { message: Uint8Array },
  privateKey: KeyObject,
) {
  if (params.scheme === 'ed25519') return sign(null, (input as { message: Uint8Array }).message, privateKey);
  if (params.scheme === 'hmac') throw new Error('DSM items are not HMAC');
  const nodeHash = getHash(params.hash).nodeName;
  if ('message' in input) {
    if (params.scheme === 'rsa-pss') {
      if (params.saltLength === 'auto') throw new Error('a signature has a salt length');
      return sign(nodeHash, input.message, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: params.saltLength,
      });
    }
    return sign(nodeHash, input.message, privateKey);
  }
  if (params.scheme !== 'rsa-pkcs1') throw new Error('this test signs digests with RSA PKCS#1 only');
  const digestInfo = Buffer.concat([getHash(params.hash).digestInfoPrefix, input.digest]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
}

describe('runFortanixBatch', () => {
  it('answers every item in request order, signatures for good ones and typed errors for bad ones', async () => {
    const items: FortanixSignRequest[] = [
      {
        key: { kid: '11111111-1111-4111-8111-111111111111' },
        hash_alg: 'SHA256',
        hash: b64(digestOf('sha256')),
      },
      { key: { kid: '22222222-2222-4222-8222-222222222222' }, hash_alg: 'SHA384', data: b64(message) },
      {
        key: { kid: '11111111-1111-4111-8111-111111111111' },
        hash_alg: 'SHA256',
        hash: b64(digestOf('sha1')),
      },
      { key: { kid: '99999999-9999-4999-8999-999999999999' }, hash_alg: 'SHA256', data: b64(message) },
      { key: { kid: '33333333-3333-4333-8333-333333333333' }, hash_alg: 'SHA512', data: b64(message) },
      {
        key: { kid: '11111111-1111-4111-8111-111111111111' },
        hash_alg: 'SHA512',
        data: b64(message),
        mode: { PSS: { mgf: { mgf1: { hash: 'SHA512' } } } },
      },
      {
        key: { kid: '22222222-2222-4222-8222-222222222222' },
        hash_alg: 'SHA256',
        data: b64(message),
        mode: { PKCS1_V15: {} },
      },
    ];
    const results = await runFortanixBatch(items, async (item) => {
      const kid = item.key !== undefined && 'kid' in item.key ? item.key.kid : undefined;
      const key = kid === undefined ? undefined : keys.get(kid);
      if (kid === undefined || key === undefined) {
        throw new ProtocolError('ERR_FORTANIX_ITEM', 'sobject does not exist', { status: 404 });
      }
      const { params, input } = decodeFortanixSignItem(item, key.type);
      return fortanixSignBody(kid, new Uint8Array(nodeSign(params, input, key.privateKey)));
    });

    expect(fortanixBatchSignResponseSchema.parse(results)).toEqual(results);
    expect(results.map((result) => result.status)).toEqual([200, 200, 400, 404, 200, 200, 400]);
    expect(results[2]).toEqual({ status: 400, error: 'hash must be 32 bytes for SHA256, got 20' });
    expect(results[3]).toEqual({ status: 404, error: 'sobject does not exist' });
    expect(results[6]).toEqual({ status: 400, error: 'mode is only relevant for RSA keys' });

    const kidOf = (index: number) => (items[index]?.key as { kid: string } | undefined)?.kid ?? '';
    const signatureOf = (index: number) => {
      const result = results[index];
      if (result === undefined || !('body' in result)) throw new Error(`item ${index} failed`);
      expect(result.body.kid).toBe(kidOf(index));
      return Buffer.from(result.body.signature, 'base64');
    };
    const publicKeyOf = (index: number) => keys.get(kidOf(index))?.publicKey as KeyObject;
    expect(verify('sha256', message, publicKeyOf(0), signatureOf(0))).toBe(true);
    expect(verify('sha384', message, publicKeyOf(1), signatureOf(1))).toBe(true);
    expect(verify(null, message, publicKeyOf(4), signatureOf(4))).toBe(true);
    expect(
      verify(
        'sha512',
        message,
        { key: publicKeyOf(5), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
        signatureOf(5),
      ),
    ).toBe(true);
  });

  it('lets a bug through instead of hiding it in an item', async () => {
    await expect(
      runFortanixBatch([1], () => {
        throw new RangeError('bug');
      }),
    ).rejects.toThrow('bug');
  });

  it('turns a crypto-core error into a 400 item', async () => {
    const cryptoError = Object.assign(new Error('invalid DER'), {
      name: 'CryptoError',
      code: 'ERR_DER_DECODE',
    });
    expect(
      await runFortanixBatch([1], () => {
        throw cryptoError;
      }),
    ).toEqual([{ status: 400, error: 'invalid DER' }]);
  });
});
