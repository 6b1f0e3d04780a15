// SIGIL_CRYPTO_ENGINE: the pure and native engines agree on crypto-core's Wycheproof and KAT vectors and on random
// cases (deterministic schemes byte-equal, PSS and randomized ECDSA cross-verified), in-process and in the pool.
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  generatePrimeSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  randomBytes,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { generateEcKey } from '@sigil/crypto-core/ecdsa';
import { generateEd25519Key } from '@sigil/crypto-core/eddsa';
import type { HashName } from '@sigil/crypto-core/hash';
import { hmacSign } from '@sigil/crypto-core/hmac';
import type { EcCurve, EcPrivateKey, Key, RsaPrivateKey } from '@sigil/crypto-core/key-types';
import { exportJwk, importPkcs8, importSpki } from '@sigil/crypto-core/keys';
import { type RsaHashName, rsaPrivateKeyFromComponents } from '@sigil/crypto-core/rsa';
import {
  verify as coreVerify,
  DEFAULT_ECDSA_NONCE,
  hashOutputLength,
  type SignatureParams,
} from '@sigil/crypto-core/sign';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import { afterAll, describe, expect, it } from 'vitest';
import { sealKey } from '../src/providers/key-cache.js';
import { type CryptoEngineName, type SigningKey, signWithEngine } from '../src/providers/signing-engine.js';
import { createSigningPool, type SigningPool } from '../src/providers/signing-pool.js';

/** x^-1 mod m (extended Euclid), for building a test key. */
function modInverse(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [((x % m) + m) % m, m, 1n, 0n];
  while (b !== 0n) {
    const t = a / b;
    [a, b] = [b, a - t * b];
    [u, v] = [v, u - t * v];
  }
  return ((u % m) + m) % m;
}

const VECTORS = new URL('../../../packages/crypto-core/test/vectors/', import.meta.url);

/** A crypto-core vector file (`.json` or `.json.gz`), as crypto-core's own tests load it. */
function loadVector<T>(path: string): T {
  const plain = new URL(path, VECTORS);
  if (existsSync(plain)) return JSON.parse(readFileSync(plain, 'utf8')) as T;
  return JSON.parse(gunzipSync(readFileSync(new URL(`${path}.gz`, VECTORS))).toString('utf8')) as T;
}

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeHash = (hash: string) => hash.replace('-', '').toLowerCase();
const rsaHash = (name: string) => name.replace(/^SHA2-/, 'SHA-') as RsaHashName;

/** Signs a message with one engine, as the server's local provider does. */
function signOn(engine: CryptoEngineName, key: SigningKey, params: SignatureParams, message: Uint8Array) {
  return signWithEngine(key, params, { message }, engine);
}

/** Signs a digest with one engine. */
function signDigestOn(
  engine: CryptoEngineName,
  key: SigningKey,
  params: SignatureParams,
  digest: Uint8Array,
) {
  return signWithEngine(key, params, { digest }, engine);
}

const ENGINES = ['pure', 'native'] as const;

function nodeRsaVerify(key: KeyObject, params: SignatureParams, message: Uint8Array, signature: Uint8Array) {
  if (params.scheme !== 'rsa-pkcs1' && params.scheme !== 'rsa-pss') throw new Error('RSA only');
  const padding =
    params.scheme === 'rsa-pss'
      ? {
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: params.saltLength === 'auto' ? constants.RSA_PSS_SALTLEN_AUTO : params.saltLength,
        }
      : {};
  return nodeVerify(nodeHash(params.hash), message, { key, ...padding }, signature);
}

