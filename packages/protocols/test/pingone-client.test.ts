import { describe, expect, it } from 'vitest';
import { createPingOneClient, type PingOneClientOptions } from '../src/pingone/index.js';
import { createPingOneStub, type PingOneStubOptions } from './stubs/pingone-stub.js';

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

function setup(client: Partial<PingOneClientOptions> = {}, stub: Partial<PingOneStubOptions> = {}) {
  const pingOne = createPingOneStub({ environmentId: ENV, accessToken: TOKEN, ...stub });
  return {
    stub: pingOne,
    client: createPingOneClient({
      baseUrl: BASE,
      environmentId: ENV,
      accessToken: TOKEN,
      fetch: pingOne.fetch,
      ...client,
    }),
  };
}

describe('PingOne client', () => {
  it('registers, disables and renames a signing key', async () => {
    const { stub, client } = setup();
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
    expect(stub.requests[1]?.body).toEqual({ enabled: false, name: 'retired' });
  });

  it('points the issuer profile at a signing URL, keeping the members it does not know', async () => {
    const { stub, client } = setup(
      { accessToken: async () => TOKEN },
      {
        profile: {
          id: 'c1f7e4a0-5b2d-4c3e-9f8a-7b6c5d4e3f21',
          name: 'Example Issuer',
          applicationInstance: { id: 'a1' },
          pageContent: { logoImage: 'https://example.com/logo.png' },
        },
      },
    );
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
    expect(updated.pageContent).toEqual({ logoImage: 'https://example.com/logo.png' });
    expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1/environments/${ENV}/credentialIssuerProfile`,
      `PUT /v1/environments/${ENV}/credentialIssuerProfile`,
    ]);
    expect(stub.requests[1]?.body).toMatchObject({
      pageContent: { logoImage: 'https://example.com/logo.png' },
    });
  });

  it('maps PingOne errors to ERR_PINGONE_HTTP with status and message', async () => {
    const { stub, client } = setup();
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
    const missing = client.updateCredentialSigningKey('00000000-0000-4000-8000-000000000000', {
      enabled: true,
    });
    await expect(missing).rejects.toMatchObject({
      code: 'ERR_PINGONE_HTTP',
      status: 404,
      vendorMessage: 'Unable to find credential signing key',
    });
    await expect(missing).rejects.toThrow(/NOT_FOUND/);
    const otherEnvironment = createPingOneClient({
      baseUrl: BASE,
      environmentId: '00000000-0000-4000-8000-000000000000',
      accessToken: TOKEN,
      fetch: stub.fetch,
    });
    await expect(otherEnvironment.getCredentialIssuerProfile()).rejects.toMatchObject({
      code: 'ERR_PINGONE_HTTP',
      status: 404,
      vendorMessage: 'The requested resource was not found.',
    });
  });

  it('checks request bodies first, and maps an unexpected 2xx body to ERR_PINGONE_RESPONSE', async () => {
    const { stub, client } = setup();
    await expect(
      client.createCredentialSigningKey({ enabled: true, jwk: { ...jwk, d: 'private' } }),
    ).rejects.toThrow(/jwk/);
    await expect(
      client.updateCredentialIssuerProfile({ credentialSigning: { url: 'http://insecure.example.com' } }),
    ).rejects.toThrow(/HTTPS/);
    expect(stub.requests).toHaveLength(0);
    const odd = setup({}, { rewriteAnswer: () => ({ enabled: true }) });
    await expect(odd.client.createCredentialSigningKey({ enabled: true, jwk })).rejects.toMatchObject({
      code: 'ERR_PINGONE_RESPONSE',
      status: 201,
    });
    expect(odd.stub.requests).toHaveLength(1);
  });

  it("has a stub that refuses what the schemas refuse, in PingOne's error shape", async () => {
    const { stub } = setup();
    const response = await stub.app.request(`/v1/environments/${ENV}/credentialSigningKeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, jwk: { ...jwk, d: 'private' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'INVALID_DATA',
      details: [{ code: 'INVALID_VALUE', target: 'jwk.d' }],
    });
    expect(stub.keys.size).toBe(0);
  });
});
