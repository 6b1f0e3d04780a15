// End to end: the built sigil-mocks binary as a process, driven by the protocols clients over real sockets.

import { spawnSync } from 'node:child_process';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  verify,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtocolError } from '@sigil/protocols/errors';
import { createFortanixClient, type FortanixClient } from '@sigil/protocols/fortanix';
import { buildAuthorizationHeader, verifyResponseSignature } from '@sigil/protocols/pingid';
import { createPingOneClient, type PingOneClient } from '@sigil/protocols/pingone';
import { createSignPathClient, type SignPathClient } from '@sigil/protocols/signpath';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearFaults,
  fetchWithTimeout,
  injectFault,
  type MocksProcess,
  startMocksProcess,
} from './helpers/mocks-process.js';
import { startTestSigner, type TestSigner } from './helpers/pingone-signer.js';

/** The clients' deadline here: a healthy mock meets it even on a busy machine. */
const CLIENT_TIMEOUT_MS = 5_000;
/** A delay fault that outlasts the deadline (and the test): the mock "does not answer". */
const NO_ANSWER_DELAY_MS = 120_000;
const data = Buffer.from('end to end');
const digest = createHash('sha256').update(data).digest();

let mocks: MocksProcess;
let signer: TestSigner;

beforeAll(async () => {
  mocks = await startMocksProcess(['--seed', 'e2e']);
  signer = await startTestSigner();
});
afterAll(async () => {
  await mocks?.stop();
  await signer?.close();
});

const origin = (name: string) => mocks.mocks[name]?.origin ?? '';
const fixturesOf = async <T>(name: string) =>
  (await (await fetch(`${origin(name)}/__admin/fixtures`)).json()) as T;

/** Expects `operation` to fail with a ProtocolError of `code` (a hang would outlast the test); the error. */
async function expectTypedFailure(
  operation: () => Promise<unknown>,
  code: string,
  status?: number,
): Promise<ProtocolError> {
  const error = await operation().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).code).toBe(code);
  if (status !== undefined) expect((error as ProtocolError).status).toBe(status);
  return error as ProtocolError;
}

/** The failure was the client's deadline cutting off a mock that did not answer (not an answer, not a reset). */
function expectCutOffByDeadline(error: ProtocolError): void {
  expect((error.cause as Error | undefined)?.name, String(error.cause)).toBe('TimeoutError');
}

/** The four transport faults every client must turn into a typed error, with the HTTP and body codes expected. */
async function checkTransportFaults(
  name: string,
  path: string,
  operation: () => Promise<unknown>,
  codes: { http: string; body: string },
) {
  const at = origin(name);
  await injectFault(at, { path, status: 503, times: 1 });
  await expectTypedFailure(operation, codes.http, 503);
  await injectFault(at, { path, reset: true, times: 1 });
  await expectTypedFailure(operation, codes.http);
  await injectFault(at, { path, delayMs: NO_ANSWER_DELAY_MS, times: 1 });
  expectCutOffByDeadline(await expectTypedFailure(operation, codes.http));
  await injectFault(at, { path, malformed: true, times: 1 });
  await expectTypedFailure(operation, codes.body);
  await clearFaults(at);
  await operation();
}

describe('sigil-mocks process', () => {
  it('serves all four mocks with deterministic fixtures from --seed', async () => {
    expect(Object.keys(mocks.mocks)).toEqual(['pingone', 'signpath', 'fortanix', 'pingid']);
    const again = await startMocksProcess(['--seed', 'e2e', '--only', 'signpath,fortanix']);
    try {
      expect(Object.keys(again.mocks)).toEqual(['signpath', 'fortanix']);
      expect(again.mocks.signpath?.credentials).toEqual(mocks.mocks.signpath?.credentials);
      expect(again.mocks.fortanix?.credentials).toEqual(mocks.mocks.fortanix?.credentials);
    } finally {
      await again.stop();
    }
  });
});

