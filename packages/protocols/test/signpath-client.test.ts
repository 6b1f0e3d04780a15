import {
  constants,
  createHash,
  generateKeyPairSync,
  privateEncrypt,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSignPathClient,
  parseSignPathPayload,
  SIGNPATH_FINAL_STATUSES,
  type SignPathClientOptions,
  signPathPayloadDigest,
  signPathSignHashRequestSchema,
  signPathSigningRequestFormSchema,
  toSignPathPascalPayload,
} from '../src/signpath/index.js';

const API = 'https://signpath.test/Api';
const ORG = 'a05be341-8a85-4c06-828a-710459e325ab';
const TOKEN = 'ci-user-token';
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

// PKCS#1 v1.5 over a digest SignPath received (RFC 8017 §9.2): the private operation on a type-1 padded
// DigestInfo || H, which is what privateEncrypt with PKCS#1 padding computes.
const signDigest = (digest: Uint8Array) =>
  privateEncrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.concat([SHA256_DIGEST_INFO, digest]),
  );

interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
}

/**
 * A small in-process SignPath: the documented routes under /Api/v1/{org}, Bearer auth, fast and asynchronous
 * submits, an asynchronous request that completes after `pollsUntilDone` status polls, and SignPath-like errors.
 */
function signPathStub(pollsUntilDone = 3) {
  const requests: StubRequest[] = [];
  const signingRequests = new Map<string, { polls: number; artifact: Uint8Array }>();
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname + url.search,
      authorization: request.headers.get('authorization'),
    });
    if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) {
      return Response.json(
        { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2', title: 'Unauthorized', status: 401 },
        { status: 401 },
      );
    }
    const prefix = `/Api/v1/${ORG}`;
    if (!url.pathname.startsWith(prefix)) return new Response('Not Found', { status: 404 });
    const route = `${request.method} ${url.pathname.slice(prefix.length)}`;

    if (route === 'POST /SigningRequests') {
      const form = signPathSigningRequestFormSchema.safeParse(
        Object.fromEntries((await request.formData()).entries()),
      );
      if (!form.success)
        return Response.json(
          { title: 'Bad Request', status: 400, detail: form.error.message },
          { status: 400 },
        );
      if (form.data.SigningPolicySlug !== 'test-signing') {
        return Response.json(
          { title: 'Not Found', status: 404, detail: 'Signing policy not found' },
          { status: 404 },
        );
      }
      const payload = parseSignPathPayload(new Uint8Array(await form.data.Artifact.arrayBuffer()));
      if (form.data.IsFastSigningRequest) {
        const signature = signDigest(signPathPayloadDigest(payload)).toString('base64');
        return Response.json({ ...toSignPathPascalPayload(payload), Signature: signature });
      }
      const id = randomUUID();
      signingRequests.set(id, {
        polls: 0,
        artifact: new TextEncoder().encode(JSON.stringify(toSignPathPascalPayload(payload))),
      });
      return Response.json(
        { SigningRequestId: id },
        { status: 201, headers: { location: `${API}/v1/${ORG}/SigningRequests/${id}` } },
      );
    }
    if (route === 'POST /SigningRequests/SignHash') {
      const body = signPathSignHashRequestSchema.safeParse(await request.json());
      if (!body.success)
        return Response.json(
          { title: 'Bad Request', status: 400, errors: { hashSigningData: ['invalid'] } },
          { status: 400 },
        );
      const signature = signDigest(Buffer.from(body.data.hashSigningData.hash, 'base64')).toString('base64');
      return Response.json({
        signingRequestId: randomUUID(),
        hashSigningData: body.data.hashSigningData,
        hashSigningResult: { signature },
      });
    }
    const match = /^(GET) \/SigningRequests\/([^/]+)(\/Status|\/SignedArtifact)?$/.exec(route);
    if (match) {
      const id = decodeURIComponent(match[2] ?? '');
      const state = signingRequests.get(id);
      if (state === undefined) return new Response(`Signing request ${id} not found`, { status: 404 });
      const done = state.polls >= pollsUntilDone;
      if (match[3] === '/Status') {
        state.polls += 1;
        return Response.json({
          signingRequestId: id,
          status: done ? 'Completed' : 'InProgress',
          workflowStatus: done ? 'Completed' : 'Processing',
          isFinalStatus: done,
        });
      }
      if (match[3] === '/SignedArtifact') {
        return done
          ? new Response(state.artifact)
          : new Response('Signed artifact not available', { status: 409 });
      }
      return Response.json({
        status: done ? 'Completed' : 'InProgress',
        isFinalStatus: done,
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        signedArtifactLink: done ? `${API}/v1/${ORG}/SigningRequests/${id}/SignedArtifact` : null,
      });
    }
    if (route === 'GET /Cryptoki/MySigningPolicies') {
      const all = [
        {
          signingPolicySlug: 'test-signing',
          projectSlug: 'hash-signing-test',
          keySizeInBits: 2048,
          rsaParameters: { publicExponent: 'AQAB', modulus: 'AQ==' },
          signingPolicyId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
          certificateBytes: 'MA==',
          keyType: 'Rsa',
          publicKeyBytes: 'MA==',
        },
      ];
      const slug = url.searchParams.get('signingPolicySlug');
      return Response.json({
        signingPolicies: all.filter((policy) => slug === null || policy.signingPolicySlug === slug),
      });
    }
    return new Response('Not Found', { status: 404 });
  };
  return { fetch, requests, signingRequests };
}

function clientFor(stub: ReturnType<typeof signPathStub>, extra: Partial<SignPathClientOptions> = {}) {
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
      { method: 'POST', path: `/Api/v1/${ORG}/SigningRequests`, authorization: `Bearer ${TOKEN}` },
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
      'POST SigningRequests',
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
      projectSlug: 'p',
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
        rsaOptions: { hashAlgorithmName: 'SHA256', paddingMode: 'Pkcs1' },
      },
    });
    expect(stub.requests[0]?.path).toBe(`/Api/v1/${ORG}/SigningRequests/SignHash`);
    expect(
      verify('sha256', artifact, publicKey, Buffer.from(response.hashSigningResult.signature, 'base64')),
    ).toBe(true);
  });

  it('queries MySigningPolicies with the optional filters', async () => {
    const stub = signPathStub();
    const client = clientFor(stub);
    expect((await client.getMySigningPolicies()).signingPolicies).toHaveLength(1);
    expect(
      (await client.getMySigningPolicies({ projectSlug: 'x', signingPolicySlug: 'other' })).signingPolicies,
    ).toHaveLength(0);
    expect(stub.requests.map((request) => request.path)).toEqual([
      `/Api/v1/${ORG}/Cryptoki/MySigningPolicies`,
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
    const garbage = createSignPathClient({
      baseUrl: API,
      organizationId: ORG,
      apiToken: TOKEN,
      fetch: async () => Response.json({ state: 'done' }),
    });
    await expect(garbage.getStatus('x')).rejects.toMatchObject({
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
