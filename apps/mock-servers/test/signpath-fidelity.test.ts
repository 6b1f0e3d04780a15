// The SignPath mock answers as SignPath does: SubmitWithArtifact (through the protocols client), documented hash
// names, request data and UnsignedArtifact, certificateType, and ASP.NET problem details compared with SignPath's
// recorded answers (Jsign's signpath-*.json in @sigil/vendor-specs). Signatures checked with node:crypto.
import { constants, createHash, createPublicKey, publicDecrypt, verify, X509Certificate } from 'node:crypto';
import { createSignPathClient } from '@sigil/protocols/signpath';
import { signPathRecording } from '@sigil/vendor-specs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/mock-server.js';
import { createSignPathMock } from '../src/signpath/signpath-mock.js';
import { inProcessFetch } from './helpers/in-process.js';

const ORIGIN = 'http://127.0.0.1:9102';
const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;

function recordedShape(file: Parameters<typeof signPathRecording>[0]) {
  const { traceId: _traceId, ...rest } = signPathRecording(file);
  return rest;
}

describe('SignPath mock fidelity', () => {
  let mock: MockServer;
  let organizationId: string;
  let apiToken: string;
  let certificate: X509Certificate;
  const slugs = { projectSlug: 'hash-signing-test', signingPolicySlug: 'test-signing' };
  const digest = createHash('sha256').update('mock fidelity').digest();
  const payload = JSON.stringify({
    SignatureAlgorithm: 'RsaPkcs1',
    RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
    Base64EncodedHash: digest.toString('base64'),
  });
  const api = () => `${ORIGIN}/api/v1/${organizationId}`;
  const client = () =>
    createSignPathClient({ organizationId, apiToken, baseUrl: `${ORIGIN}/api`, fetch: inProcessFetch(mock) });
  const submit = (path: string, fields: Record<string, string>, artifact: string, headers = {}) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('artifact', new Blob([artifact]), 'payload.json');
    return mock.app.request(`${api()}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, ...headers },
      body,
    });
  };

  beforeAll(async () => {
    mock = createSignPathMock({ seed: 'signpath-fidelity' });
    const fixtures = (await (await mock.app.request('/__admin/fixtures')).json()) as {
      organizationId: string;
      apiToken: string;
      signingPolicies: { signingPolicySlug: string; certificateBytes: string }[];
    };
    organizationId = fixtures.organizationId;
    apiToken = fixtures.apiToken;
    const rsaPolicy = fixtures.signingPolicies.find((policy) => policy.signingPolicySlug === 'test-signing');
    certificate = new X509Certificate(Buffer.from(rsaPolicy?.certificateBytes ?? '', 'base64'));
  });

  it('the client submits fast and asynchronously through SubmitWithArtifact, and the mock answers both', async () => {
    const fast = await client().submitFastSigningRequest({ ...slugs, payload: JSON.parse(payload) });
    const opened = publicDecrypt(
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(fast.Signature, 'base64'),
    );
    expect(opened.subarray(-32).equals(digest)).toBe(true);
    const submitted = await client().submitSigningRequest({ ...slugs, payload: JSON.parse(payload) });
    const journal = (await (await mock.app.request('/__admin/requests')).json()) as {
      requests?: { method: string; path: string }[];
    };
    const paths = JSON.stringify(journal);
    expect(paths).toContain('/SigningRequests/SubmitWithArtifact');
    const final = await client().waitForFinalStatus(submitted.signingRequestId, { initialDelayMs: 1 });
    expect(final).toMatchObject({ status: 'Completed', workflowStatus: 'Completed', isFinalStatus: true });
  });

  it('answers 201 with the request data, and UnsignedArtifact with what was submitted', async () => {
    const response = await submit('/SigningRequests/SubmitWithArtifact', slugs, payload);
    expect(response.status).toBe(201);
    const data = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get('location')).toBe(`${api()}/SigningRequests/${data.signingRequestId}`);
    expect(data).toMatchObject({
      status: 'InProgress',
      workflowStatus: 'Processing',
      isFinalStatus: false,
      projectSlug: 'hash-signing-test',
      artifactConfigurationSlug: 'Default',
    });
    for (const member of ['projectId', 'projectName', 'artifactConfigurationId', 'signingPolicyId']) {
      expect(data[member]).toEqual(expect.any(String));
    }
    const unsigned = await mock.app.request(String(data.unsignedArtifactLink), {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(await unsigned.text()).toBe(payload);
  });

  it('SignHash reads "Sha1" and "SHA256" alike, as ASP.NET binds names', async () => {
    for (const [hashAlgorithmName, hash] of [
      ['Sha1', 'sha1'],
      ['SHA256', 'sha256'],
      ['sha384', 'sha384'],
    ] as const) {
      const hashed = createHash(hash).update('mock').digest();
      const answer = await client().signHash({
        ...slugs,
        hashSigningData: {
          hash: hashed.toString('base64'),
          signatureAlgorithm: 'Rsa',
          rsaOptions: { hashAlgorithmName, paddingMode: 'Pss' },
        },
      });
      expect(
        verify(
          hash,
          Buffer.from('mock'),
          {
            key: createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' })),
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: hashed.length,
          },
          Buffer.from(answer.hashSigningResult.signature, 'base64'),
        ),
      ).toBe(true);
    }
  });

  it('answers an unknown policy, a hash of the wrong length and an unreadable artifact as SignPath recorded them', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const unknown = await submit(
      '/SigningRequests/SubmitWithArtifact',
      { projectSlug: 'jsign3', signingPolicySlug: 'rsa-2048-2022', isFastSigningRequest: 'true' },
      payload,
      { traceparent },
    );
    expect(unknown.status).toBe(400);
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    expect(unknownBody).toMatchObject(recordedShape('signpath-invalid-policy-error.json'));
    expect(unknownBody.traceId).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    const mismatch = await submit(
      '/SigningRequests',
      { ...slugs, IsFastSigningRequest: 'true' },
      JSON.stringify({ ...JSON.parse(payload), Base64EncodedHash: Buffer.alloc(20, 1).toString('base64') }),
    );
    expect(await mismatch.json()).toMatchObject(recordedShape('signpath-invalid-hash-algorithm-error.json'));
    const unreadable = await submit(
      '/SigningRequests/SubmitWithArtifact',
      { ...slugs, isFastSigningRequest: 'true' },
      '{"SignatureAlgorithm":"Dsa"}',
    );
    const unreadableBody = (await unreadable.json()) as Record<string, unknown>;
    expect(unreadableBody).toMatchObject(recordedShape('signpath-invalid-signature-algorithm-error.json'));
    expect(unreadableBody.traceId).toMatch(TRACE_ID);
  });

  it("answers endpoints outside the mock's scope in SignPath's shape", async () => {
    const answer = await mock.app.request(`${api()}/SigningRequests/Resubmit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(answer.status).toBe(404);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
      title: 'Not Found',
      status: 404,
    });
    expect(body.detail).toContain('does not serve');
  });

  it('lists policies with the members of the entries SignPath answered, certificateType X509 included', async () => {
    const listed = await client().getMySigningPolicies(slugs);
    const recorded = (
      signPathRecording('signpath-signing-policies.json').signingPolicies as object[]
    )[0] as object;
    expect(Object.keys(listed.signingPolicies[0] as object)).toEqual(Object.keys(recorded));
    expect(listed.signingPolicies[0]?.certificateType).toBe('X509');
  });
});
