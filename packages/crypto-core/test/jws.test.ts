import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateEcKey } from '../src/ecdsa.js';
import { generateEd25519Key } from '../src/eddsa.js';
import { bytesToBase64url, utf8ToBytes } from '../src/encoding.js';
import { generateHmacKey } from '../src/hmac.js';
import {
  assertKeyMatchesAlgorithm,
  buildJwsSigningInput,
  getJwsAlgorithm,
  JWS_ALGORITHM_NAMES,
  type JwsAlgorithm,
  parseCompactJws,
  parseJwsSigningInput,
  signCompactJws,
  verifyCompactJws,
} from '../src/jws.js';
import type { PrivateKey, RsaPrivateKey, SymmetricKey } from '../src/key-types.js';
import { exportJwk, importJwk, publicKeyOf } from '../src/keys.js';

// One key per algorithm; RSA keys come from node:crypto (fast) and are imported through JWK.
const rsaKey = importJwk(
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as never,
) as PrivateKey;
function keyFor(alg: JwsAlgorithm): PrivateKey | SymmetricKey {
  const spec = getJwsAlgorithm(alg);
  switch (spec.kty) {
    case 'RSA':
      return rsaKey;
    case 'EC':
      return generateEcKey(spec.curve);
    case 'OKP':
      return generateEd25519Key();
    case 'oct':
      return generateHmacKey(spec.params.hash);
  }
}
const keys = new Map(JWS_ALGORITHM_NAMES.map((alg) => [alg, keyFor(alg)] as const));

async function joseKey(alg: JwsAlgorithm, usePrivate: boolean) {
  const key = keys.get(alg)!;
  if (key.kty === 'oct') return key.key;
  const jwk = exportJwk(usePrivate ? key : publicKeyOf(key as PrivateKey)) as JWK;
  return importJWK(jwk, alg);
}

// WebCrypto (and so jose) has no secp256k1: ES256K is checked against node:crypto (OpenSSL) instead.
describe('compact JWS: ES256K interoperates with node:crypto', () => {
  const key = keys.get('ES256K')! as PrivateKey;
  it('a JWS made here verifies under OpenSSL, and one made by OpenSSL verifies here', () => {
    const token = signCompactJws({ alg: 'ES256K' }, 'k1 payload', key);
    const [head, body, signature] = token.split('.') as [string, string, string];
    const publicKey = createPublicKey({ key: exportJwk(publicKeyOf(key)) as never, format: 'jwk' });
    const signingInput = Buffer.from(`${head}.${body}`);
    const rawSignature = Buffer.from(signature, 'base64url');
    expect(
      nodeVerify('sha256', signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rawSignature),
    ).toBe(true);
    const privateKey = createPrivateKey({ key: exportJwk(key) as never, format: 'jwk' });
    const theirs = nodeSign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const theirToken = `${head}.${body}.${theirs.toString('base64url')}`;
    expect(verifyCompactJws(theirToken, publicKeyOf(key), { algorithms: ['ES256K'] })?.payload).toEqual(
      utf8ToBytes('k1 payload'),
    );
  });
});

describe('compact JWS interoperates with jose', () => {
  for (const alg of JWS_ALGORITHM_NAMES.filter((name) => name !== 'ES256K')) {
    it(`${alg}: a JWS made here verifies under jose`, async () => {
      const payload = `{"sub":"${alg}","n":${Math.random()}}`;
      const token = signCompactJws({ alg, kid: 'k1' }, payload, keys.get(alg)!);
      const verified = await compactVerify(token, await joseKey(alg, false), { algorithms: [alg] });
      expect(new TextDecoder().decode(verified.payload)).toBe(payload);
      expect(verified.protectedHeader).toEqual({ alg, kid: 'k1' });
    });

    it(`${alg}: a JWS made by jose verifies here`, async () => {
      const payload = utf8ToBytes(`payload for ${alg}`);
      const token = await new CompactSign(payload)
        .setProtectedHeader({ alg, typ: 'JWT' })
        .sign(await joseKey(alg, true));
      const key = keys.get(alg)!;
      const verifyKey = key.kty === 'oct' ? key : publicKeyOf(key);
      const parsed = verifyCompactJws(token, verifyKey, { algorithms: [alg] });
      expect(parsed?.header).toEqual({ alg, typ: 'JWT' });
      expect(parsed?.payload).toEqual(payload);
      // The same token fails when a bit of its signature flips, or when alg is not allowed.
      const [head, body, signature] = token.split('.') as [string, string, string];
      const bytes = parseCompactJws(token).signature.slice();
      bytes[0]! ^= 1;
      expect(
        verifyCompactJws(`${head}.${body}.${bytesToBase64url(bytes)}`, verifyKey, { algorithms: [alg] }),
      ).toBeUndefined();
      expect(signature.length).toBeGreaterThan(0);
      const other = JWS_ALGORITHM_NAMES.find((name) => name !== alg)!;
      expect(verifyCompactJws(token, verifyKey, { algorithms: [other] })).toBeUndefined();
    });
  }
});

