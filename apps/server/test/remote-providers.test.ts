// Remote key providers against the mock servers: Fortanix DSM and SignPath keys on every surface, batching, sealing,
// and fault injection (retries with back-off, 502 for a vendor failure, 504 for a timeout, never a hang).
import { createPublicKey, verify as nodeVerify, randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fortanixCaller } from './fortanix-call.js';
import { startTestServer, type TestServer } from './helpers.js';
import { type MockServers, startMockServers } from './mock-servers.js';

const BATCH_SIGN = '/crypto/v1/keys/batch/sign';
/** The test server's deadline per vendor call. */
const REMOTE_TIMEOUT_MS = 2_000;
/** A vendor that "does not answer": it would answer long after every attempt's deadline (and the test's). */
const NO_ANSWER_DELAY_MS = 120_000;
const b64url = (text: string) => Buffer.from(text).toString('base64url');

function keyKids(list: string): Record<string, string> {
  return Object.fromEntries(list.split(',').map((pair) => pair.trim().split('=') as [string, string]));
}

function nodeVerifies(jwk: object, alg: string, message: Buffer, signature: Buffer): boolean {
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) {
    return nodeVerify(hash, message, { key, padding: 6, saltLength: Number(alg.slice(2)) / 8 }, signature);
  }
  if (alg.startsWith('ES')) return nodeVerify(hash, message, { key, dsaEncoding: 'der' }, signature);
  return nodeVerify(hash, message, key, signature);
}