describe('--fixtures', () => {
  const directory = mkdtempSync(join(tmpdir(), 'sigil-mocks-fixtures-'));

  it('preloads accounts, tokens, policies and keys from a file', async () => {
    const file = join(directory, 'fixtures.json');
    writeFileSync(
      file,
      JSON.stringify({
        signpath: {
          organizationId: '11111111-2222-4333-8444-555555555555',
          users: [{ name: 'qa', apiToken: 'qa-token-123456' }],
          signingPolicies: [
            { signingPolicySlug: 'release', projectSlug: 'app', keyType: 'Ecdsa', curve: 'P-384' },
          ],
        },
        fortanix: { keys: [{ name: 'only-key', obj_type: 'EC', elliptic_curve: 'NistP256' }] },
        pingid: {
          accountId: '99999999-2222-4333-8444-555555555555',
          token: 'token-from-file',
          otp: '424242',
        },
        pingone: { accessToken: 'pingone-token-from-file', credentialSigningKeys: [] },
      }),
    );
    const custom = await startMocksProcess(['--seed', 'files', '--fixtures', file]);
    try {
      expect(custom.mocks.signpath?.credentials).toMatchObject({
        organizationId: '11111111-2222-4333-8444-555555555555',
        apiToken: 'qa-token-123456',
        signingPolicies: 'app/release',
      });
      const client = createSignPathClient({
        organizationId: '11111111-2222-4333-8444-555555555555',
        apiToken: 'qa-token-123456',
        baseUrl: custom.mocks.signpath?.apiUrl ?? '',
      });
      expect((await client.getMySigningPolicies()).signingPolicies[0]).toMatchObject({
        signingPolicySlug: 'release',
        keyType: 'Ecdsa',
        keySizeInBits: 384,
      });
      const fortanix = (await (await fetch(`${custom.mocks.fortanix?.origin}/__admin/fixtures`)).json()) as {
        keys: Array<{ name: string }>;
      };
      expect(fortanix.keys.map((key) => key.name)).toEqual(['only-key']);
      expect(custom.mocks.pingid?.credentials).toMatchObject({
        accountId: '99999999-2222-4333-8444-555555555555',
        token: 'token-from-file',
      });
      expect(custom.mocks.pingone?.credentials.accessToken).toBe('pingone-token-from-file');
    } finally {
      await custom.stop();
    }
  });

  it('refuses a fixtures file that does not fit, with exit code 2', () => {
    const file = join(directory, 'bad.json');
    writeFileSync(file, JSON.stringify({ signpath: { users: [{ name: 'x', apiToken: 'short' }] } }));
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const result = spawnSync(process.execPath, [main, '--base-port', '0', '--fixtures', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('signpath fixtures');
  });
});

describe('SignPath client against the SignPath mock', () => {
  let client: SignPathClient;
  let certificates: Map<string, Buffer>;
  beforeAll(async () => {
    const fixtures = await fixturesOf<{
      organizationId: string;
      apiToken: string;
      signingPolicies: Array<{ signingPolicySlug: string; certificateBytes: string }>;
    }>('signpath');
    certificates = new Map(
      fixtures.signingPolicies.map((policy) => [
        policy.signingPolicySlug,
        Buffer.from(policy.certificateBytes, 'base64'),
      ]),
    );
    client = createSignPathClient({
      organizationId: fixtures.organizationId,
      apiToken: fixtures.apiToken,
      baseUrl: mocks.mocks.signpath?.apiUrl ?? '',
      fetch: fetchWithTimeout(CLIENT_TIMEOUT_MS),
    });
  });
  const publicKeyOf = (slug: string) =>
    new X509Certificate(certificates.get(slug) ?? Buffer.alloc(0)).publicKey;
  const payload = {
    SignatureAlgorithm: 'RsaPkcs1',
    RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
    Base64EncodedHash: digest.toString('base64'),
  };

  it('passes the happy path: policies, fast, async to Completed, SignHash', async () => {
    const policies = await client.getMySigningPolicies();
    expect(policies.signingPolicies.length).toBe(4);
    const fast = await client.submitFastSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload,
    });
    expect(verify('sha256', data, publicKeyOf('test-signing'), Buffer.from(fast.Signature, 'base64'))).toBe(
      true,
    );
    const submitted = await client.submitSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload,
    });
    expect(submitted.location).toContain(submitted.signingRequestId);
    const final = await client.waitForFinalStatus(submitted.signingRequestId, { initialDelayMs: 10 });
    expect(final.status).toBe('Completed');
    const artifact = JSON.parse(
      new TextDecoder().decode(await client.downloadSignedArtifact(submitted.signingRequestId)),
    ) as { Signature: string };
    expect(
      verify('sha256', data, publicKeyOf('test-signing'), Buffer.from(artifact.Signature, 'base64')),
    ).toBe(true);
    const hashed = await client.signHash({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'ecdsa-p256-signing',
      hashSigningData: {
        hash: digest.toString('base64'),
        signatureAlgorithm: 'Ecdsa',
        ecdsaOptions: { signatureFormat: 'Asn1' },
      },
    });
    expect(
      verify(
        'sha256',
        data,
        publicKeyOf('ecdsa-p256-signing'),
        Buffer.from(hashed.hashSigningResult.signature, 'base64'),
      ),
    ).toBe(true);
  });

  it('fails with a typed error on every injected fault, never hanging', async () => {
    await checkTransportFaults('signpath', '/api/v1/*', () => client.getMySigningPolicies(), {
      http: 'ERR_SIGNPATH_HTTP',
      body: 'ERR_SIGNPATH_RESPONSE',
    });
    await injectFault(origin('signpath'), { path: '/api/v1/*', corruptSignature: true, times: 1 });
    const corrupted = await client.submitFastSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload,
    });
    expect(
      verify('sha256', data, publicKeyOf('test-signing'), Buffer.from(corrupted.Signature, 'base64')),
    ).toBe(false);
  });
});