describe('engines agree on RSASSA-PKCS1-v1_5 (Wycheproof sig_gen): byte-equal, and equal to the vector', () => {
  for (const bits of ['2048', '3072', '4096']) {
    it(`rsa_pkcs1_${bits}_sig_gen_test`, () => {
      const file = loadVector<{
        testGroups: {
          sha: string;
          privateKeyPkcs8: string;
          tests: { tcId: number; msg: string; sig: string }[];
        }[];
      }>(`wycheproof/rsa_pkcs1_${bits}_sig_gen_test.json`);
      let count = 0;
      for (const group of file.testGroups) {
        const key = importPkcs8(hex(group.privateKeyPkcs8)) as RsaPrivateKey;
        const nodeKey = createPrivateKey({
          key: Buffer.from(group.privateKeyPkcs8, 'hex'),
          format: 'der',
          type: 'pkcs8',
        });
        const params: SignatureParams = { scheme: 'rsa-pkcs1', hash: rsaHash(group.sha) };
        for (const test of group.tests) {
          const message = hex(test.msg);
          const [pure, native] = ENGINES.map((engine) => toHex(signOn(engine, key, params, message))) as [
            string,
            string,
          ];
          expect(native, `tcId ${test.tcId}`).toBe(pure);
          expect(pure, `tcId ${test.tcId}`).toBe(test.sig);
          expect(toHex(nodeSign(nodeHash(group.sha), message, nodeKey))).toBe(pure);
          count++;
        }
      }
      expect(count).toBeGreaterThan(20);
    });
  }
});

describe('engines agree on every RSA verify vector (Wycheproof PKCS#1 and PSS, ACVP sigGen)', () => {
  const verifyFiles = ['2048', '3072', '4096'].flatMap((bits) =>
    ['sha256', 'sha384', 'sha512'].map((hash) => `rsa_signature_${bits}_${hash}_test`),
  );
  const pssFiles = [
    'rsa_pss_2048_sha256_mgf1_0_test',
    'rsa_pss_2048_sha256_mgf1_32_test',
    'rsa_pss_2048_sha384_mgf1_48_test',
    'rsa_pss_3072_sha256_mgf1_32_test',
    'rsa_pss_4096_sha256_mgf1_32_test',
    'rsa_pss_4096_sha384_mgf1_48_test',
    'rsa_pss_4096_sha512_mgf1_64_test',
  ];
  for (const name of [...verifyFiles, ...pssFiles]) {
    it(name, () => {
      const file = loadVector<{
        testGroups: {
          sha: string;
          mgfSha?: string;
          sLen?: number;
          publicKeyDer: string;
          tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }[];
        }[];
      }>(`wycheproof/${name}.json`);
      let count = 0;
      for (const group of file.testGroups) {
        const publicKey = importSpki(hex(group.publicKeyDer));
        const nodeKey = createPublicKey({
          key: Buffer.from(group.publicKeyDer, 'hex'),
          format: 'der',
          type: 'spki',
        });
        const params: SignatureParams = name.includes('pss')
          ? {
              scheme: 'rsa-pss',
              hash: rsaHash(group.sha),
              mgfHash: rsaHash(group.mgfSha ?? group.sha),
              saltLength: Number(group.sLen),
            }
          : { scheme: 'rsa-pkcs1', hash: rsaHash(group.sha) };
        for (const test of group.tests) {
          if (test.result === 'acceptable') continue;
          const message = hex(test.msg);
          const signature = hex(test.sig);
          const expected = test.result === 'valid';
          expect(coreVerify(publicKey, params, { message }, signature), `tcId ${test.tcId}`).toBe(expected);
          expect(nodeRsaVerify(nodeKey, params, message, signature), `node tcId ${test.tcId}`).toBe(expected);
          count++;
        }
      }
      expect(count).toBeGreaterThan(0);
    });
  }

  it('acvp_rsa_fips186-4_siggen_sample_pkcs1v15_pss: both verify every expected signature', () => {
    const file = loadVector<{
      testGroups: {
        sigType: string;
        hashAlg: string;
        saltLen: number;
        n: string;
        e: string;
        tests: { message: string; signature: string }[];
      }[];
    }>('kat/acvp_rsa_fips186-4_siggen_sample_pkcs1v15_pss.json');
    let count = 0;
    for (const group of file.testGroups) {
      const jwk = {
        kty: 'RSA',
        n: Buffer.from(group.n, 'hex').toString('base64url'),
        e: Buffer.from(group.e.length % 2 ? `0${group.e}` : group.e, 'hex').toString('base64url'),
      };
      const nodeKey = createPublicKey({ key: jwk, format: 'jwk' });
      const publicKey: Key = { kty: 'RSA', n: BigInt(`0x${group.n}`), e: BigInt(`0x${group.e}`) };
      const hash = rsaHash(group.hashAlg);
      const params: SignatureParams =
        group.sigType === 'pss'
          ? { scheme: 'rsa-pss', hash, mgfHash: hash, saltLength: group.saltLen }
          : { scheme: 'rsa-pkcs1', hash };
      for (const test of group.tests) {
        expect(coreVerify(publicKey, params, { message: hex(test.message) }, hex(test.signature))).toBe(true);
        expect(nodeRsaVerify(nodeKey, params, hex(test.message), hex(test.signature))).toBe(true);
        count++;
      }
    }
    expect(count).toBe(36);
  });
});

