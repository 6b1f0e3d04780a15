// The PingOne credential signing callback: auth by scoped token or static headers, key resolution, jose-verified output.
import { randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const signingInput = (header: object, claims: object) =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;

describe('POST /pingone/credential-signing', () => {
  let server: TestServer;
  let pingoneToken: string;
  const keys: Record<string, { id: string; kid: string; publicKeyJwk: jose.JWK; alias: string }> = {};

  beforeAll(async () => {
    server = await startTestServer({
      pingoneHeaders: { 'x-pingone-secret': 'correct horse battery staple' },
    });
    pingoneToken = (
      await server.call('POST', '/v1/tokens', { body: { name: 'pingone', scopes: ['pingone'] } })
    ).body.token;
    for (const [name, spec] of Object.entries({
      ec: { type: 'EC', curve: 'P-256' },
      p384: { type: 'EC', curve: 'P-384' },
      rsa: { type: 'RSA', size: 2048 },
      ed: { type: 'OKP', curve: 'Ed25519' },
    })) {
      const created = (await server.call('POST', '/v1/keys', { body: { name, ...spec } })).body;
      const alias = randomUUID();
      const bound = await server.call('PUT', `/v1/keys/${created.id}/aliases`, {
        body: { pingoneCredentialSigningKeyId: alias },
      });
      expect(bound.body.pingoneCredentialSigningKeyId).toBe(alias);
      keys[name] = { ...created, alias };
    }
  });

  it('signs every payload in request order; payload.signature verifies under jose with the public JWK', async () => {
    const cases = [
      { key: keys.ec!, alg: 'ES256' },
      { key: keys.rsa!, alg: 'RS256' },
      { key: keys.rsa!, alg: 'PS256' },
      { key: keys.p384!, alg: 'ES384' },
      { key: keys.ed!, alg: 'EdDSA' },
    ];
    const payloads = cases.map(({ key, alg }, index) => ({
      payload: signingInput(
        { alg, kid: key.kid, typ: 'vc+jwt' },
        { index, vc: { credentialSubject: { id: 'x' } } },
      ),
      kid: index % 2 === 0 ? key.kid : 'unknown-kid',
      credentialSigningKeyId: key.alias,
    }));
    // item 1 and 3 are found by credentialSigningKeyId; give them the right kid, as PingOne would
    payloads[1]!.kid = cases[1]!.key.kid;
    payloads[3]!.kid = cases[3]!.key.kid;
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token: pingoneToken,
      body: { purpose: 'test', payloads },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.signedData.map((entry: { payload: string }) => entry.payload)).toEqual(
      payloads.map((p) => p.payload),
    );
    for (const [index, entry] of answer.body.signedData.entries()) {
      expect(entry.signature).toMatch(/^[A-Za-z0-9_-]+$/);
      const { key, alg } = cases[index]!;
      const verified = await jose.compactVerify(
        `${entry.payload}.${entry.signature}`,
        await jose.importJWK(key.publicKeyJwk, alg),
      );
      expect(JSON.parse(new TextDecoder().decode(verified.payload)).index).toBe(index);
    }
  });

  it('finds a key by kid alone (an unbound credentialSigningKeyId) and by the static headers', async () => {
    const payload = signingInput({ alg: 'ES256' }, { by: 'kid' });
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token: null,
      headers: { 'X-PingOne-Secret': 'correct horse battery staple' },
      body: { payloads: [{ payload, kid: keys.ec!.kid, credentialSigningKeyId: randomUUID() }] },
    });
    expect(answer.status).toBe(200);
    const signature = answer.body.signedData[0].signature;
    await jose.compactVerify(`${payload}.${signature}`, await jose.importJWK(keys.ec!.publicKeyJwk, 'ES256'));
  });

  it('after a rotation, each kid signs with its own version: the JWK PingOne holds for that kid verifies', async () => {
    const created = (
      await server.call('POST', '/v1/keys', { body: { name: 'rotating', type: 'EC', curve: 'P-256' } })
    ).body as { id: string; kid: string; publicKeyJwk: jose.JWK };
    const alias = randomUUID();
    await server.call('PUT', `/v1/keys/${created.id}/aliases`, {
      body: { pingoneCredentialSigningKeyId: alias },
    });
    const rotated = (await server.call('POST', `/v1/keys/${created.id}/rotate`)).body as {
      kid: string;
      version: number;
      publicKeyJwk: jose.JWK;
    };
    expect(rotated.version).toBe(2);
    expect(rotated.kid).not.toBe(created.kid);
    expect(rotated.publicKeyJwk.kid).toBe(rotated.kid);
    const versions = (await server.call('GET', `/v1/keys/${created.id}`)).body.versions;
    expect(versions.map((entry: { version: number; kid: string }) => [entry.version, entry.kid])).toEqual([
      [2, rotated.kid],
      [1, created.kid],
    ]);
    const signWith = async (kid: string, credentialSigningKeyId: string) => {
      const payload = signingInput({ alg: 'ES256', kid }, { kid });
      const answer = await server.call('POST', '/pingone/credential-signing', {
        token: pingoneToken,
        body: { payloads: [{ payload, kid, credentialSigningKeyId }] },
      });
      expect(answer.status).toBe(200);
      return `${payload}.${answer.body.signedData[0].signature}`;
    };
    for (const credentialSigningKeyId of [alias, randomUUID()]) {
      const old = await signWith(created.kid, credentialSigningKeyId);
      await jose.compactVerify(old, await jose.importJWK(created.publicKeyJwk, 'ES256'));
      await expect(
        jose.compactVerify(old, await jose.importJWK(rotated.publicKeyJwk, 'ES256')),
      ).rejects.toThrow();
      const current = await signWith(rotated.kid, credentialSigningKeyId);
      await jose.compactVerify(current, await jose.importJWK(rotated.publicKeyJwk, 'ES256'));
    }
    // The audit records which version signed.
    const audit = (await server.call('GET', '/v1/audit?limit=1000')).body.entries as {
      operation: string;
      keyId: string;
      keyVersion: number;
    }[];
    const signed = audit.filter((entry) => entry.operation === 'pingone.sign' && entry.keyId === created.id);
    expect(signed.map((entry) => entry.keyVersion)).toEqual([1, 2, 1, 2]);
  });

  it('answers 401 without the headers or a pingone-scoped token', async () => {
    const body = {
      payloads: [
        {
          payload: signingInput({ alg: 'ES256' }, {}),
          kid: keys.ec!.kid,
          credentialSigningKeyId: keys.ec!.alias,
        },
      ],
    };
    for (const options of [
      { token: null },
      { token: null, headers: { 'x-pingone-secret': 'wrong' } },
      { token: server.adminToken.slice(0, -2) },
    ]) {
      const answer = await server.call('POST', '/pingone/credential-signing', { ...options, body });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'ERR_UNAUTHENTICATED', id: expect.any(String) });
    }
    const signer = (await server.call('POST', '/v1/tokens', { body: { name: 'signer', scopes: ['sign'] } }))
      .body.token;
    expect((await server.call('POST', '/pingone/credential-signing', { token: signer, body })).status).toBe(
      401,
    );
  });

  it('rejects an alg that does not match the key, unknown keys and malformed payloads', async () => {
    const call = (payload: string, kid: string, credentialSigningKeyId: string) =>
      server.call('POST', '/pingone/credential-signing', {
        token: pingoneToken,
        body: { payloads: [{ payload, kid, credentialSigningKeyId }] },
      });
    const wrongAlg = await call(signingInput({ alg: 'RS256' }, {}), keys.ec!.kid, keys.ec!.alias);
    expect([wrongAlg.status, wrongAlg.body.code]).toEqual([400, 'ERR_PINGONE_ALGORITHM']);
    const wrongCurve = await call(signingInput({ alg: 'ES384' }, {}), keys.ec!.kid, keys.ec!.alias);
    expect(wrongCurve.status).toBe(400);
    const hmac = await call(signingInput({ alg: 'HS256' }, {}), keys.ec!.kid, keys.ec!.alias);
    expect([hmac.status, hmac.body.code]).toEqual([400, 'ERR_PINGONE_ALGORITHM']);
    const unknown = await call(signingInput({ alg: 'ES256' }, {}), 'nobody', randomUUID());
    expect([unknown.status, unknown.body.code]).toEqual([400, 'ERR_PINGONE_KEY']);
    const malformed = await call('not-a-jws', keys.ec!.kid, keys.ec!.alias);
    expect(malformed.status).toBe(400);
    const badJson = await server.call('POST', '/pingone/credential-signing', {
      token: pingoneToken,
      raw: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect([badJson.status, badJson.body.code]).toEqual([400, 'ERR_MALFORMED_JSON']);
  });
});
