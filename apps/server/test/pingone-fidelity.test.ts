// The /pingone surface speaks PingOne's error shape everywhere: every refusal is a P1Error (checked against the
// PingOne Credentials spec), anything but the signing callback says the callback is all Sigil serves there, and a
// payload whose kid field and JWS header kid disagree is refused naming which is which.
import { randomUUID } from 'node:crypto';
import { vendorSpec } from '@sigil/vendor-specs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const signingInput = (header: object, claims: object) =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
const CALLBACK_ONLY =
  /Sigil serves only the PingOne credential signing callback under \/pingone: POST \/pingone\/credential-signing/;

/** Fails with the spec's words when `body` is not a P1Error (Credentials spec, `components.schemas.P1Error`). */
function expectP1Error(body: unknown): void {
  const check = vendorSpec('pingone').validateSchema('P1Error', body);
  expect(check.errors).toEqual([]);
  expect(body).toMatchObject({
    id: expect.any(String),
    code: expect.any(String),
    message: expect.any(String),
  });
}

describe('the /pingone surface in PingOne shape', () => {
  let server: TestServer;
  let token: string;
  let key: { id: string; kid: string };

  beforeAll(async () => {
    server = await startTestServer();
    token = (await server.call('POST', '/v1/tokens', { body: { name: 'pingone', scopes: ['pingone'] } })).body
      .token;
    key = (await server.call('POST', '/v1/keys', { body: { name: 'issuer', type: 'EC', curve: 'P-256' } }))
      .body;
  });

  it.each([
    ['GET', '/pingone/credentialIssuerProfile'],
    ['PUT', '/pingone/v1/environments/0f7e2a8c-5d4b-4c3a-9e1f-2b3c4d5e6f70/credentialIssuerProfile'],
    ['POST', '/pingone/environments/abc/credentialSigningKeys'],
    ['POST', '/pingone/credential-signing/extra'],
    ['GET', '/pingone'],
    ['DELETE', '/pingone/'],
  ])('answers %s %s with a PingOne-shaped 404 saying only the callback is served', async (method, path) => {
    const answer = await server.call(method, path, { token, ...(method === 'GET' ? {} : { body: {} }) });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expectP1Error(answer.body);
    expect(answer.body.code).toBe('ERR_NOT_FOUND');
    expect(answer.body.message).toMatch(CALLBACK_ONLY);
    expect(answer.body.message).toContain(`${method} ${path}`);
    expect(answer.body.message).not.toBe('no such route');
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])(
    'answers %s on the callback path with 405, Allow: POST',
    async (method) => {
      const answer = await server.call(method, '/pingone/credential-signing', { token });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      expectP1Error(answer.body);
      expect(answer.body).toMatchObject({
        code: 'ERR_METHOD_NOT_ALLOWED',
        message: expect.stringMatching(CALLBACK_ONLY),
      });
    },
  );

  it('still serves the callback itself', async () => {
    const payload = signingInput({ alg: 'ES256', kid: key.kid }, { sub: 'x' });
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token,
      body: { payloads: [{ payload, kid: key.kid, credentialSigningKeyId: randomUUID() }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.signedData).toHaveLength(1);
  });

  it("refuses a payload whose kid field is not its JWS header's kid, saying which is which and what to do", async () => {
    const payload = signingInput({ alg: 'ES256', kid: 'header-kid' }, { sub: 'x' });
    const answer = await server.call('POST', '/pingone/credential-signing', {
      token,
      body: { payloads: [{ payload, kid: key.kid, credentialSigningKeyId: randomUUID() }] },
    });
    expect(answer.status).toBe(400);
    expectP1Error(answer.body);
    expect(answer.body.code).toBe('ERR_PINGONE_KEY');
    expect(answer.body.message).toContain(`JWS protected header's kid "header-kid"`);
    expect(answer.body.message).toContain(`payload's kid field "${key.kid}"`);
    expect(answer.body.message).toMatch(/kid field equal to the header kid/);
  });

  it('answers every refusal of the callback as a P1Error (401, 400 malformed, 400 invalid, 413)', async () => {
    const refusals = [
      await server.call('POST', '/pingone/credential-signing', { token: null, body: { payloads: [] } }),
      await server.call('POST', '/pingone/credential-signing', { token, raw: '{not json' }),
      await server.call('POST', '/pingone/credential-signing', { token, body: { payloads: [{ kid: 1 }] } }),
      await server.call('POST', '/pingone/credential-signing', {
        token,
        raw: JSON.stringify({ payloads: [], padding: 'x'.repeat(1024 * 1024) }),
      }),
    ];
    expect(refusals.map((answer) => answer.status)).toEqual([401, 400, 400, 413]);
    for (const answer of refusals) expectP1Error(answer.body);
  });
});
