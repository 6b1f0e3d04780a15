// The native API: keys of every type, sign and verify (checked by node:crypto and jose), batch, tokens and grants.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  verify as nodeVerify,
  randomBytes,
} from 'node:crypto';
import * as jose from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** Signs a JWS signing input through the API and checks the compact JWS with jose. */
async function signAndCheckWithJose(
  server: TestServer,
  key: { id: string; publicKeyJwk: Record<string, unknown> },
  algorithm: string,
  joseKey?: jose.CryptoKey | Uint8Array,
) {
  const signingInput = `${b64url(JSON.stringify({ alg: algorithm }))}.${b64url('{"hello":"world"}')}`;
  const signed = await server.call('POST', '/v1/sign', {
    body: { key: key.id, algorithm, message: b64(signingInput), format: 'p1363' },
  });
  expect(signed.status).toBe(200);
  const verificationKey = joseKey ?? (await jose.importJWK(key.publicKeyJwk as jose.JWK, algorithm));
  const verified = await jose.compactVerify(
    `${signingInput}.${Buffer.from(signed.body.signature, 'base64').toString('base64url')}`,
    verificationKey,
  );
  expect(new TextDecoder().decode(verified.payload)).toBe('{"hello":"world"}');
  return signed.body;
}

describe('native API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });

  it('refuses requests without a token (401) or with a token lacking the scope (403)', async () => {
    expect((await server.call('GET', '/v1/keys', { token: null })).status).toBe(401);
    expect((await server.call('GET', '/v1/keys', { token: 'sgl_not-a-real-token-at-all' })).status).toBe(401);
    const signer = await server.call('POST', '/v1/tokens', { body: { name: 's', scopes: ['sign'] } });
    expect((await server.call('GET', '/v1/keys', { token: signer.body.token })).status).toBe(403);
  });

  const generated = [
    { spec: { type: 'RSA', size: 2048 }, algorithms: ['RS256', 'PS256', 'RS512', 'PS384'] },
    { spec: { type: 'EC', curve: 'P-256' }, algorithms: ['ES256'] },
    { spec: { type: 'EC', curve: 'P-384' }, algorithms: ['ES384'] },
    { spec: { type: 'EC', curve: 'P-521' }, algorithms: ['ES512'] },
    { spec: { type: 'EC', curve: 'secp256k1' }, algorithms: ['ES256K'] },
    { spec: { type: 'OKP', curve: 'Ed25519' }, algorithms: ['EdDSA'] },
  ] as const;

  for (const { spec, algorithms } of generated) {
    it(`creates a ${JSON.stringify(spec)} key and signs with ${algorithms.join(', ')}`, async () => {
      const created = await server.call('POST', '/v1/keys', {
        body: { name: `k-${JSON.stringify(spec)}`, ...spec },
      });
      expect(created.status).toBe(201);
      const key = created.body;
      expect(key.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(key.version).toBe(1);
      expect(key.type).toBe(spec.type);
      expect(key.kid).toBe(await jose.calculateJwkThumbprint(key.publicKeyJwk));
      expect(key.publicKeyJwk.d).toBeUndefined();
      expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      for (const algorithm of algorithms) {
        if (spec.type !== 'OKP' && !('curve' in spec && spec.curve === 'secp256k1'))
          await signAndCheckWithJose(server, key, algorithm);
        // node:crypto over a message, DER for ECDSA
        const message = randomBytes(100);
        const signed = await server.call('POST', '/v1/sign', {
          body: { key: key.name, algorithm, message: b64(message) },
        });
        expect(signed.status).toBe(200);
        expect(signed.body).toMatchObject({ keyId: key.id, keyVersion: 1, algorithm });
        const signature = Buffer.from(signed.body.signature, 'base64');
        const hash = spec.type === 'OKP' ? null : `sha${algorithm.slice(2, 5)}`;
        const publicKey = createPublicKey(key.publicKeyPem);
        const padding = algorithm.startsWith('PS')
          ? { padding: 6, saltLength: Number(algorithm.slice(2)) / 8 }
          : {};
        expect(nodeVerify(hash, message, { key: publicKey, ...padding }, signature)).toBe(true);
        const verified = await server.call('POST', '/v1/verify', {
          body: { key: key.id, algorithm, message: b64(message), signature: signed.body.signature },
        });
        expect(verified.body).toEqual({ valid: true });
        // a digest instead of the message
        if (spec.type !== 'OKP') {
          const digest = createHash(hash!).update(message).digest();
          const fromDigest = await server.call('POST', '/v1/sign', {
            body: { key: key.id, algorithm, digest: b64(digest), format: 'der' },
          });
          expect(fromDigest.status).toBe(200);
          expect(
            nodeVerify(
              hash,
              message,
              { key: publicKey, ...padding },
              Buffer.from(fromDigest.body.signature, 'base64'),
            ),
          ).toBe(true);
        }
      }
    });
  }

  it('creates 3072- and 4096-bit RSA keys', async () => {
    for (const size of [3072, 4096]) {
      const created = await server.call('POST', '/v1/keys', { body: { type: 'RSA', size } });
      expect(created.status).toBe(201);
      expect(created.body.size).toBe(size);
      await signAndCheckWithJose(server, created.body, 'PS512');
    }
  });

  it('creates an HMAC key whose secret never leaves, and imports one jose can check', async () => {
    const created = await server.call('POST', '/v1/keys', { body: { name: 'mac', type: 'HMAC', size: 256 } });
    expect(created.status).toBe(201);
    expect(created.body.publicKeyJwk).toBeUndefined();
    const signed = await server.call('POST', '/v1/sign', {
      body: { key: 'mac', algorithm: 'HS256', message: b64('x') },
    });
    expect(signed.status).toBe(200);
    const verified = await server.call('POST', '/v1/verify', {
      body: { key: 'mac', algorithm: 'HS256', message: b64('x'), signature: signed.body.signature },
    });
    expect(verified.body.valid).toBe(true);
    const secret = randomBytes(32);
    const imported = await server.call('POST', '/v1/keys', {
      body: { name: 'mac-imported', jwk: { kty: 'oct', k: b64url(secret) } },
    });
    expect(imported.status).toBe(201);
    await signAndCheckWithJose(server, imported.body, 'HS256', secret);
  });

  it('imports PEM and JWK private keys, keeping a given kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const fromPem = await server.call('POST', '/v1/keys', {
      body: { name: 'pem-key', privateKeyPem: pem, kid: 'my-kid' },
    });
    expect(fromPem.status).toBe(201);
    expect(fromPem.body.kid).toBe('my-kid');
    expect(fromPem.body.publicKeyJwk.x).toBe(privateKey.export({ format: 'jwk' }).x);
    await signAndCheckWithJose(server, fromPem.body, 'ES256');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const fromJwk = await server.call('POST', '/v1/keys', { body: { name: 'jwk-key', jwk: rsa } });
    expect(fromJwk.status).toBe(201);
    expect(fromJwk.body.publicKeyJwk.n).toBe(rsa.n);
    await signAndCheckWithJose(server, fromJwk.body, 'RS384');
    const publicOnly = await server.call('POST', '/v1/keys', {
      body: { name: 'public-only', jwk: { kty: rsa.kty, n: rsa.n, e: rsa.e } },
    });
    expect(publicOnly.status).toBe(400);
    expect(publicOnly.body.error.code).toBe('ERR_INVALID_KEY');
  });

  it('lists, gets, rotates (old versions still verify), disables and deletes keys', async () => {
    const created = (
      await server.call('POST', '/v1/keys', { body: { name: 'rotating', type: 'EC', curve: 'P-256' } })
    ).body;
    const message = b64('rotate me');
    const v1 = (
      await server.call('POST', '/v1/sign', { body: { key: created.id, algorithm: 'ES256', message } })
    ).body;
    const rotated = await server.call('POST', `/v1/keys/${created.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.version).toBe(2);
    expect(rotated.body.publicKeyJwk.x).not.toBe(created.publicKeyJwk.x);
    const v2 = (
      await server.call('POST', '/v1/sign', { body: { key: created.id, algorithm: 'ES256', message } })
    ).body;
    expect(v2.keyVersion).toBe(2);
    for (const signed of [v1, v2]) {
      const verified = await server.call('POST', '/v1/verify', {
        body: { key: created.id, algorithm: 'ES256', message, signature: signed.signature },
      });
      expect(verified.body.valid).toBe(true);
    }
    const fetched = await server.call('GET', `/v1/keys/${created.id}`);
    expect(fetched.body.versions.map((entry: { version: number }) => entry.version)).toEqual([2, 1]);
    const listed = await server.call('GET', '/v1/keys');
    expect(listed.body.keys.some((key: { id: string }) => key.id === created.id)).toBe(true);
    expect(JSON.stringify(listed.body)).not.toMatch(/"d":/);

    expect((await server.call('POST', `/v1/keys/${created.id}/disable`)).body.status).toBe('disabled');
    const refused = await server.call('POST', '/v1/sign', {
      body: { key: created.id, algorithm: 'ES256', message },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ERR_KEY_DISABLED');
    expect((await server.call('DELETE', `/v1/keys/${created.id}`)).status).toBe(204);
    expect((await server.call('GET', `/v1/keys/${created.id}`)).status).toBe(404);
  });

  it('rejects unknown keys, wrong algorithms, bad digests and bad formats with clear 4xx codes', async () => {
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'errors', type: 'EC', curve: 'P-256' } })
    ).body;
    const cases: [unknown, number, string][] = [
      [{ key: 'nope', algorithm: 'ES256', message: b64('x') }, 404, 'ERR_KEY_NOT_FOUND'],
      [{ key: key.id, algorithm: 'RS256', message: b64('x') }, 400, 'ERR_ALGORITHM_MISMATCH'],
      [{ key: key.id, algorithm: 'ES384', message: b64('x') }, 400, 'ERR_ALGORITHM_MISMATCH'],
      [{ key: key.id, algorithm: 'none', message: b64('x') }, 400, 'ERR_UNSUPPORTED_ALGORITHM'],
      [{ key: key.id, algorithm: 'ES256', digest: b64(randomBytes(31)) }, 400, 'ERR_DIGEST_LENGTH'],
      [{ key: key.id, algorithm: 'ES256' }, 400, 'ERR_VALIDATION'],
      [{ key: key.id, algorithm: 'ES256', message: '%%%' }, 400, 'ERR_VALIDATION'],
      [{ key: key.id, algorithm: 'ES256', message: b64('x'), format: 'jose' }, 400, 'ERR_VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await server.call('POST', '/v1/sign', { body });
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const malformed = await server.call('POST', '/v1/sign', {
      raw: '{"key":',
      headers: { 'content-type': 'application/json' },
    });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'ERR_MALFORMED_JSON']);
  });

  it('signs a batch in order with a result per item, and refuses oversized batches', async () => {
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'batch', type: 'OKP', curve: 'Ed25519' } })
    ).body;
    const items = [
      { key: key.id, algorithm: 'EdDSA', message: b64('one') },
      { key: 'missing', algorithm: 'EdDSA', message: b64('two') },
      { key: key.id, algorithm: 'EdDSA', message: b64('three') },
      { nonsense: true },
    ];
    const answer = await server.call('POST', '/v1/sign/batch', { body: items });
    expect(answer.status).toBe(200);
    expect(answer.body.map((item: { status: number }) => item.status)).toEqual([200, 404, 200, 400]);
    const publicKey = createPublicKey({ key: key.publicKeyJwk, format: 'jwk' });
    expect(
      nodeVerify(null, Buffer.from('three'), publicKey, Buffer.from(answer.body[2].signature, 'base64')),
    ).toBe(true);
    const tooMany = await server.call('POST', '/v1/sign/batch', {
      body: Array.from({ length: 101 }, () => items[0]),
    });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'ERR_BATCH_TOO_LARGE']);
  });

  it('issues scoped tokens with key grants, shows them once and revokes them', async () => {
    const granted = (
      await server.call('POST', '/v1/keys', { body: { name: 'granted', type: 'EC', curve: 'P-256' } })
    ).body;
    const other = (
      await server.call('POST', '/v1/keys', { body: { name: 'other', type: 'EC', curve: 'P-256' } })
    ).body;
    const issued = await server.call('POST', '/v1/tokens', {
      body: { name: 'ci', scopes: ['sign'], keys: ['granted'] },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(issued.body.token).toMatch(/^sgl_/);
    const token = issued.body.token;
    expect(
      (
        await server.call('POST', '/v1/sign', {
          token,
          body: { key: granted.id, algorithm: 'ES256', message: b64('x') },
        })
      ).status,
    ).toBe(200);
    const denied = await server.call('POST', '/v1/sign', {
      token,
      body: { key: other.id, algorithm: 'ES256', message: b64('x') },
    });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect(
      (
        await server.call('POST', '/v1/verify', {
          token,
          body: { key: granted.id, algorithm: 'ES256', message: b64('x'), signature: '' },
        })
      ).status,
    ).toBe(403);
    expect((await server.call('DELETE', `/v1/tokens/${issued.body.id}`)).status).toBe(204);
    expect(
      (
        await server.call('POST', '/v1/sign', {
          token,
          body: { key: granted.id, algorithm: 'ES256', message: b64('x') },
        })
      ).status,
    ).toBe(401);
    expect(
      (await server.call('POST', '/v1/tokens', { body: { name: 'bad', scopes: ['root'] } })).status,
    ).toBe(400);
  });
});
