// The SignPath surface answers as SignPath does: SubmitWithArtifact, SignHash's documented hash names, request data
// and UnsignedArtifact, workflowStatus, MySigningPolicies' certificateType, and ASP.NET problem details compared with
// SignPath's recorded answers (Jsign's signpath-*.json in @sigil/vendor-specs). Signatures checked with node:crypto.
import { constants, createHash, createPublicKey, publicDecrypt, verify } from 'node:crypto';
import { signPathRecording } from '@sigil/vendor-specs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;

/** The recording's members other than its traceId, which is the request's own. */
function recordedShape(file: Parameters<typeof signPathRecording>[0]) {
  const { traceId: _traceId, ...rest } = signPathRecording(file);
  return rest;
}

describe('SignPath surface fidelity', () => {
  let server: TestServer;
  let submitter: { id: string; token: string };
  let rsa: { id: string; publicKeyPem: string };
  const org = '0d6c2e8a-1111-4000-8000-00000000f1de';
  const api = `/signpath/api/v1/${org}`;
  const digest = createHash('sha256').update('fidelity').digest();

  const form = (fields: Record<string, string>, artifact: string) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('artifact', new Blob([artifact], { type: 'application/json' }), 'payload.json');
    return body;
  };
  const post = (path: string, body: FormData, headers: Record<string, string> = {}) =>
    server.sigil.app.request(`${api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${submitter.token}`, ...headers },
      body,
    });
  const payload = JSON.stringify({
    SignatureAlgorithm: 'RsaPkcs1',
    RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
    Base64EncodedHash: digest.toString('base64'),
  });
  const slugs = { projectSlug: 'fidelity', signingPolicySlug: 'rsa' };

  beforeAll(async () => {
    server = await startTestServer();
    submitter = (await server.call('POST', '/v1/tokens', { body: { name: 'ci', scopes: ['sign'] } })).body;
    rsa = (await server.call('POST', '/v1/keys', { body: { name: 'fid-rsa', type: 'RSA', size: 2048 } }))
      .body;
    const policy = await server.call('POST', '/v1/signpath/policies', {
      body: { organizationId: org, ...slugs, keyId: rsa.id, submitters: [submitter.id] },
    });
    expect(policy.status).toBe(201);
  });

  it('SubmitWithArtifact with isFastSigningRequest answers the signed payload.json (camelCase fields)', async () => {
    const response = await post(
      '/SigningRequests/SubmitWithArtifact',
      form({ ...slugs, isFastSigningRequest: 'true' }, payload),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject(JSON.parse(payload));
    const signature = Buffer.from(body.Signature as string, 'base64');
    const key = createPublicKey(rsa.publicKeyPem);
    const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
    // RFC 8017 §8.2.2: the signature opens to the SHA-256 DigestInfo of the digest sent.
    const opened = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    expect(opened.equals(Buffer.concat([prefix, digest]))).toBe(true);
  });

  it('SubmitWithArtifact asynchronous: 201 + Location, request data as documented, UnsignedArtifact as submitted', async () => {
    const response = await post('/SigningRequests/SubmitWithArtifact', form(slugs, payload));
    expect(response.status).toBe(201);
    const location = response.headers.get('location') ?? '';
    const id = location.split('/').pop() ?? '';
    const created = (await response.json()) as Record<string, unknown>;
    expect(created).toMatchObject({
      signingRequestId: id,
      status: 'InProgress',
      workflowStatus: 'Processing',
    });
    await server.sigil.services.jobs.drain();
    const data = await server.call('GET', `${api}/SigningRequests/${id}`, { token: submitter.token });
    // docs.signpath.io "Get signing request data": the members its example shows, except origin and parameters.
    for (const member of [
      'status',
      'isFinalStatus',
      'workflowStatus',
      'description',
      'projectId',
      'projectSlug',
      'projectName',
      'artifactConfigurationId',
      'artifactConfigurationSlug',
      'artifactConfigurationName',
      'signingPolicyId',
      'signingPolicySlug',
      'signingPolicyName',
      'unsignedArtifactLink',
      'signedArtifactLink',
    ]) {
      expect(data.body).toHaveProperty(member);
    }
    expect(data.body).toMatchObject({
      status: 'Completed',
      workflowStatus: 'Completed',
      isFinalStatus: true,
    });
    expect(data.body.projectId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const status = await server.call('GET', `${api}/SigningRequests/${id}/Status`, {
      token: submitter.token,
    });
    expect(Object.keys(status.body).sort()).toEqual(
      ['isFinalStatus', 'signingRequestId', 'status', 'workflowStatus'].sort(),
    );
    const unsigned = await server.sigil.app.request(new URL(data.body.unsignedArtifactLink).pathname, {
      headers: { authorization: `Bearer ${submitter.token}` },
    });
    expect(unsigned.status).toBe(200);
    expect(await unsigned.text()).toBe(payload);
  });

  it('SignHash reads the documented hash names ignoring case ("Sha1", "Sha256", "SHA256")', async () => {
    const key = createPublicKey(rsa.publicKeyPem);
    for (const [hashAlgorithmName, hash] of [
      ['Sha1', 'sha1'],
      ['Sha256', 'sha256'],
      ['SHA256', 'sha256'],
      ['sha512', 'sha512'],
    ] as const) {
      const hashed = createHash(hash).update('sign me').digest();
      const answer = await server.call('POST', `${api}/SigningRequests/SignHash`, {
        token: submitter.token,
        body: {
          ...slugs,
          hashSigningData: {
            hash: hashed.toString('base64'),
            signatureAlgorithm: 'Rsa',
            rsaOptions: { hashAlgorithmName, paddingMode: 'Pss' },
          },
        },
      });
      expect(answer.status).toBe(200);
      const signature = Buffer.from(answer.body.hashSigningResult.signature, 'base64');
      expect(
        verify(
          hash,
          Buffer.from('sign me'),
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashed.length },
          signature,
        ),
      ).toBe(true);
    }
  });

  it('answers an unknown policy, a hash of the wrong length and an unreadable artifact as SignPath recorded them', async () => {
    const unknown = await post(
      '/SigningRequests/SubmitWithArtifact',
      form(
        { projectSlug: 'jsign3', signingPolicySlug: 'rsa-2048-2022', isFastSigningRequest: 'true' },
        payload,
      ),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    expect(unknownBody).toMatchObject(recordedShape('signpath-invalid-policy-error.json'));
    expect(Object.keys(unknownBody).slice(0, 5)).toEqual(
      Object.keys(signPathRecording('signpath-invalid-policy-error.json')),
    );
    expect(unknownBody.traceId).toMatch(TRACE_ID);

    const mismatch = await post(
      '/SigningRequests',
      form(
        { ...slugs, IsFastSigningRequest: 'true' },
        JSON.stringify({ ...JSON.parse(payload), Base64EncodedHash: Buffer.alloc(20, 1).toString('base64') }),
      ),
    );
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject(recordedShape('signpath-invalid-hash-algorithm-error.json'));

    const unreadable = await post(
      '/SigningRequests/SubmitWithArtifact',
      form({ ...slugs, isFastSigningRequest: 'true' }, JSON.stringify({ SignatureAlgorithm: 'Dsa' })),
    );
    expect(await unreadable.json()).toMatchObject(
      recordedShape('signpath-invalid-signature-algorithm-error.json'),
    );
  });

  it("names a bad body's fields as ASP.NET does and keeps the traceparent's trace id", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const answer = await server.call('POST', `${api}/SigningRequests/SignHash`, {
      token: submitter.token,
      headers: { traceparent },
      body: { signingPolicySlug: 'rsa', hashSigningData: { hash: 'AAAA', signatureAlgorithm: 'Rsa' } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { ProjectSlug: ['The ProjectSlug field is required.'] },
    });
    expect(answer.body.traceId).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
  });

  it("answers endpoints outside Sigil's scope in SignPath's shape, saying Sigil does not serve them", async () => {
    for (const [method, path] of [
      ['POST', '/SigningRequests/Resubmit'],
      ['POST', '/SigningRequests/SubmitWithArtifactRetrievalLink'],
      ['POST', '/SigningRequests/00000000-0000-4000-8000-000000000001/Approve'],
      ['GET', '/Projects'],
    ] as const) {
      const answer = await server.call(method, `${api}${path}`, {
        token: submitter.token,
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
        title: 'Not Found',
        status: 404,
        code: 'ERR_NOT_FOUND',
      });
      expect(answer.body.detail).toContain('does not serve');
      expect(answer.body.traceId).toMatch(TRACE_ID);
    }
    const noToken = await server.call('POST', `${api}/SigningRequests/Resubmit`, { token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ title: 'Unauthorized', status: 401 });
  });

  it('lists policies with the members of the entries SignPath answered, certificateType X509 included', async () => {
    const listed = await server.call('GET', `${api}/Cryptoki/MySigningPolicies`, { token: submitter.token });
    const recorded = (
      signPathRecording('signpath-signing-policies.json').signingPolicies as object[]
    )[0] as object;
    expect(Object.keys(listed.body.signingPolicies[0])).toEqual(Object.keys(recorded));
    expect(listed.body.signingPolicies[0].certificateType).toBe('X509');
  });
});
