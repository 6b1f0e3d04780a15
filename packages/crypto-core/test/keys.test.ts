// Key formats: round trips in every format, cross-checks with node:crypto and jose, RFC 7638, Wycheproof keys.
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { calculateJwkThumbprint } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { derBitString, derOid, derSequence } from '../src/der.js';
import { EC_CURVE_PARAMS } from '../src/ec-curves.js';
import { bytesToBigInt, hexToBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import type {
  EcCurve,
  EcPrivateKey,
  EcPublicKey,
  Key,
  OkpPrivateKey,
  RsaPrivateKey,
  SymmetricKey,
} from '../src/key-types.js';
import {
  detectKeyFormat,
  exportDer,
  exportJwk,
  exportPem,
  exportPkcs1,
  exportPkcs8,
  exportSec1,
  exportSpki,
  importJwk,
  importKey,
  importPkcs1,
  importPkcs8,
  importSec1,
  importSpki,
  type Jwk,
  jwkThumbprint,
  publicKeyOf,
  rsaPssParamsOf,
  subjectPublicKeyBits,
} from '../src/keys.js';
import { pemDecode } from '../src/pem.js';
import { loadVector } from './vectors.js';

const NODE_CURVES: Record<EcCurve, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  secp256k1: 'secp256k1',
};

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };

const der = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'spki' | 'sec1') =>
  new Uint8Array(key.export({ format: 'der', type } as never) as Buffer);
const pem = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'spki' | 'sec1') =>
  key.export({ format: 'pem', type } as never) as string;
const nodeJwk = (key: KeyObject) => key.export({ format: 'jwk' }) as Jwk;

