// The SignPath-compatible surface: policies, legacy multipart (fast and async), SignHash, status, artifacts, and
// signatures checked with `openssl pkeyutl -verify`.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'sigil-openssl-'));

/** `openssl pkeyutl -verify` of a signature over a digest. */
function opensslVerify(publicKeyPem: string, digest: Buffer, signature: Buffer, options: string[]): boolean {
  const name = randomBytes(6).toString('hex');
  writeFileSync(join(work, `${name}.pem`), publicKeyPem);
  writeFileSync(join(work, `${name}.dgst`), digest);
  writeFileSync(join(work, `${name}.sig`), signature);
  try {
    const output = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        `${name}.pem`,
        '-in',
        `${name}.dgst`,
        '-sigfile',
        `${name}.sig`,
        ...options,
      ],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    return /Signature Verified Successfully/.test(output);
  } catch {
    return false;
  }
}

function legacyForm(fields: Record<string, string>, payload: object, name = 'Artifact'): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields)) form.append(field, value);
  form.append(name, new Blob([JSON.stringify(payload)], { type: 'application/json' }), 'payload.json');
  return form;
}

describe('SignPath-compatible API', () => {
  let server: TestServer;
  let submitter: { id: string; token: string };
  let outsider: { id: string; token: string };
  let rsa: { id: string; publicKeyPem: string };
  let ec: { id: string; publicKeyPem: string };
  const org = '6a5b8c3e-0000-4000-8000-00000000abcd';

  beforeAll(async () => {
    server = await startTestServer();
    submitter = (await server.call('POST', '/v1/tokens', { body: { name: 'ci', scopes: ['sign'] } })).body;
    outsider = (await server.call('POST', '/v1/tokens', { body: { name: 'other', scopes: ['sign'] } })).body;
    rsa = (await server.call('POST', '/v1/keys', { body: { name: 'sp-rsa', type: 'RSA', size: 2048 } })).body;
    ec = (await server.call('POST', '/v1/keys', { body: { name: 'sp-ec', type: 'EC', curve: 'P-256' } }))
      .body;
    for (const [slug, key] of [
      ['rsa-policy', rsa],
      ['ec-policy', ec],
    ] as const) {
      const policy = await server.call('POST', '/v1/signpath/policies', {
        body: {
          organizationId: org.toUpperCase(),
          projectSlug: 'proj',
          signingPolicySlug: slug,
          keyId: key.id,
          submitters: [submitter.id],
        },
      });
      expect(policy.status).toBe(201);
      const certificate = new X509Certificate(Buffer.from(policy.body.certificateBytes, 'base64'));
      expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
        key.publicKeyPem.replace(/\r?\n?$/, '\n'),
      );
      expect(certificate.verify(certificate.publicKey)).toBe(true);
    }
  });

  it("lists the submitter's policies with certificate and public key (Cryptoki/MySigningPolicies)", async () => {
    const listed = await server.call('GET', `/signpath/api/v1/${org}/Cryptoki/MySigningPolicies`, {
      token: submitter.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.signingPolicies).toHaveLength(2);
    const rsaEntry = listed.body.signingPolicies.find(
      (entry: { keyType: string }) => entry.keyType === 'Rsa',
    );
    expect(rsaEntry).toMatchObject({
      projectSlug: 'proj',
      signingPolicySlug: 'rsa-policy',
      keySizeInBits: 2048,
    });
    expect(rsaEntry.publicKeyBytes).toMatch(/^MIIBCgKC/);
    const narrowed = await server.call(
      'GET',
      `/SIGNPATH/Api/V1/${org}/cryptoki/mysigningpolicies?projectSlug=proj&signingPolicySlug=ec-policy`,
      {
        token: submitter.token,
      },
    );
    expect(narrowed.body.signingPolicies.map((entry: { keyType: string }) => entry.keyType)).toEqual([
      'Ecdsa',
    ]);
    const none = await server.call('GET', `/signpath/api/v1/${org}/Cryptoki/MySigningPolicies`, {
      token: outsider.token,
    });
    expect(none.body.signingPolicies).toEqual([]);
  });

  it('signs fast legacy requests (RsaPkcs1, RsaPss, Ecdsa Ieee and Asn1), verified by openssl', async () => {
    const digest = createHash('sha256').update('artifact').digest();
    const cases = [
      {
        policy: 'rsa-policy',
        key: () => rsa,
        payload: { SignatureAlgorithm: 'RsaPkcs1', RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1' },
        openssl: ['-pkeyopt', 'digest:sha256'],
      },
      {
        policy: 'rsa-policy',
        key: () => rsa,
        payload: { signatureAlgorithm: 'RsaPss', rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1' },
        openssl: [
          '-pkeyopt',
          'rsa_padding_mode:pss',
          '-pkeyopt',
          'rsa_pss_saltlen:32',
          '-pkeyopt',
          'digest:sha256',
        ],
      },
      {
        policy: 'ec-policy',
        key: () => ec,
        payload: { SignatureAlgorithm: 'Ecdsa', EcdsaSignatureFormat: 'Ieee' },
        openssl: [],
        ieee: true,
      },
      {
        policy: 'ec-policy',
        key: () => ec,
        payload: { SignatureAlgorithm: 'Ecdsa', EcdsaSignatureFormat: 'Asn1' },
        openssl: [],
      },
    ];
    for (const testCase of cases) {
      const payload = {
        ...testCase.payload,
        Base64EncodedHash: digest.toString('base64'),
        Metadata: { CreatingProcess: { User: 'u' } },
      };
      const response = await server.sigil.app.request(`/signpath/api/v1/${org}/SigningRequests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${submitter.token}` },
        body: legacyForm(
          { ProjectSlug: 'proj', SigningPolicySlug: testCase.policy, IsFastSigningRequest: 'true' },
          payload,
        ),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.Base64EncodedHash).toBe(digest.toString('base64'));
      expect(body.Metadata).toEqual({ CreatingProcess: { User: 'u' } });
      let signature = Buffer.from(String(body.Signature), 'base64');
      if (testCase.ieee) {
        expect(signature).toHaveLength(64);
        signature = Buffer.from(convertEcdsaSignature(signature, 'p1363', 'der', 'P-256'));
      }
      expect(
        opensslVerify(testCase.key().publicKeyPem, digest, signature, testCase.openssl),
        JSON.stringify(testCase.payload),
      ).toBe(true);
      // and a flipped digest does not verify
      expect(
        opensslVerify(
          testCase.key().publicKeyPem,
          Buffer.from(digest).fill(1, 0, 1),
          signature,
          testCase.openssl,
        ),
      ).toBe(false);
    }
  });

  it('accepts asynchronous requests with 201 + Location, signs them in the background, serves status and artifact', async () => {
    const digest = createHash('sha256').update('async').digest();
    const response = await server.sigil.app.request(`/signpath/api/v1/${org}/SigningRequests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${submitter.token}` },
      body: legacyForm(
        { projectSlug: 'proj', signingPolicySlug: 'rsa-policy' },
        {
          SignatureAlgorithm: 'RsaPkcs1',
          RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
          Base64EncodedHash: digest.toString('base64'),
        },
      ),
    });
    expect(response.status).toBe(201);
    const { SigningRequestId: id } = (await response.json()) as { SigningRequestId: string };
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`/signpath/api/v1/${org}/SigningRequests/${id}$`));
    // persisted before the answer
    expect((await server.store.getSignPathRequest(id))?.id).toBe(id);
    await server.sigil.services.jobs.drain();
    const path = new URL(location).pathname;
    const status = await server.call('GET', `${path}/Status`, { token: submitter.token });
    expect(status.body).toEqual({
      signingRequestId: id,
      status: 'Completed',
      workflowStatus: 'Completed',
      isFinalStatus: true,
    });
    const data = await server.call('GET', path, { token: submitter.token });
    expect(data.body).toMatchObject({
      status: 'Completed',
      projectSlug: 'proj',
      signingPolicySlug: 'rsa-policy',
    });
    expect(data.body.signedArtifactLink).toMatch(/SignedArtifact$/);
    const artifact = await server.call('GET', `${path.toLowerCase()}/signedartifact`, {
      token: submitter.token,
    });
    expect(artifact.status).toBe(200);
    expect(
      opensslVerify(rsa.publicKeyPem, digest, Buffer.from(artifact.body.Signature, 'base64'), [
        '-pkeyopt',
        'digest:sha256',
      ]),
    ).toBe(true);
    expect((await server.call('GET', `${path}/Status`, { token: outsider.token })).status).toBe(403);
  });

  it('finishes accepted requests after a crash: a new process over the same store resumes them', async () => {
    const digest = createHash('sha256').update('crash').digest();
    const requestId = '0f0e0d0c-0000-4000-8000-000000000001';
    const policy = (await server.store.listSignPathPolicies(org)).find(
      (entry) => entry.signingPolicySlug === 'rsa-policy',
    );
    const now = new Date().toISOString();
    // what an accepted request looks like when the process died before signing it
    await server.store.createSignPathRequest({
      id: requestId,
      organizationId: org,
      policyId: policy?.id ?? '',
      tokenId: submitter.id,
      payload: JSON.stringify({
        signatureAlgorithm: 'RsaPkcs1',
        rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
        base64EncodedHash: digest.toString('base64'),
      }),
      status: 'InProgress',
      signature: undefined,
      error: undefined,
      createdAt: now,
      updatedAt: now,
    });
    // An accepted request in progress: SignPath's workflow stage while it signs is `Processing` (protocols'
    // SIGNPATH_WORKFLOW_STATUSES), and the status is not final.
    const pending = await server.call('GET', `/signpath/api/v1/${org}/SigningRequests/${requestId}/Status`, {
      token: submitter.token,
    });
    expect(pending.body).toEqual({
      signingRequestId: requestId,
      status: 'InProgress',
      workflowStatus: 'Processing',
      isFinalStatus: false,
    });
    const pendingData = await server.call('GET', `/signpath/api/v1/${org}/SigningRequests/${requestId}`, {
      token: submitter.token,
    });
    expect(pendingData.body).toMatchObject({
      status: 'InProgress',
      workflowStatus: 'Processing',
      isFinalStatus: false,
      signedArtifactLink: null,
    });
    expect(await server.sigil.resumePendingJobs()).toBe(1);
    await server.sigil.services.jobs.drain();
    const done = await server.store.getSignPathRequest(requestId);
    expect(done?.status).toBe('Completed');
    expect(
      opensslVerify(rsa.publicKeyPem, digest, Buffer.from(done?.signature ?? '', 'base64'), [
        '-pkeyopt',
        'digest:sha256',
      ]),
    ).toBe(true);
  });

  it('signs with SignHash (Rsa Pss by name, Ecdsa Asn1)', async () => {
    const digest = createHash('sha384').update('signhash').digest();
    const rsaAnswer = await server.call('POST', `/signpath/api/v1/${org}/SigningRequests/SignHash`, {
      token: submitter.token,
      body: {
        projectSlug: 'proj',
        signingPolicySlug: 'rsa-policy',
        hashSigningData: {
          hash: digest.toString('base64'),
          signatureAlgorithm: 'Rsa',
          rsaOptions: { hashAlgorithmName: 'SHA384', paddingMode: 'Pss' },
        },
      },
    });
    expect(rsaAnswer.status).toBe(200);
    expect(rsaAnswer.body.signingRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const options = [
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      'rsa_pss_saltlen:48',
      '-pkeyopt',
      'digest:sha384',
    ];
    expect(
      opensslVerify(
        rsa.publicKeyPem,
        digest,
        Buffer.from(rsaAnswer.body.hashSigningResult.signature, 'base64'),
        options,
      ),
    ).toBe(true);
    const ecAnswer = await server.call('POST', `/signpath/api/v1/${org}/SigningRequests/SignHash`, {
      token: submitter.token,
      body: {
        projectSlug: 'proj',
        signingPolicySlug: 'ec-policy',
        hashSigningData: {
          hash: digest.toString('base64'),
          signatureAlgorithm: 'Ecdsa',
          ecdsaOptions: { signatureFormat: 'Asn1' },
        },
      },
    });
    expect(
      opensslVerify(
        ec.publicKeyPem,
        digest,
        Buffer.from(ecAnswer.body.hashSigningResult.signature, 'base64'),
        [],
      ),
    ).toBe(true);
  });

  it("records SignPath's own algorithm label in the audit log", async () => {
    const { entries } = await server.store.listAudit(0, 10_000);
    const labels = new Set(
      entries
        .filter((entry) => entry.operation === 'signpath.sign' && entry.result === 'ok')
        .map((entry) => entry.algorithm),
    );
    expect(labels).toEqual(
      new Set([
        'RsaPkcs1/Sha256',
        'RsaPss/Sha256',
        'RsaPss/Sha384',
        'Ecdsa/Sha256/Ieee',
        'Ecdsa/Sha256/Asn1',
        'Ecdsa/Sha384/Asn1',
      ]),
    );
  });

  it('answers 403 to non-submitters and 401 without a token, in problem-details shape; 4xx for bad input', async () => {
    const digest = createHash('sha256').update('x').digest().toString('base64');
    const submit = (token: string | null, fields: Record<string, string>, payload: object) =>
      server.sigil.app.request(`/signpath/api/v1/${org}/SigningRequests`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body: legacyForm(fields, payload),
      });
    const good = {
      SignatureAlgorithm: 'RsaPkcs1',
      RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      Base64EncodedHash: digest,
    };
    const fields = { ProjectSlug: 'proj', SigningPolicySlug: 'rsa-policy', IsFastSigningRequest: 'true' };
    const forbidden = await submit(outsider.token, fields, good);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ status: 403, title: 'Forbidden', code: 'ERR_FORBIDDEN' });
    expect((await submit(null, fields, good)).status).toBe(401);
    expect((await submit(submitter.token, { ...fields, SigningPolicySlug: 'nope' }, good)).status).toBe(400);
    const wrongLength = await submit(submitter.token, fields, {
      ...good,
      Base64EncodedHash: Buffer.alloc(20).toString('base64'),
    });
    expect(wrongLength.status).toBe(400);
    const ecdsaOnRsa = await submit(submitter.token, fields, {
      SignatureAlgorithm: 'Ecdsa',
      Base64EncodedHash: digest,
    });
    expect(ecdsaOnRsa.status).toBe(400);
    const notMultipart = await server.call('POST', `/signpath/api/v1/${org}/SigningRequests`, {
      token: submitter.token,
      body: {},
    });
    expect(notMultipart.status).toBe(415);
    const broken = await server.sigil.app.request(`/signpath/api/v1/${org}/SigningRequests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${submitter.token}`,
        'content-type': 'multipart/form-data; boundary=xyz',
      },
      body: '--xyz\r\nContent-Disposition: form-data; name="ProjectSlug"\r\n\r\nproj\r\n--xy',
    });
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
    const policyOnEd = (await server.call('POST', '/v1/keys', { body: { type: 'OKP', curve: 'Ed25519' } }))
      .body;
    const refused = await server.call('POST', '/v1/signpath/policies', {
      body: {
        organizationId: org,
        projectSlug: 'p',
        signingPolicySlug: 's',
        keyId: policyOnEd.id,
        submitters: [],
      },
    });
    expect(refused.status).toBe(400);
  });
});
