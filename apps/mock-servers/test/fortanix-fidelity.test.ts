// The Fortanix DSM mock as Fortanix's Go client uses it: key listing and lookup with the Sobject members the OpenAPI
// requires, session terminate (204, then the token is dead), and DSM's plain-text 404 for paths it does not emulate.
import { fortanixApiKey } from '@sigil/protocols/fortanix';
import { vendorSpec } from '@sigil/vendor-specs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFortanixMock } from '../src/fortanix/fortanix-mock.js';
import type { MockServer } from '../src/mock-server.js';
import { fortanixFetch } from './helpers/fortanix-fetch.js';

const ORIGIN = 'http://127.0.0.1:9103';
/** What DSM's OpenAPI requires of every Sobject. */
const REQUIRED = vendorSpec('fortanix').requiredProperties('Sobject');

describe('Fortanix DSM mock fidelity', () => {
  let mock: MockServer;
  let dsm: typeof fetch;
  let apiKey: string;

  const authenticate = async (): Promise<string> => {
    const answer = await dsm(`${ORIGIN}/sys/v1/session/auth`, {
      method: 'POST',
      headers: { authorization: `Basic ${apiKey}` },
    });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { access_token: string }).access_token;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    mock = createFortanixMock({ seed: 'fortanix-fidelity' });
    dsm = fortanixFetch(mock);
    const fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as {
      appId: string;
      secret: string;
    };
    apiKey = fortanixApiKey(fixtures.appId, fixtures.secret);
  });
  beforeEach(async () => {
    await mock.app.request('/__admin/reset', { method: 'POST' });
  });

  it('lists and looks up Sobjects with every member the OpenAPI requires and what a client needs', async () => {
    const token = await authenticate();
    const listed = (await (
      await dsm(`${ORIGIN}/crypto/v1/keys`, { headers: bearer(token) })
    ).json()) as Record<string, unknown>[];
    expect(listed.length).toBeGreaterThan(0);
    for (const sobject of listed) {
      for (const member of [...REQUIRED, 'kid', 'name', 'pub_key', 'key_size']) {
        expect(sobject, `${String(sobject.name)}: ${member}`).toHaveProperty(member);
      }
      if (sobject.obj_type === 'EC') expect(sobject).toHaveProperty('elliptic_curve');
      const info = await dsm(`${ORIGIN}/crypto/v1/keys/info`, {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify({ name: sobject.name }),
      });
      expect(await info.json()).toEqual(sobject);
    }
    const sorted = (await (
      await dsm(`${ORIGIN}/crypto/v1/keys?sort=name:desc&limit=2`, { headers: bearer(token) })
    ).json()) as { name: string }[];
    const names = listed.map((sobject) => String(sobject.name)).sort();
    expect(sorted.map((sobject) => sobject.name)).toEqual(names.reverse().slice(0, 2));
  });

  it('ends a session with 204 and no body; the token then gets 401, and so does ending it again', async () => {
    const token = await authenticate();
    const ended = await dsm(`${ORIGIN}/sys/v1/session/terminate`, { method: 'POST', headers: bearer(token) });
    expect(ended.status).toBe(204);
    expect(await ended.text()).toBe('');
    for (const [method, path] of [
      ['GET', '/crypto/v1/keys'],
      ['POST', '/sys/v1/session/terminate'],
    ]) {
      const after = await dsm(`${ORIGIN}${path}`, { method, headers: bearer(token) });
      expect(after.status, `${method} ${path}`).toBe(401);
      expect(after.headers.get('content-type')).toMatch(/^text\/plain/);
    }
    // Another session of the same app is untouched.
    const other = await authenticate();
    expect((await dsm(`${ORIGIN}/crypto/v1/keys`, { headers: bearer(other) })).status).toBe(200);
  });

  it('answers paths it does not emulate with a plain-text 404 that says so; the admin surface keeps its own', async () => {
    const token = await authenticate();
    for (const [method, path] of [
      ['POST', '/crypto/v1/encrypt'],
      ['POST', '/crypto/v1/keys/export'],
      ['GET', '/crypto/v1/keys/00000000-0000-4000-8000-000000000000'],
      ['GET', '/sys/v1/version'],
      ['GET', '/no/such/path'],
    ]) {
      const answer = await dsm(`${ORIGIN}${path}`, { method, headers: bearer(token) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await answer.text()).toContain(`the Sigil Fortanix DSM mock does not emulate ${method} ${path}`);
    }
    const admin = await mock.app.request('/__admin/no-such-thing');
    expect(admin.status).toBe(404);
    expect(await admin.text()).not.toContain('does not emulate');
  });
});
