// SignPath mock in-process: the protocols client against it, signatures checked with the OpenSSL command line.
import { createHash } from 'node:crypto';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import { createSignPathClient, signPathStatusResponseSchema } from '@sigil/protocols/signpath';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { createSignPathMock } from '../src/signpath/signpath-mock.js';
import { inProcessFetch } from './helpers/in-process.js';
import { opensslVerifiesDigest, opensslVerifiesSelfSigned } from './helpers/openssl.js';

const ORIGIN = 'http://127.0.0.1:9102';
const digest = createHash('sha256').update('hello sigil').digest();
const hash = digest.toString('base64');

interface Fixtures {
  organizationId: string;
  apiToken: string;
  signingPolicies: Array<{
    signingPolicySlug: string;
    projectSlug: string;
    certificateBytes: string;
    curve?: string;
  }>;
}

describe('SignPath mock', () => {
  let mock: MockServer;
  let fixtures: Fixtures;
  const client = () =>
    createSignPathClient({
      organizationId: fixtures.organizationId,
      apiToken: fixtures.apiToken,
      baseUrl: `${ORIGIN}/api`,
      fetch: inProcessFetch(mock),
      sleep: async () => {},
    });
  const certificateOf = (slug: string) =>
    Buffer.from(
      fixtures.signingPolicies.find((policy) => policy.signingPolicySlug === slug)?.certificateBytes ?? '',
      'base64',
    );

  beforeAll(async () => {
    mock = createSignPathMock({ seed: 'signpath-test' });
    fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as Fixtures;
  });

  it('is deterministic under the same seed', async () => {
    const again = createSignPathMock({ seed: 'signpath-test' });
    expect(await (await again.app.request('/__admin/fixtures')).json()).toEqual(fixtures);
    const other = createSignPathMock({ seed: 'other-seed' });
    const otherFixtures = (await (await other.app.request('/__admin/fixtures')).json()) as Fixtures;
    expect(otherFixtures.organizationId).not.toBe(fixtures.organizationId);
  });

  it('assigns the same signing request IDs in the same order under the same seed', async () => {
    const ids = async () => {
      const fresh = createSignPathMock({ seed: 'signpath-test' });
      const freshClient = createSignPathClient({
        organizationId: fixtures.organizationId,
        apiToken: fixtures.apiToken,
        baseUrl: `${ORIGIN}/api`,
        fetch: inProcessFetch(fresh),
      });
      const request = {
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'ecdsa-p256-signing',
        hashSigningData: { hash, signatureAlgorithm: 'Ecdsa' as const },
      };
      return [
        (await freshClient.signHash(request)).signingRequestId,
        (await freshClient.signHash(request)).signingRequestId,
      ];
    };
    expect(await ids()).toEqual(await ids());
  });

  it('signs a fast RSA PKCS#1 request that OpenSSL verifies', async () => {
    const response = await client().submitFastSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: {
        SignatureAlgorithm: 'RsaPkcs1',
        RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
        Base64EncodedHash: hash,
      },
    });
    expect(response.Base64EncodedHash).toBe(hash);
    const signature = Buffer.from(response.Signature, 'base64');
    expect(signature.length).toBe(256);
    expect(opensslVerifiesDigest(certificateOf('test-signing'), 'pkcs1', 'sha256', digest, signature)).toBe(
      true,
    );
  });

  it('signs RSA PSS and ECDSA (Ieee and Asn1) that OpenSSL verifies', async () => {
    const pss = await client().submitFastSigningRequest({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      payload: {
        signatureAlgorithm: 'RsaPss',
        rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
        base64EncodedHash: hash,
      },
    });
    expect(
      opensslVerifiesDigest(
        certificateOf('test-signing'),
        'pss',
        'sha256',
        digest,
        Buffer.from(pss.Signature, 'base64'),
      ),
    ).toBe(true);
    for (const [slug, curve] of [
      ['ecdsa-p256-signing', 'P-256'],
      ['ecdsa-p384-signing', 'P-384'],
    ] as const) {
      const ieee = await client().submitFastSigningRequest({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: slug,
        payload: { SignatureAlgorithm: 'Ecdsa', Base64EncodedHash: hash },
      });
      const p1363 = Buffer.from(ieee.Signature, 'base64');
      expect(p1363.length).toBe(curve === 'P-256' ? 64 : 96);
      const der = convertEcdsaSignature(p1363, 'p1363', 'der', curve);
      expect(opensslVerifiesDigest(certificateOf(slug), 'ecdsa', 'sha256', digest, der)).toBe(true);
      const asn1 = await client().signHash({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: slug,
        hashSigningData: { hash, signatureAlgorithm: 'Ecdsa', ecdsaOptions: { signatureFormat: 'Asn1' } },
      });
      const asn1Signature = Buffer.from(asn1.hashSigningResult.signature, 'base64');
      expect(opensslVerifiesDigest(certificateOf(slug), 'ecdsa', 'sha256', digest, asn1Signature)).toBe(true);
    }
  });

  it('answers SignHash for RSA with a signature OpenSSL verifies', async () => {
    const answer = await client().signHash({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
      hashSigningData: {
        hash,
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: 'SHA256', paddingMode: 'Pss' },
      },
    });
    const signature = Buffer.from(answer.hashSigningResult.signature, 'base64');
    expect(opensslVerifiesDigest(certificateOf('test-signing'), 'pss', 'sha256', digest, signature)).toBe(
      true,
    );
  });

  it('serves MySigningPolicies with a real self-signed X.509 certificate', async () => {
    const { signingPolicies } = await client().getMySigningPolicies({
      projectSlug: 'hash-signing-test',
      signingPolicySlug: 'test-signing',
    });
    expect(signingPolicies).toHaveLength(1);
    expect(signingPolicies[0]).toMatchObject({
      keyType: 'Rsa',
      keySizeInBits: 2048,
      rsaParameters: { publicExponent: 'AQAB' },
    });
    expect(opensslVerifiesSelfSigned(Buffer.from(signingPolicies[0]?.certificateBytes ?? '', 'base64'))).toBe(
      true,
    );
    const all = await client().getMySigningPolicies();
    expect(all.signingPolicies.map((policy) => policy.keyType)).toEqual(['Rsa', 'Ecdsa', 'Ecdsa', 'Ecdsa']);
  });

  it('answers an asynchronous submit with 201 + Location, InProgress for N polls, then Completed', async () => {
    const form = new FormData();
    form.append('ProjectSlug', 'hash-signing-test');
    form.append('SigningPolicySlug', 'test-signing');
    form.append(
      'Artifact',
      new Blob([
        JSON.stringify({
          SignatureAlgorithm: 'RsaPkcs1',
          RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
          Base64EncodedHash: hash,
        }),
      ]),
      'payload.json',
    );
    const response = await mock.app.request(
      `${ORIGIN}/API/V1/${fixtures.organizationId.toUpperCase()}/signingrequests`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${fixtures.apiToken}` },
        body: form,
      },
    );
    expect(response.status).toBe(201);
    const { SigningRequestId } = (await response.json()) as { SigningRequestId: string };
    expect(response.headers.get('location')).toBe(
      `${ORIGIN}/API/v1/${fixtures.organizationId}/SigningRequests/${SigningRequestId}`,
    );
    const statuses: unknown[] = [];
    for (let poll = 0; poll < 3; poll += 1) {
      const answer = await mock.app.request(
        `${ORIGIN}/api/v1/${fixtures.organizationId}/SigningRequests/${SigningRequestId}/Status`,
        { headers: { authorization: `Bearer ${fixtures.apiToken}` } },
      );
      statuses.push(signPathStatusResponseSchema.parse(await answer.json()));
    }
    const pending = {
      signingRequestId: SigningRequestId,
      status: 'InProgress',
      workflowStatus: 'Processing',
    };
    expect(statuses).toEqual([
      { ...pending, isFinalStatus: false },
      { ...pending, isFinalStatus: false },
      {
        signingRequestId: SigningRequestId,
        status: 'Completed',
        workflowStatus: 'Completed',
        isFinalStatus: true,
      },
    ]);
    const artifact = JSON.parse(
      new TextDecoder().decode(await client().downloadSignedArtifact(SigningRequestId)),
    ) as { Signature: string };
    expect(
      opensslVerifiesDigest(
        certificateOf('test-signing'),
        'pkcs1',
        'sha256',
        digest,
        Buffer.from(artifact.Signature, 'base64'),
      ),
    ).toBe(true);
    const data = await client().getSigningRequest(SigningRequestId);
    expect(data).toMatchObject({
      status: 'Completed',
      isFinalStatus: true,
      signingPolicySlug: 'test-signing',
    });
  });

  it('reaches Failed, Denied and Canceled through the signing-requests scenario', async () => {
    for (const outcome of ['Failed', 'Denied', 'Canceled']) {
      const put = await mock.app.request('/__admin/scenarios/signing-requests', {
        method: 'PUT',
        body: JSON.stringify({ outcome, pollsUntilFinal: 1 }),
      });
      expect(put.status).toBe(200);
      const submitted = await client().submitSigningRequest({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        payload: {
          SignatureAlgorithm: 'RsaPkcs1',
          RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
          Base64EncodedHash: hash,
        },
      });
      const final = await client().waitForFinalStatus(submitted.signingRequestId, { initialDelayMs: 1 });
      expect(final).toMatchObject({ status: outcome, isFinalStatus: true });
      await expect(client().downloadSignedArtifact(submitted.signingRequestId)).rejects.toMatchObject({
        code: 'ERR_SIGNPATH_HTTP',
        status: 404,
      });
    }
    await mock.app.request('/__admin/scenarios/reset', { method: 'POST' });
  });

  it('refuses a bad token (401), an unknown policy (400, as SignPath), a non-submitter (403) and a bad payload (400) as problem details', async () => {
    const bad = createSignPathClient({
      organizationId: fixtures.organizationId,
      apiToken: 'wrong-token',
      baseUrl: `${ORIGIN}/api`,
      fetch: inProcessFetch(mock),
    });
    await expect(bad.getMySigningPolicies()).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: 401,
    });
    await expect(
      client().signHash({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'nope',
        hashSigningData: { hash, signatureAlgorithm: 'Ecdsa' },
      }),
    ).rejects.toMatchObject({ status: 400 });
    const all = (await (await mock.app.request('/__admin/fixtures')).json()) as {
      users: Array<{ apiToken: string; submitter: boolean }>;
    };
    const auditor = all.users.find((user) => !user.submitter);
    const auditorClient = createSignPathClient({
      organizationId: fixtures.organizationId,
      apiToken: auditor?.apiToken ?? '',
      baseUrl: `${ORIGIN}/api`,
      fetch: inProcessFetch(mock),
    });
    await expect(
      auditorClient.signHash({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        hashSigningData: { hash, signatureAlgorithm: 'Ecdsa' },
      }),
    ).rejects.toMatchObject({ status: 403 });
    const response = await mock.app.request(
      `${ORIGIN}/api/v1/${fixtures.organizationId}/SigningRequests/SignHash`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${fixtures.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          projectSlug: 'hash-signing-test',
          signingPolicySlug: 'test-signing',
          hashSigningData: {
            hash: 'AAAA',
            signatureAlgorithm: 'Rsa',
            rsaOptions: { hashAlgorithmName: 'SHA256', paddingMode: 'Pkcs1' },
          },
        }),
      },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 400,
      title: 'One or more validation errors occurred.',
    });
  });

  it('refuses a signature the policy key cannot make (ECDSA on an RSA policy) with 400', async () => {
    await expect(
      client().signHash({
        projectSlug: 'hash-signing-test',
        signingPolicySlug: 'test-signing',
        hashSigningData: { hash, signatureAlgorithm: 'Ecdsa' },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_SIGNPATH_HTTP',
      status: 400,
      vendorMessage: expect.stringMatching(/signing policy test-signing cannot sign this/),
    });
  });
});
