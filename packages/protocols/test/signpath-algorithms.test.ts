// SignPath's algorithm table both ways: payload.json and SignHash names to crypto-core params, params back to both
// requests, labels, and round-trip properties over every params value and every name combination.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HashName } from '@sigil/crypto-core/hash';
import { DEFAULT_ECDSA_NONCE, hashOutputLength, type SignatureParams } from '@sigil/crypto-core/sign';
import { ECDSA_SIGNATURE_FORMATS } from '@sigil/crypto-core/signature-format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSignPathHashSigningData,
  decodeSignPathPayload,
  encodeSignPathHashSigningData,
  encodeSignPathPayload,
  parseSignPathPayload,
  SIGNPATH_ECDSA_SIGNATURE_FORMATS,
  SIGNPATH_HASH_NAMES,
  SIGNPATH_HASH_OIDS,
  SIGNPATH_PADDING_MODES,
  SIGNPATH_SIGNATURE_ALGORITHMS,
  type SignPathHashSigningData,
  type SignPathPayload,
  signPathAlgorithmLabel,
  signPathHashByOid,
  signPathHashOid,
  signPathHashSigningDataSchema,
  signPathPayloadSchema,
  toSignPathPascalPayload,
} from '../src/signpath/index.js';
import { anyParams } from './support/params-arbitraries.js';

// Seed README: the OIDs seed 001 cuts off.
const DOCUMENTED_OIDS: [string, HashName, number][] = [
  ['1.2.840.113549.2.5', 'MD5', 16],
  ['1.3.14.3.2.26', 'SHA-1', 20],
  ['2.16.840.1.101.3.4.2.1', 'SHA-256', 32],
  ['2.16.840.1.101.3.4.2.2', 'SHA-384', 48],
  ['2.16.840.1.101.3.4.2.3', 'SHA-512', 64],
];
const digestOf = (length: number, fill = 7) => new Uint8Array(length).fill(fill);
const b64 = (length: number) => Buffer.from(digestOf(length)).toString('base64');
const refused = (code: string) => expect.objectContaining({ name: 'ProtocolError', code, status: 400 });

