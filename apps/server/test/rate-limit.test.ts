// Limits: the per-token rate limit (429 with Retry-After, per token, in each surface's shape), the 1 MiB body limit
// (413) and the batch size limit (400 ERR_BATCH_TOO_LARGE).
import { buildAuthorizationHeader } from '@sigil/protocols/pingid';
import { describe, expect, it } from 'vitest';
import { rateLimit } from '../src/middleware/rate-limit.js';
import { startTestServer } from './helpers.js';

describe('per-token rate limit', () => {
  it('answers 429 with Retry-After once a token spends its burst, and refills at the rate', async () => {
    let clock = 0;
    const server = await startTestServer({ rateLimit: { requestsPerSecond: 2, burst: 3, now: () => clock } });
    const other = await server.call('POST', '/v1/tokens', { body: { name: 'other', scopes: ['sign'] } });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof server.call>> | undefined;
    // the admin token spent one of its 3 on POST /v1/tokens
    for (let i = 0; i < 3; i++) {
      const answer = await server.call('GET', '/v1/audit?limit=1');
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(limited?.body.error.code).toBe('ERR_RATE_LIMITED');

    // another token has its own bucket; requests without credentials are not limited here
    expect((await server.call('POST', '/v1/sign', { token: other.body.token, body: {} })).status).toBe(400);
    expect((await server.call('GET', '/healthz', { token: null })).status).toBe(200);

    clock += 500; // one token's worth at 2/s
    expect((await server.call('GET', '/v1/audit?limit=1')).status).toBe(200);
    expect((await server.call('GET', '/v1/audit?limit=1')).status).toBe(429);
    await server.sigil.close();
  });

  it('gives PingID-signed requests one bucket per account, though every request carries a new JWT', async () => {
    const clock = 0;
    const server = await startTestServer({ rateLimit: { requestsPerSecond: 2, burst: 2, now: () => clock } });
    const issued = await server.call('POST', '/v1/tokens', {
      body: { name: 'pingid', scopes: ['admin'], pingidHmac: true },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const url = 'http://sigil.test/v1/audit?limit=1';
      const authorization = buildAuthorizationHeader({ method: 'GET', url }, issued.body.pingid);
      statuses.push((await server.sigil.app.request(url, { headers: { authorization } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    await server.sigil.close();
  });

  it('speaks each surface: SignPath problem details and Fortanix plain text', async () => {
    // A still clock: on a busy machine a second may pass between two requests, and refill the bucket.
    const server = await startTestServer({ rateLimit: { requestsPerSecond: 1, burst: 1, now: () => 0 } });
    const headers = { authorization: 'Bearer some-signpath-token' };
    await server.call('GET', '/signpath/api/v1/org/Cryptoki/MySigningPolicies', { token: null, headers });
    const signPath = await server.call('GET', '/signpath/api/v1/org/Cryptoki/MySigningPolicies', {
      token: null,
      headers,
    });
    expect(signPath.status).toBe(429);
    expect(signPath.headers.get('content-type')).toContain('application/problem+json');
    expect(signPath.body).toMatchObject({
      title: 'Too Many Requests',
      status: 429,
      code: 'ERR_RATE_LIMITED',
    });
    const basic = { authorization: 'Basic YTpi' };
    await server.call('POST', '/fortanix/sys/v1/session/auth', { token: null, headers: basic });
    const fortanix = await server.call('POST', '/fortanix/sys/v1/session/auth', {
      token: null,
      headers: basic,
    });
    expect(fortanix.status).toBe(429);
    expect(fortanix.text).toMatch(/too many requests/);
    expect(Number(fortanix.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await server.sigil.close();
  });

  it('checks its options eagerly', () => {
    expect(() => rateLimit({ requestsPerSecond: 0 })).toThrow(TypeError);
    expect(() => rateLimit({ requestsPerSecond: 10, burst: 0 })).toThrow(TypeError);
  });
});

describe('body and batch limits', () => {
  it('answers 413 for a body over 1 MiB and 400 ERR_BATCH_TOO_LARGE for a batch over 100 items', async () => {
    const server = await startTestServer();
    const key = await server.call('POST', '/v1/keys', {
      body: { name: 'limits', type: 'EC', curve: 'P-256' },
    });
    const big = await server.call('POST', '/v1/sign', {
      body: { key: key.body.id, algorithm: 'ES256', message: 'A'.repeat(1024 * 1024 + 16) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    const item = { key: key.body.id, algorithm: 'ES256', message: 'aGk=' };
    const full = await server.call('POST', '/v1/sign/batch', { body: Array(100).fill(item) });
    expect(full.status).toBe(200);
    expect(full.body).toHaveLength(100);
    const tooMany = await server.call('POST', '/v1/sign/batch', { body: Array(101).fill(item) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'ERR_BATCH_TOO_LARGE' });
    expect(tooMany.body.error.message).toMatch(/at most 100 items, got 101/);
    await server.sigil.close();
  });
});