describe('Fortanix client against the Fortanix mock', () => {
  let client: FortanixClient;
  let keys: Array<{ kid: string; name: string; pub_key: string }>;
  beforeAll(async () => {
    const fixtures = await fixturesOf<{ apiKey: string; keys: typeof keys }>('fortanix');
    keys = fixtures.keys;
    client = createFortanixClient({
      baseUrl: origin('fortanix'),
      apiKey: fixtures.apiKey,
      fetch: fetchWithTimeout(CLIENT_TIMEOUT_MS),
    });
  });
  const publicKeyNamed = (name: string) =>
    createPublicKey({
      key: Buffer.from(keys.find((key) => key.name === name)?.pub_key ?? '', 'base64'),
      format: 'der',
      type: 'spki',
    });
  const signItem = {
    key: { name: 'sigil-ec-p256' },
    hash_alg: 'SHA256' as const,
    hash: digest.toString('base64'),
  };

  it('passes the happy path: session, sign, verify, batch sign, batch verify', async () => {
    await client.authenticate();
    const signed = await client.sign(signItem);
    expect(
      verify('sha256', data, publicKeyNamed('sigil-ec-p256'), Buffer.from(signed.signature, 'base64')),
    ).toBe(true);
    expect((await client.verify({ ...signItem, signature: signed.signature })).result).toBe(true);
    const batch = await client.batchSign([
      signItem,
      { key: { name: 'sigil-rsa-2048' }, hash_alg: 'SHA256', hash: digest.toString('base64') },
    ]);
    expect(batch.map((item) => item.status)).toEqual([200, 200]);
    const rsa = batch[1];
    if (rsa === undefined || !('body' in rsa)) throw new Error('expected a body');
    expect(
      verify('sha256', data, publicKeyNamed('sigil-rsa-2048'), Buffer.from(rsa.body.signature, 'base64')),
    ).toBe(true);
    const verified = await client.batchVerify([
      {
        key: { name: 'sigil-rsa-2048' },
        hash_alg: 'SHA256',
        hash: digest.toString('base64'),
        signature: rsa.body.signature,
      },
    ]);
    expect(verified[0]).toMatchObject({ status: 200, body: { result: true } });
  });

  it('fails with a typed error on every injected fault, never hanging', async () => {
    await checkTransportFaults('fortanix', '/crypto/v1/keys/batch/sign', () => client.batchSign([signItem]), {
      http: 'ERR_FORTANIX_HTTP',
      body: 'ERR_FORTANIX_RESPONSE',
    });
    await injectFault(origin('fortanix'), { path: '/crypto/v1/sign', corruptSignature: true, times: 1 });
    const corrupted = await client.sign(signItem);
    expect(
      verify('sha256', data, publicKeyNamed('sigil-ec-p256'), Buffer.from(corrupted.signature, 'base64')),
    ).toBe(false);
  });
});