describe('SignPath payload.json decoder', () => {
  it("decodes seed 002's example request: RSA PKCS#1 v1.5 with SHA-256 over the given hash", () => {
    const payload = parseSignPathPayload(
      readFileSync(new URL('../__fixtures__/signpath/payload.json', import.meta.url), 'utf8'),
    );
    const { params, digest } = decodeSignPathPayload(payload);
    expect(params).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(Buffer.from(digest).toString('base64')).toBe('GJShnIW6FTrL90OsTkP8AEyJFgSyb4xp4eg+oq/HxI8=');
  });

  it.each(DOCUMENTED_OIDS)('maps RsaHashAlgorithm %s to %s', (oid, hash, digestLength) => {
    expect(signPathHashByOid(oid)).toBe(hash);
    expect(signPathHashOid(hash)).toBe(oid);
    for (const signatureAlgorithm of ['RsaPkcs1', 'RsaPss'] as const) {
      const payload = { signatureAlgorithm, rsaHashAlgorithm: oid, base64EncodedHash: b64(digestLength) };
      if (hash === 'MD5') {
        // Listed by SignPath, but crypto-core does not sign RSA with MD5: a typed 400, never a crash.
        expect(() => decodeSignPathPayload(payload)).toThrow(refused('ERR_SIGNPATH_ALGORITHM'));
        continue;
      }
      expect(decodeSignPathPayload(payload).params).toEqual(
        signatureAlgorithm === 'RsaPkcs1'
          ? { scheme: 'rsa-pkcs1', hash }
          : { scheme: 'rsa-pss', hash, saltLength: digestLength },
      );
    }
  });

  it('covers exactly the documented OIDs', () => {
    expect(Object.keys(SIGNPATH_HASH_OIDS).sort()).toEqual(DOCUMENTED_OIDS.map(([oid]) => oid).sort());
  });

  it('maps Ecdsa with each format, Ieee by default, the hash from the digest length, the default nonce', () => {
    const ecdsa = (ecdsaSignatureFormat: 'Ieee' | 'Asn1' | undefined, length: number) =>
      decodeSignPathPayload({
        signatureAlgorithm: 'Ecdsa',
        ...(ecdsaSignatureFormat ? { ecdsaSignatureFormat } : {}),
        base64EncodedHash: b64(length),
      }).params;
    expect(ecdsa(undefined, 32)).toEqual({
      scheme: 'ecdsa',
      hash: 'SHA-256',
      format: 'p1363',
      nonce: 'hedged',
    });
    expect(ecdsa('Ieee', 48)).toEqual({ scheme: 'ecdsa', hash: 'SHA-384', format: 'p1363', nonce: 'hedged' });
    expect(ecdsa('Asn1', 64)).toEqual({ scheme: 'ecdsa', hash: 'SHA-512', format: 'der', nonce: 'hedged' });
    expect(ecdsa('Asn1', 20)).toMatchObject({ hash: 'SHA-1' });
    expect(SIGNPATH_ECDSA_SIGNATURE_FORMATS).toEqual(['Ieee', 'Asn1']);
  });

  it.each([
    ['an unknown SignatureAlgorithm', { signatureAlgorithm: 'Dsa' }, 32, 'ERR_SIGNPATH_ALGORITHM'],
    [
      'an unknown OID',
      { signatureAlgorithm: 'RsaPkcs1', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.8' },
      32,
      'ERR_SIGNPATH_ALGORITHM',
    ],
    ['RSA without RsaHashAlgorithm', { signatureAlgorithm: 'RsaPss' }, 32, 'ERR_SIGNPATH_ALGORITHM'],
    [
      'an unknown ECDSA format',
      { signatureAlgorithm: 'Ecdsa', ecdsaSignatureFormat: 'Der' },
      32,
      'ERR_SIGNPATH_ALGORITHM',
    ],
    [
      'a digest shorter than the hash',
      { signatureAlgorithm: 'RsaPkcs1', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1' },
      20,
      'ERR_SIGNPATH_PAYLOAD',
    ],
    ['an ECDSA digest of no known hash', { signatureAlgorithm: 'Ecdsa' }, 33, 'ERR_SIGNPATH_PAYLOAD'],
    ['an MD5-long ECDSA digest', { signatureAlgorithm: 'Ecdsa' }, 16, 'ERR_SIGNPATH_PAYLOAD'],
  ])('rejects %s with a typed error', (_name, algorithm, digestLength, code) => {
    expect(() =>
      decodeSignPathPayload({ ...algorithm, base64EncodedHash: b64(digestLength) } as never),
    ).toThrow(refused(code));
  });

  it('rejects a hash that is not base64 with ERR_SIGNPATH_PAYLOAD', () => {
    expect(() => decodeSignPathPayload({ signatureAlgorithm: 'Ecdsa', base64EncodedHash: 'GJSh!' })).toThrow(
      refused('ERR_SIGNPATH_PAYLOAD'),
    );
  });
});

describe('SignPath SignHash decoder', () => {
  it.each(Object.entries(SIGNPATH_HASH_NAMES))('maps hashAlgorithmName %s to %s', (name, hash) => {
    const digestLength = DOCUMENTED_OIDS.find(([, documented]) => documented === hash)?.[2] ?? 0;
    for (const paddingMode of SIGNPATH_PADDING_MODES) {
      const data = {
        hash: b64(digestLength),
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: name, paddingMode },
      } as const;
      expect(decodeSignPathHashSigningData(data).params).toEqual(
        paddingMode === 'Pkcs1'
          ? { scheme: 'rsa-pkcs1', hash }
          : { scheme: 'rsa-pss', hash, saltLength: digestLength },
      );
    }
  });

  it('maps hashAlgorithmOid and ecdsaOptions, Ieee when ecdsaOptions is absent', () => {
    expect(
      decodeSignPathHashSigningData({
        hash: b64(48),
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmOid: '2.16.840.1.101.3.4.2.2', paddingMode: 'Pss' },
      }).params,
    ).toEqual({ scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 });
    expect(
      decodeSignPathHashSigningData({
        hash: b64(32),
        signatureAlgorithm: 'Ecdsa',
        ecdsaOptions: { signatureFormat: 'Asn1' },
      }).params,
    ).toEqual({ scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' });
    expect(
      decodeSignPathHashSigningData({ hash: b64(32), signatureAlgorithm: 'Ecdsa' }).params,
    ).toMatchObject({
      format: 'p1363',
    });
  });

  it.each([
    ['an unknown signatureAlgorithm', { signatureAlgorithm: 'RsaPkcs1' }],
    ['Rsa without rsaOptions', { signatureAlgorithm: 'Rsa' }],
    [
      'an unknown paddingMode',
      { signatureAlgorithm: 'Rsa', rsaOptions: { hashAlgorithmName: 'SHA256', paddingMode: 'Oaep' } },
    ],
    [
      'an unknown hashAlgorithmName',
      { signatureAlgorithm: 'Rsa', rsaOptions: { hashAlgorithmName: 'SHA3_256', paddingMode: 'Pss' } },
    ],
    ['an unknown signatureFormat', { signatureAlgorithm: 'Ecdsa', ecdsaOptions: { signatureFormat: 'Raw' } }],
  ])('rejects %s with ERR_SIGNPATH_ALGORITHM', (_name, data) => {
    expect(() => decodeSignPathHashSigningData({ hash: b64(32), ...data } as never)).toThrow(
      refused('ERR_SIGNPATH_ALGORITHM'),
    );
  });
});

describe('SignPath encoders', () => {
  const digest = digestOf(32);

  it('writes payload.json as seed 002 does, and SignHash data as the seed README does', () => {
    const rsa = { scheme: 'rsa-pkcs1', hash: 'SHA-256' } as const;
    const metadata = {
      CreatingProcess: { CommandLine: 'SampleCommand -SampleArgument', User: 'SampleUser' },
    };
    const payload = encodeSignPathPayload(rsa, { digest }, metadata);
    expect(payload).toEqual({
      signatureAlgorithm: 'RsaPkcs1',
      rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      base64EncodedHash: Buffer.from(digest).toString('base64'),
      metadata,
    });
    expect(Object.keys(toSignPathPascalPayload(payload))).toEqual([
      'SignatureAlgorithm',
      'RsaHashAlgorithm',
      'Base64EncodedHash',
      'Metadata',
    ]);
    expect(encodeSignPathHashSigningData(rsa, { digest })).toEqual({
      hash: Buffer.from(digest).toString('base64'),
      signatureAlgorithm: 'Rsa',
      rsaOptions: { hashAlgorithmName: 'Sha256', paddingMode: 'Pkcs1' },
    });
    expect(encodeSignPathHashSigningData(rsa, { digest }, { hashAlgorithm: 'oid' }).rsaOptions).toEqual({
      hashAlgorithmOid: '2.16.840.1.101.3.4.2.1',
      paddingMode: 'Pkcs1',
    });
    const ecdsa = { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'hedged' } as const;
    expect(encodeSignPathPayload(ecdsa, { digest })).toEqual({
      signatureAlgorithm: 'Ecdsa',
      ecdsaSignatureFormat: 'Asn1',
      base64EncodedHash: Buffer.from(digest).toString('base64'),
    });
    expect(encodeSignPathHashSigningData(ecdsa, { digest })).toMatchObject({
      signatureAlgorithm: 'Ecdsa',
      ecdsaOptions: { signatureFormat: 'Asn1' },
    });
  });

  it("hashes a message with the params' hash", () => {
    const message = new TextEncoder().encode('artifact');
    const payload = encodeSignPathPayload(
      { scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 },
      { message },
    );
    expect(payload.base64EncodedHash).toBe(createHash('sha384').update(message).digest('base64'));
  });

  it.each<[string, SignatureParams]>([
    ['Ed25519', { scheme: 'ed25519' }],
    ['HMAC', { scheme: 'hmac', hash: 'SHA-256' }],
    ['RSA with SHA-224 (no OID)', { scheme: 'rsa-pkcs1', hash: 'SHA-224' }],
    ['PSS with a 20-byte salt for SHA-256', { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 20 }],
    ['PSS with salt auto', { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 'auto' }],
    [
      'PSS with MGF1 over another hash',
      { scheme: 'rsa-pss', hash: 'SHA-256', mgfHash: 'SHA-1', saltLength: 32 },
    ],
    [
      'ECDSA with SHA3-256 (same length as SHA-256)',
      { scheme: 'ecdsa', hash: 'SHA3-256', format: 'der', nonce: 'hedged' },
    ],
    ['ECDSA with SHA-224', { scheme: 'ecdsa', hash: 'SHA-224', format: 'der', nonce: 'hedged' }],
    ['deterministic ECDSA', { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: 'rfc6979' }],
  ])('refuses %s with ERR_SIGNPATH_ALGORITHM, in every encoder and the label', (_name, params) => {
    const input = { digest: digestOf(32) };
    expect(() => encodeSignPathPayload(params, input)).toThrow(refused('ERR_SIGNPATH_ALGORITHM'));
    expect(() => encodeSignPathHashSigningData(params, input)).toThrow(refused('ERR_SIGNPATH_ALGORITHM'));
    expect(() => signPathAlgorithmLabel(params)).toThrow(refused('ERR_SIGNPATH_ALGORITHM'));
  });

  it('refuses a digest of the wrong length with ERR_SIGNPATH_PAYLOAD, and params that are not params', () => {
    const rsa = { scheme: 'rsa-pkcs1', hash: 'SHA-512' } as const;
    expect(() => encodeSignPathPayload(rsa, { digest: digestOf(32) })).toThrow(
      refused('ERR_SIGNPATH_PAYLOAD'),
    );
    expect(() => encodeSignPathHashSigningData(rsa, {} as never)).toThrow(refused('ERR_SIGNPATH_PAYLOAD'));
    expect(() => encodeSignPathPayload({ scheme: 'rsa-pkcs2' } as never, { digest })).toThrow(RangeError);
  });

  it('accepts PSS with MGF1 named explicitly as the same hash, which decodes without it', () => {
    const explicit = { scheme: 'rsa-pss', hash: 'SHA-256', mgfHash: 'SHA-256', saltLength: 32 } as const;
    const implicit = { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 } as const;
    expect(encodeSignPathPayload(explicit, { digest })).toEqual(encodeSignPathPayload(implicit, { digest }));
    expect(decodeSignPathPayload(encodeSignPathPayload(explicit, { digest })).params).toEqual(implicit);
  });

  it("labels in SignPath's words", () => {
    expect(signPathAlgorithmLabel({ scheme: 'rsa-pkcs1', hash: 'SHA-256' })).toBe('RsaPkcs1/Sha256');
    expect(signPathAlgorithmLabel({ scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 })).toBe(
      'RsaPss/Sha384',
    );
    expect(
      signPathAlgorithmLabel({ scheme: 'ecdsa', hash: 'SHA-512', format: 'p1363', nonce: 'hedged' }),
    ).toBe('Ecdsa/Sha512/Ieee');
  });
});

// Every params value SignPath supports, in the form its decoders answer.
const SIGNPATH_RSA_HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
const SUPPORTED: readonly SignatureParams[] = [
  ...SIGNPATH_RSA_HASHES.map((hash): SignatureParams => ({ scheme: 'rsa-pkcs1', hash })),
  ...SIGNPATH_RSA_HASHES.map(
    (hash): SignatureParams => ({ scheme: 'rsa-pss', hash, saltLength: hashOutputLength(hash) }),
  ),
  ...SIGNPATH_RSA_HASHES.flatMap((hash) =>
    ECDSA_SIGNATURE_FORMATS.map(
      (format): SignatureParams => ({ scheme: 'ecdsa', hash, format, nonce: 'hedged' }),
    ),
  ),
];
const supportedParams = fc.constantFrom(...SUPPORTED);

const withDigest = (params: fc.Arbitrary<SignatureParams>) =>
  params.chain((p) =>
    fc
      .uint8Array({ minLength: 64, maxLength: 64 })
      .map((bytes) => ({ params: p, digest: bytes.slice(0, 'hash' in p ? hashOutputLength(p.hash) : 32) })),
  );

describe('SignPath round trips: params -> request -> params', () => {
  it('decodeSignPathPayload(encodeSignPathPayload(p)) is p, through JSON and PascalCase too', () => {
    fc.assert(
      fc.property(withDigest(supportedParams), ({ params, digest }) => {
        const payload = encodeSignPathPayload(params, { digest });
        expect(signPathPayloadSchema.parse(payload)).toEqual(payload);
        expect(decodeSignPathPayload(payload)).toEqual({ params, digest });
        const wire = parseSignPathPayload(JSON.stringify(toSignPathPascalPayload(payload)));
        expect(decodeSignPathPayload(wire)).toEqual({ params, digest });
      }),
    );
  });

  it('decodeSignPathHashSigningData(encodeSignPathHashSigningData(p)) is p, with the hash by name or by OID', () => {
    fc.assert(
      fc.property(
        withDigest(supportedParams),
        fc.constantFrom('name', 'oid' as const),
        (sample, hashAlgorithm) => {
          const data = encodeSignPathHashSigningData(
            sample.params,
            { digest: sample.digest },
            { hashAlgorithm },
          );
          expect(signPathHashSigningDataSchema.parse(data)).toEqual(data);
          expect(decodeSignPathHashSigningData(data)).toEqual(sample);
        },
      ),
    );
  });

  it('every params value either round-trips or is refused with ERR_SIGNPATH_ALGORITHM', () => {
    fc.assert(
      fc.property(withDigest(anyParams), ({ params, digest }) => {
        let payload: SignPathPayload;
        try {
          payload = encodeSignPathPayload(params, { digest });
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_SIGNPATH_ALGORITHM' });
          expect(() => encodeSignPathHashSigningData(params, { digest })).toThrow(
            refused('ERR_SIGNPATH_ALGORITHM'),
          );
          return;
        }
        const expected =
          params.scheme === 'rsa-pss'
            ? { scheme: params.scheme, hash: params.hash, saltLength: params.saltLength }
            : params;
        expect(decodeSignPathPayload(payload).params).toEqual(expected);
        expect(
          decodeSignPathHashSigningData(encodeSignPathHashSigningData(params, { digest })).params,
        ).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('gives every supported params value its own label', () => {
    const labels = new Set(SUPPORTED.map((params) => signPathAlgorithmLabel(params)));
    expect(labels.size).toBe(SUPPORTED.length);
    expect(SUPPORTED).toHaveLength(4 + 4 + 8);
  });
});

describe('SignPath round trips: request -> params -> request', () => {
  // Every combination of the names the documents give, plus unknown ones; lengths of every digest the table reads.
  const oids = [...Object.keys(SIGNPATH_HASH_OIDS), undefined, '2.16.840.1.101.3.4.2.4'];
  const formats = [...SIGNPATH_ECDSA_SIGNATURE_FORMATS, undefined];
  const lengths = [16, 20, 28, 32, 48, 64];

  it('re-encodes every payload.json the decoder accepts into an equivalent one', () => {
    let accepted = 0;
    for (const signatureAlgorithm of SIGNPATH_SIGNATURE_ALGORITHMS)
      for (const rsaHashAlgorithm of oids)
        for (const ecdsaSignatureFormat of formats)
          for (const length of lengths) {
            const payload = {
              signatureAlgorithm,
              ...(rsaHashAlgorithm === undefined ? {} : { rsaHashAlgorithm }),
              ...(ecdsaSignatureFormat === undefined ? {} : { ecdsaSignatureFormat }),
              base64EncodedHash: b64(length),
            };
            let decoded: ReturnType<typeof decodeSignPathPayload>;
            try {
              decoded = decodeSignPathPayload(payload);
            } catch (error) {
              expect(error).toMatchObject({ name: 'ProtocolError', status: 400 });
              continue;
            }
            accepted += 1;
            const again = encodeSignPathPayload(decoded.params, { digest: decoded.digest });
            // Seed 001: RsaHashAlgorithm is "only used for RSA keys", EcdsaSignatureFormat "only used for ECDSA
            // keys" and Ieee by default; equivalent requests agree on the members SignPath reads.
            const reads = (p: typeof payload | SignPathPayload) =>
              p.signatureAlgorithm === 'Ecdsa'
                ? [p.signatureAlgorithm, p.ecdsaSignatureFormat ?? 'Ieee', p.base64EncodedHash]
                : [p.signatureAlgorithm, p.rsaHashAlgorithm, p.base64EncodedHash];
            expect(reads(again)).toEqual(reads(payload));
          }
    // RsaPkcs1 and RsaPss: 4 OIDs, each at its one length, under any of 3 format values; Ecdsa: 4 lengths × 2+1
    // formats × any of 7 OID values.
    expect(accepted).toBe(2 * 4 * 3 + 4 * 3 * 7);
  });

  it('re-encodes every SignHash hashSigningData the decoder accepts into an equivalent one', () => {
    let accepted = 0;
    const rsaOptions = [
      undefined,
      ...SIGNPATH_PADDING_MODES.flatMap((paddingMode) => [
        ...Object.keys(SIGNPATH_HASH_NAMES).map((hashAlgorithmName) => ({ hashAlgorithmName, paddingMode })),
        ...Object.keys(SIGNPATH_HASH_OIDS).map((hashAlgorithmOid) => ({ hashAlgorithmOid, paddingMode })),
      ]),
    ];
    const ecdsaOptions = [
      undefined,
      ...SIGNPATH_ECDSA_SIGNATURE_FORMATS.map((signatureFormat) => ({ signatureFormat })),
    ];
    for (const signatureAlgorithm of ['Rsa', 'Ecdsa'] as const)
      for (const rsa of rsaOptions)
        for (const ecdsa of signatureAlgorithm === 'Ecdsa' ? ecdsaOptions : [undefined])
          for (const length of lengths) {
            const data: SignPathHashSigningData = {
              hash: b64(length),
              signatureAlgorithm,
              ...(rsa === undefined ? {} : { rsaOptions: rsa }),
              ...(ecdsa === undefined ? {} : { ecdsaOptions: ecdsa }),
            };
            let decoded: ReturnType<typeof decodeSignPathHashSigningData>;
            try {
              decoded = decodeSignPathHashSigningData(data);
            } catch (error) {
              expect(error).toMatchObject({ name: 'ProtocolError', status: 400 });
              continue;
            }
            accepted += 1;
            const byOid = data.rsaOptions?.hashAlgorithmOid !== undefined;
            const again = encodeSignPathHashSigningData(
              decoded.params,
              { digest: decoded.digest },
              { hashAlgorithm: byOid ? 'oid' : 'name' },
            );
            if (signatureAlgorithm === 'Rsa') expect(again).toEqual(data);
            else
              expect(again).toEqual({
                hash: data.hash,
                signatureAlgorithm,
                ecdsaOptions: { signatureFormat: data.ecdsaOptions?.signatureFormat ?? 'Ieee' },
              });
          }
    // Rsa: 2 paddings × 4 hashes × (name or OID), each at its length; Ecdsa: 4 lengths × 3 ecdsaOptions × 19 rsaOptions.
    expect(accepted).toBe(2 * 4 * 2 + 4 * 3 * 19);
  });
});

describe('SignPath decoders: the algorithm fields and the digest', () => {
  it('decode each algorithm field into crypto-core params, and refuse RSA without a hash', () => {
    const digestOf = (length: number) => Buffer.alloc(length, 7).toString('base64');
    const rsa = { signatureAlgorithm: 'RsaPss', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1' } as const;
    expect(decodeSignPathPayload({ ...rsa, base64EncodedHash: digestOf(32) }).params).toEqual({
      scheme: 'rsa-pss',
      hash: 'SHA-256',
      saltLength: 32,
    });
    expect(decodeSignPathPayload({ signatureAlgorithm: 'Ecdsa', base64EncodedHash: digestOf(48) })).toEqual({
      params: { scheme: 'ecdsa', hash: 'SHA-384', format: 'p1363', nonce: DEFAULT_ECDSA_NONCE },
      digest: new Uint8Array(48).fill(7),
    });
    expect(
      decodeSignPathHashSigningData({
        hash: digestOf(20),
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: 'SHA1', paddingMode: 'Pkcs1' },
      }).params,
    ).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-1' });
    expect(() =>
      decodeSignPathPayload({ signatureAlgorithm: 'RsaPkcs1', base64EncodedHash: digestOf(32) }),
    ).toThrow(refused('ERR_SIGNPATH_ALGORITHM'));
  });
});