function expectCode(action: () => unknown, code: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isCryptoError(caught), `expected CryptoError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

/** Our key -> PKCS#8/SPKI PEM -> node -> JWK must equal our own JWK export. */
function expectNodeAgrees(key: Key): void {
  const ours = exportJwk(key);
  if ('d' in ours) {
    expect(nodeJwk(createPrivateKey(exportPem(key as never, 'pkcs8')))).toEqual(ours);
    expect(nodeJwk(createPrivateKey({ key: ours as never, format: 'jwk' }))).toEqual(ours);
  }
  const publicJwk = exportJwk(key, { publicOnly: true });
  expect(nodeJwk(createPublicKey(exportPem(key as never, 'spki')))).toEqual(publicJwk);
  expect(
    nodeJwk(createPublicKey({ key: Buffer.from(exportSpki(key as never)), format: 'der', type: 'spki' })),
  ).toEqual(publicJwk);
}

const ROUND_TRIPS = [
  'pkcs8-der',
  'pkcs8-pem',
  'spki-der',
  'spki-pem',
  'sec1-der',
  'sec1-pem',
  'jwk-private',
  'jwk-public',
] as const;

/** Exports `key` in `format`, imports it back (through `importKey` and the explicit importer) and compares. */
function expectRoundTrip(key: EcPrivateKey | OkpPrivateKey, format: (typeof ROUND_TRIPS)[number]): void {
  const pub = publicKeyOf(key);
  switch (format) {
    case 'pkcs8-der':
      expect(importPkcs8(exportPkcs8(key))).toEqual(key);
      return;
    case 'pkcs8-pem':
      expect(importKey(exportPem(key, 'pkcs8'))).toEqual(key);
      return;
    case 'spki-der':
      expect(importSpki(exportSpki(key))).toEqual(pub);
      return;
    case 'spki-pem':
      expect(importKey(exportPem(key, 'spki'))).toEqual(pub);
      return;
    case 'sec1-der':
      expect(importSec1(exportSec1(key as EcPrivateKey))).toEqual(key);
      return;
    case 'sec1-pem':
      expect(importKey(exportPem(key, 'sec1'))).toEqual(key);
      return;
    case 'jwk-private':
      expect(importJwk(JSON.parse(JSON.stringify(exportJwk(key))))).toEqual(key);
      return;
    case 'jwk-public':
      expect(importKey(exportJwk(key, { publicOnly: true }))).toEqual(pub);
      return;
  }
}

describe('RSA keys (node-generated 2048/3072)', () => {
  const pairs: KeyPair[] = [];
  beforeAll(() => {
    for (const bits of [2048, 2048, 3072]) pairs.push(generateKeyPairSync('rsa', { modulusLength: bits }));
  });

  it('imports every node format to the same key and exports byte-identical DER', () => {
    for (const { privateKey, publicKey } of pairs) {
      const key = importPkcs1(der(privateKey, 'pkcs1')) as RsaPrivateKey;
      expect(key.kty).toBe('RSA');
      expect('d' in key).toBe(true);
      for (const input of [
        pem(privateKey, 'pkcs1'),
        der(privateKey, 'pkcs8'),
        pem(privateKey, 'pkcs8'),
        nodeJwk(privateKey),
      ]) {
        expect(importKey(input)).toEqual(key);
      }
      expect(importPkcs8(der(privateKey, 'pkcs8'))).toEqual(key);
      const pub = publicKeyOf(key);
      for (const input of [
        der(publicKey, 'spki'),
        pem(publicKey, 'spki'),
        der(publicKey, 'pkcs1'),
        pem(publicKey, 'pkcs1'),
      ]) {
        expect(importKey(input)).toEqual(pub);
      }
      expect(importKey(nodeJwk(publicKey))).toEqual(pub);
      expect(exportPkcs1(key)).toEqual(der(privateKey, 'pkcs1'));
      expect(exportPkcs8(key)).toEqual(der(privateKey, 'pkcs8'));
      expect(exportSpki(key)).toEqual(der(publicKey, 'spki'));
      expect(exportSpki(pub)).toEqual(der(publicKey, 'spki'));
      expect(exportPkcs1(pub)).toEqual(der(publicKey, 'pkcs1'));
      expect(exportPem(key, 'pkcs1')).toBe(pem(privateKey, 'pkcs1'));
      expect(exportPem(pub, 'pkcs1')).toBe(pem(publicKey, 'pkcs1'));
      expect(exportPem(key, 'pkcs8')).toBe(pem(privateKey, 'pkcs8'));
      expect(exportPem(key, 'spki')).toBe(pem(publicKey, 'spki'));
      for (const [format, exported] of [
        ['pkcs1', der(privateKey, 'pkcs1')],
        ['pkcs8', der(privateKey, 'pkcs8')],
        ['spki', der(publicKey, 'spki')],
      ] as const) {
        expect(exportDer(key, format)).toEqual(exported);
      }
      expect(exportDer(pub, 'pkcs1')).toEqual(der(publicKey, 'pkcs1'));
      expect(exportJwk(key)).toEqual(nodeJwk(privateKey));
      expect(exportJwk(key, { publicOnly: true })).toEqual(nodeJwk(publicKey));
      expectNodeAgrees(key);
    }
  });

  it('round-trips every format over the node keys (property, 1000 runs)', () => {
    const formats = [
      'pkcs1-der',
      'pkcs1-pem',
      'pkcs8-der',
      'pkcs8-pem',
      'spki-der',
      'spki-pem',
      'jwk',
    ] as const;
    const keys = pairs.map(({ privateKey }) => importKey(pem(privateKey, 'pkcs8')) as RsaPrivateKey);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: keys.length - 1 }),
        fc.constantFrom(...formats),
        fc.boolean(),
        (index, format, publicOnly) => {
          const key = keys[index]!;
          const subject = publicOnly || format.startsWith('spki') ? publicKeyOf(key) : key;
          let encoded: string | Uint8Array | Jwk;
          switch (format) {
            case 'pkcs1-der':
              encoded = exportPkcs1(subject as RsaPrivateKey);
              break;
            case 'pkcs1-pem':
              encoded = exportPem(subject, 'pkcs1');
              break;
            case 'pkcs8-der':
              if (publicOnly) return;
              encoded = exportPkcs8(key);
              break;
            case 'pkcs8-pem':
              if (publicOnly) return;
              encoded = exportPem(key, 'pkcs8');
              break;
            case 'spki-der':
              encoded = exportSpki(key);
              break;
            case 'spki-pem':
              encoded = exportPem(key, 'spki');
              break;
            case 'jwk':
              encoded = exportJwk(key, { publicOnly });
              break;
          }
          expect(importKey(encoded)).toEqual(subject);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('detects DER structures', () => {
    const { privateKey, publicKey } = pairs[0]!;
    expect(detectKeyFormat(der(privateKey, 'pkcs1'))).toBe('pkcs1');
    expect(detectKeyFormat(der(publicKey, 'pkcs1'))).toBe('pkcs1');
    expect(detectKeyFormat(der(privateKey, 'pkcs8'))).toBe('pkcs8');
    expect(detectKeyFormat(der(publicKey, 'spki'))).toBe('spki');
  });

  it('carries id-RSASSA-PSS restrictions through SPKI and PKCS#8 (node rsa-pss keys)', () => {
    // @types/node types saltLength as a string here; node wants a number.
    const generatePss = generateKeyPairSync as (type: 'rsa-pss', options: object) => KeyPair;
    const { privateKey, publicKey } = generatePss('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha384',
      mgf1HashAlgorithm: 'sha384',
      saltLength: 48,
    });
    const key = importKey(der(privateKey, 'pkcs8'));
    expect(rsaPssParamsOf(key)).toEqual({ hash: 'SHA-384', mgfHash: 'SHA-384', saltLength: 48 });
    const pub = importSpki(pem(publicKey, 'spki'));
    expect(rsaPssParamsOf(pub)).toEqual({ hash: 'SHA-384', mgfHash: 'SHA-384', saltLength: 48 });
    expect(publicKeyOf(key as RsaPrivateKey)).toEqual(pub);
    expect(exportPkcs8(key as RsaPrivateKey)).toEqual(der(privateKey, 'pkcs8'));
    expect(exportSpki(pub)).toEqual(der(publicKey, 'spki'));
    // A JWK and PKCS#1 cannot carry the restrictions, so exporting there refuses rather than dropping them.
    expectCode(() => exportJwk(pub), 'ERR_UNSUPPORTED_KEY');
    expectCode(() => exportPkcs1(pub as never), 'ERR_UNSUPPORTED_KEY');
    const details = createPublicKey({ key: Buffer.from(exportSpki(pub)), format: 'der', type: 'spki' });
    expect(details.asymmetricKeyType).toBe('rsa-pss');
    expect(details.asymmetricKeyDetails).toMatchObject({
      hashAlgorithm: 'sha384',
      mgf1HashAlgorithm: 'sha384',
      saltLength: 48,
    });
  });

  it('recovers p and q from a JWK with d but no CRT members (RFC 7518 §6.3.2)', () => {
    const { privateKey } = pairs[0]!;
    const full = nodeJwk(privateKey);
    const key = importJwk({ kty: 'RSA', n: full.n, e: full.e, d: full.d }) as RsaPrivateKey;
    const expected = importJwk(full) as RsaPrivateKey;
    expect({ n: key.n, e: key.e, d: key.d }).toEqual({ n: expected.n, e: expected.e, d: expected.d });
    expect(new Set([key.p, key.q])).toEqual(new Set([expected.p, expected.q]));
    expect(nodeJwk(createPrivateKey(exportPem(key, 'pkcs8'))).n).toBe(full.n);
  });

  it('reads an id-RSASSA-PSS key without parameters as unrestricted', () => {
    const { publicKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const key = importSpki(der(publicKey, 'spki'));
    expect(key.kty).toBe('RSA');
    expect(rsaPssParamsOf(key)).toBeUndefined();
  });
});

describe('Wycheproof rsa_pss_2048_sha256_mgf1_32_params_test.json (SPKI with id-RSASSA-PSS)', () => {
  interface PssGroup {
    sha: string;
    mgfSha: string;
    sLen: number;
    publicKey: { modulus: string; publicExponent: string };
    publicKeyDer: string;
    publicKeyPem: string;
    publicKeyAsn: string;
  }
  const file = loadVector<{ testGroups: PssGroup[] }>(
    'wycheproof/rsa_pss_2048_sha256_mgf1_32_params_test.json',
  );

  it('imports every group key with its restrictions and re-exports it byte for byte', () => {
    expect(file.testGroups.length).toBeGreaterThan(0);
    for (const group of file.testGroups) {
      const expected = { hash: group.sha, mgfHash: group.mgfSha, saltLength: group.sLen };
      const fromDer = importSpki(hexToBytes(group.publicKeyDer));
      const fromPem = importKey(group.publicKeyPem);
      expect(fromPem).toEqual(fromDer);
      expect(rsaPssParamsOf(fromDer)).toEqual(expected);
      expect(fromDer).toMatchObject({
        kty: 'RSA',
        n: bytesToBigInt(hexToBytes(group.publicKey.modulus)),
        e: bytesToBigInt(hexToBytes(group.publicKey.publicExponent)),
      });
      expect(exportSpki(fromDer)).toEqual(hexToBytes(group.publicKeyDer));
      expect(importPkcs1(hexToBytes(group.publicKeyAsn))).toEqual({
        kty: 'RSA',
        n: (fromDer as { n: bigint }).n,
        e: 65537n,
      });
    }
  });
});

describe('Wycheproof RSA sig_gen keys (PKCS#1 PEM, PKCS#8 DER, JWK)', () => {
  interface SigGenGroup {
    privateKeyPem: string;
    privateKeyPkcs8: string;
    privateKeyJwk?: Jwk;
    keyDer: string;
    keyPem: string;
    keyAsn: string;
    keyJwk?: Jwk;
    privateKey: { modulus: string; privateExponent: string };
  }
  for (const bits of [2048, 3072, 4096]) {
    it(`rsa_pkcs1_${bits}_sig_gen_test.json: all encodings agree and re-export byte for byte`, () => {
      const file = loadVector<{ testGroups: SigGenGroup[] }>(
        `wycheproof/rsa_pkcs1_${bits}_sig_gen_test.json`,
      );
      for (const group of file.testGroups) {
        const key = importKey(group.privateKeyPem) as RsaPrivateKey;
        expect(key.n).toBe(bytesToBigInt(hexToBytes(group.privateKey.modulus)));
        expect(key.d).toBe(bytesToBigInt(hexToBytes(group.privateKey.privateExponent)));
        const pkcs8 = hexToBytes(group.privateKeyPkcs8);
        expect(importKey(pkcs8)).toEqual(key);
        expect(exportPkcs8(key)).toEqual(pkcs8);
        expect(exportPkcs1(key)).toEqual(pemDecode(group.privateKeyPem).der);
        const pub = publicKeyOf(key);
        expect(importKey(hexToBytes(group.keyDer))).toEqual(pub);
        expect(importKey(group.keyPem)).toEqual(pub);
        expect(importKey(hexToBytes(group.keyAsn))).toEqual(pub);
        expect(exportSpki(key)).toEqual(hexToBytes(group.keyDer));
        if (group.privateKeyJwk !== undefined) {
          expect(importJwk(group.privateKeyJwk)).toEqual(key);
          const { kid: _kid, alg: _alg, ...members } = group.privateKeyJwk;
          expect(exportJwk(key)).toEqual(members);
        }
        if (group.keyJwk !== undefined) expect(importJwk(group.keyJwk)).toEqual(pub);
      }
    });
  }
});

describe('EC keys', () => {
  for (const curve of Object.keys(NODE_CURVES) as EcCurve[]) {
    const params = EC_CURVE_PARAMS[curve];

    it(`${curve}: node keys in SEC1, PKCS#8, SPKI and JWK import and re-export byte for byte`, () => {
      for (let i = 0; i < 5; i++) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NODE_CURVES[curve] });
        const key = importSec1(der(privateKey, 'sec1'));
        expect(key).toMatchObject({ kty: 'EC', curve });
        expect(key.d.length).toBe(params.fieldBytes);
        expect(key.point.length).toBe(1 + 2 * params.fieldBytes);
        for (const input of [
          pem(privateKey, 'sec1'),
          der(privateKey, 'pkcs8'),
          pem(privateKey, 'pkcs8'),
          nodeJwk(privateKey),
        ]) {
          expect(importKey(input)).toEqual(key);
        }
        const pub = publicKeyOf(key);
        for (const input of [der(publicKey, 'spki'), pem(publicKey, 'spki'), nodeJwk(publicKey)]) {
          expect(importKey(input)).toEqual(pub);
        }
        expect(exportSec1(key)).toEqual(der(privateKey, 'sec1'));
        expect(exportPem(key, 'sec1')).toBe(pem(privateKey, 'sec1'));
        expect(exportPkcs8(key)).toEqual(der(privateKey, 'pkcs8'));
        expect(exportSpki(key)).toEqual(der(publicKey, 'spki'));
        expect(exportJwk(key)).toEqual(nodeJwk(privateKey));
        expect(exportJwk(pub)).toEqual(nodeJwk(publicKey));
        expectNodeAgrees(key);
      }
    });

    it(`${curve}: accepts a compressed point in SPKI and stores it uncompressed`, () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: NODE_CURVES[curve] });
      const uncompressed = importSpki(der(publicKey, 'spki')) as EcPublicKey;
      const compressed = params.noble.Point.fromBytes(uncompressed.point).toBytes(true);
      const spki = derSequence(
        derSequence(derOid('1.2.840.10045.2.1'), derOid(params.oid)),
        derBitString(compressed),
      );
      expect(importSpki(spki)).toEqual(uncompressed);
      // node reads the same compressed SPKI to the same key.
      expect(nodeJwk(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }))).toEqual(
        exportJwk(uncompressed),
      );
    });

    const size = params.fieldBytes;
    const scalar = fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => {
      const d = (bytesToBigInt(bytes) % (params.n - 1n)) + 1n;
      return hexToBytes(d.toString(16).padStart(2 * size, '0'));
    });
    const keyOf = (d: Uint8Array): EcPrivateKey => ({
      kty: 'EC',
      curve,
      d,
      point: params.noble.getPublicKey(d, false),
    });

    it(`${curve}: every format round-trips (property, 1000 runs, one random format each)`, () => {
      fc.assert(
        fc.property(scalar, fc.constantFrom(...ROUND_TRIPS), (d, format) =>
          expectRoundTrip(keyOf(d), format),
        ),
        { numRuns: 1000 },
      );
    });

    it(`${curve}: node agrees with our exports (property, 100 runs)`, () => {
      fc.assert(
        fc.property(scalar, (d) => expectNodeAgrees(keyOf(d))),
        { numRuns: 100 },
      );
    });
  }
});