describe('engines agree on ECDSA (RFC 6979 KAT byte-equal; Wycheproof verify vectors)', () => {
  const RFC_CURVES: Record<string, EcCurve> = {
    'NIST P-256': 'P-256',
    'NIST P-384': 'P-384',
    'NIST P-521': 'P-521',
  };

  it('rfc6979_ecdsa_appendix_a2: both engines reproduce r||s when RFC 6979 is required; node:crypto verifies it', () => {
    const pairs = loadVector<
      {
        curve: string;
        private: string;
        Ux: string;
        Uy: string;
        cases: { hash: HashName; message: string; r: string; s: string }[];
      }[]
    >('kat/rfc6979_ecdsa_appendix_a2.json').filter((pair) => pair.curve in RFC_CURVES);
    let count = 0;
    for (const pair of pairs) {
      const curve = RFC_CURVES[pair.curve]!;
      const size = curve === 'P-521' ? 66 : curve === 'P-384' ? 48 : 32;
      const field = (value: string) => hex(value.padStart(size * 2, '0'));
      const key: EcPrivateKey = {
        kty: 'EC',
        curve,
        d: field(pair.private),
        point: new Uint8Array([4, ...field(pair.Ux), ...field(pair.Uy)]),
      };
      const nodeKey = createPublicKey({ key: exportJwk(key, { publicOnly: true }) as never, format: 'jwk' });
      for (const vector of pair.cases) {
        if (vector.hash === 'SHA-224' || vector.hash === 'SHA-1') continue;
        const message = new TextEncoder().encode(vector.message);
        const params: SignatureParams = {
          scheme: 'ecdsa',
          hash: vector.hash,
          format: 'p1363',
          nonce: 'rfc6979',
        };
        const [pure, native] = ENGINES.map((engine) => toHex(signOn(engine, key, params, message))) as [
          string,
          string,
        ];
        expect(native).toBe(pure);
        expect(pure).toBe(toHex(new Uint8Array([...field(vector.r), ...field(vector.s)])));
        expect(
          nodeVerify(nodeHash(vector.hash), message, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, hex(pure)),
        ).toBe(true);
        // Without that requirement the native engine lets OpenSSL draw k: a different, valid signature.
        const randomized = signOn('native', key, { ...params, nonce: DEFAULT_ECDSA_NONCE }, message);
        expect(toHex(randomized)).not.toBe(pure);
        expect(
          nodeVerify(nodeHash(vector.hash), message, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, randomized),
        ).toBe(true);
        count++;
      }
    }
    expect(count).toBe(18);
  });

  const ecdsaFiles = [
    'ecdsa_secp256r1_sha256_test',
    'ecdsa_secp256r1_sha512_test',
    'ecdsa_secp384r1_sha384_test',
    'ecdsa_secp384r1_sha512_test',
    'ecdsa_secp521r1_sha512_test',
    'ecdsa_secp256k1_sha256_test',
    'ecdsa_secp256k1_sha512_test',
    'ecdsa_secp256r1_sha256_p1363_test',
    'ecdsa_secp384r1_sha384_p1363_test',
    'ecdsa_secp521r1_sha512_p1363_test',
  ];
  for (const name of ecdsaFiles) {
    it(name, () => {
      const file = loadVector<{
        testGroups: {
          sha: string;
          publicKeyDer: string;
          tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }[];
        }[];
      }>(`wycheproof/${name}.json`);
      const format = name.endsWith('p1363_test') ? 'p1363' : 'der';
      let count = 0;
      for (const group of file.testGroups) {
        const publicKey = importSpki(hex(group.publicKeyDer));
        const nodeKey = createPublicKey({
          key: Buffer.from(group.publicKeyDer, 'hex'),
          format: 'der',
          type: 'spki',
        });
        const params: SignatureParams = {
          scheme: 'ecdsa',
          hash: group.sha as HashName,
          format,
          nonce: DEFAULT_ECDSA_NONCE,
        };
        for (const test of group.tests) {
          if (test.result === 'acceptable') continue;
          const message = hex(test.msg);
          const signature = hex(test.sig);
          const expected = test.result === 'valid';
          expect(coreVerify(publicKey, params, { message }, signature), `tcId ${test.tcId}`).toBe(expected);
          let byNode = false;
          try {
            byNode = nodeVerify(
              nodeHash(group.sha),
              message,
              { key: nodeKey, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' },
              signature,
            );
          } catch {
            byNode = false;
          }
          expect(byNode, `node tcId ${test.tcId}`).toBe(expected);
          count++;
        }
      }
      expect(count).toBeGreaterThan(100);
    });
  }
});

