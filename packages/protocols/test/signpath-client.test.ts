import { constants, createHash, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSignPathClient,
  SIGNPATH_FINAL_STATUSES,
  type SignPathClientOptions,
  signPathMySigningPoliciesResponseSchema,
} from '../src/signpath/index.js';
import { createSignPathStub, type SignPathStub, type SignPathStubOptions } from './stubs/signpath-stub.js';

const API = 'https://signpath.test/Api';
const ORG = 'a05be341-8a85-4c06-828a-710459e325ab';
const TOKEN = 'ci-user-token';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function signPathStub(pollsUntilDone = 3, extra: Partial<SignPathStubOptions> = {}): SignPathStub {
  return createSignPathStub({ organizationId: ORG, apiToken: TOKEN, privateKey, pollsUntilDone, ...extra });
}

function clientFor(stub: SignPathStub, extra: Partial<SignPathClientOptions> = {}) {
  return createSignPathClient({
    baseUrl: API,
    organizationId: ORG,
    apiToken: TOKEN,
    fetch: stub.fetch,
    ...extra,
  });
}

const artifact = randomBytes(64);
const camelPayload = {
  signatureAlgorithm: 'RsaPkcs1',
  rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
  base64EncodedHash: createHash('sha256').update(artifact).digest('base64'),
};

describe('SignPath client: legacy multipart', () => {
  it('submits a fast signing request and gets a signature node:crypto verifies', async () => {
    const stub = signPathStub();
    const response = await clientFor(stub).submitFastSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: camelPayload,
    });
    expect(stub.requests).toEqual([
      {
        method: 'POST',
        path: `/Api/v1/${ORG}/SigningRequests/SubmitWithArtifact`,
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
    expect(response).toMatchObject({
      SignatureAlgorithm: 'RsaPkcs1',
      Base64EncodedHash: camelPayload.base64EncodedHash,
    });
    expect(verify('sha256', artifact, publicKey, Buffer.from(response.Signature, 'base64'))).toBe(true);
  });

  it('submits asynchronously, polls with back-off until final, and downloads the signed artifact', async () => {
    const stub = signPathStub(3);
    let clock = 1_000_000;
    const sleeps: number[] = [];
    const client = clientFor(stub, {
      now: () => clock,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
        clock += milliseconds;
      },
    });
    const submitted = await client.submitSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: camelPayload,
    });
    expect(submitted.location).toBe(`${API}/v1/${ORG}/SigningRequests/${submitted.signingRequestId}`);
    expect(stub.signingRequests.has(submitted.signingRequestId)).toBe(true);

    const final = await client.waitForFinalStatus(submitted.signingRequestId, {
      initialDelayMs: 1000,
      maxDelayMs: 3000,
    });
    expect(final).toMatchObject({ status: 'Completed', isFinalStatus: true });
    expect(SIGNPATH_FINAL_STATUSES).toContain(final.status);
    expect(sleeps).toEqual([1000, 2000, 3000]);

    const data = await client.getSigningRequest(submitted.signingRequestId);
    expect(data.signedArtifactLink).toContain('/SignedArtifact');
    const signed = await client.downloadSignedArtifact(submitted.signingRequestId);
    expect(JSON.parse(new TextDecoder().decode(signed))).toEqual({
      SignatureAlgorithm: 'RsaPkcs1',
      RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      Base64EncodedHash: camelPayload.base64EncodedHash,
    });
    expect(
      stub.requests.map((request) => `${request.method} ${request.path.split('/').slice(4).join('/')}`),
    ).toEqual([
      'POST SigningRequests/SubmitWithArtifact',
      ...Array(4).fill(`GET SigningRequests/${submitted.signingRequestId}/Status`),
      `GET SigningRequests/${submitted.signingRequestId}`,
      `GET SigningRequests/${submitted.signingRequestId}/SignedArtifact`,
    ]);
  });

  it('stops polling at the deadline with ERR_SIGNPATH_TIMEOUT, never sleeping past it', async () => {
    const stub = signPathStub(1_000);
    let clock = 0;
    const sleeps: number[] = [];
    const client = clientFor(stub, {
      now: () => clock,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
        clock += milliseconds;
      },
    });
    const { signingRequestId } = await client.submitSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: camelPayload,
    });
    await expect(
      client.waitForFinalStatus(signingRequestId, { initialDelayMs: 1000, timeoutMs: 6500 }),
    ).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_TIMEOUT',
    });
    expect(sleeps).toEqual([1000, 2000, 3500]);
    expect(clock).toBe(6500);
  });
});