describe('Wycheproof ECDSA group keys (DER, PEM, JWK)', () => {
  interface EcGroup {
    publicKey: { uncompressed: string };
    publicKeyDer: string;
    publicKeyPem: string;
    publicKeyJwk?: Jwk;
  }
  const files = [
    'ecdsa_secp256r1_sha256_p1363_test.json',
    'ecdsa_secp384r1_sha384_p1363_test.json',
    'ecdsa_secp521r1_sha512_p1363_test.json',
    'ecdsa_secp256k1_sha256_p1363_test.json',
  ];
  it.each(files)('%s: all three encodings give the same point, SPKI re-exports byte for byte', (name) => {
    const file = loadVector<{ testGroups: EcGroup[] }>(`wycheproof/${name}`);
    for (const group of file.testGroups) {
      const key = importSpki(hexToBytes(group.publicKeyDer));
      expect((key as { point: Uint8Array }).point).toEqual(hexToBytes(group.publicKey.uncompressed));
      expect(importKey(group.publicKeyPem)).toEqual(key);
      if (group.publicKeyJwk !== undefined) expect(importJwk(group.publicKeyJwk)).toEqual(key);
      expect(exportSpki(key)).toEqual(hexToBytes(group.publicKeyDer));
    }
  });
});

describe('Ed25519 keys', () => {
  it('node keys in PKCS#8, SPKI and JWK import and re-export byte for byte', () => {
    for (let i = 0; i < 10; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const key = importPkcs8(der(privateKey, 'pkcs8')) as OkpPrivateKey;
      expect(key.publicKey).toEqual(ed25519.getPublicKey(key.seed));
      expect(importKey(pem(privateKey, 'pkcs8'))).toEqual(key);
      expect(importKey(nodeJwk(privateKey))).toEqual(key);
      const pub = publicKeyOf(key);
      expect(importKey(der(publicKey, 'spki'))).toEqual(pub);
      expect(importKey(nodeJwk(publicKey))).toEqual(pub);
      expect(exportPkcs8(key)).toEqual(der(privateKey, 'pkcs8'));
      expect(exportSpki(key)).toEqual(der(publicKey, 'spki'));
      expect(exportJwk(key)).toEqual(nodeJwk(privateKey));
      expectNodeAgrees(key);
    }
  });

  it('reads a PKCS#8 v2 (OneAsymmetricKey) with a matching public key (RFC 8410 §10.3 example)', () => {
    // RFC 8410 §10.3, the v2 example with attributes and the public key.
    const text = [
      '-----BEGIN PRIVATE KEY-----',
      'MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC',
      'oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB',
      'Z9w7lshQhqowtrbLDFw4rXAxZuE=',
      '-----END PRIVATE KEY-----',
    ].join('\n');
    const key = importPkcs8(text) as OkpPrivateKey;
    expect(key.publicKey).toEqual(
      hexToBytes('19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1'),
    );
  });

  it('every format round-trips (property, 1000 runs, one random format each)', () => {
    const formats = ROUND_TRIPS.filter((format) => !format.startsWith('sec1'));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom(...formats),
        (seed, format) => {
          const key: OkpPrivateKey = {
            kty: 'OKP',
            curve: 'Ed25519',
            seed,
            publicKey: ed25519.getPublicKey(seed),
          };
          expectRoundTrip(key, format);
          expect(subjectPublicKeyBits(key)).toEqual(key.publicKey);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('node agrees with our exports (property, 100 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) =>
        expectNodeAgrees({ kty: 'OKP', curve: 'Ed25519', seed, publicKey: ed25519.getPublicKey(seed) }),
      ),
      { numRuns: 100 },
    );
  });
});

