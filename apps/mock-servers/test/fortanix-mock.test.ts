// Fortanix DSM mock in-process: the protocols client against it, signatures checked with node:crypto.
import { constants, createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  createFortanixClient,
  fortanixApiKey,
  fortanixListSobjectsResponseSchema,
  fortanixSobjectSchema,
} from '@sigil/protocols/fortanix';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFortanixMock } from '../src/fortanix/fortanix-mock.js';
import type { MockServer } from '../src/mock-server.js';
import { fortanixFetch } from './helpers/fortanix-fetch.js';

const ORIGIN = 'http://127.0.0.1:9103';
const data = Buffer.from('sign me, Fortanix');
const sha256 = createHash('sha256').update(data).digest();
const sha384 = createHash('sha384').update(data).digest();
const { privateKey: rsaPrivate, publicKey: rsaPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublicInline = rsaPublic.export({ format: 'der', type: 'spki' }).toString('base64');

interface Fixtures {
  appId: string;
  secret: string;
  keys: Array<{
    kid: string;
    name: string;
    obj_type: string;
    pub_key: string;
    elliptic_curve?: string;
    key_size: number;
  }>;
}

describe('Fortanix DSM mock', () => {
  let mock: MockServer;
  /** Every request to a DSM route goes through this: its 2XX answers are checked against the OpenAPI. */
  let dsm: typeof fetch;
  let fixtures: Fixtures;
  const client = () =>
    createFortanixClient({
      baseUrl: ORIGIN,
      apiKey: fortanixApiKey(fixtures.appId, fixtures.secret),
      fetch: dsm,
    });
  const keyNamed = (name: string) => {
    const key = fixtures.keys.find((candidate) => candidate.name === name);
    if (key === undefined) throw new Error(`no key ${name}`);
    return key;
  };
  const publicKey = (name: string) =>
    createPublicKey({ key: Buffer.from(keyNamed(name).pub_key, 'base64'), format: 'der', type: 'spki' });

  beforeAll(async () => {
    mock = createFortanixMock({ seed: 'fortanix-test' });
    dsm = fortanixFetch(mock);
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as Fixtures;
  });
  beforeEach(async () => {
    await mock.app.request('/__admin/reset', { method: 'POST' });
  });

  it('has a key of each type, with pub_key a DER SubjectPublicKeyInfo', () => {
    expect(fixtures.keys.map((key) => `${key.obj_type}/${key.elliptic_curve ?? key.key_size}`)).toEqual([
      'RSA/2048',
      'EC/NistP256',
      'EC/NistP384',
      'EC/NistP521',
      'EC/SecP256K1',
      'EC/Ed25519',
    ]);
    expect(publicKey('sigil-ed25519').asymmetricKeyType).toBe('ed25519');
    expect(publicKey('sigil-rsa-2048').asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('opens sessions for app credentials and refuses others with 401', async () => {
    const session = await client().authenticate();
    expect(session.entityId).toBe(fixtures.appId);
    const wrong = createFortanixClient({
      baseUrl: ORIGIN,
      apiKey: fortanixApiKey(fixtures.appId, 'wrong'),
      fetch: dsm,
    });
    await expect(wrong.authenticate()).rejects.toMatchObject({ code: 'ERR_FORTANIX_HTTP', status: 401 });
    const noSession = await dsm('/crypto/v1/keys', {
      headers: { authorization: 'Bearer nope' },
    });
    expect(noSession.status).toBe(401);
  });

  it('signs hashes and data that node:crypto verifies (PKCS#1, PSS, ECDSA DER, Ed25519)', async () => {
    const rsa = await client().sign({
      key: { kid: keyNamed('sigil-rsa-2048').kid },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(rsa.kid).toBe(keyNamed('sigil-rsa-2048').kid);
    expect(verify('sha256', data, publicKey('sigil-rsa-2048'), Buffer.from(rsa.signature, 'base64'))).toBe(
      true,
    );
    const pss = await client().sign({
      key: { name: 'sigil-rsa-2048' },
      hash_alg: 'SHA256',
      data: data.toString('base64'),
      mode: { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } },
    });
    expect(
      verify(
        'sha256',
        data,
        { key: publicKey('sigil-rsa-2048'), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(pss.signature, 'base64'),
      ),
    ).toBe(true);
    for (const name of ['sigil-ec-p256', 'sigil-ec-secp256k1', 'sigil-ec-p521']) {
      const ecdsa = await client().sign({
        key: { name },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
      });
      const signature = Buffer.from(ecdsa.signature, 'base64');
      expect(signature[0]).toBe(0x30);
      expect(verify('sha256', data, publicKey(name), signature)).toBe(true);
    }
    const p384 = await client().sign({
      key: { name: 'sigil-ec-p384' },
      hash_alg: 'SHA384',
      hash: sha384.toString('base64'),
    });
    expect(verify('sha384', data, publicKey('sigil-ec-p384'), Buffer.from(p384.signature, 'base64'))).toBe(
      true,
    );
    const ed = await client().sign({
      key: { name: 'sigil-ed25519' },
      hash_alg: 'SHA512',
      data: data.toString('base64'),
    });
    expect(verify(null, data, publicKey('sigil-ed25519'), Buffer.from(ed.signature, 'base64'))).toBe(true);
  });

  it('honours deterministic_signature for ECDSA and refuses it for PSS', async () => {
    const sign = (deterministic: boolean) =>
      client().sign({
        key: { name: 'sigil-ec-p256' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        deterministic_signature: deterministic,
      });
    expect((await sign(true)).signature).toBe((await sign(true)).signature);
    expect((await sign(false)).signature).not.toBe((await sign(false)).signature);
    await expect(
      client().sign({
        key: { name: 'sigil-rsa-2048' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        mode: { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } },
        deterministic_signature: true,
      }),
    ).rejects.toMatchObject({ status: 400, vendorMessage: expect.stringMatching(/deterministic/) });
  });

  it('verifies, and answers batch items in order with a status each', async () => {
    const signed = await client().sign({
      key: { name: 'sigil-ec-p256' },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(
      await client().verify({
        key: { name: 'sigil-ec-p256' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        signature: signed.signature,
      }),
    ).toMatchObject({ result: true });
    const batch = await client().batchSign([
      { key: { name: 'sigil-rsa-2048' }, hash_alg: 'SHA256', hash: sha256.toString('base64') },
      {
        key: { kid: '00000000-0000-4000-8000-000000000000' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
      },
      {
        key: { name: 'sigil-ec-p256' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        data: data.toString('base64'),
      },
      { key: { name: 'sigil-ec-p256' }, hash_alg: 'SHA256', hash: sha384.toString('base64') },
      { key: { name: 'sigil-ed25519' }, hash_alg: 'SHA256', data: data.toString('base64') },
    ]);
    expect(batch.map((item) => item.status)).toEqual([200, 404, 400, 400, 200]);
    const first = batch[0];
    if (first === undefined || !('body' in first)) throw new Error('expected a body');
    expect(
      verify('sha256', data, publicKey('sigil-rsa-2048'), Buffer.from(first.body.signature, 'base64')),
    ).toBe(true);
    const verified = await client().batchVerify([
      {
        key: { name: 'sigil-rsa-2048' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        signature: first.body.signature,
      },
      {
        key: { name: 'sigil-ec-p256' },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
        signature: first.body.signature,
      },
    ]);
    expect(verified).toEqual([
      { status: 200, body: { kid: keyNamed('sigil-rsa-2048').kid, result: true } },
      { status: 200, body: { kid: keyNamed('sigil-ec-p256').kid, result: false } },
    ]);
  });

  it('creates, lists and looks up keys; signs with transient and inline keys', async () => {
    const session = await client().authenticate();
    const headers = { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' };
    const created = await dsm(`${ORIGIN}/crypto/v1/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'made-here', obj_type: 'EC', elliptic_curve: 'NistP384' }),
    });
    expect(created.status).toBe(201);
    const sobject = (await created.json()) as { kid: string; elliptic_curve: string; pub_key: string };
    expect(sobject.elliptic_curve).toBe('NistP384');
    const fetched = (await (
      await dsm(`${ORIGIN}/crypto/v1/keys/info`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ kid: sobject.kid }),
      })
    ).json()) as typeof sobject;
    expect(fetched.pub_key).toBe(sobject.pub_key);
    const listed = (await (
      await dsm(`${ORIGIN}/crypto/v1/keys?name=made-here`, { headers })
    ).json()) as unknown[];
    expect(listed).toHaveLength(1);
    expect(
      (
        await dsm(`${ORIGIN}/crypto/v1/keys`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'made-here', obj_type: 'RSA' }),
        })
      ).status,
    ).toBe(409);

    const transient = (await (
      await dsm(`${ORIGIN}/crypto/v1/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ obj_type: 'EC', elliptic_curve: 'NistP256', transient: true }),
      })
    ).json()) as { transient_key: string; pub_key: string; kid?: string };
    expect(transient.kid).toBeUndefined();
    const transientSigned = await client().sign({
      key: { transient_key: transient.transient_key },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(transientSigned.kid).toBeUndefined();
    const transientPublic = createPublicKey({
      key: Buffer.from(transient.pub_key, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', data, transientPublic, Buffer.from(transientSigned.signature, 'base64'))).toBe(
      true,
    );

    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const inline = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const inlineSigned = await client().sign({
      key: { inline: { value: inline, obj_type: 'EC' } },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(verify('sha256', data, pair.publicKey, Buffer.from(inlineSigned.signature, 'base64'))).toBe(true);
    await expect(
      client().sign({
        key: { inline: { value: inline, obj_type: 'RSA' } },
        hash_alg: 'SHA256',
        hash: sha256.toString('base64'),
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('corrupts signatures on a corruptSignature fault', async () => {
    await mock.app.request('/__admin/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/crypto/v1/sign', corruptSignature: true, times: 1 }),
    });
    const bad = await client().sign({
      key: { name: 'sigil-rsa-2048' },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(verify('sha256', data, publicKey('sigil-rsa-2048'), Buffer.from(bad.signature, 'base64'))).toBe(
      false,
    );
    const good = await client().sign({
      key: { name: 'sigil-rsa-2048' },
      hash_alg: 'SHA256',
      hash: sha256.toString('base64'),
    });
    expect(verify('sha256', data, publicKey('sigil-rsa-2048'), Buffer.from(good.signature, 'base64'))).toBe(
      true,
    );
  });

  it('answers Sobjects that fit protocols schemas: listed, looked up, created, transient', async () => {
    const session = await client().authenticate();
    const headers = { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' };
    const listed = await (await dsm(`${ORIGIN}/crypto/v1/keys`, { headers })).json();
    const items = fortanixListSobjectsResponseSchema.parse(listed);
    expect(Array.isArray(items) ? items.length : 0).toBe(fixtures.keys.length);
    for (const key of fixtures.keys) {
      const fetched = fortanixSobjectSchema.parse(
        await (
          await dsm(`${ORIGIN}/crypto/v1/keys/info`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ kid: key.kid }),
          })
        ).json(),
      );
      expect(fetched).toMatchObject({
        kid: key.kid,
        name: key.name,
        pub_key: key.pub_key,
        origin: 'FortanixHSM',
      });
    }
    const created = async (body: object) =>
      fortanixSobjectSchema.parse(
        await (
          await dsm(`${ORIGIN}/crypto/v1/keys`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          })
        ).json(),
      );
    expect(await created({ name: 'schema-rsa', obj_type: 'RSA', key_size: 3072 })).toMatchObject({
      obj_type: 'RSA',
      key_size: 3072,
      creator: { app: fixtures.appId },
    });
    expect(await created({ obj_type: 'EC', elliptic_curve: 'Ed25519', transient: true })).toMatchObject({
      origin: 'Transient',
      elliptic_curve: 'Ed25519',
      transient_key: expect.any(String),
    });
    const refused = await dsm(`${ORIGIN}/crypto/v1/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'an-aes-key', obj_type: 'AES', key_size: 256 }),
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('lists with the filters and metadata the protocols client sends', async () => {
    const all = await client().listKeys({ with_metadata: true });
    expect(all.metadata).toEqual({ total_count: all.items.length, filtered_count: all.items.length });
    const ec = await client().listKeys({ obj_type: 'EC', offset: 1, limit: 2, with_metadata: true });
    expect(ec.items.map((key) => key.name)).toEqual(['sigil-ec-p384', 'sigil-ec-p521']);
    expect(ec.metadata).toMatchObject({ filtered_count: 5 });
    expect((await client().listKeys({ name: 'sigil-ed25519' })).items.map((key) => key.kid)).toEqual([
      keyNamed('sigil-ed25519').kid,
    ]);
  });

  it('looks keys up with POST /crypto/v1/keys/info by kid or name, 404 in plain text when absent', async () => {
    const rsa = keyNamed('sigil-rsa-2048');
    const byKid = await client().lookupKey({ kid: rsa.kid });
    expect(byKid).toMatchObject({ kid: rsa.kid, name: rsa.name, obj_type: 'RSA', pub_key: rsa.pub_key });
    expect(await client().lookupKey({ name: rsa.name })).toEqual(byKid);
    await expect(client().lookupKey({ name: 'no-such-key' })).rejects.toMatchObject({
      code: 'ERR_FORTANIX_HTTP',
      status: 404,
      vendorMessage: 'sobject named no-such-key does not exist',
    });
    await expect(client().lookupKey({ kid: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      status: 404,
    });
    const session = await client().authenticate();
    const info = (body: string) =>
      dsm(`${ORIGIN}/crypto/v1/keys/info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
        body,
      });
    const both = await info(JSON.stringify({ kid: rsa.kid, name: rsa.name }));
    expect(both.status).toBe(400);
    expect(await both.text()).toMatch(/exactly one of/);
    const document = (await (await mock.app.request('/__admin/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.paths['/crypto/v1/keys/info']?.post).toBeDefined();
  });

  it('verifies a PSS signature whatever its salt length, as DSM names none', async () => {
    const signature = (saltLength: number) =>
      sign('sha256', data, {
        key: rsaPrivate,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      }).toString('base64');
    const verifyPss = async (signed: string, hash: 'SHA256' | 'SHA384' = 'SHA256') =>
      (
        await client().verify({
          key: { inline: { value: rsaPublicInline, obj_type: 'RSA' } },
          hash_alg: 'SHA256',
          data: data.toString('base64'),
          mode: { PSS: { mgf: { mgf1: { hash } } } },
          signature: signed,
        })
      ).result;
    expect(await verifyPss(signature(32))).toBe(true);
    expect(await verifyPss(signature(0))).toBe(true);
    expect(await verifyPss(signature(222))).toBe(true);
    expect(await verifyPss(signature(32), 'SHA384')).toBe(false);
    const pkcs1 = sign('sha256', data, rsaPrivate).toString('base64');
    expect(await verifyPss(pkcs1)).toBe(false);
  });

  it('refuses malformed Basic credentials with 401 in plain text', async () => {
    for (const authorization of [
      'Bearer x',
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('not-a-uuid:s').toString('base64')}`,
    ]) {
      const answer = await dsm('/sys/v1/session/auth', {
        method: 'POST',
        headers: { authorization },
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    }
  });
});
