import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFortanixClient, type FortanixClientOptions, fortanixApiKey } from '../src/fortanix/index.js';
import { createFortanixStub, type FortanixStubOptions } from './stubs/fortanix-stub.js';

const DSM = 'https://dsm.test';
const APP_ID = '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84';
const API_KEY = fortanixApiKey(APP_ID, 'app-secret');
const KID = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const message = Buffer.from('artifact bytes');

function setup(
  options: Partial<FortanixClientOptions> = {},
  lifetimeSeconds = 600,
  stubOptions: Partial<FortanixStubOptions> = {},
) {
  const clock = { now: 1_700_000_000_000 };
  const stub = createFortanixStub({
    apiKey: API_KEY,
    appId: APP_ID,
    now: () => clock.now,
    lifetimeSeconds,
    kid: KID,
    privateKey,
    ...stubOptions,
  });
  const client = createFortanixClient({
    baseUrl: DSM,
    apiKey: API_KEY,
    fetch: stub.fetch,
    now: () => clock.now,
    ...options,
  });
  return { clock, stub, client };
}

const signItem = { key: { kid: KID }, hash_alg: 'SHA256', data: message.toString('base64') } as const;

describe('Fortanix client: session', () => {
  it('authenticates with Basic app credentials and signs with the Bearer token', async () => {
    const { stub, client } = setup();
    const response = await client.sign(signItem);
    expect(verify('sha256', message, publicKey, Buffer.from(response.signature, 'base64'))).toBe(true);
    expect(response.kid).toBe(KID);
    expect(stub.requests.map((entry) => entry.path)).toEqual(['/sys/v1/session/auth', '/crypto/v1/sign']);
    expect(stub.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${APP_ID}:app-secret`).toString('base64')}`,
    );
    expect(stub.requests[1]?.authorization).toMatch(/^Bearer [0-9a-f-]{36}$/);
  });

  it('reuses the session, and refreshes it before it expires', async () => {
    const { clock, stub, client } = setup({ refreshMarginSeconds: 30 }, 600);
    await client.sign(signItem);
    clock.now += 500_000;
    await client.sign(signItem);
    clock.now += 75_000; // 25 s before expiry: inside the margin
    await client.sign(signItem);
    expect(stub.requests.map((entry) => entry.path)).toEqual([
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
      '/crypto/v1/sign',
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
    ]);
    expect(stub.requests[4]?.authorization).not.toBe(stub.requests[1]?.authorization);
  });

  it('opens one session for concurrent calls', async () => {
    const { stub, client } = setup();
    await Promise.all([client.sign(signItem), client.sign(signItem), client.sign(signItem)]);
    expect(stub.requests.filter((entry) => entry.path === '/sys/v1/session/auth')).toHaveLength(1);
  });

  it('renews once when DSM drops the token early', async () => {
    const { stub, client } = setup();
    await client.sign(signItem);
    stub.tokens.clear();
    await client.sign(signItem);
    expect(stub.requests.map((entry) => entry.path)).toEqual([
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
      '/crypto/v1/sign',
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
    ]);
  });

  it('maps rejected credentials to ERR_FORTANIX_HTTP 401 with the plain-text message', async () => {
    const { client } = setup({ apiKey: fortanixApiKey(APP_ID, 'wrong') });
    await expect(client.sign(signItem)).rejects.toMatchObject({
      name: 'ProtocolError',
      code: 'ERR_FORTANIX_HTTP',
      status: 401,
      vendorMessage: 'Invalid credentials',
    });
  });
});

