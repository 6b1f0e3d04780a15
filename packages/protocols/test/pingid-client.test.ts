import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  buildResponseSignature,
  createMemoryReplayStore,
  createPingIdClient,
  PINGID_SIGNATURE_HEADERS,
  type PingIdCredentials,
  responseSignatureHeaders,
  responseSignatureOf,
  verifyAuthorizationHeader,
} from '../src/pingid/index.js';

const credentials: PingIdCredentials = {
  accountId: '130d6e82-df53-43d7-bc0b-0ffe03133f11',
  token: 'account-token',
  apiKey: randomBytes(32).toString('base64'),
};
const BASE = 'https://sdk.pingid.test';
const USERS = `/pingid/v1/accounts/${credentials.accountId}/applications/app-1/users`;

/** A small PingID stub: checks PINGID-HMAC like the real service and signs every response body. */
/** Which response signature headers the stub sends (seed 004: the docs' spelling, the SDK sample's, or both). */
type SignatureHeaders = 'documented' | 'sample' | 'both' | 'disagree' | 'none';

function createPingIdStub(
  mode: { corruptSignature?: boolean; signWith?: string; headers?: SignatureHeaders } = {},
) {
  const app = new Hono();
  const replayStore = createMemoryReplayStore();
  const users = new Map<string, { userName: string; status: string }>([
    ['tom', { userName: 'tom', status: 'ACTIVE' }],
  ]);
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    let signature = buildResponseSignature(text, mode.signWith ?? credentials.apiKey);
    if (mode.corruptSignature) signature = `${signature.slice(0, -4)}AAAA`;
    const headers = new Headers({ 'content-type': 'application/json' });
    const sent = mode.headers ?? 'documented';
    if (sent === 'documented' || sent === 'both' || sent === 'disagree')
      headers.set('X-PINGID-Signature', signature);
    if (sent === 'sample' || sent === 'both') headers.set('X-PINGID-Singature', signature);
    // Another valid signature (over another body): each header verifies on its own terms, they just disagree.
    if (sent === 'disagree')
      headers.set('X-PINGID-Singature', buildResponseSignature('{}', credentials.apiKey));
    return new Response(text, { status, headers });
  };
  app.use('/pingid/v1/*', async (c, next) => {
    const body = c.req.method === 'GET' || c.req.method === 'DELETE' ? undefined : await c.req.text();
    try {
      await verifyAuthorizationHeader(
        c.req.header('authorization'),
        { method: c.req.method, url: c.req.url, body },
        {
          credentialsFor: (accountId) => (accountId === credentials.accountId ? credentials : undefined),
          replayStore,
        },
      );
    } catch (error) {
      return send(401, {
        code: 'UNAUTHORIZED',
        message: (error as Error).message,
        target: 'authorization',
        details: [],
      });
    }
    await next();
  });
  app.get(`${USERS}/:userName`, (c) => {
    const user = users.get(c.req.param('userName'));
    return user
      ? send(200, user)
      : send(404, { code: 'NOT_FOUND', message: 'user not found', target: 'userName', details: [] });
  });
  app.post(USERS.replace('/applications/app-1', ''), async (c) => {
    const body = (await c.req.json()) as { userName: string };
    users.set(body.userName, { userName: body.userName, status: 'ACTIVE' });
    return send(201, users.get(body.userName));
  });
  return app;
}

function clientFor(app: Hono, overrides: Partial<PingIdCredentials> = {}) {
  return createPingIdClient({
    baseUrl: BASE,
    credentials: { ...credentials, ...overrides },
    fetch: (input, init) => Promise.resolve(app.fetch(new Request(input, init))),
  });
}

