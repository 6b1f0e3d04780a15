// Bad input to the key codecs: every failure is a typed CryptoError, TypeError or RangeError, never a crash.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DerTag,
  derBitString,
  derContext,
  derElement,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
} from '../src/der.js';
import { EC_CURVE_PARAMS } from '../src/ec-curves.js';
import { bigIntToBytes, concatBytes } from '../src/encoding.js';
import { isCryptoError } from '../src/errors.js';
import type { EcPrivateKey, Key, OkpPrivateKey, RsaPrivateKey } from '../src/key-types.js';
import {
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
} from '../src/keys.js';
import { pemEncode } from '../src/pem.js';

/** The error `action` throws (fails the test when it returns). */
function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, but the call returned');
}

function expectCode(action: () => unknown, code: string): void {
  const error = thrown(action);
  expect(isCryptoError(error), `expected CryptoError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code, String(error)).toBe(code);
}

/** Accepts a result or a typed error; anything else (a crash inside a parser) fails. */
function expectTypedOrKey(action: () => Key): void {
  try {
    action();
  } catch (error) {
    if (isCryptoError(error) || error instanceof TypeError || error instanceof RangeError) return;
    throw error;
  }
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

let rsa: RsaPrivateKey;
let ec: EcPrivateKey;
let ed: OkpPrivateKey;
let samples: Record<string, Uint8Array>;

beforeAll(() => {
  const exportDer = (key: KeyObject, type: string) =>
    new Uint8Array(key.export({ format: 'der', type } as never) as Buffer);
  const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const edPair = generateKeyPairSync('ed25519');
  samples = {
    'RSA PKCS#1 private': exportDer(rsaPair.privateKey, 'pkcs1'),
    'RSA PKCS#1 public': exportDer(rsaPair.publicKey, 'pkcs1'),
    'RSA PKCS#8': exportDer(rsaPair.privateKey, 'pkcs8'),
    'RSA SPKI': exportDer(rsaPair.publicKey, 'spki'),
    'EC SEC1': exportDer(ecPair.privateKey, 'sec1'),
    'EC PKCS#8': exportDer(ecPair.privateKey, 'pkcs8'),
    'EC SPKI': exportDer(ecPair.publicKey, 'spki'),
    'Ed25519 PKCS#8': exportDer(edPair.privateKey, 'pkcs8'),
    'Ed25519 SPKI': exportDer(edPair.publicKey, 'spki'),
  };
  rsa = importKey(samples['RSA PKCS#8']!) as RsaPrivateKey;
  ec = importKey(samples['EC SEC1']!) as EcPrivateKey;
  ed = importKey(samples['Ed25519 PKCS#8']!) as OkpPrivateKey;
});

describe('wrong argument types', () => {
  it('importers throw TypeError for non-bytes, non-string input', () => {
    for (const value of [undefined, null, 42, true, [1, 2], new ArrayBuffer(4)]) {
      expect(() => importKey(value as never)).toThrow(TypeError);
      expect(() => importPkcs1(value as never)).toThrow(TypeError);
      expect(() => importPkcs8(value as never)).toThrow(TypeError);
      expect(() => importSpki(value as never)).toThrow(TypeError);
      expect(() => importSec1(value as never)).toThrow(TypeError);
      expect(() => importJwk(value as never)).toThrow(TypeError);
    }
  });

  it('exporters check the key object', () => {
    expect(() => exportPkcs8(null as never)).toThrow(TypeError);
    expect(() => exportPkcs8({ kty: 'DSA' } as never)).toThrow(RangeError);
    expect(() => exportPkcs8(publicKeyOf(rsa) as never)).toThrow(TypeError);
    expect(() => exportSec1(rsa as never)).toThrow(TypeError);
    expect(() => exportPkcs1(ec as never)).toThrow(TypeError);
    expect(() => exportSpki({ ...rsa, n: 5 } as never)).toThrow(TypeError);
    expect(() => exportSpki({ ...ec, point: ec.point.subarray(1) })).toThrow(RangeError);
    expect(() => exportSpki({ ...ec, curve: 'P-224' } as never)).toThrow(RangeError);
    expect(() => exportPkcs8({ ...ed, seed: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => exportPem(rsa, 'pem' as never)).toThrow(RangeError);
    expect(() => exportDer(rsa, 'pem' as never)).toThrow(RangeError);
    expect(() => exportDer(publicKeyOf(rsa), 'pkcs8' as never)).toThrow(TypeError);
    expect(() => exportDer(rsa, 'sec1')).toThrow(TypeError);
    expect(() => exportJwk(rsa, 'public' as never)).toThrow(TypeError);
    expect(() => jwkThumbprint(rsa, 'SHA-999' as never)).toThrow(RangeError);
    expect(() => jwkThumbprint('abc' as never)).toThrow(TypeError);
    expectCode(() => publicKeyOf({ kty: 'oct', key: new Uint8Array(16) } as never), 'ERR_UNSUPPORTED_KEY');
  });

  it('exporters refuse inconsistent keys with a typed error', () => {
    expectCode(() => exportPkcs8({ ...rsa, d: rsa.d + 2n }), 'ERR_RSA_KEY_INVALID');
    expectCode(() => exportPkcs1({ ...rsa, qi: rsa.qi + 1n }), 'ERR_RSA_KEY_INVALID');
    const offCurve = ec.point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    expectCode(() => exportSpki({ ...ec, point: offCurve }), 'ERR_INVALID_INPUT');
  });
});

describe('malformed DER', () => {
  it('rejects every truncation of every structure with a typed error', () => {
    for (const [name, der] of Object.entries(samples)) {
      for (let length = 0; length < der.length; length++) {
        const error = thrown(() => importKey(der.subarray(0, length)));
        expect(isCryptoError(error), `${name} truncated to ${length}: ${String(error)}`).toBe(true);
      }
    }
  });

  it('rejects trailing bytes after the outer SEQUENCE with ERR_DER_DECODE', () => {
    for (const der of Object.values(samples)) {
      expectCode(() => importKey(concatBytes(der, Uint8Array.of(0))), 'ERR_DER_DECODE');
      expectCode(() => importKey(concatBytes(der, der)), 'ERR_DER_DECODE');
    }
  });

  it('rejects a non-minimal outer length with ERR_DER_DECODE', () => {
    for (const der of Object.values(samples)) {
      const long = der[1]! < 0x80;
      // Short form 0x30 L -> 0x30 0x81 L; long form 0x30 0x8n ... -> one extra leading zero length octet.
      const bad = long
        ? concatBytes(Uint8Array.of(0x30, 0x81, der[1]!), der.subarray(2))
        : concatBytes(Uint8Array.of(0x30, der[1]! + 1, 0), der.subarray(2));
      expectCode(() => importKey(bad), 'ERR_DER_DECODE');
    }
  });

  it('rejects non-minimal, negative and indefinite-length encodings', () => {
    const n = bigIntToBytes(rsa.n);
    const padded = derSequence(
      derElement(DerTag.INTEGER, concatBytes(Uint8Array.of(0, 0), n)),
      derInteger(rsa.e),
    );
    expectCode(() => importPkcs1(padded), 'ERR_DER_DECODE');
    const negative = derSequence(derElement(DerTag.INTEGER, n), derInteger(rsa.e));
    expectCode(() => importPkcs1(negative), 'ERR_DER_DECODE');
    const indefinite = Uint8Array.of(0x30, 0x80, ...derInteger(3n), ...derInteger(3n), 0, 0);
    expectCode(() => importPkcs1(indefinite), 'ERR_DER_DECODE');
  });

  it('never throws anything but a typed error on a mutated structure (property, 3000 runs)', () => {
    const names = Object.keys(samples);
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (name, position, mask) => {
          const der = samples[name]!.slice();
          der[position % der.length]! ^= mask;
          expectTypedOrKey(() => importKey(der));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but a typed error on random bytes (property, 2000 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => expectTypedOrKey(() => importKey(bytes))),
      { numRuns: 2000 },
    );
  });
});

describe('unsupported or inconsistent structures', () => {
  const ecAlgorithm = (curveOid: string) => derSequence(derOid('1.2.840.10045.2.1'), derOid(curveOid));
  const p256 = EC_CURVE_PARAMS['P-256'];
  const sec1 = (d: Uint8Array, extra: Uint8Array[] = [derContext(0, derOid(p256.oid))]) =>
    derSequence(derInteger(1n), derOctetString(d), ...extra);

  it('rejects unknown algorithms and curves with ERR_UNSUPPORTED_KEY', () => {
    const point = ec.point;
    expectCode(
      () => importSpki(derSequence(ecAlgorithm('1.3.132.0.33'), derBitString(point))),
      'ERR_UNSUPPORTED_KEY',
    );
    expectCode(
      () => importSpki(derSequence(derSequence(derOid('1.3.101.113')), derBitString(new Uint8Array(57)))),
      'ERR_UNSUPPORTED_KEY',
    );
    expectCode(
      () => importSpki(derSequence(derSequence(derOid('1.2.840.10040.4.1')), derBitString(point))),
      'ERR_UNSUPPORTED_KEY',
    );
    // specifiedCurve / implicitCurve parameters instead of a named curve.
    expectCode(
      () => importSpki(derSequence(derSequence(derOid('1.2.840.10045.2.1'), derNull()), derBitString(point))),
      'ERR_UNSUPPORTED_KEY',
    );
  });

  it('rejects wrong AlgorithmIdentifier parameters with ERR_DER_DECODE', () => {
    const rsaBits = exportPkcs1(publicKeyOf(rsa));
    // RFC 3279 §2.3.1: rsaEncryption parameters MUST be NULL.
    expectCode(
      () => importSpki(derSequence(derSequence(derOid('1.2.840.113549.1.1.1')), derBitString(rsaBits))),
      'ERR_DER_DECODE',
    );
    // RFC 8410 §3: Ed25519 parameters MUST be absent.
    expectCode(
      () =>
        importSpki(derSequence(derSequence(derOid('1.3.101.112'), derNull()), derBitString(ed.publicKey))),
      'ERR_DER_DECODE',
    );
  });

  it('rejects bad EC points and scalars', () => {
    const offCurve = ec.point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    for (const point of [
      offCurve,
      ec.point.subarray(0, 64),
      Uint8Array.of(0),
      Uint8Array.of(5, ...ec.point.subarray(1)),
    ]) {
      expectCode(
        () => importSpki(derSequence(ecAlgorithm(p256.oid), derBitString(point))),
        'ERR_INVALID_INPUT',
      );
    }
    expectCode(() => importSec1(sec1(new Uint8Array(32))), 'ERR_INVALID_INPUT');
    expectCode(() => importSec1(sec1(bigIntToBytes(p256.n, 32))), 'ERR_INVALID_INPUT');
    expectCode(() => importSec1(sec1(ec.d.subarray(1))), 'ERR_INVALID_INPUT');
    expectCode(() => importSec1(sec1(ec.d, [])), 'ERR_DER_DECODE'); // RFC 5915 §3: parameters required
    expectCode(
      () => importSec1(derSequence(derInteger(2n), derOctetString(ec.d), derContext(0, derOid(p256.oid)))),
      'ERR_UNSUPPORTED_KEY',
    );
    const otherPoint = EC_CURVE_PARAMS['P-256'].noble.getPublicKey(
      Uint8Array.from({ length: 32 }, () => 7),
      false,
    );
    expectCode(
      () =>
        importSec1(sec1(ec.d, [derContext(0, derOid(p256.oid)), derContext(1, derBitString(otherPoint))])),
      'ERR_KEY_MISMATCH',
    );
    // PKCS#8 naming P-384 around an ECPrivateKey that says P-256.
    const wrapped = derSequence(derInteger(0n), ecAlgorithm('1.3.132.0.34'), derOctetString(sec1(ec.d)));
    expectCode(() => importPkcs8(wrapped), 'ERR_KEY_MISMATCH');
  });

  it('rejects inconsistent RSA private keys with ERR_RSA_KEY_INVALID', () => {
    const pkcs1 = (key: RsaPrivateKey) => {
      const { n, e, d, p, q, dp, dq, qi } = key;
      return derSequence(derInteger(0n), ...[n, e, d, p, q, dp, dq, qi].map((value) => derInteger(value)));
    };
    for (const broken of [
      { ...rsa, d: rsa.d + 2n },
      { ...rsa, p: rsa.p + 2n },
      { ...rsa, dp: rsa.dp + 1n },
      { ...rsa, dq: rsa.dq - 1n },
      { ...rsa, qi: rsa.qi + 1n },
      { ...rsa, e: 1n },
      { ...rsa, n: rsa.n + 2n },
      { ...rsa, p: rsa.q, q: rsa.p }, // swapped primes leave qInv wrong
    ]) {
      expectCode(() => importPkcs1(pkcs1(broken)), 'ERR_RSA_KEY_INVALID');
    }
    expectCode(
      () => importPkcs1(derSequence(derInteger(rsa.n + 1n), derInteger(rsa.e))),
      'ERR_RSA_KEY_INVALID',
    );
    // RFC 8017 §A.1.2 version 1 is multi-prime.
    const multiPrime = derSequence(
      derInteger(1n),
      ...[rsa.n, rsa.e, rsa.d, rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi].map(derInteger),
    );
    expectCode(() => importPkcs1(multiPrime), 'ERR_UNSUPPORTED_KEY');
  });

  it('checks the PKCS#8 version and the carried public key', () => {
    const algorithm = derSequence(derOid('1.3.101.112'));
    const seed = derOctetString(derOctetString(ed.seed));
    const withPublic = (version: bigint, publicKey: Uint8Array) =>
      derSequence(
        derInteger(version),
        algorithm,
        seed,
        derElement(0x81, concatBytes(Uint8Array.of(0), publicKey)),
      );
    expect(importPkcs8(withPublic(1n, ed.publicKey))).toEqual(ed);
    expectCode(() => importPkcs8(withPublic(0n, ed.publicKey)), 'ERR_DER_DECODE');
    expectCode(() => importPkcs8(withPublic(1n, new Uint8Array(32).fill(9))), 'ERR_KEY_MISMATCH');
    expectCode(() => importPkcs8(derSequence(derInteger(2n), algorithm, seed)), 'ERR_UNSUPPORTED_KEY');
    expectCode(
      () => importPkcs8(derSequence(derInteger(0n), algorithm, derOctetString(ed.seed))),
      'ERR_DER_DECODE',
    );
    expectCode(
      () =>
        importPkcs8(
          derSequence(derInteger(0n), algorithm, derOctetString(derOctetString(ed.seed.subarray(1)))),
        ),
      'ERR_INVALID_INPUT',
    );
  });

  it('rejects unsupported RSASSA-PSS parameters with ERR_UNSUPPORTED_KEY', () => {
    const bits = derBitString(exportPkcs1(publicKeyOf(rsa)));
    const sha256 = derSequence(derOid('2.16.840.1.101.3.4.2.1'), derNull());
    const spki = (...fields: Uint8Array[]) =>
      derSequence(derSequence(derOid('1.2.840.113549.1.1.10'), derSequence(...fields)), bits);
    expect(importSpki(spki(derContext(0, sha256)))).toMatchObject({
      pss: { hash: 'SHA-256', mgfHash: 'SHA-1', saltLength: 20 },
    });
    const md5 = derSequence(derOid('1.2.840.113549.2.5'), derNull());
    expectCode(() => importSpki(spki(derContext(0, md5))), 'ERR_UNSUPPORTED_KEY');
    expectCode(
      () => importSpki(spki(derContext(1, derSequence(derOid('1.2.3.4'), sha256)))),
      'ERR_UNSUPPORTED_KEY',
    );
    expectCode(() => importSpki(spki(derContext(3, derInteger(2n)))), 'ERR_UNSUPPORTED_KEY');
    // Fields out of order are trailing data.
    expectCode(
      () => importSpki(spki(derContext(2, derInteger(32n)), derContext(0, sha256))),
      'ERR_DER_DECODE',
    );
  });
});

describe('PEM around keys', () => {
  it('requires the label of the format asked for', () => {
    const spkiPem = exportPem(rsa, 'spki');
    expectCode(() => importPkcs8(spkiPem), 'ERR_PEM_DECODE');
    expectCode(() => importSec1(spkiPem), 'ERR_PEM_DECODE');
    expectCode(() => importPkcs1(spkiPem), 'ERR_PEM_DECODE');
    expectCode(() => importSpki(exportPem(rsa, 'pkcs8')), 'ERR_PEM_DECODE');
  });

  it('rejects structures that do not match their label', () => {
    expectCode(() => importKey(pemEncode('PRIVATE KEY', exportSpki(rsa))), 'ERR_DER_DECODE');
    // RSAPrivateKey read as RSAPublicKey: version 0 becomes the modulus.
    expectCode(() => importKey(pemEncode('RSA PUBLIC KEY', exportPkcs1(rsa))), 'ERR_RSA_KEY_INVALID');
    // PrivateKeyInfo read as ECPrivateKey: version 0 is not ECPrivateKey's version 1.
    expectCode(() => importKey(pemEncode('EC PRIVATE KEY', exportPkcs8(ec))), 'ERR_UNSUPPORTED_KEY');
  });

  it('refuses labels that are not keys, and encrypted keys', () => {
    expectCode(() => importKey(pemEncode('CERTIFICATE', exportSpki(rsa))), 'ERR_UNSUPPORTED_KEY');
    expectCode(() => importKey(pemEncode('ENCRYPTED PRIVATE KEY', exportPkcs8(rsa))), 'ERR_UNSUPPORTED_KEY');
    expectCode(
      () => importPkcs8(pemEncode('ENCRYPTED PRIVATE KEY', exportPkcs8(rsa))),
      'ERR_UNSUPPORTED_KEY',
    );
  });

  it('rejects bad armour', () => {
    const good = exportPem(ec, 'pkcs8');
    for (const text of [
      '',
      'not a key',
      good.replace('-----END PRIVATE KEY-----', '-----END PUBLIC KEY-----'),
      good.replace('-----END PRIVATE KEY-----\n', ''),
      `junk${good}`,
      good.replace(/\n(.)/, '\n!$1'),
    ]) {
      expectCode(() => importKey(text), 'ERR_PEM_DECODE');
    }
  });
});

describe('malformed JWK', () => {
  const rsaJwk = () => exportJwk(rsa);
  const ecJwk = () => exportJwk(ec);
  const edJwk = () => exportJwk(ed);

  const cases: [string, () => Jwk, string][] = [
    ['kty missing', () => ({ ...ecJwk(), kty: undefined as never }), 'ERR_JWK_INVALID'],
    ['kty not a string', () => ({ ...ecJwk(), kty: 1 as never }), 'ERR_JWK_INVALID'],
    ['kty unknown', () => ({ ...ecJwk(), kty: 'DSA' }), 'ERR_UNSUPPORTED_KEY'],
    ['kty of another family', () => ({ ...ecJwk(), kty: 'RSA' }), 'ERR_JWK_INVALID'],
    ['RSA n missing', () => ({ ...rsaJwk(), n: undefined }), 'ERR_JWK_INVALID'],
    ['RSA e missing', () => ({ kty: 'RSA', n: rsaJwk().n }), 'ERR_JWK_INVALID'],
    [
      'RSA n with a leading zero octet',
      () => ({ ...rsaJwk(), n: b64u(concatBytes(Uint8Array.of(0), bigIntToBytes(rsa.n))) }),
      'ERR_JWK_INVALID',
    ],
    [
      'RSA n in standard base64',
      () => ({ ...rsaJwk(), n: Buffer.from(bigIntToBytes(rsa.n)).toString('base64') }),
      'ERR_JWK_INVALID',
    ],
    ['RSA e padded', () => ({ ...rsaJwk(), e: 'AQAB=' }), 'ERR_JWK_INVALID'],
    ['RSA e with whitespace', () => ({ ...rsaJwk(), e: 'AQ AB' }), 'ERR_JWK_INVALID'],
    ['RSA e = 1', () => ({ ...rsaJwk(), e: 'AQ' }), 'ERR_JWK_INVALID'],
    ['RSA e empty', () => ({ ...rsaJwk(), e: '' }), 'ERR_JWK_INVALID'],
    ['RSA d not matching', () => ({ ...rsaJwk(), d: b64u(bigIntToBytes(rsa.d + 2n)) }), 'ERR_JWK_INVALID'],
    [
      'RSA d alone not matching',
      () => ({ kty: 'RSA', n: rsaJwk().n, e: 'AQAB', d: b64u(bigIntToBytes(rsa.d + 2n)) }),
      'ERR_JWK_INVALID',
    ],
    ['RSA qi not matching', () => ({ ...rsaJwk(), qi: b64u(bigIntToBytes(rsa.qi + 1n)) }), 'ERR_JWK_INVALID'],
    [
      'RSA some CRT members missing',
      () => ({ ...rsaJwk(), dp: undefined, dq: undefined }),
      'ERR_JWK_INVALID',
    ],
    ['RSA CRT members without d', () => ({ ...rsaJwk(), d: undefined }), 'ERR_JWK_INVALID'],
    ['RSA member not a string', () => ({ ...rsaJwk(), p: 7 as never }), 'ERR_JWK_INVALID'],
    ['RSA multi-prime "oth"', () => ({ ...rsaJwk(), oth: [] }), 'ERR_UNSUPPORTED_KEY'],
    ['EC crv missing', () => ({ ...ecJwk(), crv: undefined }), 'ERR_JWK_INVALID'],
    ['EC crv unknown', () => ({ ...ecJwk(), crv: 'P-224' }), 'ERR_UNSUPPORTED_KEY'],
    ['EC crv of another size', () => ({ ...ecJwk(), crv: 'P-384' }), 'ERR_JWK_INVALID'],
    ['EC y missing', () => ({ ...ecJwk(), y: undefined }), 'ERR_JWK_INVALID'],
    ['EC x short', () => ({ ...ecJwk(), x: b64u(ec.point.subarray(2, 33)) }), 'ERR_JWK_INVALID'],
    [
      'EC x long',
      () => ({ ...ecJwk(), x: b64u(concatBytes(Uint8Array.of(0), ec.point.subarray(1, 33))) }),
      'ERR_JWK_INVALID',
    ],
    [
      'EC y off the curve',
      () => ({ ...ecJwk(), y: b64u(ec.point.map((byte, i) => (i === 64 ? byte ^ 1 : byte)).subarray(33)) }),
      'ERR_JWK_INVALID',
    ],
    [
      'EC d not matching',
      () => ({ ...ecJwk(), d: b64u(ec.d.map((byte, i) => (i === 31 ? byte ^ 1 : byte))) }),
      'ERR_JWK_INVALID',
    ],
    ['EC d zero', () => ({ ...ecJwk(), d: b64u(new Uint8Array(32)) }), 'ERR_JWK_INVALID'],
    ['EC d short', () => ({ ...ecJwk(), d: b64u(ec.d.subarray(1)) }), 'ERR_JWK_INVALID'],
    ['EC d bad base64url', () => ({ ...ecJwk(), d: `${ecJwk().d!.slice(0, -1)}*` }), 'ERR_JWK_INVALID'],
    ['EC alg of another curve', () => ({ ...ecJwk(), alg: 'ES384' }), 'ERR_JWK_INVALID'],
    ['EC use enc', () => ({ ...ecJwk(), use: 'enc' }), 'ERR_JWK_INVALID'],
    ['EC kid not a string', () => ({ ...ecJwk(), kid: 5 as never }), 'ERR_JWK_INVALID'],
    ['EC key_ops not an array', () => ({ ...ecJwk(), key_ops: 'sign' as never }), 'ERR_JWK_INVALID'],
    ['EC key_ops with duplicates', () => ({ ...ecJwk(), key_ops: ['sign', 'sign'] }), 'ERR_JWK_INVALID'],
    ['OKP crv X25519', () => ({ ...edJwk(), crv: 'X25519' }), 'ERR_UNSUPPORTED_KEY'],
    ['OKP crv missing', () => ({ ...edJwk(), crv: undefined }), 'ERR_JWK_INVALID'],
    [
      'OKP x not matching d',
      () => ({ ...edJwk(), x: b64u(ed.publicKey.map((byte, i) => (i === 0 ? byte ^ 1 : byte))) }),
      'ERR_JWK_INVALID',
    ],
    ['OKP x short', () => ({ ...edJwk(), x: b64u(ed.publicKey.subarray(1)) }), 'ERR_JWK_INVALID'],
    ['OKP d short', () => ({ ...edJwk(), d: b64u(ed.seed.subarray(1)) }), 'ERR_JWK_INVALID'],
    ['OKP alg ES256', () => ({ ...edJwk(), alg: 'ES256' }), 'ERR_JWK_INVALID'],
    ['oct k missing', () => ({ kty: 'oct' }), 'ERR_JWK_INVALID'],
    ['oct k empty', () => ({ kty: 'oct', k: '' }), 'ERR_JWK_INVALID'],
    ['oct k non-canonical', () => ({ kty: 'oct', k: 'AB' }), 'ERR_JWK_INVALID'],
    ['oct alg RS256', () => ({ kty: 'oct', k: 'AAAA', alg: 'RS256' }), 'ERR_JWK_INVALID'],
  ];
  it.each(cases)('%s', (_name, build, code) => {
    expectCode(() => importJwk(build()), code);
  });

  it('rejects an Ed25519 x that is not a curve point', () => {
    // y = p (not canonical) does not decode (RFC 8032 §5.1.3 step 1).
    const notPoint = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xed : i === 31 ? 0x7f : 0xff));
    expectCode(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x: b64u(notPoint) }), 'ERR_JWK_INVALID');
  });

  it('never throws anything but a typed error on random JWK-like objects (property, 2000 runs)', () => {
    const member = fc.oneof(
      fc.string(),
      fc.base64String().map((text) => text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string()),
    );
    const jwk = fc.record(
      {
        kty: fc.constantFrom('RSA', 'EC', 'OKP', 'oct', 'x', 1),
        crv: fc.constantFrom('P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'X25519'),
        x: member,
        y: member,
        d: member,
        n: member,
        e: member,
        k: member,
        p: member,
        alg: member,
        use: member,
      },
      { requiredKeys: ['kty'] },
    );
    fc.assert(
      fc.property(jwk, (value) => expectTypedOrKey(() => importJwk(value as Jwk))),
      { numRuns: 2000 },
    );
  });
});
