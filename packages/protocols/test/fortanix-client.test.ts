import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/errors.js';
import {
  createFortanixClient,
  type FortanixClientOptions,
  fortanixApiKey,
  fortanixBatchSignRequestSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixSignBody,
  fortanixSignRequestSchema,
  runFortanixBatch,
  validateFortanixSignItem,
  validateFortanixVerifyItem,
} from '../src/fortanix/index.js';

const DSM = 'https://dsm.test';
const APP_ID = '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84';
const API_KEY = fortanixApiKey(APP_ID, 'app-secret');
const KID = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const message = Buffer.from('artifact bytes');

/**
 * A small in-process DSM: Basic app credentials at /sys/v1/session/auth give a Bearer token valid `lifetimeSeconds`
 * on the stub's clock; crypto routes need a live token; errors are plain text, as DSM sends them. One P-256 key.
 */
function dsmStub(clock: { now: number }, lifetimeSeconds = 600) {
  const log: { path: string; authorization: string | null }[] = [];
  const tokens = new Map<string, number>();
  const signOne = (body: unknown) => {
    const item = fortanixSignRequestSchema.parse(body);
    if (item.key === undefined || !('kid' in item.key) || item.key.kid !== KID) {
      throw new ProtocolError('ERR_FORTANIX_ITEM', 'sobject does not exist', { status: 404 });
    }
    const { input } = validateFortanixSignItem(item, { objType: 'EC', ellipticCurve: 'NistP256' });
    if (!('message' in input))
      throw new ProtocolError('ERR_FORTANIX_ITEM', 'this stub signs data only', { status: 400 });
    return fortanixSignBody(KID, new Uint8Array(sign('sha256', input.message, privateKey)));
  };
  const verifyOne = (body: unknown) => {
    const item = fortanixBatchVerifyRequestSchema.element.parse(body);
    const { input, signature } = validateFortanixVerifyItem(item, {
      objType: 'EC',
      ellipticCurve: 'NistP256',
    });
    return { kid: KID, result: 'message' in input && verify('sha256', input.message, publicKey, signature) };
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const authorization = request.headers.get('authorization');
    log.push({ path, authorization });
    if (request.method !== 'POST') return new Response('Method not allowed', { status: 405 });
    if (path === '/sys/v1/session/auth') {
      if (authorization !== `Basic ${API_KEY}`) return new Response('Invalid credentials', { status: 401 });
      const token = randomUUID();
      tokens.set(token, clock.now + lifetimeSeconds * 1000);
      return Response.json({
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        access_token: token,
        entity_id: APP_ID,
      });
    }
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    const expiry = tokens.get(token);
    if (expiry === undefined || expiry <= clock.now)
      return new Response('Unauthorized: session expired', { status: 401 });
    const body: unknown = await request.json();
    try {
      if (path === '/crypto/v1/sign') return Response.json(signOne(body));
      if (path === '/crypto/v1/verify') return Response.json(verifyOne(body));
      if (path === '/crypto/v1/keys/batch/sign') {
        return Response.json(await runFortanixBatch(fortanixBatchSignRequestSchema.parse(body), signOne));
      }
      if (path === '/crypto/v1/keys/batch/verify') {
        return Response.json(await runFortanixBatch(fortanixBatchVerifyRequestSchema.parse(body), verifyOne));
      }
    } catch (error) {
      if (error instanceof ProtocolError) return new Response(error.message, { status: error.status ?? 400 });
      return new Response(`Invalid request body: ${String(error)}`, { status: 400 });
    }
    return new Response('Not found', { status: 404 });
  };
  return { fetch, log, tokens };
}

function setup(options: Partial<FortanixClientOptions> = {}, lifetimeSeconds = 600) {
  const clock = { now: 1_700_000_000_000 };
  const stub = dsmStub(clock, lifetimeSeconds);
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
    expect(stub.log.map((entry) => entry.path)).toEqual(['/sys/v1/session/auth', '/crypto/v1/sign']);
    expect(stub.log[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${APP_ID}:app-secret`).toString('base64')}`,
    );
    expect(stub.log[1]?.authorization).toMatch(/^Bearer [0-9a-f-]{36}$/);
  });

  it('reuses the session, and refreshes it before it expires', async () => {
    const { clock, stub, client } = setup({ refreshMarginSeconds: 30 }, 600);
    await client.sign(signItem);
    clock.now += 500_000;
    await client.sign(signItem);
    clock.now += 75_000; // 25 s before expiry: inside the margin
    await client.sign(signItem);
    expect(stub.log.map((entry) => entry.path)).toEqual([
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
      '/crypto/v1/sign',
      '/sys/v1/session/auth',
      '/crypto/v1/sign',
    ]);
    expect(stub.log[4]?.authorization).not.toBe(stub.log[1]?.authorization);
  });

  it('opens one session for concurrent calls', async () => {
    const { stub, client } = setup();
    await Promise.all([client.sign(signItem), client.sign(signItem), client.sign(signItem)]);
    expect(stub.log.filter((entry) => entry.path === '/sys/v1/session/auth')).toHaveLength(1);
  });

  it('renews once when DSM drops the token early', async () => {
    const { stub, client } = setup();
    await client.sign(signItem);
    stub.tokens.clear();
    await client.sign(signItem);
    expect(stub.log.map((entry) => entry.path)).toEqual([
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
    const answers = [
      [{ status: 200, body: { kid: KID, signature: 'AA==' } }],
      [
        { status: 200, body: { kid: KID } },
        { status: 200, body: { kid: KID } },
      ],
    ];
    for (const answer of answers) {
      const client = createFortanixClient({
        baseUrl: DSM,
        apiKey: API_KEY,
        fetch: async (input) =>
          String(input).endsWith('/sys/v1/session/auth')
            ? Response.json({ token_type: 'Bearer', expires_in: 600, access_token: 't', entity_id: APP_ID })
            : Response.json(answer),
      });
      await expect(client.batchSign([signItem, signItem])).rejects.toMatchObject({
        code: 'ERR_FORTANIX_RESPONSE',
      });
    }
  });

  it('checks request bodies before sending them', async () => {
    const { stub, client } = setup();
    await expect(client.sign({ ...signItem, hash_alg: 'SHA-256' } as never)).rejects.toThrow(/hash_alg/);
    expect(stub.log).toHaveLength(0);
  });
});