describe('PingOne client against the PingOne mock', () => {
  let client: PingOneClient;
  let fixtures: {
    environmentId: string;
    accessToken: string;
    credentialSigningKeys: Array<{ id: string; kid: string; privateJwk: JsonWebKey }>;
  };
  beforeAll(async () => {
    fixtures = await fixturesOf('pingone');
    for (const key of fixtures.credentialSigningKeys) signer.addKey(key.kid, key.privateJwk);
    client = createPingOneClient({
      environmentId: fixtures.environmentId,
      accessToken: fixtures.accessToken,
      baseUrl: mocks.mocks.pingone?.apiUrl ?? '',
      fetch: fetchWithTimeout(CLIENT_TIMEOUT_MS),
    });
  });

  it('passes the happy path and issue reports every signature valid', async () => {
    const pair = generateKeyPairSync('ed25519');
    const created = await client.createCredentialSigningKey({
      enabled: true,
      jwk: {
        ...(pair.publicKey.export({ format: 'jwk' }) as { kty: string }),
        kid: 'e2e-ed25519',
        alg: 'EdDSA',
      },
    });
    signer.addKey('e2e-ed25519', pair.privateKey.export({ format: 'jwk' }));
    expect((await client.updateCredentialSigningKey(created.id, { enabled: true, name: 'e2e' })).name).toBe(
      'e2e',
    );
    const profile = await client.getCredentialIssuerProfile();
    await client.updateCredentialIssuerProfile({
      ...profile,
      credentialSigning: { url: 'https://signer.example.com/', headers: { 'x-api-key': 'k' } },
    });
    // The mock also takes http:// on loopback (the documented schema, and so the client, insist on HTTPS).
    const put = await fetch(
      `${mocks.mocks.pingone?.apiUrl}/environments/${fixtures.environmentId}/credentialIssuerProfile`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${fixtures.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Sigil e2e issuer',
          credentialSigning: { url: signer.url, headers: { 'x-api-key': 'k' } },
        }),
      },
    );
    expect(put.status).toBe(200);
    signer.mode = 'good';
    const issued = (await (
      await fetch(`${origin('pingone')}/__admin/pingone/issue`, { method: 'POST', body: '{}' })
    ).json()) as { results: Array<{ valid: boolean }> };
    expect(issued.results).toHaveLength(fixtures.credentialSigningKeys.length + 1);
    expect(issued.results.every((result) => result.valid)).toBe(true);
    signer.mode = 'wrong-key';
    const wrong = (await (
      await fetch(`${origin('pingone')}/__admin/pingone/issue`, { method: 'POST', body: '{}' })
    ).json()) as { results: Array<{ valid: boolean }> };
    expect(wrong.results.some((result) => result.valid)).toBe(false);
    signer.mode = 'good';
  });

  it('fails with a typed error on every injected fault, never hanging', async () => {
    // (The profile now holds an http:// loopback URL, which the client's HTTPS-only schema refuses: use the keys.)
    const keyId = fixtures.credentialSigningKeys[0]?.id ?? '';
    await checkTransportFaults(
      'pingone',
      '/v1/environments/*',
      () => client.updateCredentialSigningKey(keyId, { enabled: true }),
      {
        http: 'ERR_PINGONE_HTTP',
        body: 'ERR_PINGONE_RESPONSE',
      },
    );
  });
});

describe('PingID helpers against the PingID mock', () => {
  let fixtures: { accountId: string; applicationId: string; token: string; apiKey: string };
  beforeAll(async () => {
    fixtures = await fixturesOf('pingid');
  });

  /** A PingID call the way an SDK client makes it: signed request, verified response. */
  async function getUser(): Promise<unknown> {
    const url = `${mocks.mocks.pingid?.apiUrl}/accounts/${fixtures.accountId}/applications/${fixtures.applicationId}/users/tom?expand=devices`;
    let response: Response;
    try {
      response = await fetchWithTimeout(CLIENT_TIMEOUT_MS)(url, {
        headers: { authorization: buildAuthorizationHeader({ method: 'GET', url }, fixtures) },
      });
    } catch (cause) {
      throw new ProtocolError('ERR_PINGID_RESPONSE_SIGNATURE', `PingID GET failed: ${String(cause)}`, {
        cause,
      });
    }
    const text = await response.text();
    verifyResponseSignature(response.headers.get('x-pingid-signature'), text, fixtures.apiKey);
    if (!response.ok)
      throw new ProtocolError('ERR_PINGID_RESPONSE_SIGNATURE', `PingID answered ${response.status}`, {
        status: response.status,
      });
    return JSON.parse(text);
  }

  it('passes the happy path with a verified X-PINGID-Signature', async () => {
    expect(await getUser()).toMatchObject({ userName: 'tom', devices: [{ role: 'PRIMARY' }] });
  });

  it('fails with a typed error on every injected fault, never hanging', async () => {
    const at = origin('pingid');
    for (const fault of [
      { status: 503 },
      { reset: true },
      { delayMs: NO_ANSWER_DELAY_MS },
      { malformed: true },
      { corruptSignature: true },
    ]) {
      await injectFault(at, { path: '/pingid/v1/*', times: 1, ...fault });
      const error = await expectTypedFailure(getUser, 'ERR_PINGID_RESPONSE_SIGNATURE');
      if ('delayMs' in fault) expectCutOffByDeadline(error);
    }
    await clearFaults(at);
    await getUser();
  });
});
