// End to end: the PingOne mock's issue call against the real Sigil server's credential signing callback, both processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MocksProcess, type ServerProcess, startMocksProcess, startServerProcess } from './processes.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** The server keys PingOne signs credentials with: one per JOSE alg PingOne takes. */
const KEY_SPECS = [
  { alg: 'ES256', body: { type: 'EC', curve: 'P-256' } },
  { alg: 'ES384', body: { type: 'EC', curve: 'P-384' } },
  { alg: 'ES512', body: { type: 'EC', curve: 'P-521' } },
  { alg: 'ES256K', body: { type: 'EC', curve: 'secp256k1' } },
  { alg: 'RS256', body: { type: 'RSA', size: 2048 } },
  { alg: 'PS384', body: { type: 'RSA', size: 3072 } },
  { alg: 'EdDSA', body: { type: 'OKP', curve: 'Ed25519' } },
] as const;

interface ServerKey {
  readonly id: string;
  readonly kid: string;
  readonly publicKeyJwk: Record<string, string>;
}

interface IssueAnswer {
  readonly status: number | null;
  readonly results: Array<{ kid: string; credentialSigningKeyId: string; valid: boolean; error?: string }>;
}

let server: ServerProcess;
let mocks: MocksProcess;
let pingone: { origin: string; apiUrl: string; environmentId: string; accessToken: string };
/** The server keys with the credential signing key ID PingOne gave each. */
const bound: Array<{ alg: string; key: ServerKey; credentialSigningKeyId: string; registeredKid: string }> =
  [];

beforeAll(async () => {
  [server, mocks] = await Promise.all([
    startServerProcess({ SIGIL_ADMIN_TOKEN: ADMIN_TOKEN }),
    startMocksProcess(['--only', 'pingone', '--seed', 'e2e-server']),
  ]);
  const served = mocks.mock('pingone');
  if (served === undefined) throw new Error('sigil-mocks did not start PingOne');
  pingone = {
    origin: served.origin,
    apiUrl: served.apiUrl,
    environmentId: served.credentials.environmentId ?? '',
    accessToken: served.credentials.accessToken ?? '',
  };
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.stop(), mocks?.stop()]);
});

/** A call to the server's native API with the admin token. */
async function sigilApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A call to the PingOne mock's management API with its access token. */
async function pingOneApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${pingone.apiUrl}/environments/${pingone.environmentId}${path}`, {
    method,
    headers: { authorization: `Bearer ${pingone.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`PingOne ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Points the issuer profile at the server's callback with these headers. */
async function configureSigning(headers: Record<string, string>): Promise<void> {
  const profile = await pingOneApi<Record<string, unknown>>('GET', '/credentialIssuerProfile');
  await pingOneApi('PUT', '/credentialIssuerProfile', {
    ...profile,
    credentialSigning: { url: `${server.url}/pingone/credential-signing`, headers },
  });
}

/** `POST /__admin/pingone/issue`: PingOne builds requests for the enabled keys, calls the server, verifies. */
async function issue(): Promise<IssueAnswer> {
  const response = await fetch(`${pingone.origin}/__admin/pingone/issue`, {
    method: 'POST',
    body: JSON.stringify({ timeoutMs: 10_000, claims: { course: 'end to end' } }),
    signal: AbortSignal.timeout(20_000),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as IssueAnswer;
}

describe('PingOne mock → Sigil server credential signing', () => {
  it('registers the server keys with PingOne and binds the IDs PingOne gave them as aliases', async () => {
    // Only the server's keys take part: the mock's own fixture keys are turned off (kept for verifying).
    const fixtures = (await (await fetch(`${pingone.origin}/__admin/fixtures`)).json()) as {
      credentialSigningKeys: Array<{ id: string }>;
    };
    for (const fixture of fixtures.credentialSigningKeys) {
      await pingOneApi('PUT', `/credentialSigningKeys/${fixture.id}`, { enabled: false });
    }
    for (const spec of KEY_SPECS) {
      const key = await sigilApi<ServerKey>('POST', '/v1/keys', {
        name: `pingone-${spec.alg}`,
        ...spec.body,
      });
      expect(key.publicKeyJwk).not.toHaveProperty('d');
      // One key is registered under a kid of PingOne's own, so the server must find it by its alias alone.
      const registeredKid = spec.alg === 'PS384' ? 'issuer-2025-ps384' : key.kid;
      const created = await pingOneApi<{ id: string; jwk: { kid: string; alg: string } }>(
        'POST',
        '/credentialSigningKeys',
        {
          enabled: true,
          name: `sigil ${spec.alg}`,
          jwk: { ...key.publicKeyJwk, kid: registeredKid, alg: spec.alg },
        },
      );
      expect(created.jwk).toMatchObject({ kid: registeredKid, alg: spec.alg });
      const aliased = await sigilApi<{ pingoneCredentialSigningKeyId: string }>(
        'PUT',
        `/v1/keys/${key.id}/aliases`,
        { pingoneCredentialSigningKeyId: created.id },
      );
      expect(aliased.pingoneCredentialSigningKeyId).toBe(created.id);
      bound.push({ alg: spec.alg, key, credentialSigningKeyId: created.id, registeredKid });
    }
    expect(bound).toHaveLength(KEY_SPECS.length);
  });

  it('issue with a pingone-scoped bearer token: every signature the server returns is valid', async () => {
    expect(bound).toHaveLength(KEY_SPECS.length);
    const { token } = await sigilApi<{ id: string; token: string }>('POST', '/v1/tokens', {
      name: 'pingone-callback',
      scopes: ['pingone'],
    });
    await configureSigning({ Authorization: `Bearer ${token}` });
    const answer = await issue();
    expect(answer.status).toBe(200);
    expect(answer.results).toHaveLength(KEY_SPECS.length);
    for (const result of answer.results) expect(result, result.error).toMatchObject({ valid: true });
    expect(answer.results.map((result) => [result.credentialSigningKeyId, result.kid]).sort()).toEqual(
      bound.map((entry) => [entry.credentialSigningKeyId, entry.registeredKid]).sort(),
    );
    // Every signing went into the server's audit chain, which still verifies.
    const audit = await sigilApi<{ ok: boolean; entries: number }>('GET', '/v1/audit/verify');
    expect(audit.ok).toBe(true);
  });

  it('issue with wrong headers: the server answers 401 and PingOne reports no signature valid', async () => {
    const signOnly = await sigilApi<{ id: string; token: string }>('POST', '/v1/tokens', {
      name: 'not-pingone',
      scopes: ['sign'],
    });
    const revoked = await sigilApi<{ id: string; token: string }>('POST', '/v1/tokens', {
      name: 'revoked-pingone',
      scopes: ['pingone'],
    });
    await sigilApi('DELETE', `/v1/tokens/${revoked.id}`);
    const wrongHeaders: Array<Record<string, string>> = [
      { Authorization: 'Bearer sgl_not-a-real-token-0123456789' },
      { Authorization: `Bearer ${signOnly.token}` },
      { Authorization: `Bearer ${revoked.token}` },
      { 'X-Api-Key': 'no-bearer-at-all' },
    ];
    for (const headers of wrongHeaders) {
      await configureSigning(headers);
      const answer = await issue();
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.results).toHaveLength(KEY_SPECS.length);
      for (const result of answer.results) {
        expect(result.valid).toBe(false);
        expect(result.error).toMatch(/answered 401/);
      }
    }
  });
});