describe('SignPath client: SignHash and MySigningPolicies', () => {
  it('signs a hash through SignHash', async () => {
    const stub = signPathStub();
    const response = await clientFor(stub).signHash({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      hashSigningData: {
        hash: camelPayload.base64EncodedHash,
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: 'Sha256', paddingMode: 'Pkcs1' },
      },
    });
    expect(stub.requests[0]?.path).toBe(`/Api/v1/${ORG}/SigningRequests/SignHash`);
    expect(
      verify('sha256', artifact, publicKey, Buffer.from(response.hashSigningResult.signature, 'base64')),
    ).toBe(true);
  });

  it('signs a hash through SignHash with PSS padding, by OID', async () => {
    const response = await clientFor(signPathStub()).signHash({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      hashSigningData: {
        hash: createHash('sha384').update(artifact).digest('base64'),
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmOid: '2.16.840.1.101.3.4.2.2', paddingMode: 'Pss' },
      },
    });
    const signature = Buffer.from(response.hashSigningResult.signature, 'base64');
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
    expect(verify('sha384', artifact, pss, signature)).toBe(true);
    expect(verify('sha384', Buffer.from('other'), pss, signature)).toBe(false);
  });

  it('answers a SignHash the policy cannot serve with a problem-details 400', async () => {
    const client = clientFor(signPathStub());
    await expect(
      client.signHash({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        hashSigningData: {
          hash: createHash('sha256').update(artifact).digest('base64'),
          signatureAlgorithm: 'Rsa',
          rsaOptions: { hashAlgorithmName: 'SHA384', paddingMode: 'Pkcs1' },
        },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: 400,
      vendorMessage: 'a SHA-384 digest is 48 bytes, the hash given has 32',
    });
  });

  it('queries MySigningPolicies with the optional filters', async () => {
    const stub = signPathStub();
    const client = clientFor(stub);
    const [policy] = (await client.getMySigningPolicies()).signingPolicies;
    expect(policy).toEqual(stub.policy);
    expect(policy?.keySizeInBits).toBe(2048);
    expect(Buffer.from(policy?.publicKeyBytes ?? '', 'base64')).toEqual(
      publicKey.export({ type: 'pkcs1', format: 'der' }),
    );
    expect(
      (await client.getMySigningPolicies({ projectSlug: 'hash-signing-test' })).signingPolicies,
    ).toHaveLength(1);
    expect(
      (await client.getMySigningPolicies({ projectSlug: 'x', signingPolicySlug: 'other' })).signingPolicies,
    ).toHaveLength(0);
    expect(stub.requests.map((request) => request.path)).toEqual([
      `/Api/v1/${ORG}/Cryptoki/MySigningPolicies`,
      `/Api/v1/${ORG}/Cryptoki/MySigningPolicies?projectSlug=hash-signing-test`,
      `/Api/v1/${ORG}/Cryptoki/MySigningPolicies?projectSlug=x&signingPolicySlug=other`,
    ]);
  });
});

describe('SignPath client: errors', () => {
  it('maps a 401 problem-details answer to ERR_SIGNPATH_HTTP with status and title', async () => {
    const client = createSignPathClient({
      baseUrl: API,
      organizationId: ORG,
      apiToken: 'wrong',
      fetch: signPathStub().fetch,
    });
    await expect(client.getMySigningPolicies()).rejects.toMatchObject({
      name: 'ProtocolError',
      code: 'ERR_SIGNPATH_HTTP',
      status: 401,
      vendorMessage: 'Unauthorized',
    });
  });

  it('maps a 404 detail and a plain-text 404', async () => {
    const client = clientFor(signPathStub());
    await expect(
      client.submitFastSigningRequest({
        projectSlug: 'p',
        signingPolicySlug: 'missing',
        payload: camelPayload,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: 404,
      vendorMessage: 'Signing policy not found',
    });
    await expect(client.getStatus('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: 404,
      vendorMessage: 'Signing request 00000000-0000-4000-8000-000000000000 not found',
    });
  });

  it('maps an undocumented 2xx body to ERR_SIGNPATH_RESPONSE and a network failure to ERR_SIGNPATH_HTTP', async () => {
    const garbage = clientFor(
      signPathStub(3, {
        rewriteAnswer: (path, body) => (path.endsWith('/Status') ? { state: 'done' } : body),
      }),
    );
    const { signingRequestId } = await garbage.submitSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: camelPayload,
    });
    await expect(garbage.getStatus(signingRequestId)).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_RESPONSE',
      status: 200,
    });
    const offline = createSignPathClient({
      baseUrl: API,
      organizationId: ORG,
      apiToken: TOKEN,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(offline.getStatus('x')).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: undefined,
    });
  });

  it('refuses a payload that is not payload.json before sending anything', async () => {
    const stub = signPathStub();
    await expect(
      clientFor(stub).submitSigningRequest({
        projectSlug: 'p',
        signingPolicySlug: 's',
        payload: { SignatureAlgorithm: 'RsaPkcs1' },
      }),
    ).rejects.toMatchObject({ code: 'ERR_SIGNPATH_PAYLOAD' });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('SignPath stub', () => {
  it('refuses what the schemas refuse with an ASP.NET validation problem naming the field', async () => {
    const stub = signPathStub();
    const response = await stub.app.request(`/Api/v1/${ORG}/SigningRequests/SignHash`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        hashSigningData: { hash: 'not base64!', signatureAlgorithm: 'Rsa' },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      status: 400,
      title: 'One or more validation errors occurred.',
      errors: { 'hashSigningData.hash': [expect.any(String)] },
    });
    const form = new FormData();
    form.append('ProjectSlug', 'hash-signing-test');
    form.append('Artifact', 'not a file');
    const multipart = await stub.app.request(`/Api/v1/${ORG}/SigningRequests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(multipart.status).toBe(400);
    expect(Object.keys(((await multipart.json()) as { errors: object }).errors)).toEqual([
      'SigningPolicySlug',
      'Artifact',
    ]);
    expect(signPathMySigningPoliciesResponseSchema.parse({ signingPolicies: [stub.policy] })).toBeTruthy();
  });
});
