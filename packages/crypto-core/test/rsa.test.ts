// RSA unit tests: key generation, presets, key recovery and validation, the bad-input matrix, fault injection.
import { verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CryptoError, isCryptoError } from '../src/errors.js';
import type { RsaPrivateKey } from '../src/key-types.js';
import {
  generateRsaKey,
  ps256,
  ps384,
  ps512,
  rs256,
  rs384,
  rs512,
  rsaPrivateKeyFromComponents,
  rsaPublicKey,
  rsaSign,
  rsaVerify,
  validateRsaPrivateKey,
} from '../src/rsa.js';
import { createPureRsaEngine, pureRsaEngine, type RsaEngine } from '../src/rsa-engine.js';
import {
  gcd,
  generatePrime,
  i2osp,
  isProbablePrime,
  modInverse,
  modPow,
  os2ip,
  randomBigInt,
} from '../src/rsa-math.js';
import { toNodePublicKey } from './rsa-helpers.js';

const message = new TextEncoder().encode('sigil');
const key1024 = generateRsaKey(1024, { allowWeakSize: true });
const key2048 = generateRsaKey(2048);

function expectCode(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    expect(isCryptoError(error), String(error)).toBe(true);
    expect((error as CryptoError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('rsa-math', () => {
  it('modPow agrees with a naive square-and-multiply', () => {
    const modulus = key1024.p;
    for (const exponent of [0n, 1n, 2n, 3n, 65537n, key1024.dp, (1n << 700n) + 12345n]) {
      let expected = 1n;
      let base = 123456789n % modulus;
      for (let e = exponent; e > 0n; e >>= 1n) {
        if (e & 1n) expected = (expected * base) % modulus;
        base = (base * base) % modulus;
      }
      expect(modPow(123456789n, exponent, modulus)).toBe(expected);
    }
    expect(modPow(-2n, 3n, 7n)).toBe(6n);
    expect(() => modPow(1n, -1n, 7n)).toThrow(RangeError);
    expect(() => modPow(1n, 1n, 1n)).toThrow(RangeError);
    expect(() => modPow(1 as unknown as bigint, 1n, 7n)).toThrow(TypeError);
  });

  it('gcd, modInverse, randomBigInt, os2ip/i2osp', () => {
    expect(gcd(12n, 18n)).toBe(6n);
    expect((modInverse(3n, 11n) * 3n) % 11n).toBe(1n);
    expect(() => modInverse(6n, 9n)).toThrow(RangeError);
    for (let i = 0; i < 200; i++) {
      const value = randomBigInt(5n, 9n);
      expect(value >= 5n && value < 9n).toBe(true);
    }
    expect(() => randomBigInt(3n, 3n)).toThrow(RangeError);
    expect(os2ip(i2osp(0x0102n, 4))).toBe(0x0102n);
    expect(Array.from(i2osp(0x0102n, 3))).toEqual([0, 1, 2]);
    expect(() => i2osp(0x10000n, 2)).toThrow(RangeError);
    expect(os2ip(new Uint8Array(0))).toBe(0n);
  });

  it('Miller-Rabin: known primes, composites and Carmichael numbers', () => {
    for (const prime of [2n, 3n, 1999n, 2003n, (1n << 127n) - 1n, key1024.p, key1024.q]) {
      expect(isProbablePrime(prime), String(prime)).toBe(true);
    }
    for (const composite of [
      0n,
      1n,
      4n,
      561n,
      41041n,
      825265n,
      3215031751n,
      key1024.n,
      ((1n << 127n) - 1n) * 2003n,
    ]) {
      expect(isProbablePrime(composite), String(composite)).toBe(false);
    }
    const prime = generatePrime(256, 65537n);
    expect(prime >> 254n).toBe(3n);
    expect(isProbablePrime(prime, 20)).toBe(true);
  });
});

describe('key generation and key components', () => {
  it('generates consistent keys of the requested size with e = 65537', () => {
    for (const key of [key1024, key2048]) {
      expect(key.e).toBe(65537n);
      expect(key.p * key.q).toBe(key.n);
      expect(key.p > key.q).toBe(true);
      expect(() => validateRsaPrivateKey(key)).not.toThrow();
    }
    expect(key2048.n.toString(2).length).toBe(2048);
    expect(key1024.n.toString(2).length).toBe(1024);
  });

  it('refuses weak or malformed sizes', () => {
    expect(() => generateRsaKey(1024)).toThrow(RangeError);
    expect(() => generateRsaKey(512, { allowWeakSize: true })).toThrow(RangeError);
    expect(() => generateRsaKey(2049)).toThrow(RangeError);
    expect(() => generateRsaKey('2048' as unknown as number)).toThrow(TypeError);
    expect(() => generateRsaKey(2048, { publicExponent: 65536n })).toThrow(RangeError);
  });

  it('recovers p and q from (n, e, d) and rejects inconsistent components', () => {
    const recovered = rsaPrivateKeyFromComponents({ n: key2048.n, e: key2048.e, d: key2048.d });
    expect(recovered).toEqual(key2048);
    expectCode(
      () => rsaPrivateKeyFromComponents({ n: key2048.n, e: key2048.e, d: key2048.d + 2n }),
      'ERR_RSA_KEY_INVALID',
    );
    expect(() => rsaPrivateKeyFromComponents({ n: key2048.n, e: 3, d: key2048.d } as never)).toThrow(
      TypeError,
    );
    expect(rsaPublicKey(key2048)).toEqual({ kty: 'RSA', n: key2048.n, e: key2048.e });
  });

  it('validateRsaPrivateKey catches each inconsistent component', () => {
    for (const field of ['n', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      const broken = { ...key2048, [field]: key2048[field] + 2n };
      expectCode(() => validateRsaPrivateKey(broken), 'ERR_RSA_KEY_INVALID');
      expectCode(() => rsaSign(broken, rs256.params, { message }), 'ERR_RSA_KEY_INVALID');
    }
  });
});

describe('presets', () => {
  const publicKey = rsaPublicKey(key2048);
  const nodeKey = toNodePublicKey(publicKey);
  for (const preset of [rs256, rs384, rs512, ps256, ps384, ps512]) {
    it(`${preset.alg} signs, verifies and interoperates with node:crypto`, () => {
      const signature = preset.sign(key2048, { message });
      expect(signature.length).toBe(256);
      expect(preset.verify(publicKey, { message }, signature)).toBe(true);
      expect(preset.verify(publicKey, { message: message.subarray(1) }, signature)).toBe(false);
      const nodeHash = preset.params.hash.replace('-', '').toLowerCase();
      const padding = preset.params.scheme === 'pss' ? 6 : 1; // RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING
      expect(nodeVerify(nodeHash, message, { key: nodeKey, padding, saltLength: -2 }, signature)).toBe(true);
    });
  }

  it('PKCS#1 v1.5 is deterministic; PSS with a fixed random source is too', () => {
    expect(rs256.sign(key2048, { message })).toEqual(rs256.sign(key2048, { message }));
    expect(ps256.sign(key2048, { message })).not.toEqual(ps256.sign(key2048, { message }));
    const zeros = (length: number) => new Uint8Array(length);
    expect(ps256.sign(key2048, { message }, zeros)).toEqual(ps256.sign(key2048, { message }, zeros));
  });

  it('signs a precomputed digest the same as the message', () => {
    const digest = new Uint8Array(
      Buffer.from('ad0e2f1a4e9d3f0a1bd50b1ef5d0b4bcf7c06c1b8bd8c7a74f0ad9bd9fa4cfc7', 'hex'),
    );
    const fromDigest = rs256.sign(key2048, { digest });
    expect(rs256.verify(key2048, { digest }, fromDigest)).toBe(true);
    expect(rs256.verify(key2048, { message }, fromDigest)).toBe(false);
  });

  it('PSS salt lengths: explicit, zero, maximum, and auto on verify', () => {
    const maxSalt = 256 - 32 - 2;
    for (const saltLength of [0, 1, 20, 32, 64, maxSalt]) {
      const signature = rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength }, { message });
      expect(rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength }, { message }, signature)).toBe(
        true,
      );
      expect(
        rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: 'auto' }, { message }, signature),
      ).toBe(true);
      expect(
        rsaVerify(
          key2048,
          {
            scheme: 'pss',
            hash: 'SHA-256',
            saltLength: saltLength + 1,
          },
          { message },
          signature,
        ),
      ).toBe(false);
    }
    expectCode(
      () => rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: maxSalt + 1 }, { message }),
      'ERR_RSA_ENCODE',
    );
    const mixed = rsaSign(key2048, { scheme: 'pss', hash: 'SHA-512', mgfHash: 'SHA-1' }, { message });
    expect(rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-512', mgfHash: 'SHA-1' }, { message }, mixed)).toBe(
      true,
    );
    expect(rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-512' }, { message }, mixed)).toBe(false);
  });
});