describe('remote key providers', () => {
  let mocks: MockServers;
  let server: TestServer;
  let fortanix: {
    apiUrl: string;
    appId: string;
    secret: string;
    apiKey: string;
    kids: Record<string, string>;
  };
  let signPath: { apiUrl: string; organizationId: string; apiToken: string };
  const keys: Record<
    string,
    { id: string; kid: string; name: string; publicKeyJwk: jose.JWK; provider: string }
  > = {};

  beforeAll(async () => {
    mocks = await startMockServers('fortanix,signpath');
    const f = mocks.mocks.fortanix!;
    fortanix = {
      apiUrl: f.apiUrl,
      appId: f.credentials.appId!,
      secret: f.credentials.secret!,
      apiKey: f.credentials.apiKey!,
      kids: keyKids(f.credentials.keys!),
    };
    const s = mocks.mocks.signpath!;
    signPath = {
      apiUrl: s.apiUrl,
      organizationId: s.credentials.organizationId!,
      apiToken: s.credentials.apiToken!,
    };
    server = await startTestServer({
      // A deadline a healthy mock meets even on a busy machine; the delay faults below outlast it many times.
      remoteCallPolicy: {
        timeoutMs: REMOTE_TIMEOUT_MS,
        attempts: 3,
        initialBackoffMs: 20,
        maxBackoffMs: 100,
      },
      pingoneHeaders: { 'x-pingone-secret': 'pingone static secret value' },
    });
    const register = async (label: string, body: object) => {
      const answer = await server.call('POST', '/v1/keys', { body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      keys[label] = answer.body;
    };
    await register('fP256', {
      provider: 'fortanix',
      url: fortanix.apiUrl,
      appId: fortanix.appId,
      appSecret: fortanix.secret,
      name: 'sigil-ec-p256',
    });
    await register('fRsa', {
      provider: 'fortanix',
      url: fortanix.apiUrl,
      apiKey: fortanix.apiKey,
      kid: fortanix.kids['sigil-rsa-2048'],
    });
    await register('fEd', {
      provider: 'fortanix',
      url: fortanix.apiUrl,
      apiKey: fortanix.apiKey,
      name: 'sigil-ed25519',
    });
    for (const [label, policy] of [
      ['sRsa', 'test-signing'],
      ['sP256', 'ecdsa-p256-signing'],
    ] as const) {
      await register(label, {
        provider: 'signpath',
        apiUrl: signPath.apiUrl,
        organizationId: signPath.organizationId,
        token: signPath.apiToken,
        projectSlug: 'hash-signing-test',
        signingPolicySlug: policy,
      });
    }
  });

  afterEach(async () => {
    await mocks.admin('fortanix', 'DELETE', '/faults');
    await mocks.admin('signpath', 'DELETE', '/faults');
  });

  afterAll(async () => {
    await server?.sigil.close();
    await mocks?.stop();
  });

  it('links Fortanix keys by name and by kid, and SignPath policies, with their public halves', () => {
    expect(keys.fP256).toMatchObject({
      provider: 'fortanix',
      name: 'sigil-ec-p256',
      type: 'EC',
      curve: 'P-256',
    });
    expect(keys.fP256!.kid).toBe(fortanix.kids['sigil-ec-p256']);
    expect(keys.fRsa).toMatchObject({
      provider: 'fortanix',
      name: 'sigil-rsa-2048',
      type: 'RSA',
      size: 2048,
    });
    expect(keys.fEd).toMatchObject({ provider: 'fortanix', type: 'OKP', curve: 'Ed25519' });
    expect(keys.sRsa).toMatchObject({
      provider: 'signpath',
      name: 'signpath-hash-signing-test-test-signing',
    });
    expect(keys.sP256).toMatchObject({ provider: 'signpath', type: 'EC', curve: 'P-256' });
  });

  it('seals remote credentials at rest and never shows or logs them', async () => {
    const sealed = await Promise.all(
      Object.values(keys).map(async (key) => (await server.store.getKeyVersion(key.id, 1))?.sealedPrivateKey),
    );
    expect(sealed.every((blob) => typeof blob === 'string' && blob.includes('wrappedKey'))).toBe(true);
    const everything = [
      ...sealed,
      JSON.stringify((await server.call('GET', '/v1/keys')).body),
      ...server.logs,
    ].join('\n');
    for (const secret of [fortanix.secret, fortanix.apiKey, signPath.apiToken]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('signs on the native API with every remote key; signatures verify under node:crypto and /v1/verify', async () => {
    const message = Buffer.from('remote signing through the native API');
    for (const [label, alg] of [
      ['fP256', 'ES256'],
      ['fRsa', 'RS256'],
      ['fRsa', 'PS256'],
      ['sRsa', 'RS256'],
      ['sRsa', 'PS256'],
      ['sP256', 'ES256'],
    ] as const) {
      const key = keys[label]!;
      const signed = await server.call('POST', '/v1/sign', {
        body: { key: key.name, algorithm: alg, message: message.toString('base64') },
      });
      expect(signed.status, `${label} ${alg}: ${signed.text}`).toBe(200);
      const signature = Buffer.from(signed.body.signature, 'base64');
      expect(nodeVerifies(key.publicKeyJwk, alg, message, signature), `${label} ${alg}`).toBe(true);
      const verified = await server.call('POST', '/v1/verify', {
        body: {
          key: key.id,
          algorithm: alg,
          message: message.toString('base64'),
          signature: signed.body.signature,
        },
      });
      expect(verified.body).toEqual({ valid: true });
    }
    // a digest hashed elsewhere goes to the vendor as is, ECDSA in the P1363 format asked for
    const digest = Buffer.from(await crypto.subtle.digest('SHA-256', message));
    for (const label of ['fP256', 'sP256']) {
      const signed = await server.call('POST', '/v1/sign', {
        body: {
          key: keys[label]!.name,
          algorithm: 'ES256',
          digest: digest.toString('base64'),
          format: 'p1363',
        },
      });
      expect(signed.status, signed.text).toBe(200);
      expect(Buffer.from(signed.body.signature, 'base64')).toHaveLength(64);
    }
    const ed = await server.call('POST', '/v1/sign', {
      body: { key: keys.fEd!.name, algorithm: 'EdDSA', message: message.toString('base64') },
    });
    expect(ed.status, ed.text).toBe(200);
    const edKey = createPublicKey({
      key: keys.fEd!.publicKeyJwk as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    expect(nodeVerify(null, message, edKey, Buffer.from(ed.body.signature, 'base64'))).toBe(true);
  });

  it('answers a PingOne request with Fortanix keys in one batch call (and SignPath keys alongside)', async () => {
    const pingone = await server.call('POST', '/v1/tokens', {
      body: { name: 'pingone', scopes: ['pingone'] },
    });
    const cases = [
      { key: keys.fP256!, alg: 'ES256' },
      { key: keys.fRsa!, alg: 'RS256' },
      { key: keys.fP256!, alg: 'ES256' },
      { key: keys.fRsa!, alg: 'PS256' },
      { key: keys.sP256!, alg: 'ES256' },
    ];
    const payloads = [];
    for (const [index, { key, alg }] of cases.entries()) {
      const alias = randomUUID();
      await server.call('PUT', `/v1/keys/${key.id}/aliases`, {
        body: { pingoneCredentialSigningKeyId: alias },
      });
      payloads.push({
        payload: `${b64url(JSON.stringify({ alg, kid: key.kid, typ: 'vc+jwt' }))}.${b64url(JSON.stringify({ index }))}`,
        kid: key.kid,
        credentialSigningKeyId: alias,
      });
    }
    // each payload finds its key by kid (aliases were rebound above): the request carries 4 Fortanix payloads
    for (const payload of payloads) payload.credentialSigningKeyId = randomUUID();
    await mocks.admin('fortanix', 'DELETE', '/requests');
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token: pingone.body.token,
      body: { purpose: 'remote', payloads },
    });
    expect(answer.status, answer.text).toBe(200);
    for (const [index, entry] of answer.body.signedData.entries()) {
      const { key, alg } = cases[index]!;
      const verified = await jose.compactVerify(
        `${entry.payload}.${entry.signature}`,
        await jose.importJWK(key.publicKeyJwk, alg),
      );
      expect(JSON.parse(new TextDecoder().decode(verified.payload)).index).toBe(index);
    }
    expect(await mocks.requests('fortanix', 'POST', BATCH_SIGN)).toHaveLength(1);
    expect(await mocks.requests('fortanix', 'POST', '/crypto/v1/sign')).toHaveLength(0);
  });

  it('signs on the Fortanix-compatible and SignPath-compatible surfaces with remote keys', async () => {
    const app = await server.call('POST', '/v1/fortanix/apps', { body: { name: 'remote-app' } });
    const basic = Buffer.from(`${app.body.appId}:${app.body.secret}`).toString('base64');
    const session = await fortanixCaller(server)('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${basic}` },
    });
    const data = Buffer.from('fortanix surface').toString('base64');
    const signed = await fortanixCaller(server)('POST', '/crypto/v1/sign', {
      token: session.body.access_token,
      body: { key: { kid: keys.fP256!.id }, hash_alg: 'SHA256', data },
    });
    expect(signed.status, signed.text).toBe(200);
    expect(
      nodeVerifies(
        keys.fP256!.publicKeyJwk,
        'ES256',
        Buffer.from(data, 'base64'),
        Buffer.from(signed.body.signature, 'base64'),
      ),
    ).toBe(true);

    // a Sigil SignPath policy bound to a key that itself lives behind a SignPath policy: the certificate is SignPath's
    const policy = await server.call('POST', '/v1/signpath/policies', {
      body: { organizationId: 'org-remote', projectSlug: 'p', signingPolicySlug: 's', keyId: keys.sRsa!.id },
    });
    expect(policy.status, policy.text).toBe(201);
  });

  it('asks DSM for RFC 6979 only where a surface asks for it, else for its default random nonce', async () => {
    const sentItems = async () =>
      (await mocks.requests('fortanix', 'POST', BATCH_SIGN)).flatMap(
        (entry) => JSON.parse(entry.request.body) as Record<string, unknown>[],
      );
    const message = Buffer.from('nonce through DSM');
    await mocks.admin('fortanix', 'DELETE', '/requests');
    const native = await server.call('POST', '/v1/sign', {
      body: { key: keys.fP256!.name, algorithm: 'ES256', message: message.toString('base64') },
    });
    expect(native.status, native.text).toBe(200);
    const [nativeItem] = await sentItems();
    expect(nativeItem).toMatchObject({ key: { kid: keys.fP256!.kid }, hash_alg: 'SHA256' });
    expect(nativeItem).not.toHaveProperty('deterministic_signature');

    const app = await server.call('POST', '/v1/fortanix/apps', { body: { name: 'nonce-app' } });
    const basic = Buffer.from(`${app.body.appId}:${app.body.secret}`).toString('base64');
    const session = await fortanixCaller(server)('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${basic}` },
    });
    await mocks.admin('fortanix', 'DELETE', '/requests');
    const signatures = [];
    for (let i = 0; i < 2; i++) {
      const signed = await fortanixCaller(server)('POST', '/crypto/v1/sign', {
        token: session.body.access_token,
        body: {
          key: { kid: keys.fP256!.id },
          hash_alg: 'SHA256',
          data: message.toString('base64'),
          deterministic_signature: true,
        },
      });
      expect(signed.status, signed.text).toBe(200);
      const signature = Buffer.from(signed.body.signature, 'base64');
      expect(nodeVerifies(keys.fP256!.publicKeyJwk, 'ES256', message, signature)).toBe(true);
      signatures.push(signature.toString('hex'));
    }
    expect(signatures[0]).toBe(signatures[1]);
    const items = await sentItems();
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject({ deterministic_signature: true });
    // SignPath offers no deterministic ECDSA: a key behind a SignPath policy refuses the request, unsent.
    await mocks.admin('signpath', 'DELETE', '/requests');
    const refused = await fortanixCaller(server)('POST', '/crypto/v1/sign', {
      token: session.body.access_token,
      body: {
        key: { kid: keys.sP256!.id },
        hash_alg: 'SHA256',
        data: message.toString('base64'),
        deterministic_signature: true,
      },
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toMatch(/deterministic/);
    expect(await mocks.requests('signpath', 'POST', '/api/v1/*')).toHaveLength(0);
  });

  it('retries a transient vendor failure with back-off and then succeeds', async () => {
    await mocks.admin('fortanix', 'DELETE', '/requests');
    await mocks.admin('fortanix', 'POST', '/faults', { path: BATCH_SIGN, status: 503, times: 2 });
    const signed = await server.call('POST', '/v1/sign', {
      body: { key: keys.fP256!.name, algorithm: 'ES256', message: 'aGVsbG8=' },
    });
    expect(signed.status, signed.text).toBe(200);
    const statuses = (await mocks.requests('fortanix', 'POST', BATCH_SIGN)).map(
      (entry) => entry.response?.status,
    );
    expect(statuses.sort()).toEqual([200, 503, 503]);
  });

  it('answers 502 with the vendor status when the vendor keeps failing, after bounded attempts', async () => {
    await mocks.admin('fortanix', 'DELETE', '/requests');
    await mocks.admin('fortanix', 'POST', '/faults', { path: BATCH_SIGN, status: 503 });
    const signed = await server.call('POST', '/v1/sign', {
      body: { key: keys.fP256!.name, algorithm: 'ES256', message: 'aGVsbG8=' },
    });
    expect(signed.status).toBe(502);
    expect(signed.body.error.code).toBe('ERR_REMOTE_PROVIDER');
    expect(signed.body.error.message).toMatch(/Fortanix DSM answered 503.*3 attempts/);

    // a 4xx is not retried
    await mocks.admin('signpath', 'DELETE', '/requests');
    await mocks.admin('signpath', 'POST', '/faults', { path: '/api/v1/*', status: 403 });
    const refused = await server.call('POST', '/v1/sign', {
      body: { key: keys.sRsa!.name, algorithm: 'RS256', message: 'aGVsbG8=' },
    });
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toMatch(/SignPath answered 403/);
    expect(await mocks.requests('signpath', 'POST', '/api/v1/*')).toHaveLength(1);
  });

  it('answers 504 when the vendor does not answer in time, without waiting for it', async () => {
    // The vendor's answer would come after the test's own limit: a 504 at all shows the deadline cut the call off.
    await mocks.admin('fortanix', 'POST', '/faults', { path: BATCH_SIGN, delayMs: NO_ANSWER_DELAY_MS });
    const signed = await server.call('POST', '/v1/sign', {
      body: { key: keys.fRsa!.name, algorithm: 'RS256', message: 'aGVsbG8=' },
    });
    expect(signed.status).toBe(504);
    expect(signed.body.error.code).toBe('ERR_REMOTE_TIMEOUT');

    // the PingOne surface gets the same status in its own error shape
    await mocks.admin('signpath', 'POST', '/faults', { path: '/api/v1/*', delayMs: NO_ANSWER_DELAY_MS });
    const payload = `${b64url(JSON.stringify({ alg: 'ES256', kid: keys.sP256!.kid }))}.${b64url('{}')}`;
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token: null,
      headers: { 'x-pingone-secret': 'pingone static secret value' },
      body: { payloads: [{ payload, kid: keys.sP256!.kid, credentialSigningKeyId: randomUUID() }] },
    });
    expect(answer.status).toBe(504);
    expect(answer.body.code).toBe('ERR_REMOTE_TIMEOUT');
  });

  it('answers 502 for a malformed body or a corrupted signature, which never reaches the caller', async () => {
    await mocks.admin('fortanix', 'POST', '/faults', { path: BATCH_SIGN, malformed: true });
    const malformed = await server.call('POST', '/v1/sign', {
      body: { key: keys.fP256!.name, algorithm: 'ES256', message: 'aGVsbG8=' },
    });
    expect(malformed.status).toBe(502);
    await mocks.admin('fortanix', 'DELETE', '/faults');
    await mocks.admin('signpath', 'POST', '/faults', { path: '/api/v1/*', corruptSignature: true });
    const corrupt = await server.call('POST', '/v1/sign', {
      body: { key: keys.sP256!.name, algorithm: 'ES256', message: 'aGVsbG8=' },
    });
    expect(corrupt.status).toBe(502);
    expect(corrupt.body.error.message).toMatch(/does not verify/);
    const audit = await server.call('GET', '/v1/audit/verify');
    expect(audit.body.ok).toBe(true);
  });

  it('refuses a link to a key the vendor does not have, and to an unreachable vendor', async () => {
    const missing = await server.call('POST', '/v1/keys', {
      body: { provider: 'fortanix', url: fortanix.apiUrl, apiKey: fortanix.apiKey, name: 'no-such-key' },
    });
    expect(missing.status).toBe(404);
    const missingKid = await server.call('POST', '/v1/keys', {
      body: { provider: 'fortanix', url: fortanix.apiUrl, apiKey: fortanix.apiKey, kid: randomUUID() },
    });
    expect(missingKid.status, missingKid.text).toBe(404);
    expect(missingKid.body.error.code).toBe('ERR_KEY_NOT_FOUND');
    const unreachable = await server.call('POST', '/v1/keys', {
      body: {
        provider: 'signpath',
        apiUrl: 'http://127.0.0.1:9/api',
        organizationId: signPath.organizationId,
        token: 'x',
        projectSlug: 'p',
        signingPolicySlug: 's',
      },
    });
    expect(unreachable.status).toBe(502);
    const both = await server.call('POST', '/v1/keys', {
      body: { provider: 'fortanix', url: fortanix.apiUrl, apiKey: 'k', name: 'a', kid: randomUUID() },
    });
    expect(both.status).toBe(400);
  });
});