describe('PingID response signature headers (both spellings)', () => {
  it('names both headers in one place and reads either, preferring the documented one', () => {
    expect(PINGID_SIGNATURE_HEADERS).toEqual(['X-PINGID-Signature', 'X-PINGID-Singature']);
    expect(responseSignatureHeaders('jwt')).toEqual({
      'X-PINGID-Signature': 'jwt',
      'X-PINGID-Singature': 'jwt',
    });
    expect(responseSignatureOf(new Headers({ 'x-pingid-signature': 'a' }))).toBe('a');
    expect(responseSignatureOf(new Headers({ 'x-pingid-singature': 'b' }))).toBe('b');
    expect(responseSignatureOf(new Headers({ 'x-pingid-signature': 'c', 'x-pingid-singature': 'c' }))).toBe(
      'c',
    );
    expect(responseSignatureOf(new Headers())).toBeUndefined();
    expect(() =>
      responseSignatureOf(new Headers({ 'x-pingid-signature': 'c', 'x-pingid-singature': 'd' })),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_PINGID_RESPONSE_SIGNATURE',
        message: expect.stringMatching(/disagree/),
      }),
    );
  });

  it.each(['documented', 'sample', 'both'] as const)(
    'verifies an answer signed under %s header(s)',
    async (headers) => {
      const answer = await clientFor(createPingIdStub({ headers })).request('GET', `${USERS}/tom`);
      expect(answer.body).toEqual({ userName: 'tom', status: 'ACTIVE' });
    },
  );

  it('refuses an answer whose two headers disagree, and one with neither', async () => {
    await expect(
      clientFor(createPingIdStub({ headers: 'disagree' })).request('GET', `${USERS}/tom`),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_RESPONSE_SIGNATURE' });
    await expect(
      clientFor(createPingIdStub({ headers: 'none' })).request('GET', `${USERS}/tom`),
    ).rejects.toMatchObject({ code: 'ERR_PINGID_RESPONSE_SIGNATURE' });
  });
});

describe('PingID client against a hono stub', () => {
  it('signs a GET with a query string and verifies the signed response', async () => {
    const response = await clientFor(createPingIdStub()).request('GET', `${USERS}/tom?expand=devices`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ userName: 'tom', status: 'ACTIVE' });
  });

  it('signs a POST body', async () => {
    const client = clientFor(createPingIdStub());
    const created = await client.request('POST', `/pingid/v1/accounts/${credentials.accountId}/users`, {
      userName: 'ann',
    });
    expect(created).toMatchObject({ status: 201, body: { userName: 'ann' } });
  });

  it('maps an error status to a typed error with PingID’s message', async () => {
    await expect(clientFor(createPingIdStub()).request('GET', `${USERS}/nobody`)).rejects.toMatchObject({
      code: 'ERR_PINGID_HTTP',
      status: 404,
      vendorMessage: 'user not found',
    });
  });

  it('fails with a typed error when the response signature is wrong or made with another key', async () => {
    await expect(
      clientFor(createPingIdStub({ corruptSignature: true })).request('GET', `${USERS}/tom`),
    ).rejects.toMatchObject({
      code: 'ERR_PINGID_RESPONSE_SIGNATURE',
    });
    const other = randomBytes(32).toString('base64');
    await expect(
      clientFor(createPingIdStub({ signWith: other })).request('GET', `${USERS}/tom`),
    ).rejects.toMatchObject({
      code: 'ERR_PINGID_RESPONSE_SIGNATURE',
    });
  });

  it('is refused with 401 when it signs with the wrong API key (the 401 itself is still signed)', async () => {
    const app = createPingIdStub();
    const wrongKey = randomBytes(32).toString('base64');
    // The stub signs its 401 with the account's real key, so a client holding a wrong key cannot verify it either.
    await expect(clientFor(app, { apiKey: wrongKey }).request('GET', `${USERS}/tom`)).rejects.toMatchObject({
      code: 'ERR_PINGID_RESPONSE_SIGNATURE',
    });
    const response = await app.request(`${BASE}${USERS}/tom`);
    expect(response.status).toBe(401);
  });
});

describe('PingID client and a gateway in between', () => {
  it('reports an unsigned error status (a gateway 503) as a transport failure, not a bad signature', async () => {
    const client = createPingIdClient({
      baseUrl: BASE,
      credentials,
      fetch: async () => new Response('upstream unavailable', { status: 503 }),
    });
    await expect(client.request('GET', `${USERS}/tom`)).rejects.toMatchObject({
      code: 'ERR_PINGID_HTTP',
      status: 503,
      vendorMessage: 'upstream unavailable',
    });
  });

  it('still refuses an unsigned success', async () => {
    const client = createPingIdClient({
      baseUrl: BASE,
      credentials,
      fetch: async () => new Response('{"userName":"tom"}', { status: 200 }),
    });
    await expect(client.request('GET', `${USERS}/tom`)).rejects.toMatchObject({
      code: 'ERR_PINGID_RESPONSE_SIGNATURE',
    });
  });
});