describe('bad input never crashes', () => {
  const good = rs256.sign(key2048, { message });

  it('rsaSign: wrong types -> TypeError, wrong lengths/ranges -> RangeError, encodings -> CryptoError', () => {
    const params = rs256.params;
    expect(() => rsaSign(key2048, params, 'abc' as never)).toThrow(TypeError);
    expect(() => rsaSign(key2048, params, { message: 'abc' } as never)).toThrow(TypeError);
    expect(() => rsaSign(key2048, params, {} as never)).toThrow(TypeError);
    expect(() => rsaSign(key2048, params, { message, digest: new Uint8Array(32) } as never)).toThrow(
      TypeError,
    );
    expect(() => rsaSign(key2048, params, { digest: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => rsaSign(key2048, params, { digest: new Uint8Array(48) })).toThrow(RangeError);
    expect(() => rsaSign(key2048, null as never, { message })).toThrow(TypeError);
    expect(() => rsaSign(key2048, { scheme: 'oaep', hash: 'SHA-256' } as never, { message })).toThrow(
      RangeError,
    );
    expect(() => rsaSign(key2048, { scheme: 'pkcs1', hash: 'MD5' } as never, { message })).toThrow(
      RangeError,
    );
    expect(() =>
      rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', mgfHash: 'SHA3-256' } as never, { message }),
    ).toThrow(RangeError);
    expect(() => rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: -1 }, { message })).toThrow(
      RangeError,
    );
    expect(() => rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: 1.5 }, { message })).toThrow(
      TypeError,
    );
    expect(() =>
      rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: '32' } as never, { message }),
    ).toThrow(TypeError);
    expect(() =>
      rsaSign(key2048, { scheme: 'pss', hash: 'SHA-256', random: () => new Uint8Array(3) }, { message }),
    ).toThrow(RangeError);
    expect(() => rsaSign(null as never, params, { message })).toThrow(TypeError);
    expect(() => rsaSign({ ...key2048, d: 5 } as never, params, { message })).toThrow(TypeError);
    expect(() => rsaSign(key2048, params, { message }, {} as never)).toThrow(TypeError);
    // A 1024-bit key cannot hold SHA-512 PSS with a 64-byte salt (emLen 128 < 64 + 64 + 2).
    expectCode(() => ps512.sign(key1024, { message }), 'ERR_RSA_ENCODE');
    // Even e, e >= n, and small moduli are refused as keys.
    expectCode(() => rsaSign({ ...key2048, e: 65536n }, params, { message }), 'ERR_RSA_KEY_INVALID');
    const tiny = {
      kty: 'RSA' as const,
      n: 3233n,
      e: 17n,
      d: 2753n,
      p: 61n,
      q: 53n,
      dp: 53n,
      dq: 49n,
      qi: 38n,
    };
    expectCode(() => rsaSign(tiny, params, { message }), 'ERR_RSA_KEY_INVALID');
  });

  it('rsaVerify fails closed: wrong length, s >= n, bad key, bad input -> false', () => {
    const params = rs256.params;
    expect(rsaVerify(key2048, params, { message }, good)).toBe(true);
    expect(rsaVerify(key2048, params, { message }, good.subarray(1))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, new Uint8Array([0, ...good]))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, new Uint8Array(0))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, i2osp(key2048.n, 256))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, i2osp(key2048.n + 1n, 256))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, new Uint8Array(256).fill(0xff))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, new Uint8Array(256))).toBe(false);
    expect(rsaVerify(key2048, params, { message }, 'sig' as never)).toBe(false);
    expect(rsaVerify(key2048, params, { digest: new Uint8Array(31) }, good)).toBe(false);
    expect(rsaVerify(key2048, params, null as never, good)).toBe(false);
    expect(rsaVerify(null as never, params, { message }, good)).toBe(false);
    expect(rsaVerify({ kty: 'RSA', n: key2048.n, e: 1n }, params, { message }, good)).toBe(false);
    expect(rsaVerify({ kty: 'RSA', n: key2048.n, e: 2n }, params, { message }, good)).toBe(false);
    expect(rsaVerify(key2048, { ...params, hash: 'SHA-384' }, { message }, good)).toBe(false);
    expect(rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-256' }, { message }, good)).toBe(false);
    expect(rsaVerify(key2048, { scheme: 'pss', hash: 'SHA-256', saltLength: -3 }, { message }, good)).toBe(
      false,
    );
    // Malformed params are a programming error, not a bad signature.
    expect(() => rsaVerify(key2048, { scheme: 'raw', hash: 'SHA-256' } as never, { message }, good)).toThrow(
      RangeError,
    );
  });
});