describe('Fortanix client: crypto calls', () => {
  it('verifies, and batch signs and verifies in request order', async () => {
    const { client } = setup();
    const signed = await client.sign(signItem);
    expect(await client.verify({ ...signItem, signature: signed.signature })).toEqual({
      kid: KID,
      result: true,
    });

    const other = '00000000-0000-4000-8000-000000000000';
    const batch = await client.batchSign([
      signItem,
      { ...signItem, key: { kid: other } },
      { ...signItem, hash: 'AAAA' },
    ]);
    expect(batch.map((item) => item.status)).toEqual([200, 404, 400]);
    expect(batch[1]).toEqual({ status: 404, error: 'sobject does not exist' });
    expect(batch[2]).toEqual({ status: 400, error: 'exactly one of hash and data must be given' });
    const first = batch[0];
    if (first === undefined || !('body' in first)) throw new Error('first item failed');
    const verified = await client.batchVerify([
      { ...signItem, signature: first.body.signature },
      { ...signItem, data: Buffer.from('tampered').toString('base64'), signature: first.body.signature },
    ]);
    expect(verified).toEqual([
      { status: 200, body: { kid: KID, result: true } },
      { status: 200, body: { kid: KID, result: false } },
    ]);
  });

  it('maps a plain-text 404 to ERR_FORTANIX_HTTP with the vendor message', async () => {
    const { client } = setup();
    await expect(
      client.sign({ ...signItem, key: { kid: '00000000-0000-4000-8000-000000000000' } }),
    ).rejects.toMatchObject({
      code: 'ERR_FORTANIX_HTTP',
      status: 404,
      vendorMessage: 'sobject does not exist',
    });
  });

  it('refuses a batch answer of the wrong length or shape', async () => {
    const rewrites = [
      (answer: unknown[]) => answer.slice(0, 1),
      (answer: unknown[]) => answer.map(() => ({ status: 200, body: { kid: KID } })),
    ];
    for (const rewrite of rewrites) {
      const { stub, client } = setup({}, 600, {
        rewriteAnswer: (path, body) =>
          path === '/crypto/v1/keys/batch/sign' ? rewrite(body as unknown[]) : body,
      });
      await expect(client.batchSign([signItem, signItem])).rejects.toMatchObject({
        code: 'ERR_FORTANIX_RESPONSE',
      });
      expect(stub.requests.map((entry) => entry.path)).toEqual([
        '/sys/v1/session/auth',
        '/crypto/v1/keys/batch/sign',
      ]);
    }
  });

  it('checks request bodies before sending them', async () => {
    const { stub, client } = setup();
    await expect(client.sign({ ...signItem, hash_alg: 'SHA-256' } as never)).rejects.toThrow(/hash_alg/);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('Fortanix client: keys and session end', () => {
  it('looks a key up by kid or by name with POST /crypto/v1/keys/info, as the Go client does', async () => {
    const { stub, client } = setup();
    const byKid = await client.lookupKey({ kid: KID });
    expect(byKid).toEqual(stub.sobject);
    expect(byKid).toMatchObject({
      kid: KID,
      name: 'release key',
      obj_type: 'EC',
      elliptic_curve: 'NistP256',
    });
    expect(await client.lookupKey({ name: 'release key' })).toEqual(stub.sobject);
    expect(stub.requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'POST /sys/v1/session/auth',
      'POST /crypto/v1/keys/info',
      'POST /crypto/v1/keys/info',
    ]);
    // The Sobject's pub_key is the key that signs.
    const signed = await client.sign(signItem);
    expect(
      verify(
        'sha256',
        message,
        { key: Buffer.from(byKid.pub_key ?? '', 'base64'), format: 'der', type: 'spki' },
        Buffer.from(signed.signature, 'base64'),
      ),
    ).toBe(true);
  });

  it("maps an unknown key to ERR_FORTANIX_HTTP 404 with DSM's message", async () => {
    const { client } = setup();
    const missing = { code: 'ERR_FORTANIX_HTTP', status: 404, vendorMessage: 'sobject does not exist' };
    await expect(client.lookupKey({ kid: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject(
      missing,
    );
    await expect(client.lookupKey({ name: 'no such key' })).rejects.toMatchObject(missing);
  });

  it('checks descriptors before sending them', async () => {
    const { stub, client } = setup();
    await expect(client.lookupKey({ kid: KID, name: 'release key' } as never)).rejects.toThrow(/exactly one/);
    await expect(client.lookupKey({ kid: '' } as never)).rejects.toThrow(/kid/);
    expect(stub.requests).toHaveLength(0);
  });

  it('lists keys as an array or as {metadata, items}, with the filters as query parameters', async () => {
    const { stub, client } = setup();
    expect(await client.listKeys()).toEqual({ items: [stub.sobject], metadata: undefined });
    expect(await client.listKeys({ name: 'release key', with_metadata: true })).toEqual({
      items: [stub.sobject],
      metadata: { total_count: 1, filtered_count: 1 },
    });
    expect(await client.listKeys({ name: 'other key' })).toEqual({ items: [], metadata: undefined });
    expect(stub.requests.slice(1).map((entry) => entry.path)).toEqual([
      '/crypto/v1/keys',
      '/crypto/v1/keys',
      '/crypto/v1/keys',
    ]);
  });

  it('refuses a Sobject DSM would not send with ERR_FORTANIX_RESPONSE', async () => {
    const { client } = setup({}, 600, {
      rewriteAnswer: (path, body) =>
        path === '/crypto/v1/keys/info' ? { ...(body as object), created_at: 'yesterday' } : body,
    });
    await expect(client.lookupKey({ kid: KID })).rejects.toMatchObject({ code: 'ERR_FORTANIX_RESPONSE' });
  });

  it('ends the session; the next call opens a new one; ending no session sends nothing', async () => {
    const { stub, client } = setup();
    await client.terminate();
    expect(stub.requests).toHaveLength(0);
    await client.lookupKey({ kid: KID });
    const [token] = stub.tokens.keys();
    await client.terminate();
    expect(stub.tokens.has(token as string)).toBe(false);
    await client.lookupKey({ kid: KID });
    expect(stub.requests.map((entry) => entry.path)).toEqual([
      '/sys/v1/session/auth',
      '/crypto/v1/keys/info',
      '/sys/v1/session/terminate',
      '/sys/v1/session/auth',
      '/crypto/v1/keys/info',
    ]);
    expect(stub.requests[2]?.authorization).toBe(`Bearer ${token}`);
  });

  it('maps a failed session end to ERR_FORTANIX_HTTP, and forgets the session anyway', async () => {
    const { stub } = setup();
    const failing = createFortanixClient({
      baseUrl: DSM,
      apiKey: API_KEY,
      fetch: async (input, init) =>
        String(input).endsWith('/sys/v1/session/terminate')
          ? new Response('DSM is down', { status: 503 })
          : stub.fetch(input, init),
    });
    await failing.authenticate();
    await expect(failing.terminate()).rejects.toMatchObject({
      code: 'ERR_FORTANIX_HTTP',
      status: 503,
      vendorMessage: 'DSM is down',
    });
    await failing.lookupKey({ kid: KID });
    expect(stub.requests.filter((entry) => entry.path === '/sys/v1/session/auth')).toHaveLength(2);
  });

  it('treats a session DSM already ended as ended', async () => {
    const { stub, client } = setup();
    await client.authenticate();
    stub.tokens.clear();
    await expect(client.terminate()).resolves.toBeUndefined();
  });
});

describe('Fortanix stub', () => {
  it('refuses what the schemas refuse with a plain-text 400 naming the field, and expired tokens with 401', async () => {
    const { clock, stub, client } = setup({}, 60);
    const session = await client.authenticate();
    const post = (body: unknown) =>
      stub.app.request('/crypto/v1/sign', {
        method: 'POST',
        headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ ...signItem, hash_alg: 'SHA-256' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await bad.text()).toMatch(/^Invalid request body: hash_alg: /);
    expect((await post(signItem)).status).toBe(200);
    clock.now += 60_000;
    const expired = await post(signItem);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toBe('Unauthorized: session expired');
  });
});