describe('engines agree on HMAC (RFC 4231, Wycheproof): byte-equal with node:crypto', () => {
  it('rfc4231_hmac_sha2', () => {
    const file = loadVector<{ tests: Record<string, string>[] }>('kat/rfc4231_hmac_sha2.json');
    for (const test of file.tests) {
      for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
        const expected = test[`HMAC-${hash}`]!;
        const ours = toHex(hmacSign(hex(test.key!), hash, hex(test.data!)));
        const node = createHmac(nodeHash(hash), hex(test.key!)).update(hex(test.data!)).digest('hex');
        expect(ours).toBe(node);
        expect(ours.slice(0, expected.length)).toBe(expected);
      }
    }
  });

  for (const [name, hash] of [
    ['hmac_sha256_test', 'SHA-256'],
    ['hmac_sha384_test', 'SHA-384'],
    ['hmac_sha512_test', 'SHA-512'],
  ] as const) {
    it(name, () => {
      const file = loadVector<{
        testGroups: { tagSize: number; tests: { key: string; msg: string; tag: string; result: string }[] }[];
      }>(`wycheproof/${name}.json`);
      let count = 0;
      for (const group of file.testGroups) {
        for (const test of group.tests) {
          const key = { kty: 'oct' as const, key: hex(test.key) };
          const params: SignatureParams = { scheme: 'hmac', hash };
          const [pure, native] = ENGINES.map((engine) =>
            toHex(signOn(engine, key, params, hex(test.msg))),
          ) as [string, string];
          const node = createHmac(nodeHash(hash), hex(test.key)).update(hex(test.msg)).digest('hex');
          expect(native).toBe(pure);
          expect(pure).toBe(node);
          expect(pure.slice(0, group.tagSize / 4) === test.tag).toBe(test.result === 'valid');
          count++;
        }
      }
      expect(count).toBeGreaterThan(100);
    });
  }
});