describe('engine: blinding and fault detection', () => {
  it('throws ERR_RSA_FAULT when a CRT parameter is corrupted after validation (Bellcore)', () => {
    const key = { ...key2048 } as { -readonly [K in keyof RsaPrivateKey]: RsaPrivateKey[K] };
    expect(rs256.verify(key, { message }, rs256.sign(key, { message }))).toBe(true); // validated once, cached
    key.dp ^= 1n << 5n; // a memory fault in one CRT half
    expectCode(() => rs256.sign(key, { message }), 'ERR_RSA_FAULT');
    key.dp ^= 1n << 5n;
    key.qi += 1n;
    expectCode(() => ps256.sign(key, { message }), 'ERR_RSA_FAULT');
  });

  it('rsaSign checks the result of an engine that does not check itself', () => {
    const faulty: RsaEngine = {
      name: 'faulty',
      privateOperation: (key, x) => pureRsaEngine.privateOperation(key, x) ^ 1n,
      publicOperation: (key, s) => pureRsaEngine.publicOperation(key, s),
    };
    expectCode(() => rsaSign(key2048, rs256.params, { message }, faulty), 'ERR_RSA_FAULT');
    const honest: RsaEngine = { ...faulty, privateOperation: (key, x) => modPow(x, key.d, key.n) };
    expect(rsaSign(key2048, rs256.params, { message }, honest)).toEqual(rs256.sign(key2048, { message }));
  });

  it('uses a different blinding factor per call and per key, with fresh pairs periodically', () => {
    // Records which sign call drew randomness (rejection sampling may draw more than once per pair).
    let call = -1;
    const drawingCalls = new Set<number>();
    const engine = createPureRsaEngine({
      blindingRefresh: 3,
      random: (length) => {
        drawingCalls.add(call);
        return crypto.getRandomValues(new Uint8Array(length));
      },
    });
    const expected = rs256.sign(key2048, { message });
    for (call = 0; call < 7; call++) {
      expect(rsaSign(key2048, rs256.params, { message }, engine)).toEqual(expected);
    }
    // 7 calls with a refresh every 3 uses: fresh pairs at calls 0, 3 and 6; squared pairs in between.
    expect([...drawingCalls]).toEqual([0, 3, 6]);
    // Another key never reuses this key's pair: its first call draws a fresh one.
    call = 7;
    rsaSign(key1024, rs256.params, { message }, engine);
    expect(drawingCalls.has(7)).toBe(true);
    expect(() => createPureRsaEngine({ blindingRefresh: 0 })).toThrow(RangeError);
  });

  it('an engine passed to rsaSign does the private operation; a malformed one is refused', () => {
    let calls = 0;
    const counting: RsaEngine = {
      name: 'counting',
      privateOperation: (key, x) => {
        calls++;
        return pureRsaEngine.privateOperation(key, x);
      },
      publicOperation: pureRsaEngine.publicOperation,
    };
    const signature = rsaSign(key2048, rs256.params, { message }, counting);
    expect(calls).toBe(1);
    expect(rs256.verify(key2048, { message }, signature)).toBe(true);
    expect(() => rsaSign(key2048, rs256.params, { message }, {} as never)).toThrow(TypeError);
  });
});
