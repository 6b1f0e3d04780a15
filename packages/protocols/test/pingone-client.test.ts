import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPingOneClient,
  type PingOneIssuerProfile,
  type PingOneSigningKey,
  pingOneCreateSigningKeyRequestSchema,
  pingOneIssuerProfileSchema,
  pingOneUpdateSigningKeyRequestSchema,
} from '../src/pingone/index.js';

const BASE = 'https://api.pingone.test/v1';
const ENV = 'abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6';
const TOKEN = 'worker-access-token';
const jwk = {
  kid: 'issuer-ec',
  kty: 'EC',
  alg: 'ES256',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

const pingOneError = (status: number, code: string, message: string, details?: unknown[]) =>
  Response.json({ id: randomUUID(), code, message, ...(details ? { details } : {}) }, { status });

/** A small in-process PingOne: the credential signing key and issuer profile routes, Bearer auth, PingOne errors. */
function pingOneStub() {
  const requests: { method: string; path: string; authorization: string | null; body: unknown }[] = [];
  const keys = new Map<string, PingOneSigningKey>();
  let profile: PingOneIssuerProfile = {
    id: randomUUID(),
    name: 'Example Issuer',
    applicationInstance: { id: randomUUID() },
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const text = await request.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    requests.push({
      method: request.method,
      path,
      authorization: request.headers.get('authorization'),
      body,
    });
    if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) {
      return pingOneError(
        401,
        'ACCESS_FAILED',
        'The request could not be completed. You do not have access to this resource.',
      );
    }
    const prefix = `/v1/environments/${ENV}`;
    const route = `${request.method} ${path.startsWith(prefix) ? path.slice(prefix.length) : path}`;
    if (route === 'POST /credentialSigningKeys') {
      const parsed = pingOneCreateSigningKeyRequestSchema.safeParse(body);
      if (!parsed.success) {
        return pingOneError(
          400,
          'INVALID_DATA',
          'The request could not be completed. One or more validation errors were in the request.',
          [
            {
              code: 'INVALID_VALUE',
              target: parsed.error.issues[0]?.path.join('.'),
              message: parsed.error.issues[0]?.message,
            },
          ],
        );
      }
      const key = {
        ...parsed.data,
        id: randomUUID(),
        createdAt: '2025-01-01T00:00:00.000Z',
        environment: { id: ENV },
      };
      keys.set(key.id, key);
      return Response.json(key, { status: 201 });
    }
    const keyRoute = /^PUT \/credentialSigningKeys\/([^/]+)$/.exec(route);
    if (keyRoute) {
      const existing = keys.get(keyRoute[1] ?? '');
      if (existing === undefined)
        return pingOneError(404, 'NOT_FOUND', 'Unable to find credential signing key');
      const update = pingOneUpdateSigningKeyRequestSchema.parse(body);
      const updated = { ...existing, ...update, jwk: existing.jwk };
      keys.set(existing.id, updated);
      return Response.json(updated);
    }
    if (route === 'GET /credentialIssuerProfile') return Response.json(profile);
    if (route === 'PUT /credentialIssuerProfile') {
      const parsed = pingOneIssuerProfileSchema.safeParse(body);
      if (!parsed.success) return pingOneError(400, 'INVALID_DATA', 'credentialSigning.url must be HTTPS');
      profile = parsed.data;
      return Response.json(profile);
    }
    return pingOneError(404, 'NOT_FOUND', 'The requested resource was not found.');
  };
  return { fetch, requests, keys };
}

describe('PingOne client', () => {
  it('registers, disables and renames a signing key', async () => {
    const stub = pingOneStub();
    const client = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: TOKEN,
      fetch: stub.fetch,
    });
    const created = await client.createCredentialSigningKey({ enabled: true, jwk, name: 'issuer key' });
    expect(created).toMatchObject({ enabled: true, jwk, name: 'issuer key' });
    expect(stub.keys.has(created.id)).toBe(true);
    const updated = await client.updateCredentialSigningKey(created.id, { enabled: false, name: 'retired' });
    expect(updated).toMatchObject({ id: created.id, enabled: false, name: 'retired', jwk });
    expect(stub.requests.map(({ method, path, authorization }) => ({ method, path, authorization }))).toEqual(
      [
        {
          method: 'POST',
          path: `/v1/environments/${ENV}/credentialSigningKeys`,
          authorization: `Bearer ${TOKEN}`,
        },
        {
          method: 'PUT',
          path: `/v1/environments/${ENV}/credentialSigningKeys/${created.id}`,
          authorization: `Bearer ${TOKEN}`,
        },
      ],
    );
    expect(stub.requests[0]?.body).toEqual({ enabled: true, jwk, name: 'issuer key' });
  });

  it('points the issuer profile at a signing URL, keeping the members it does not know', async () => {
    const stub = pingOneStub();
    const client = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: async () => TOKEN,
      fetch: stub.fetch,
    });
    const profile = await client.getCredentialIssuerProfile();
    const updated = await client.updateCredentialIssuerProfile({
      ...profile,
      credentialSigning: {
        url: 'https://sigil.example.com/pingone/credential-signing',
        headers: { 'X-Sigil-Token': 's3cret' },
      },
    });
    expect(updated.credentialSigning?.headers).toEqual({ 'X-Sigil-Token': 's3cret' });
    expect(updated.applicationInstance).toEqual(profile.applicationInstance);
    expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1/environments/${ENV}/credentialIssuerProfile`,
      `PUT /v1/environments/${ENV}/credentialIssuerProfile`,
    ]);
  });

  it('maps PingOne errors to ERR_PINGONE_HTTP with status and message', async () => {
    const stub = pingOneStub();
    const denied = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: 'expired',
      fetch: stub.fetch,
    });
    await expect(denied.getCredentialIssuerProfile()).rejects.toMatchObject({
      name: 'ProtocolError',
      code: 'ERR_PINGONE_HTTP',
      status: 401,
      vendorMessage: 'The request could not be completed. You do not have access to this resource.',
    });
    const client = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: TOKEN,
      fetch: stub.fetch,
    });
    const missing = client.updateCredentialSigningKey('00000000-0000-4000-8000-000000000000', {
      enabled: true,
    });
    await expect(missing).rejects.toMatchObject({
      code: 'ERR_PINGONE_HTTP',
      status: 404,
      vendorMessage: 'Unable to find credential signing key',
    });
    await expect(missing).rejects.toThrow(/NOT_FOUND/);
  });

  it('checks request bodies first, and maps an unexpected 2xx body to ERR_PINGONE_RESPONSE', async () => {
    const stub = pingOneStub();
    const client = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: TOKEN,
      fetch: stub.fetch,
    });
    await expect(
      client.createCredentialSigningKey({ enabled: true, jwk: { ...jwk, d: 'private' } }),
    ).rejects.toThrow(/jwk/);
    await expect(
      client.updateCredentialIssuerProfile({ credentialSigning: { url: 'http://insecure.example.com' } }),
    ).rejects.toThrow(/HTTPS/);
    expect(stub.requests).toHaveLength(0);
    const odd = createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: TOKEN,
      fetch: async () => Response.json({ enabled: true }, { status: 201 }),
    });
    await expect(odd.createCredentialSigningKey({ enabled: true, jwk })).rejects.toMatchObject({
      code: 'ERR_PINGONE_RESPONSE',
      status: 201,
    });
  });
});
