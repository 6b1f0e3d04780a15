// PingOne and PingID mocks as the vendors document them: the issuer profile and every PingOne error body against
// PingOne's Credentials spec (P1Error), PingOne's error codes per case, PingID's response signature under both the
// documented header and the SDK sample's spelling, and vendor-shaped 404s for what the mocks do not emulate.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  buildAuthorizationHeader,
  createPingIdClient,
  type PingIdCredentials,
  pingIdErrorSchema,
} from '@sigil/protocols/pingid';
import { createPingOneClient } from '@sigil/protocols/pingone';
import { vendorSpec } from '@sigil/vendor-specs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { createPingIdMock } from '../src/pingid/pingid-mock.js';
import { inProcessFetch } from './helpers/in-process.js';
import { createSpecCheckedPingOneMock, expectPingOneSpecAnswer } from './helpers/pingone-spec.js';

const ORIGIN = 'http://127.0.0.1:9101';

describe('PingOne mock against the Credentials spec', () => {
  let mock: ReturnType<typeof createSpecCheckedPingOneMock>;
  let fixtures: { environmentId: string; accessToken: string };
  const profileUrl = (environmentId = fixtures.environmentId) =>
    `${ORIGIN}/v1/environments/${environmentId}/credentialIssuerProfile`;
  const send = async (method: string, url: string, body?: unknown, token = fixtures.accessToken) => {
    const response = await mock.app.request(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as any };
  };

  beforeEach(async () => {
    mock = createSpecCheckedPingOneMock({ seed: 'ping-fidelity' });
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as typeof fixtures;
  });

  it('answers GET credentialIssuerProfile with the read-only createdAt, updatedAt and _links the spec describes', async () => {
    const answer = await send('GET', profileUrl());
    expect(answer.status).toBe(200);
    expect(
      vendorSpec('pingone').validateResponse(
        'GET',
        `/environments/${fixtures.environmentId}/credentialIssuerProfile`,
        200,
        answer.body,
      ).errors,
    ).toEqual([]);
    expect(answer.body).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      environment: { id: fixtures.environmentId },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      _links: { self: { href: profileUrl() } },
    });
    for (const schema of ['ObjectEnvironment', 'LinksHATEOAS']) {
      const value = schema === 'ObjectEnvironment' ? answer.body.environment : answer.body._links;
      expect(vendorSpec('pingone').validateSchema(schema, value).errors).toEqual([]);
    }
  });

  it('keeps read-only members on PUT: what GET answered goes back unchanged, createdAt stays, updatedAt moves', async () => {
    const before = (await send('GET', profileUrl())).body;
    const put = await send('PUT', profileUrl(), {
      ...before,
      id: 'not-the-id',
      createdAt: '1999-01-01T00:00:00.000Z',
      _links: { self: { href: 'https://elsewhere.example/' } },
      name: 'Renamed issuer',
      credentialSigning: { url: 'https://signer.example.com/sign', headers: { 'x-api-key': 'k' } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: before.id,
      name: 'Renamed issuer',
      createdAt: before.createdAt,
      _links: { self: { href: profileUrl() } },
      credentialSigning: { url: 'https://signer.example.com/sign' },
    });
    expect(Date.parse(put.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    expect((await send('GET', profileUrl())).body).toEqual(put.body);
  });

  it('answers the protocols client, which reads the profile with its links', async () => {
    const client = createPingOneClient({
      environmentId: fixtures.environmentId,
      accessToken: fixtures.accessToken,
      baseUrl: `${ORIGIN}/v1`,
      fetch: inProcessFetch(mock),
    });
    const profile = await client.getCredentialIssuerProfile();
    expect(profile._links?.self?.href).toBe(profileUrl());
    const updated = await client.updateCredentialIssuerProfile({
      ...profile,
      credentialSigning: { url: 'https://signer.example.com/sign' },
    });
    expect(updated.createdAt).toBe(profile.createdAt);
  });

  it('uses the PingOne error code of each case, every body a P1Error with P1Error_details_inner details', async () => {
    const noToken = await send('GET', profileUrl(), undefined, 'not-the-token');
    expect([noToken.status, noToken.body.code]).toEqual([401, 'UNAUTHORIZED']);
    const otherEnvironment = await send('GET', profileUrl('0b0e2c7a-1d3f-4e5a-9b8c-7d6e5f4a3b2c'));
    expect([otherEnvironment.status, otherEnvironment.body.code]).toEqual([403, 'ACCESS_FAILED']);
    const notJson = await send('PUT', profileUrl(), '{not json');
    expect([notJson.status, notJson.body.code]).toEqual([400, 'INVALID_REQUEST']);
    const noName = await send('PUT', profileUrl(), {
      credentialSigning: { url: 'https://signer.example.com/' },
    });
    expect([noName.status, noName.body.code]).toEqual([400, 'INVALID_DATA']);
    expect(noName.body.details).toEqual([
      { code: 'REQUIRED_VALUE', target: 'name', message: expect.any(String) },
    ]);
    const plainHttp = await send('PUT', profileUrl(), {
      name: 'issuer',
      credentialSigning: { url: 'http://signer.example.com/' },
    });
    expect([plainHttp.status, plainHttp.body.code]).toEqual([400, 'INVALID_DATA']);
    expect(plainHttp.body.details).toEqual([
      { code: 'INVALID_VALUE', target: 'credentialSigning.url', message: expect.stringMatching(/HTTPS/) },
    ]);
    const keys = `${ORIGIN}/v1/environments/${fixtures.environmentId}/credentialSigningKeys`;
    const missingJwk = await send('POST', keys, { enabled: true });
    expect(missingJwk.body).toMatchObject({
      code: 'INVALID_DATA',
      details: [{ code: 'REQUIRED_VALUE', target: 'jwk' }],
    });
    const registered = (await send('GET', keys)).body._embedded.credentialSigningKeys[0];
    const duplicate = await send('POST', keys, { enabled: true, jwk: registered.jwk });
    expect(duplicate.body).toMatchObject({
      code: 'INVALID_DATA',
      details: [{ code: 'UNIQUENESS_VIOLATION', target: 'jwk.kid' }],
    });
    const unknownKey = await send('GET', `${keys}/3c1e5b7a-9d2f-4a6c-8e0b-1f3a5c7e9d2b`);
    expect([unknownKey.status, unknownKey.body.code]).toEqual([404, 'NOT_FOUND']);
    for (const answer of [
      noToken,
      otherEnvironment,
      notJson,
      noName,
      plainHttp,
      missingJwk,
      duplicate,
      unknownKey,
    ]) {
      expect(vendorSpec('pingone').validateSchema('P1Error', answer.body).errors).toEqual([]);
      for (const detail of answer.body.details ?? [])
        expect(vendorSpec('pingone').validateSchema('P1Error_details_inner', detail).errors).toEqual([]);
    }
  });

  it.each([
    ['POST', 'credentialIssuerProfile'],
    ['DELETE', 'credentialIssuerProfile'],
    ['GET', 'credentialTypes'],
    ['POST', 'users/5e1a/credentials'],
  ])(
    'answers %s %s, which it does not emulate, with a P1Error 404 naming what it does',
    async (method, path) => {
      const url = `${ORIGIN}/v1/environments/${fixtures.environmentId}/${path}`;
      const answer = await send(method, url, method === 'GET' ? undefined : {});
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('NOT_FOUND');
      expect(answer.body.message).toContain(`does not emulate ${method} /v1/environments/`);
      expect(answer.body.message).toContain('GET /v1/environments/{envID}/credentialIssuerProfile');
      expect(answer.body.message).toContain('POST /v1/environments/{envID}/credentialSigningKeys');
    },
  );

  it('answers outside the environments tree in P1Error shape too', async () => {
    const answer = await send('GET', `${ORIGIN}/v1/organizations`);
    expect([answer.status, answer.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('has a spec check that fails on an answer off the spec (it cannot pass vacuously)', async () => {
    const offShape = new Response(JSON.stringify({ error: 'nope' }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
    await expect(
      expectPingOneSpecAnswer('GET', `${ORIGIN}/v1/environments/e/credentialIssuerProfile`, offShape),
    ).rejects.toThrow(/id, code and message/);
    const wrongTypes = new Response(JSON.stringify({ id: 1, code: 2, message: 3 }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
    await expect(
      expectPingOneSpecAnswer('GET', `${ORIGIN}/v1/environments/e/credentialIssuerProfile`, wrongTypes),
    ).rejects.toThrow(/P1Error/);
    const profileWithoutName = new Response(JSON.stringify({ id: 'x' }), { status: 200 });
    await expect(
      expectPingOneSpecAnswer(
        'GET',
        `${ORIGIN}/v1/environments/e/credentialIssuerProfile`,
        profileWithoutName,
      ),
    ).rejects.toThrow(/answered 200/);
  });
});

/** `X-PINGID-Signature` checked with node:crypto alone: HS256 under the decoded API key over `{data: hex SHA-256}`. */
function nodeVerifies(signature: string | null, body: string, apiKey: string): boolean {
  const [header = '', payload = '', mac = ''] = (signature ?? '').split('.');
  const expected = createHmac('sha256', Buffer.from(apiKey, 'base64'))
    .update(`${header}.${payload}`)
    .digest();
  const given = Buffer.from(mac, 'base64url');
  return (
    given.length === expected.length &&
    timingSafeEqual(given, expected) &&
    JSON.parse(Buffer.from(payload, 'base64url').toString()).data ===
      createHash('sha256').update(body).digest('hex')
  );
}

describe('PingID mock signature headers and error shape', () => {
  let mock: MockServer;
  let fixtures: PingIdCredentials & { applicationId: string };
  const PINGID_ORIGIN = 'http://127.0.0.1:9104';
  const signed = async (method: string, path: string) => {
    const url = `${PINGID_ORIGIN}${path}`;
    const response = await mock.app.request(url, {
      method,
      headers: { authorization: buildAuthorizationHeader({ method, url }, fixtures) },
    });
    return { response, text: await response.text() };
  };

  beforeEach(async () => {
    mock = createPingIdMock({ seed: 'ping-fidelity' });
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as typeof fixtures;
  });

  it('sends the signature under X-PINGID-Signature and the SDK sample’s X-PINGID-Singature, same value', async () => {
    const user = `/pingid/v1/accounts/${fixtures.accountId}/applications/${fixtures.applicationId}/users/tom`;
    for (const [path, status] of [
      [user, 200],
      [`${user}x-nobody`, 404],
    ] as const) {
      const { response, text } = await signed('GET', path);
      expect(response.status).toBe(status);
      const documented = response.headers.get('X-PINGID-Signature');
      // What PingID's SDK sample reads (seed 004 verifyResponse): it fails when this header is missing.
      const sample = response.headers.get('X-PINGID-Singature');
      expect(sample).not.toBeNull();
      expect(sample).toBe(documented);
      expect(nodeVerifies(sample, text, fixtures.apiKey)).toBe(true);
    }
    // A 401 (bad authorization) is signed under both names too.
    const refused = await mock.app.request(`${PINGID_ORIGIN}${user}`, {
      headers: { authorization: 'PINGID-HMAC=x' },
    });
    const text = await refused.text();
    expect(refused.status).toBe(401);
    expect(nodeVerifies(refused.headers.get('X-PINGID-Singature'), text, fixtures.apiKey)).toBe(true);
    expect(refused.headers.get('X-PINGID-Singature')).toBe(refused.headers.get('X-PINGID-Signature'));
  });

  it('answers requests it does not emulate with PingID’s 404 {id, code, message, target, details}, signed', async () => {
    const path = `/pingid/v1/accounts/${fixtures.accountId}/reports`;
    const { response, text } = await signed('GET', path);
    expect(response.status).toBe(404);
    const body = JSON.parse(text);
    expect(pingIdErrorSchema.parse(body)).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      code: 'NOT_FOUND',
      target: path,
      details: [],
    });
    expect(body.message).toContain(`does not emulate GET ${path}`);
    expect(body.message).toContain(
      'GET /pingid/v1/accounts/{accountId}/applications/{applicationId}/users/{userName}',
    );
    expect(nodeVerifies(response.headers.get('X-PINGID-Singature'), text, fixtures.apiKey)).toBe(true);
  });

  it('works with the protocols client, which reads either header', async () => {
    const client = createPingIdClient({
      baseUrl: PINGID_ORIGIN,
      credentials: fixtures,
      fetch: inProcessFetch(mock),
    });
    const answer = await client.request(
      'GET',
      `/pingid/v1/accounts/${fixtures.accountId}/applications/${fixtures.applicationId}/users/tom`,
    );
    expect(answer.body).toMatchObject({ userName: 'tom' });
  });
});
