// The Fortanix surface as Fortanix's Go client uses it: GET /crypto/v1/keys and POST /crypto/v1/keys/info over the
// keys an app is granted, POST /sys/v1/session/terminate, and DSM's plain-text 404 for endpoints Sigil does not serve.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { vendorSpec } from '@sigil/vendor-specs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FortanixCall, fortanixCaller } from './fortanix-call.js';
import { startTestServer, type TestServer } from './helpers.js';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
/** What DSM's OpenAPI requires of every Sobject. */
const REQUIRED = vendorSpec('fortanix').requiredProperties('Sobject');

interface CreatedKey {
  id: string;
  name: string;
}

describe('Fortanix surface: keys, session end, endpoints outside scope', () => {
  let server: TestServer;
  let fortanix: FortanixCall;
  let rsa: CreatedKey;
  let ec: CreatedKey;
  let hidden: CreatedKey;

  /** A new app granted `keys` (every key when undefined), and a session of it. */
  const session = async (keys?: string[]): Promise<string> => {
    const app = await server.call('POST', '/v1/fortanix/apps', {
      body: { name: 'keys-app', ...(keys === undefined ? {} : { keys }) },
    });
    const auth = await fortanix('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${b64(`${app.body.appId}:${app.body.secret}`)}` },
    });
    expect(auth.status).toBe(200);
    return auth.body.access_token;
  };
  const names = (items: { name: string }[]) => items.map((item) => item.name).sort();

  beforeAll(async () => {
    server = await startTestServer();
    fortanix = fortanixCaller(server);
    const create = async (body: object) =>
      (await server.call('POST', '/v1/keys', { body })).body as CreatedKey;
    rsa = await create({ name: 'fk-rsa', type: 'RSA', size: 2048 });
    ec = await create({ name: 'fk-ec', type: 'EC', curve: 'P-256' });
    hidden = await create({ name: 'fk-hidden', type: 'EC', curve: 'P-384' });
    await create({ name: 'fk-mac', type: 'HMAC', size: 256 });
  });

  it('lists exactly the keys an app is granted, as Sobjects with what DSM requires and a client needs', async () => {
    const token = await session(['fk-rsa', ec.id]);
    const listed = await fortanix('GET', '/crypto/v1/keys', { token });
    expect(listed.status).toBe(200);
    expect(names(listed.body)).toEqual(['fk-ec', 'fk-rsa']);
    for (const sobject of listed.body) {
      for (const member of REQUIRED) expect(sobject, member).toHaveProperty(member);
      expect(sobject).toMatchObject({ enabled: true, public_only: false, key_ops: ['SIGN', 'VERIFY'] });
    }
    const [rsaSobject] = listed.body.filter((sobject: { kid: string }) => sobject.kid === rsa.id);
    expect(rsaSobject).toMatchObject({ name: 'fk-rsa', obj_type: 'RSA', key_size: 2048 });
    const ecSobject = listed.body.find((sobject: { kid: string }) => sobject.kid === ec.id);
    expect(ecSobject).toMatchObject({ name: 'fk-ec', obj_type: 'EC', elliptic_curve: 'NistP256' });

    // The pub_key listed is the key that signs: node:crypto checks a signature made through the surface with it.
    const signed = await fortanix('POST', '/crypto/v1/sign', {
      token,
      body: { key: { name: 'fk-ec' }, hash_alg: 'SHA256', data: b64('listed key') },
    });
    const publicKey = createPublicKey({
      key: Buffer.from(ecSobject.pub_key, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(
      nodeVerify(
        'sha256',
        Buffer.from('listed key'),
        publicKey,
        Buffer.from(signed.body.signature, 'base64'),
      ),
    ).toBe(true);
  });

  it('lists every key DSM can hold for an app granted all keys, and pages and filters as ListSobjectsParams say', async () => {
    const token = await session();
    const all = await fortanix('GET', '/crypto/v1/keys', { token });
    // The HMAC key has no public key and no place among DSM's signing objects.
    expect(names(all.body)).toEqual(['fk-ec', 'fk-hidden', 'fk-rsa']);
    const byName = await fortanix('GET', '/crypto/v1/keys?name=fk-hidden&with_metadata=true', { token });
    expect(byName.body).toMatchObject({ metadata: { total_count: 3, filtered_count: 1 } });
    expect(byName.body.items.map((item: { kid: string }) => item.kid)).toEqual([hidden.id]);
    const page = await fortanix('GET', '/crypto/v1/keys?sort=name:asc&offset=1&limit=1', { token });
    expect(names(page.body)).toEqual(['fk-hidden']);
    expect((await fortanix('GET', '/crypto/v1/keys?obj_type=RSA', { token })).body).toHaveLength(1);
    const bad = await fortanix('GET', '/crypto/v1/keys?limit=-1', { token });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('looks a granted key up by kid or name; an unknown or ungranted one is the same plain-text 404', async () => {
    const token = await session(['fk-rsa']);
    const byKid = await fortanix('POST', '/crypto/v1/keys/info', {
      token,
      body: { kid: rsa.id.toUpperCase() },
    });
    expect(byKid.status).toBe(200);
    expect(byKid.body).toMatchObject({ kid: rsa.id, name: 'fk-rsa', obj_type: 'RSA' });
    const byName = await fortanix('POST', '/crypto/v1/keys/info', { token, body: { name: 'fk-rsa' } });
    expect(byName.body).toEqual(byKid.body);
    const answers = await Promise.all(
      [{ kid: hidden.id }, { name: 'fk-hidden' }, { name: 'no such key' }, { kid: crypto.randomUUID() }].map(
        (body) => fortanix('POST', '/crypto/v1/keys/info', { token, body }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.text).toBe('sobject does not exist');
    }
    const signHidden = await fortanix('POST', '/crypto/v1/sign', {
      token,
      body: { key: { kid: hidden.id }, hash_alg: 'SHA256', data: b64('x') },
    });
    expect([signHidden.status, signHidden.text]).toEqual([404, 'sobject does not exist']);
    const notListed = await fortanix('GET', '/crypto/v1/keys', { token });
    expect(names(notListed.body)).toEqual(['fk-rsa']);
    expect(
      (await fortanix('POST', '/crypto/v1/keys/info', { token, body: { kid: 'x', name: 'y' } })).status,
    ).toBe(400);
  });

  it('shows a disabled key as enabled: false, Deactivated', async () => {
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'fk-off', type: 'EC', curve: 'P-256' } })
    ).body as CreatedKey;
    await server.call('POST', `/v1/keys/${key.id}/disable`);
    const token = await session(['fk-off']);
    const info = await fortanix('POST', '/crypto/v1/keys/info', { token, body: { name: 'fk-off' } });
    expect(info.body).toMatchObject({ enabled: false, state: 'Deactivated' });
  });

  it('ends a session with 204: its token no longer works, and ending it again is a 401', async () => {
    const token = await session(['fk-ec']);
    const ended = await fortanix('POST', '/sys/v1/session/terminate', { token });
    expect(ended.status).toBe(204);
    expect(ended.text).toBe('');
    const after = await fortanix('GET', '/crypto/v1/keys', { token });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fortanix('POST', '/sys/v1/session/terminate', { token })).status).toBe(401);
    const { entries } = await server.store.listAudit(0, 10_000);
    expect(
      entries.some((entry) => entry.operation === 'fortanix.session.terminate' && entry.result === 'ok'),
    ).toBe(true);
  });

  it('refuses to end an API token that is not a Fortanix session, which keeps working', async () => {
    const refused = await fortanix('POST', '/sys/v1/session/terminate', { token: server.adminToken });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await server.call('GET', '/v1/keys')).status).toBe(200);
  });

  it("answers DSM endpoints Sigil does not serve, and unknown paths, with DSM's plain-text 404 saying so", async () => {
    const token = await session();
    for (const [method, path] of [
      ['POST', '/crypto/v1/encrypt'],
      ['POST', '/crypto/v1/keys/export'],
      ['POST', '/crypto/v1/keys'],
      ['PATCH', `/crypto/v1/keys/${rsa.id}`],
      ['GET', '/crypto/v1/sign'],
      ['GET', '/sys/v1/version'],
      ['GET', '/no/such/path'],
    ] as const) {
      const answer = await fortanix(method, path, { token, body: method === 'GET' ? undefined : {} });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.text).toContain(`Sigil does not serve the Fortanix DSM endpoint ${method} ${path}`);
    }
  });
});