describe('symmetric keys (JWK oct)', () => {
  it('round-trips and keeps kid/alg/use on export (property, 1000 runs)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 128 }),
        fc.constantFrom('HS256', 'HS384', 'HS512'),
        fc.string(),
        (bytes, alg, kid) => {
          const key: SymmetricKey = { kty: 'oct', key: bytes };
          const jwk = exportJwk(key, { kid, alg, use: 'sig' });
          expect(jwk).toEqual({
            kty: 'oct',
            kid,
            alg,
            use: 'sig',
            k: Buffer.from(bytes).toString('base64url'),
          });
          expect(importJwk(jwk)).toEqual(key);
          expect(importKey(JSON.parse(JSON.stringify(jwk)))).toEqual(key);
          expect(nodeJwk(createSecretKey(Buffer.from(bytes)))).toEqual({ kty: 'oct', k: jwk.k });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('exportJwk options', () => {
  const ecKey = importJwk({
    kty: 'EC',
    crv: 'P-256',
    x: '04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY',
    y: 'UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw',
    d: 'yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c',
  }) as EcPrivateKey;

  it('adds kid, use and alg, and drops private members with publicOnly', () => {
    expect(exportJwk(ecKey, { kid: 'k1', use: 'sig', alg: 'ES256', publicOnly: true })).toEqual({
      kty: 'EC',
      kid: 'k1',
      use: 'sig',
      alg: 'ES256',
      crv: 'P-256',
      x: '04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY',
      y: 'UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw',
    });
    expect(exportJwk(ecKey).d).toBe('yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c');
  });

  it('accepts kid, alg, use and key_ops on import', () => {
    const jwk = { ...exportJwk(ecKey), kid: 'abc', alg: 'ES256', use: 'sig', key_ops: ['sign'], ext: true };
    expect(importJwk(jwk)).toEqual(ecKey);
  });

  it('refuses an alg that does not fit the key', () => {
    expectCode(() => exportJwk(ecKey, { alg: 'ES384' }), 'ERR_JWK_INVALID');
    expectCode(() => exportJwk(ecKey, { alg: 'RS256' }), 'ERR_JWK_INVALID');
    expect(() => exportJwk(ecKey, { use: 'enc' as never })).toThrow(RangeError);
    expect(() => exportJwk(ecKey, { kid: 1 as never })).toThrow(TypeError);
    expectCode(
      () => exportJwk({ kty: 'oct', key: new Uint8Array(16) }, { publicOnly: true }),
      'ERR_UNSUPPORTED_KEY',
    );
  });
});

describe('RFC 7638 JWK thumbprints', () => {
  // RFC 7638 §3.1.
  const rfcJwk: Jwk = {
    kty: 'RSA',
    n:
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
      'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n' +
      '91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };

  it('matches the RFC 7638 §3.1 example', () => {
    expect(jwkThumbprint(rfcJwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(jwkThumbprint(importJwk(rfcJwk))).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('matches jose calculateJwkThumbprint on random EC, OKP and oct keys (property, 300 runs)', async () => {
    const curves = Object.keys(NODE_CURVES) as EcCurve[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('EC', 'OKP', 'oct'),
        fc.constantFrom(...curves),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom('SHA-256', 'SHA-384', 'SHA-512') as fc.Arbitrary<'SHA-256' | 'SHA-384' | 'SHA-512'>,
        async (kind, curve, seed, hash) => {
          let key: Key;
          if (kind === 'OKP')
            key = { kty: 'OKP', curve: 'Ed25519', seed, publicKey: ed25519.getPublicKey(seed) };
          else if (kind === 'oct') key = { kty: 'oct', key: seed };
          else {
            const params = EC_CURVE_PARAMS[curve];
            const d = params.noble.utils.randomSecretKey();
            key = { kty: 'EC', curve, d, point: params.noble.getPublicKey(d, false) };
          }
          const jwk = exportJwk(key);
          const joseHash = hash.replace('SHA-', 'sha') as 'sha256';
          const expected = await calculateJwkThumbprint(jwk as never, joseHash);
          expect(jwkThumbprint(key, hash)).toBe(expected);
          expect(jwkThumbprint(jwk, hash)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches jose on node RSA keys', async () => {
    for (let i = 0; i < 3; i++) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = nodeJwk(privateKey);
      expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk as never));
      expect(jwkThumbprint(importJwk(jwk), 'SHA-512')).toBe(
        await calculateJwkThumbprint(jwk as never, 'sha512'),
      );
    }
  });
});

describe('Wycheproof json_web_key_test.json (each key of each key set)', () => {
  interface JwkGroup {
    comment: string;
    private: { keys: Jwk[] };
    public?: { keys: Jwk[] };
  }
  const file = loadVector<{ testGroups: JwkGroup[] }>('wycheproof/json_web_key_test.json');
  // Import is a format check. These groups hold well-formed keys whose problem is one of policy at signing time
  // (key-set ambiguity, a 1024-bit modulus, a ROCA modulus, short HMAC keys), so import must accept them.
  const importable = new Set([
    'jws_mixedSymmetryKeyset',
    'jws_keyset',
    'jws_duplicate_kid',
    'rs256',
    'jws_rsa_roca_key',
    'keysize_too_small',
    'HS256',
    'HS384',
    'HS512',
  ]);
  // These hold keys that are malformed or do not fit their own metadata: import must refuse them.
  const refused: Record<string, string> = {
    exponentOne: 'ERR_JWK_INVALID', // e = 1
    wrong_algorithm: 'ERR_JWK_INVALID', // alg ES521 on a P-256 key
    invalid_algorithm: 'ERR_JWK_INVALID', // alg ES224
    invalid_use: 'ERR_JWK_INVALID', // use "enc"
    invalid_point: 'ERR_JWK_INVALID', // y off the curve
    wrong_curve: 'ERR_JWK_INVALID', // crv P-384 with 32-byte coordinates
    wrong_kty: 'ERR_JWK_INVALID', // kty RSA with EC members
    invalid_aes_gcm_key: 'ERR_JWK_INVALID', // alg A256GCM on a signing key
    invalid_aes_kw_key: 'ERR_JWK_INVALID', // alg A256KW
  };

  it('classifies every group', () => {
    for (const group of file.testGroups) {
      expect(importable.has(group.comment) || group.comment in refused, group.comment).toBe(true);
    }
  });

  for (const group of file.testGroups) {
    const keys = [...group.private.keys, ...(group.public?.keys ?? [])];
    it(`${group.comment} (${keys.map((key) => key.kid ?? key.kty).join(', ')})`, () => {
      for (const jwk of keys) {
        // Refused within importable groups: use "enc"; an empty k; and in jws_duplicate_kid a k whose last
        // character has non-zero unused bits ("...ingge"), which strict base64url (RFC 4648 §3.5) rejects.
        const policyRefused =
          jwk.use === 'enc' || (jwk.kty === 'oct' && (jwk.k === '' || jwk.k!.endsWith('ingge')));
        if (importable.has(group.comment) && !policyRefused) {
          const key = importJwk(jwk);
          expect(key.kty).toBe(jwk.kty);
          expect(jwkThumbprint(key)).toBe(jwkThumbprint(jwk));
        } else {
          expectCode(() => importJwk(jwk), refused[group.comment] ?? 'ERR_JWK_INVALID');
        }
      }
    });
  }
});