describe('JWS rules', () => {
  it('never verifies alg none, even when allowed by a careless caller', () => {
    const header = bytesToBase64url(utf8ToBytes('{"alg":"none"}'));
    const token = `${header}.${bytesToBase64url(utf8ToBytes('x'))}.`;
    expect(
      verifyCompactJws(token, keys.get('HS256')!, { algorithms: ['none' as JwsAlgorithm] }),
    ).toBeUndefined();
    expect(() => getJwsAlgorithm('none')).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });

  it('rejects a key of the wrong family or curve for the alg', () => {
    expect(() => assertKeyMatchesAlgorithm('ES384', keys.get('ES256')!)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISMATCH' }),
    );
    expect(() => signCompactJws({ alg: 'RS256' }, 'x', keys.get('ES256')! as PrivateKey)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISMATCH' }),
    );
    // Symmetric-key confusion: an RSA public key's bytes must never act as an HMAC secret.
    const rsToken = signCompactJws({ alg: 'RS256' }, 'x', rsaKey);
    expect(verifyCompactJws(rsToken, keys.get('HS256')!, { algorithms: ['RS256'] })).toBeUndefined();
  });

  it('builds and parses the signing input PingOne sends', () => {
    const signingInput = buildJwsSigningInput({ alg: 'ES256', kid: 'abc' }, '{"vc":{}}');
    expect(parseJwsSigningInput(signingInput)).toEqual({
      header: { alg: 'ES256', kid: 'abc' },
      payload: utf8ToBytes('{"vc":{}}'),
    });
  });

  it('gives typed errors for malformed compact JWS', () => {
    const cases = [
      '',
      'a.b',
      'a.b.c.d',
      '!!.e30.',
      `${bytesToBase64url(utf8ToBytes('[1]'))}.e30.`,
      `${bytesToBase64url(utf8ToBytes('{"alg":1}'))}.e30.`,
      `${bytesToBase64url(utf8ToBytes('{"alg":"HS256","crit":["x"]}'))}.e30.`,
    ];
    for (const token of cases) {
      expect(() => parseCompactJws(token), token).toThrow(
        expect.objectContaining({ code: 'ERR_JWS_INVALID' }),
      );
    }
    expect(() => parseCompactJws(42 as unknown as string)).toThrow(TypeError);
    expect(() => verifyCompactJws('a.b.c', keys.get('HS256')!, { algorithms: [] })).toThrow(TypeError);
  });
});

describe('PS* salt length', () => {
  it('accepts only a salt as long as the hash (RFC 7518 §3.5)', async () => {
    const { rsaSign } = await import('../src/rsa.js');
    const { verifyJwsSigningInput } = await import('../src/jws.js');
    const signingInput = utf8ToBytes(buildJwsSigningInput({ alg: 'PS256' }, 'x'));
    const rsa = rsaKey as RsaPrivateKey;
    const hashLength = rsaSign(rsa, { scheme: 'pss', hash: 'SHA-256' }, { message: signingInput });
    const shortSalt = rsaSign(
      rsa,
      { scheme: 'pss', hash: 'SHA-256', saltLength: 0 },
      { message: signingInput },
    );
    expect(verifyJwsSigningInput('PS256', publicKeyOf(rsaKey), signingInput, hashLength)).toBe(true);
    expect(verifyJwsSigningInput('PS256', publicKeyOf(rsaKey), signingInput, shortSalt)).toBe(false);
  });
});