describe('engines agree on random cases', () => {
  const message = () => randomBytes(1 + Math.floor(Math.random() * 300));

  it('RSA: PKCS#1 v1.5 byte-equal across pure, native and node:crypto; PSS cross-verifies', () => {
    for (const bits of [2048, 3072]) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      const key = importPkcs8(exportPkcs8Der(privateKey)) as RsaPrivateKey;
      const publicKey = createPublicKey(privateKey);
      for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
        const data = message();
        const pkcs1: SignatureParams = { scheme: 'rsa-pkcs1', hash };
        const [pure, native] = ENGINES.map((engine) => toHex(signOn(engine, key, pkcs1, data))) as [
          string,
          string,
        ];
        expect(native).toBe(pure);
        expect(toHex(nodeSign(nodeHash(hash), data, privateKey))).toBe(pure);
        const pss: SignatureParams = { scheme: 'rsa-pss', hash, saltLength: hashOutputLength(hash) };
        for (const engine of ENGINES) {
          expect(nodeRsaVerify(publicKey, pss, data, signOn(engine, key, pss, data))).toBe(true);
        }
        const fromNode = nodeSign(nodeHash(hash), data, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
        expect(coreVerify(key, pss, { message: data }, fromNode)).toBe(true);
        // Over a digest hashed elsewhere: PKCS#1 v1.5 still byte-equal, PSS still verifies with node:crypto.
        const digest = createHash(nodeHash(hash)).update(data).digest();
        for (const engine of ENGINES) {
          expect(toHex(signDigestOn(engine, key, pkcs1, digest))).toBe(pure);
          expect(nodeRsaVerify(publicKey, pss, data, signDigestOn(engine, key, pss, digest))).toBe(true);
        }
      }
    }
  });

  it('RSA-PSS with a modulus of 8j+1 bits (EM one octet short of k): both engines verify with node:crypto', () => {
    // Neither OpenSSL nor crypto-core makes a 2049-bit modulus: build one from primes of 1025 and 1024 bits.
    let key: RsaPrivateKey | undefined;
    while (key === undefined) {
      const p = generatePrimeSync(1025, { bigint: true });
      const q = generatePrimeSync(1024, { bigint: true });
      const n = p * q;
      const phi = (p - 1n) * (q - 1n);
      if (n.toString(2).length !== 2049 || phi % 65537n === 0n) continue;
      key = rsaPrivateKeyFromComponents({ n, e: 65537n, d: modInverse(65537n, phi) });
    }
    const publicKey = createPublicKey({ key: exportJwk(key, { publicOnly: true }) as never, format: 'jwk' });
    const pss: SignatureParams = { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 };
    for (let i = 0; i < 10; i++) {
      const data = message();
      for (const engine of ENGINES) {
        const signature = signOn(engine, key, pss, data);
        expect(signature).toHaveLength(257);
        expect(nodeRsaVerify(publicKey, pss, data, signature)).toBe(true);
      }
    }
  });

  it('ECDSA: RFC 6979 byte-equal when required and over digests; OpenSSL randomized cross-verifies', () => {
    for (const curve of ['P-256', 'P-384', 'P-521', 'secp256k1'] as const) {
      const key = generateEcKey(curve);
      const nodePrivate = createPrivateKey({ key: exportJwk(key) as never, format: 'jwk' });
      const nodePublic = createPublicKey(nodePrivate);
      const hash = curve === 'P-384' ? 'SHA-384' : curve === 'P-521' ? 'SHA-512' : 'SHA-256';
      for (let i = 0; i < 5; i++) {
        const data = message();
        const params = { scheme: 'ecdsa', hash, format: 'der', nonce: DEFAULT_ECDSA_NONCE } as const;
        const deterministic: SignatureParams = { ...params, nonce: 'rfc6979' };
        const [pure, native] = ENGINES.map((engine) => toHex(signOn(engine, key, deterministic, data))) as [
          string,
          string,
        ];
        expect(native).toBe(pure);
        expect(nodeVerify(nodeHash(hash), data, nodePublic, hex(pure))).toBe(true);
        // A digest hashed elsewhere: node:crypto cannot take it, both engines sign it with crypto-core, RFC 6979
        // when asked, else with the default hedged nonce (so two signatures differ, and both verify).
        const digest = createHash(nodeHash(hash)).update(data).digest();
        expect(toHex(signDigestOn('native', key, deterministic, digest))).toBe(pure);
        expect(toHex(signDigestOn('pure', key, deterministic, digest))).toBe(pure);
        const hedged = ENGINES.map((engine) => signDigestOn(engine, key, params, digest));
        expect(toHex(hedged[0]!)).not.toBe(toHex(hedged[1]!));
        for (const signature of hedged)
          expect(nodeVerify(nodeHash(hash), data, nodePublic, signature)).toBe(true);
        // The native engine's own (OpenSSL, random k) signatures verify with node:crypto and crypto-core.
        for (const format of ['der', 'p1363'] as const) {
          const signature = signOn('native', key, { ...params, format }, data);
          const dsaEncoding = format === 'der' ? 'der' : 'ieee-p1363';
          expect(nodeVerify(nodeHash(hash), data, { key: nodePublic, dsaEncoding }, signature)).toBe(true);
          expect(coreVerify(key, { ...params, format }, { message: data }, signature)).toBe(true);
        }
        const fromNode = nodeSign(nodeHash(hash), data, nodePrivate);
        expect(coreVerify(key, params, { message: data }, fromNode)).toBe(true);
        const p1363 = convertEcdsaSignature(fromNode, 'der', 'p1363', curve);
        expect(coreVerify(key, { ...params, format: 'p1363' }, { message: data }, p1363)).toBe(true);
      }
    }
  });

  it('Ed25519 and HMAC: byte-equal with node:crypto', () => {
    for (let i = 0; i < 10; i++) {
      const key = generateEd25519Key();
      const data = message();
      const nodePrivate = createPrivateKey({ key: exportJwk(key) as never, format: 'jwk' });
      const [pure, native] = ENGINES.map((engine) =>
        toHex(signOn(engine, key, { scheme: 'ed25519' }, data)),
      ) as [string, string];
      expect(native).toBe(pure);
      expect(toHex(nodeSign(null, data, nodePrivate))).toBe(pure);
      const secret = randomBytes(32);
      const mac = signOn('native', { kty: 'oct', key: secret }, { scheme: 'hmac', hash: 'SHA-256' }, data);
      expect(toHex(mac)).toBe(createHmac('sha256', secret).update(data).digest('hex'));
    }
  });
});

