// A bad-input corpus over every route: every answer is a 4xx (never a 5xx) and comes back promptly.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';

const ROUTES: [string, string][] = [
  ['POST', '/v1/keys'],
  ['GET', '/v1/keys/{id}'],
  ['POST', '/v1/keys/{id}/rotate'],
  ['POST', '/v1/keys/{id}/disable'],
  ['DELETE', '/v1/keys/{id}'],
  ['PUT', '/v1/keys/{id}/aliases'],
  ['POST', '/v1/sign'],
  ['POST', '/v1/verify'],
  ['POST', '/v1/sign/batch'],
  ['POST', '/v1/tokens'],
  ['DELETE', '/v1/tokens/{id}'],
  ['GET', '/v1/audit?after=-1&limit=abc'],
  ['POST', '/v1/signpath/policies'],
  ['POST', '/v1/fortanix/apps'],
  ['POST', '/pingone/credential-signing'],
  ['POST', '/signpath/api/v1/org/SigningRequests'],
  ['POST', '/signpath/api/v1/org/SigningRequests/SignHash'],
  ['GET', '/signpath/api/v1/org/SigningRequests/{id}'],
  ['GET', '/signpath/api/v1/org/SigningRequests/{id}/Status'],
  ['GET', '/signpath/api/v1/org/SigningRequests/{id}/SignedArtifact'],
  ['POST', '/fortanix/sys/v1/session/auth'],
  ['POST', '/fortanix/crypto/v1/sign'],
  ['POST', '/fortanix/crypto/v1/verify'],
  ['POST', '/fortanix/crypto/v1/keys/batch/sign'],
  ['POST', '/fortanix/crypto/v1/keys/batch/verify'],
  ['PATCH', '/v1/keys'],
];

const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const BODIES: (string | Uint8Array)[] = [
  '',
  '{',
  'null',
  '[]',
  '{}',
  '"text"',
  '123',
  'true',
  nested,
  randomBytes(64),
  '{"key":{"kid":"x"},"hash_alg":"SHA256","hash":"!!"}',
  '{"key":"k","algorithm":"ES256","message":"eA=="}',
  '{"type":"RSA","size":1024}',
  '{"type":"EC","curve":"P-192"}',
  '{"name":"x","jwk":{"kty":"RSA","n":5,"e":[],"d":{}}}',
  '{"name":"x","jwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}}',
  '{"name":"x","privateKeyPem":"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}',
  '[{"key":{"inline":{"value":"AAAA","obj_type":"RSA"}},"hash_alg":"SHA256","data":"eA=="}]',
  '{"key":{"inline":{"value":"MAA=","obj_type":"EC"}},"hash_alg":"SHA256","data":"eA=="}',
  '{"payloads":[{"payload":"eyJhbGciOiJub25lIn0.e30","kid":"k","credentialSigningKeyId":"00000000-0000-4000-8000-000000000000"}]}',
  '{"payloads":"x"}',
  '{"projectSlug":"p","signingPolicySlug":"s","hashSigningData":{"hash":"eA==","signatureAlgorithm":"Rsa"}}',
  '{"organizationId":"o","projectSlug":"p","signingPolicySlug":"s","keyId":"nope","submitters":[]}',
  '{"name":"t","scopes":["admin"],"keys":"all"}',
  '{"pingoneCredentialSigningKeyId":"not-a-uuid"}',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}',
];

const CONTENT_TYPES = ['application/json', 'multipart/form-data; boundary=zz', 'text/plain'];
/** An in-process request still unanswered after this long hangs. */
const HANG_MS = 30_000;

describe('bad input', () => {
  it('gets a clear 4xx from every route, with and without credentials, and never hangs', {
    timeout: 300_000,
  }, async () => {
    const server = await startTestServer();
    const key = (
      await server.call('POST', '/v1/keys', { body: { name: 'corpus', type: 'EC', curve: 'P-256' } })
    ).body;
    const tokens = [server.adminToken, null, 'sgl_wrong-token-value-000000'];
    const ids = [key.id, randomUUID(), 'not-an-id', '%00', '..%2f..%2fetc'];
    const failures: string[] = [];
    let count = 0;
    for (const [method, template] of ROUTES) {
      for (const id of template.includes('{id}') ? ids : ['']) {
        const path = template.replace('{id}', id);
        for (const token of tokens) {
          for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : BODIES) {
            for (const contentType of body === undefined ? [undefined] : CONTENT_TYPES) {
              const headers: Record<string, string> = {};
              if (token) headers.authorization = `Bearer ${token}`;
              if (contentType) headers['content-type'] = contentType;
              // A request that hangs fails the test and names itself (HANG_MS bounds a hang; it is no speed limit).
              let hang: NodeJS.Timeout | undefined;
              const response = await Promise.race([
                server.sigil.app.request(path, { method, headers, body: body as string | undefined }),
                new Promise<Response>((_, reject) => {
                  hang = setTimeout(() => reject(new Error(`hang: ${method} ${path}`)), HANG_MS);
                }),
              ]).finally(() => clearTimeout(hang));
              await response.text();
              count += 1;
              if (response.status >= 500) {
                failures.push(
                  `${method} ${path} ${contentType} ${String(body).slice(0, 60)} -> ${response.status}`,
                );
              }
              // The key must survive the corpus for the next requests.
              if (method === 'DELETE' && path.includes(key.id)) {
                const again = (
                  await server.call('POST', '/v1/keys', { body: { type: 'EC', curve: 'P-256' } })
                ).body;
                ids[0] = again.id;
              }
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(1000);
    // The audit chain survives the corpus.
    expect((await server.call('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });
});
