// PingOne mock in-process: key and profile management, and issue against a tiny node:http signer (good and broken).
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createPingOneClient } from '@sigil/protocols/pingone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { inProcessFetch } from './helpers/in-process.js';
import { startTestSigner, type TestSigner } from './helpers/pingone-signer.js';
import { createSpecCheckedPingOneMock } from './helpers/pingone-spec.js';

const ORIGIN = 'http://127.0.0.1:9101';

interface Fixtures {
  environmentId: string;
  accessToken: string;
  credentialSigningKeys: Array<{ id: string; kid: string; alg: string; privateJwk: JsonWebKey }>;
}

interface IssueAnswer {
  status: number | null;
  results: Array<{ kid: string; credentialSigningKeyId: string; valid: boolean; error?: string }>;
}

describe('PingOne mock', () => {
  let mock: MockServer;
  let fixtures: Fixtures;
  let signer: TestSigner;
  const client = (accessToken = fixtures.accessToken) =>
    createPingOneClient({
      environmentId: fixtures.environmentId,
      accessToken,
      baseUrl: `${ORIGIN}/v1`,
      fetch: inProcessFetch(mock),
    });
  const environment = () => `${ORIGIN}/v1/environments/${fixtures.environmentId}`;
  const headers = () => ({
    authorization: `Bearer ${fixtures.accessToken}`,
    'content-type': 'application/json',
  });
  const issue = async (body: unknown = {}) => {
    const response = await mock.app.request('/__admin/pingone/issue', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as IssueAnswer;
  };

  beforeAll(async () => {
    // Every answer of its PingOne API is checked against PingOne's published Credentials spec.
    mock = createSpecCheckedPingOneMock({ seed: 'pingone-test' });
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as Fixtures;
    signer = await startTestSigner({ name: 'x-sigil-secret', value: 'letmein' });
    for (const key of fixtures.credentialSigningKeys) signer.addKey(key.kid, key.privateJwk);
  });
  afterAll(() => signer.close());

  it('registers, updates and reads keys and the issuer profile through the protocols client', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'test-created', alg: 'ES256' } as {
      kid: string;
      kty: string;
      alg: string;
    };
    const created = await client().createCredentialSigningKey({
      enabled: true,
      jwk,
      name: 'created in test',
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.jwk.kid).toBe('test-created');
    signer.addKey('test-created', pair.privateKey.export({ format: 'jwk' }));
    const disabled = await client().updateCredentialSigningKey(created.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    await client().updateCredentialSigningKey(created.id, { enabled: true });

    const profile = await client().getCredentialIssuerProfile();
    expect(profile.id).toBeDefined();
    const updated = await client().updateCredentialIssuerProfile({
      ...profile,
      credentialSigning: { url: 'https://signer.example.com/sign', headers: { 'x-sigil-secret': 'letmein' } },
    });
    expect(updated.credentialSigning?.url).toBe('https://signer.example.com/sign');
  });

  it('refuses a bad token (401), a duplicate kid or a private JWK (400) in PingOne error shape', async () => {
    await expect(client('wrong-token-value').getCredentialIssuerProfile()).rejects.toMatchObject({
      code: 'ERR_PINGONE_HTTP',
      status: 401,
    });
    const duplicate = await mock.app.request(`${environment()}/credentialSigningKeys`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ enabled: true, jwk: fixtures.credentialSigningKeys[0]?.privateJwk }),
    });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject({
      code: 'INVALID_DATA',
      details: expect.arrayContaining([
        { code: 'INVALID_VALUE', target: 'jwk.d', message: expect.any(String) },
      ]),
    });
    const http = await mock.app.request(`${environment()}/credentialIssuerProfile`, {
      method: 'PUT',
      headers: headers(),
      body: JSON.stringify({ name: 'issuer', credentialSigning: { url: 'http://signer.example.com/sign' } }),
    });
    expect(http.status).toBe(400);
  });

  it('issues to an http:// loopback signer with the configured headers and reports every signature valid', async () => {
    const put = await mock.app.request(`${environment()}/credentialIssuerProfile`, {
      method: 'PUT',
      headers: headers(),
      body: JSON.stringify({
        name: 'Sigil mock issuer',
        credentialSigning: { url: signer.url, headers: { 'x-sigil-secret': 'letmein' } },
      }),
    });
    expect(put.status).toBe(200);
    signer.mode = 'good';
    const answer = await issue({ claims: { role: 'tester' } });
    expect(answer.status).toBe(200);
    expect(answer.results).toHaveLength(fixtures.credentialSigningKeys.length + 1);
    expect(answer.results.filter((result) => !result.valid)).toEqual([]);
    const last = signer.received.at(-1);
    expect(last?.headers['x-sigil-secret']).toBe('letmein');
    expect((last?.body as { payloads: unknown[] } | undefined)?.payloads).toHaveLength(answer.results.length);
    signer.mode = 'standard-base64';
    expect((await issue()).results.every((result) => result.valid)).toBe(true);
  });

  it('reports wrong, missing, malformed and DER signatures as valid: false, never valid', async () => {
    signer.mode = 'wrong-key';
    expect((await issue()).results.every((result) => !result.valid && result.error)).toBe(true);
    signer.mode = 'missing';
    const missing = await issue();
    expect(missing.results[0]).toMatchObject({ valid: false, error: 'the payload was not signed' });
    expect(missing.results.slice(1).every((result) => result.valid)).toBe(true);
    signer.mode = 'malformed';
    expect((await issue()).results.every((result) => !result.valid)).toBe(true);
    signer.mode = 'error-500';
    const failed = await issue();
    expect(failed.status).toBe(500);
    expect(failed.results.every((result) => !result.valid)).toBe(true);
    signer.mode = 'der-ecdsa';
    const der = await issue();
    const es256 = der.results.find((result) => result.kid === 'sigil-es256');
    expect(es256?.valid).toBe(false);
    expect(der.results.find((result) => result.kid === 'sigil-rs256')?.valid).toBe(true);
    signer.mode = 'good';
    await mock.app.request('/__admin/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/__admin/pingone/issue', corruptSignature: true, times: 1 }),
    });
    expect((await issue()).results.every((result) => !result.valid)).toBe(true);
    expect((await issue()).results.every((result) => result.valid)).toBe(true);
  });

  it('reports a signer that refuses the headers as invalid', async () => {
    await mock.app.request(`${environment()}/credentialIssuerProfile`, {
      method: 'PUT',
      headers: headers(),
      body: JSON.stringify({
        name: 'Sigil mock issuer',
        credentialSigning: { url: signer.url, headers: { 'x-sigil-secret': 'wrong' } },
      }),
    });
    const answer = await issue();
    expect(answer.status).toBe(401);
    expect(answer.results.every((result) => !result.valid)).toBe(true);
  });

  it('verifies ES256K and PS384 signatures a node:crypto signer makes, and refuses keys that cannot verify', async () => {
    await mock.app.request(`${environment()}/credentialIssuerProfile`, {
      method: 'PUT',
      headers: headers(),
      body: JSON.stringify({
        name: 'Sigil mock issuer',
        credentialSigning: { url: signer.url, headers: { 'x-sigil-secret': 'letmein' } },
      }),
    });
    signer.mode = 'good';
    const ids: string[] = [];
    for (const [kid, alg, pair] of [
      ['test-es256k', 'ES256K', generateKeyPairSync('ec', { namedCurve: 'secp256k1' })],
      ['test-ps384', 'PS384', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ] as const) {
      const created = await client().createCredentialSigningKey({
        enabled: true,
        jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg } as {
          kid: string;
          kty: string;
          alg: string;
        },
      });
      signer.addKey(kid, pair.privateKey.export({ format: 'jwk' }));
      ids.push(created.id);
    }
    const answer = await issue({ credentialSigningKeyIds: ids });
    expect(answer.results.map((result) => [result.kid, result.valid])).toEqual([
      ['test-es256k', true],
      ['test-ps384', true],
    ]);
    signer.mode = 'wrong-key';
    expect((await issue({ credentialSigningKeyIds: ids })).results.every((result) => !result.valid)).toBe(
      true,
    );
    signer.mode = 'good';

    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const refused = await mock.app.request(`${environment()}/credentialSigningKeys`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ enabled: true, jwk: { ...small, kid: 'too-small', alg: 'RS256' } }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'INVALID_DATA',
      details: [{ code: 'INVALID_VALUE', target: 'jwk', message: expect.stringMatching(/2048/) }],
    });
  });
});