function exportPkcs8Der(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
}

describe('the worker pool signs what in-process signing signs', () => {
  // The pool runs the compiled worker: without a build this fails (it never skips).
  const workerFile = new URL('../dist/providers/sign-worker.js', import.meta.url);
  const masterKey = randomBytes(32);
  const pools: SigningPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('RS256, ES256 (RFC 6979 required, and OpenSSL random k), EdDSA, HS256 on both engines, 2 workers, one batch', async () => {
    if (!existsSync(workerFile)) {
      throw new Error('build first (pnpm build): dist/providers/sign-worker.js is missing');
    }
    pools.push(...ENGINES.map((engine) => createSigningPool({ threads: 2, engine, masterKey, workerFile })));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = importPkcs8(exportPkcs8Der(privateKey)) as RsaPrivateKey;
    const ec = generateEcKey('P-256');
    const cases: [SigningKey, SignatureParams][] = [
      [rsa, { scheme: 'rsa-pkcs1', hash: 'SHA-256' }],
      [ec, { scheme: 'ecdsa', hash: 'SHA-256', format: 'p1363', nonce: 'rfc6979' }],
      [generateEd25519Key(), { scheme: 'ed25519' }],
      [
        { kty: 'oct', key: randomBytes(32) },
        { scheme: 'hmac', hash: 'SHA-256' },
      ],
    ];
    const refs = cases.map(([key], index) => ({
      keyId: `key-${index}`,
      version: 1,
      sealed: sealKey(masterKey, `key-${index}`, 1, key),
    }));
    for (const pool of pools) {
      const data = randomBytes(64);
      // Every case three times in one batch: the slices go to both workers, which open each key once.
      const items = [0, 1, 2].flatMap(() =>
        cases.map(([, params], index) => ({ key: refs[index]!, params, input: { message: data } })),
      );
      const results = await pool.signMany(items);
      expect(results).toHaveLength(items.length);
      results.forEach((result, index) => {
        const [key, params] = cases[index % cases.length]!;
        expect(toHex(result as Uint8Array)).toBe(toHex(signOn(pool.engine, key, params, data)));
      });
      const [randomized] = await pool.signMany([
        {
          key: refs[1]!,
          params: { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: DEFAULT_ECDSA_NONCE },
          input: { message: data },
        },
      ]);
      const nodePublic = createPublicKey({
        key: exportJwk(ec, { publicOnly: true }) as never,
        format: 'jwk',
      });
      expect(nodeVerify('sha256', data, nodePublic, randomized as Uint8Array)).toBe(true);
    }
    // An error keeps its code across the thread boundary, and fails only its own item.
    const [mismatch, fine] = await pools[0]!.signMany([
      {
        key: refs[0]!,
        params: { scheme: 'ecdsa', hash: 'SHA-256', format: 'der', nonce: DEFAULT_ECDSA_NONCE },
        input: { message: randomBytes(8) },
      },
      { key: refs[2]!, params: { scheme: 'ed25519' }, input: { message: randomBytes(8) } },
    ]);
    expect(mismatch).toMatchObject({ code: 'ERR_ALGORITHM_MISMATCH' });
    expect(fine).toBeInstanceOf(Uint8Array);
    // Material sealed under another master key (or moved to another row) does not open.
    const [foreign] = await pools[0]!.signMany([
      {
        key: { ...refs[2]!, keyId: 'key-9' },
        params: { scheme: 'ed25519' },
        input: { message: randomBytes(8) },
      },
    ]);
    expect(foreign).toBeInstanceOf(Error);
  });
});
