// Review fixes kept by tests: SignPath needs the sign scope, vendor URLs need HTTPS, inline RSA keys are bounded.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fortanixCaller } from './fortanix-call.js';
import { startTestServer, type TestServer } from './helpers.js';

describe('hardening', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });

  it('refuses a SignPath submitter whose token lacks the sign scope', async () => {
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'h-ec', type: 'EC', curve: 'P-256' } })
    ).body;
    const auditor = (
      await server.call('POST', '/v1/tokens', { body: { name: 'auditor', scopes: ['audit'] } })
    ).body;
    const org = randomUUID();
    const policy = await server.call('POST', '/v1/signpath/policies', {
      body: {
        organizationId: org,
        projectSlug: 'p',
        signingPolicySlug: 's',
        keyId: key.id,
        submitters: [auditor.id],
      },
    });
    expect(policy.status).toBe(201);
    const answer = await server.call('POST', `/signpath/api/v1/${org}/SigningRequests/SignHash`, {
      token: auditor.token,
      body: {
        projectSlug: 'p',
        signingPolicySlug: 's',
        hashSigningData: { hash: Buffer.alloc(32, 1).toString('base64'), signatureAlgorithm: 'Ecdsa' },
      },
    });
    expect(answer.status).toBe(403);
  });

  it('refuses a remote key whose vendor URL is plain http off loopback', async () => {
    const answer = await server.call('POST', '/v1/keys', {
      body: {
        provider: 'fortanix',
        url: 'http://dsm.example.com',
        apiKey: 'x',
        name: 'remote',
        kid: undefined,
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('ERR_VALIDATION');
  });

  it('refuses an inline Fortanix RSA key outside 2048-4096 bits, item by item', async () => {
    const app = (await server.call('POST', '/v1/fortanix/apps', { body: { name: 'inline-app' } })).body;
    const auth = await fortanixCaller(server)('POST', '/sys/v1/session/auth', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`${app.appId}:${app.secret}`).toString('base64')}` },
    });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    const answer = await fortanixCaller(server)('POST', '/crypto/v1/keys/batch/sign', {
      token: auth.body.access_token,
      body: [
        {
          key: { inline: { value: Buffer.from(small).toString('base64'), obj_type: 'RSA' } },
          hash_alg: 'SHA256',
          data: Buffer.from('hello').toString('base64'),
        },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body[0].status).toBe(400);
    expect(answer.body[0].error).toMatch(/2048 to 4096 bits/);
  });
});

describe('SignPath policy certificate after a key rotation', () => {
  it('MySigningPolicies answers a certificate for the version that signs now', async () => {
    const { X509Certificate } = await import('node:crypto');
    const server = await startTestServer();
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'rot-ec', type: 'EC', curve: 'P-256' } })
    ).body;
    const submitter = (await server.call('POST', '/v1/tokens', { body: { name: 'ci', scopes: ['sign'] } }))
      .body;
    const org = randomUUID();
    await server.call('POST', '/v1/signpath/policies', {
      body: {
        organizationId: org,
        projectSlug: 'p',
        signingPolicySlug: 's',
        keyId: key.id,
        submitters: [submitter.id],
      },
    });
    const rotated = await server.call('POST', `/v1/keys/${key.id}/rotate`);
    expect(rotated.status).toBeLessThan(300);
    const policies = await server.call('GET', `/signpath/api/v1/${org}/Cryptoki/MySigningPolicies`, {
      token: submitter.token,
    });
    const entry = policies.body.signingPolicies[0];
    const certificate = new X509Certificate(Buffer.from(entry.certificateBytes, 'base64'));
    const current = (await server.call('GET', `/v1/keys/${key.id}`)).body;
    expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(current.publicKeyPem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
  });
});
