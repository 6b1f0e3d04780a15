// Admin surface: seeded randomness, journal, faults, scenarios, reset, OpenAPI, and a reset over a real socket.
import { createSignPathClient } from '@sigil/protocols/signpath';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { seededKey } from '../src/seed/seeded-keys.js';
import { createSeededRandom, seededUuid } from '../src/seed/seeded-random.js';
import { createSignPathMock } from '../src/signpath/signpath-mock.js';
import { type RunningMocks, resolvePorts, startMocks } from '../src/start-mocks.js';

const admin = (mock: MockServer, path: string, init?: RequestInit) =>
  mock.app.request(`/__admin${path}`, init);
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

describe('seeded randomness', () => {
  it('gives the same stream for the same seed and label, and independent labels', () => {
    expect(createSeededRandom('s', 'a')(40)).toEqual(createSeededRandom('s', 'a')(40));
    expect(createSeededRandom('s', 'a')(16)).not.toEqual(createSeededRandom('s', 'b')(16));
    const stream = createSeededRandom('s', 'a');
    const joined = new Uint8Array([...stream(10), ...stream(30)]);
    expect(joined).toEqual(createSeededRandom('s', 'a')(40));
    expect(seededUuid('s', 'x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('derives the same keys for a seed', () => {
    const first = seededKey('k', 'label', { kty: 'EC', curve: 'P-521' });
    expect(seededKey('k2', 'label', { kty: 'EC', curve: 'P-521' })).not.toEqual(first);
    expect(seededKey('k', 'label', { kty: 'OKP', curve: 'Ed25519' })).toEqual(
      seededKey('k', 'label', { kty: 'OKP', curve: 'Ed25519' }),
    );
  });
});

describe('admin API', () => {
  let mock: MockServer;
  beforeEach(() => {
    mock = createSignPathMock({ seed: 'admin-test', journalCapacity: 3 });
  });

  it('journals vendor requests (capped, newest first, filtered by path and method) and clears them', async () => {
    for (let index = 0; index < 4; index += 1)
      await mock.app.request(`/api/v1/org/Cryptoki/MySigningPolicies?i=${index}`);
    await mock.app.request('/api/v1/org/SigningRequests/SignHash', { method: 'POST', body: '{}' });
    const all = (await (await admin(mock, '/requests')).json()) as {
      requests: Array<{ request: { method: string; query: string } }>;
      meta: { total: number; capacity: number };
    };
    expect(all.meta).toEqual({ total: 3, capacity: 3 });
    expect(all.requests[0]?.request.method).toBe('POST');
    const gets = (await (
      await admin(mock, '/requests?method=GET&path=/api/v1/org/cryptoki/*')
    ).json()) as typeof all;
    expect(gets.requests.map((entry) => entry.request.query)).toEqual(['i=3', 'i=2']);
    const exact = (await (
      await admin(mock, '/requests?path=/api/v1/org/SigningRequests/SignHash')
    ).json()) as typeof all;
    expect(exact.requests).toHaveLength(1);
    expect((await admin(mock, '/requests', { method: 'DELETE' })).status).toBe(204);
    expect(((await (await admin(mock, '/requests')).json()) as typeof all).requests).toEqual([]);
  });

  it('injects status faults in the vendor shape, limited by times, and clears them', async () => {
    const created = await admin(
      mock,
      '/faults',
      post({ method: 'GET', path: '/api/v1/*', status: 503, times: 2 }),
    );
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: '1', status: 503, remaining: 2 });
    const first = await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies');
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect((await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies')).status).toBe(503);
    expect((await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies')).status).toBe(401);
    await admin(
      mock,
      '/faults',
      post({ path: '/api/v1/org/cryptoki/mysigningpolicies', status: 418, body: { custom: true } }),
    );
    const custom = await mock.app.request('/API/v1/org/Cryptoki/MySigningPolicies');
    expect(custom.status).toBe(418);
    expect(await custom.json()).toEqual({ custom: true });
    const journal = (await (await admin(mock, '/requests?limit=1')).json()) as {
      requests: Array<{ fault: string }>;
    };
    expect(journal.requests[0]?.fault).toBe('status 418');
    expect((await admin(mock, '/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies')).status).toBe(401);
  });

  it('refuses invalid fault definitions', async () => {
    for (const body of [
      { path: '/x' },
      { path: '/x', status: 500, reset: true },
      { path: 'x', status: 500 },
      { path: '/x', delayMs: { min: 5, max: 1 } },
    ]) {
      expect((await admin(mock, '/faults', post(body))).status).toBe(400);
    }
  });

  it('delays, malforms and rejects in-process on reset', async () => {
    await admin(
      mock,
      '/faults',
      post({ path: '/api/v1/org/cryptoki/*', delayMs: { min: 50, max: 60 }, times: 1 }),
    );
    const started = Date.now();
    await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await admin(mock, '/faults', post({ path: '/api/v1/org/cryptoki/*', malformed: true, times: 1 }));
    const malformed = await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies');
    await expect(malformed.json()).rejects.toThrow();
    await admin(mock, '/faults', post({ path: '/api/v1/org/cryptoki/*', reset: true, times: 1 }));
    await expect(mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies')).rejects.toThrow(
      /connection reset/,
    );
    const journal = (await (await admin(mock, '/requests?limit=1')).json()) as {
      requests: Array<{ connectionReset: boolean }>;
    };
    expect(journal.requests[0]?.connectionReset).toBe(true);
  });

  it('sets, validates and resets scenarios; reset restores everything', async () => {
    const listed = (await (await admin(mock, '/scenarios')).json()) as {
      scenarios: Array<{ name: string; state: unknown }>;
    };
    expect(listed.scenarios[0]).toMatchObject({
      name: 'signing-requests',
      state: { pollsUntilFinal: 2, outcome: 'Completed' },
    });
    expect(
      (
        await admin(mock, '/scenarios/signing-requests', {
          method: 'PUT',
          body: JSON.stringify({ outcome: 'Nope' }),
        })
      ).status,
    ).toBe(400);
    expect((await admin(mock, '/scenarios/unknown', { method: 'PUT', body: '{}' })).status).toBe(404);
    await admin(mock, '/scenarios/signing-requests', {
      method: 'PUT',
      body: JSON.stringify({ outcome: 'Denied' }),
    });
    await admin(mock, '/faults', post({ path: '/x', status: 500 }));
    await mock.app.request('/api/v1/org/Cryptoki/MySigningPolicies');
    expect((await admin(mock, '/reset', { method: 'POST' })).status).toBe(204);
    const after = (await (await admin(mock, '/scenarios')).json()) as typeof listed;
    expect(after.scenarios[0]?.state).toMatchObject({ outcome: 'Completed' });
    expect(await (await admin(mock, '/faults')).json()).toEqual({ faults: [] });
    expect(((await (await admin(mock, '/requests')).json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  it('serves an OpenAPI 3.1 document of the admin API and the vendor routes', async () => {
    const document = (await (await admin(mock, '/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/__admin/requests',
      '/__admin/faults',
      '/__admin/fixtures',
      '/__admin/scenarios',
      '/__admin/reset',
    ]) {
      expect(document.paths[path]).toBeDefined();
    }
    expect(Object.keys(document.paths['/__admin/faults'] ?? {})).toEqual(['get', 'post', 'delete']);
    expect(document.paths['/api/v1/{organizationId}/SigningRequests/SignHash']?.post).toBeDefined();
  });
});

describe('served mocks', () => {
  let running: RunningMocks;
  beforeAll(async () => {
    running = await startMocks({
      host: '127.0.0.1',
      seed: 'served',
      only: ['signpath'],
      ports: resolvePorts(0, {}),
      fixtures: {},
      factories: { signpath: createSignPathMock },
    });
  });
  afterAll(() => running.close());

  it('puts --base-port N on N..N+3 and honours per-mock overrides', () => {
    expect(resolvePorts(9101, {})).toEqual({ pingone: 9101, signpath: 9102, fortanix: 9103, pingid: 9104 });
    expect(resolvePorts(7000, { fortanix: 8000 })).toEqual({
      pingone: 7000,
      signpath: 7001,
      fortanix: 8000,
      pingid: 7003,
    });
  });

  it('resets the connection at once on a reset fault: the client fails with a typed error, no hang', async () => {
    const signpath = running.mocks[0];
    if (signpath === undefined) throw new Error('not started');
    const fixtures = signpath.mock.fixtures() as { organizationId: string; apiToken: string };
    await fetch(`${signpath.origin}/__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/api/*', reset: true, times: 1 }),
    });
    const client = createSignPathClient({
      organizationId: fixtures.organizationId,
      apiToken: fixtures.apiToken,
      baseUrl: signpath.apiUrl,
    });
    // ERR_SIGNPATH_HTTP, not ERR_VENDOR_TIMEOUT: the reset ended the call, not the client's 30 s deadline.
    await expect(client.getMySigningPolicies()).rejects.toMatchObject({
      name: 'ProtocolError',
      code: 'ERR_SIGNPATH_HTTP',
      status: undefined,
    });
    expect((await client.getMySigningPolicies()).signingPolicies.length).toBeGreaterThan(0);
  });
});
