// The Fortanix DSM-compatible surface: app credentials, sessions, sign/verify by kid, name and inline key, batches.
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  randomUUID,
} from 'node:crypto';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import * as jose from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FortanixCall, fortanixCaller } from './fortanix-call.js';
import { startTestServer, type TestServer } from './helpers.js';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('Fortanix-compatible API', () => {
  let server: TestServer;
  let fortanix: FortanixCall;
  let session: string;
  let rsa: { id: string; name: string; publicKeyPem: string; publicKeyJwk: jose.JWK };
  let ec: { id: string; name: string; publicKeyPem: string; publicKeyJwk: jose.JWK };
  // An RSA key whose private half the test holds, to make PSS signatures with chosen salt lengths.
  const rsaPrivatePem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  let rsaImported: { id: string };

  beforeAll(async () => {
    server = await startTestServer();
    fortanix = fortanixCaller(server);
    rsa = (await server.call('POST', '/v1/keys', { body: { name: 'fx-rsa', type: 'RSA', size: 2048 } })).body;
    ec = (await server.call('POST', '/v1/keys', { body: { name: 'fx-ec', type: 'EC', curve: 'P-256' } }))
      .body;
    rsaImported = (
      await server.call('POST', '/v1/keys', {
        body: { name: 'fx-rsa-imported', privateKeyPem: rsaPrivatePem },
      })
    ).body;
    const app = await server.call('POST', '/v1/fortanix/apps', {
      body: { name: 'app', keys: ['fx-rsa', 'fx-ec', 'fx-rsa-imported'] },
    });
    expect(app.status).toBe(201);
    const auth = await fortanix('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${b64(`${app.body.appId}:${app.body.secret}`)}` },
    });
    expect(auth.status).toBe(200);
    expect(auth.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, entity_id: app.body.appId });
    session = auth.body.access_token;
  });

  it('clears expired sessions when it issues one, so short-lived tokens do not pile up', async () => {
    const expired = randomUUID();
    await server.store.createToken({
      id: expired,
      name: 'fortanix session (expired)',
      secretHash: createHash('sha256').update(randomUUID()).digest('hex'),
      scopes: ['sign'],
      keys: undefined,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      createdAt: new Date(Date.now() - 3_601_000).toISOString(),
    });
    const app = await server.call('POST', '/v1/fortanix/apps', { body: { name: 'sweeper' } });
    const auth = await fortanix('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${b64(`${app.body.appId}:${app.body.secret}`)}` },
    });
    expect(auth.status).toBe(200);
    expect(await server.store.getToken(expired)).toBeUndefined();
    // Live sessions stay.
    const live = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: { key: { kid: ec.id }, hash_alg: 'SHA256', data: b64('still here') },
    });
    expect(live.status).toBe(200);
  });

  it('refuses wrong Basic credentials with 401 plain text', async () => {
    const answer = await fortanix('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${b64(`${randomUUID()}:nope`)}` },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fortanix('POST', '/crypto/v1/sign', { token: null, body: {} })).status).toBe(401);
  });

  it('signs by kid (RSA PKCS#1 v1.5 over a hash) and by name (ECDSA over data, DER); node:crypto and jose agree', async () => {
    const signingInput = `${b64url('{"alg":"RS256"}')}.${b64url('{"a":1}')}`;
    const digest = createHash('sha256').update(signingInput).digest();
    const rsaAnswer = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: { key: { kid: rsa.id }, hash_alg: 'SHA256', hash: b64(digest) },
    });
    expect(rsaAnswer.status).toBe(200);
    expect(rsaAnswer.body.kid).toBe(rsa.id);
    const rsaSignature = Buffer.from(rsaAnswer.body.signature, 'base64');
    expect(rsaSignature).toHaveLength(256);
    expect(nodeVerify('sha256', Buffer.from(signingInput), rsa.publicKeyPem, rsaSignature)).toBe(true);
    await jose.compactVerify(
      `${signingInput}.${rsaSignature.toString('base64url')}`,
      await jose.importJWK(rsa.publicKeyJwk, 'RS256'),
    );

    const ecInput = `${b64url('{"alg":"ES256"}')}.${b64url('{"b":2}')}`;
    const ecAnswer = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: { key: { name: 'fx-ec' }, hash_alg: 'SHA256', data: b64(ecInput) },
    });
    expect(ecAnswer.status).toBe(200);
    const der = Buffer.from(ecAnswer.body.signature, 'base64');
    expect(der[0]).toBe(0x30);
    expect(nodeVerify('sha256', Buffer.from(ecInput), ec.publicKeyPem, der)).toBe(true);
    const raw = Buffer.from(convertEcdsaSignature(der, 'der', 'p1363', 'P-256')).toString('base64url');
    await jose.compactVerify(`${ecInput}.${raw}`, await jose.importJWK(ec.publicKeyJwk, 'ES256'));
  });

  it('signs with PSS mode and with an inline key', async () => {
    const data = Buffer.from('pss data');
    const pss = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: {
        key: { kid: rsa.id },
        hash_alg: 'SHA384',
        data: b64(data),
        mode: { PSS: { mgf: { mgf1: { hash: 'SHA384' } } } },
      },
    });
    expect(pss.status).toBe(200);
    expect(
      nodeVerify(
        'sha384',
        data,
        { key: rsa.publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
        Buffer.from(pss.body.signature, 'base64'),
      ),
    ).toBe(true);
    const inline = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const inlineAnswer = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: {
        key: {
          inline: { value: b64(inline.privateKey.export({ type: 'pkcs8', format: 'der' })), obj_type: 'EC' },
        },
        hash_alg: 'SHA384',
        data: b64(data),
      },
    });
    expect(inlineAnswer.status).toBe(200);
    expect(inlineAnswer.body.kid).toBeUndefined();
    expect(
      nodeVerify('sha384', data, inline.publicKey, Buffer.from(inlineAnswer.body.signature, 'base64')),
    ).toBe(true);
  });

  it('runs batch sign and batch verify with a status per item, in order', async () => {
    const digest = createHash('sha256').update('batch').digest();
    const batch = await fortanix('POST', '/crypto/v1/keys/batch/sign', {
      token: session,
      body: [
        { key: { kid: ec.id }, hash_alg: 'SHA256', hash: b64(digest) },
        { key: { kid: randomUUID() }, hash_alg: 'SHA256', hash: b64(digest) },
        { key: { kid: rsa.id }, hash_alg: 'SHA256', hash: b64(digest.subarray(1)) },
        { key: { kid: rsa.id }, hash_alg: 'SHA256', hash: b64(digest), data: b64('both') },
        { key: { kid: ec.id }, hash_alg: 'SHA256', hash: b64(digest), mode: { PKCS1_V15: {} } },
        { nonsense: 1 },
        { key: { kid: rsa.id }, hash_alg: 'SHA256', hash: b64(digest) },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.map((item: { status: number }) => item.status)).toEqual([
      200, 404, 400, 400, 400, 400, 200,
    ]);
    expect(typeof batch.body[1].error).toBe('string');
    expect(
      nodeVerify(
        'sha256',
        Buffer.from('batch'),
        ec.publicKeyPem,
        Buffer.from(batch.body[0].body.signature, 'base64'),
      ),
    ).toBe(true);
    expect(
      nodeVerify(
        'sha256',
        Buffer.from('batch'),
        rsa.publicKeyPem,
        Buffer.from(batch.body[6].body.signature, 'base64'),
      ),
    ).toBe(true);

    const verify = await fortanix('POST', '/crypto/v1/keys/batch/verify', {
      token: session,
      body: [
        {
          key: { kid: ec.id },
          hash_alg: 'SHA256',
          hash: b64(digest),
          signature: batch.body[0].body.signature,
        },
        {
          key: { kid: ec.id },
          hash_alg: 'SHA256',
          hash: b64(digest),
          signature: batch.body[6].body.signature,
        },
        {
          key: { name: 'fx-rsa' },
          hash_alg: 'SHA256',
          hash: b64(digest),
          signature: batch.body[6].body.signature,
        },
      ],
    });
    expect(verify.body).toEqual([
      { status: 200, body: { kid: ec.id, result: true } },
      { status: 200, body: { kid: ec.id, result: false } },
      { status: 200, body: { kid: rsa.id, result: true } },
    ]);
    const single = await fortanix('POST', '/crypto/v1/verify', {
      token: session,
      body: {
        key: { kid: rsa.id },
        hash_alg: 'SHA256',
        hash: b64(digest),
        signature: batch.body[6].body.signature,
      },
    });
    expect(single.body).toEqual({ kid: rsa.id, result: true });
    const tooMany = await fortanix('POST', '/crypto/v1/keys/batch/sign', {
      token: session,
      body: Array(101).fill({}),
    });
    expect(tooMany.status).toBe(400);
  });

  it('refuses unreadable Basic credentials with 401 plain text, as it does wrong ones', async () => {
    for (const authorization of [
      'Basic',
      'Basic not*base64',
      `Basic ${b64('no-colon')}`,
      `Basic ${b64('not-a-uuid:secret')}`,
      `Basic ${b64(`${randomUUID()}:`)}`,
      `Bearer ${b64(`${randomUUID()}:secret`)}`,
    ]) {
      const answer = await fortanix('POST', '/sys/v1/session/auth', {
        token: null,
        headers: { authorization },
      });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.text).toBe('invalid app credentials');
    }
  });

  it('signs RFC 6979 only for deterministic_signature, else with a fresh nonce; node:crypto verifies both', async () => {
    const data = Buffer.from('nonce policy');
    const signTwice = (extra: object) =>
      Promise.all(
        [0, 1].map(async () => {
          const answer = await fortanix('POST', '/crypto/v1/sign', {
            token: session,
            body: { key: { kid: ec.id }, hash_alg: 'SHA256', data: b64(data), ...extra },
          });
          expect(answer.status, answer.text).toBe(200);
          const signature = Buffer.from(answer.body.signature, 'base64');
          expect(nodeVerify('sha256', data, ec.publicKeyPem, signature)).toBe(true);
          return signature.toString('hex');
        }),
      );
    const [first, second] = await signTwice({ deterministic_signature: true });
    expect(first).toBe(second);
    const [hedged, again] = await signTwice({});
    expect(hedged).not.toBe(again);
    expect(hedged).not.toBe(first);
  });

  it('verifies PSS whatever its salt length, as DSM names none, but not under another MGF1 hash or tampered', async () => {
    const data = Buffer.from('pss salt');
    const rsaPublicDer = createPublicKey(rsaPrivatePem).export({ type: 'spki', format: 'der' });
    const signWithSalt = (saltLength: number) =>
      nodeSign('sha256', data, { key: rsaPrivatePem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    const verifyPss = async (
      signature: Buffer,
      key: object,
      mgfHash: 'SHA256' | 'SHA384' = 'SHA256',
    ): Promise<boolean> => {
      const answer = await fortanix('POST', '/crypto/v1/verify', {
        token: session,
        body: {
          key,
          hash_alg: 'SHA256',
          data: b64(data),
          mode: { PSS: { mgf: { mgf1: { hash: mgfHash } } } },
          signature: b64(signature),
        },
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.body.result;
    };
    for (const key of [{ kid: rsaImported.id }, { inline: { value: b64(rsaPublicDer), obj_type: 'RSA' } }]) {
      for (const saltLength of [32, 0, 20]) {
        const signature = signWithSalt(saltLength);
        expect(await verifyPss(signature, key), `salt ${saltLength}`).toBe(true);
        expect(await verifyPss(signature, key, 'SHA384'), `salt ${saltLength}, MGF1-SHA384`).toBe(false);
        const tampered = Buffer.from(signature);
        tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
        expect(await verifyPss(tampered, key), `salt ${saltLength}, tampered`).toBe(false);
      }
    }
  });

  it("records DSM's own algorithm label in the audit log", async () => {
    const digest = createHash('sha384').update('label').digest();
    const answer = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: {
        key: { kid: rsa.id },
        hash_alg: 'SHA384',
        hash: b64(digest),
        mode: { PSS: { mgf: { mgf1: { hash: 'SHA384' } } } },
      },
    });
    expect(answer.status, answer.text).toBe(200);
    const { entries } = await server.store.listAudit(0, 1000);
    const labels = entries
      .filter((entry) => entry.operation.startsWith('fortanix.') && entry.algorithm !== undefined)
      .map((entry) => entry.algorithm);
    expect(labels).toContain('PSS/SHA384/MGF1-SHA384');
    expect(labels).toContain('PKCS1_V15/SHA256');
    expect(labels).toContain('ECDSA/SHA256');
    expect(labels).toContain('ECDSA/SHA256/deterministic');
  });

  it('keeps an app to its keys', async () => {
    const other = (
      await server.call('POST', '/v1/keys', { body: { name: 'fx-other', type: 'EC', curve: 'P-256' } })
    ).body;
    const answer = await fortanix('POST', '/crypto/v1/sign', {
      token: session,
      body: { key: { kid: other.id }, hash_alg: 'SHA256', data: b64('x') },
    });
    // The same answer as for a key that does not exist: the app learns nothing of keys it is not granted.
    expect(answer.status).toBe(404);
    expect(answer.text).toBe('sobject does not exist');
  });
});
