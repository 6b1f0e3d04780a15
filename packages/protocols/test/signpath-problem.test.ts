// The SignPath problem details renderer against SignPath's recorded answers (Jsign's signpath-*-error.json) and
// ASP.NET Core 8's defaults.
import { signPathRecording } from '@sigil/vendor-specs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProtocolError } from '../src/errors.js';
import {
  buildSignPathProblem,
  decodeSignPathHashSigningData,
  decodeSignPathPayload,
  parseSignPathPayload,
  signPathArtifactErrors,
  signPathErrorSchema,
  signPathFieldErrors,
  signPathSignHashRequestSchema,
  signPathTraceId,
} from '../src/signpath/index.js';

const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;
const recorded = {
  policy: signPathRecording('signpath-invalid-policy-error.json'),
  hash: signPathRecording('signpath-invalid-hash-algorithm-error.json'),
  format: signPathRecording('signpath-invalid-signature-algorithm-error.json'),
};

/** The recording without its traceId, which is the request's own. */
function withoutTrace(body: Record<string, unknown>) {
  const { traceId, ...rest } = body;
  return { rest, traceId };
}

describe('SignPath problem details', () => {
  it('renders a validation problem exactly as SignPath recorded one: keys, order, type, title, status, traceId', () => {
    const expected = withoutTrace(recorded.policy);
    const problem = buildSignPathProblem(400, {
      errors: expected.rest.errors as Record<string, string[]>,
    }) as unknown as Record<string, unknown>;
    expect(Object.keys(problem)).toEqual(Object.keys(recorded.policy));
    expect(withoutTrace(problem).rest).toEqual(expected.rest);
    expect(problem.traceId).toMatch(TRACE_ID);
    expect(expected.traceId).toMatch(TRACE_ID);
    expect(signPathErrorSchema.safeParse(problem).success).toBe(true);
  });

  it('puts artifact errors under "" in SignPath\'s words: a hash of the wrong length, an unreadable payload', () => {
    const sha1Digest = Buffer.alloc(20, 1).toString('base64');
    const mismatch = (() => {
      try {
        decodeSignPathPayload({
          signatureAlgorithm: 'RsaPkcs1',
          rsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
          base64EncodedHash: sha1Digest,
        });
      } catch (error) {
        return error;
      }
    })();
    expect(signPathArtifactErrors(mismatch)).toEqual(recorded.hash.errors);
    const unreadable = (() => {
      try {
        parseSignPathPayload('{"SignatureAlgorithm":"Dsa","Base64EncodedHash":"AAAA"}');
      } catch (error) {
        return error;
      }
    })();
    expect(signPathArtifactErrors(unreadable)).toEqual(recorded.format.errors);
    const problem = buildSignPathProblem(400, {
      errors: signPathArtifactErrors(mismatch)!,
      detail: (mismatch as Error).message,
    });
    expect(problem).toMatchObject({
      ...withoutTrace(recorded.hash).rest,
      detail: (mismatch as Error).message,
    });
    expect(signPathArtifactErrors(new ProtocolError('ERR_SIGNPATH_HTTP', 'x'))).toBeUndefined();
    expect(signPathArtifactErrors(new Error('x'))).toBeUndefined();
  });

  it('names zod failures by ASP.NET property path, PascalCase, with the [Required] wording for a missing member', () => {
    const parsed = signPathSignHashRequestSchema.safeParse({
      signingPolicySlug: 'p',
      hashSigningData: { hash: 'AAAA', signatureAlgorithm: 'Rsa', rsaOptions: { paddingMode: 'Oaep' } },
    });
    expect(parsed.success).toBe(false);
    const errors = signPathFieldErrors((parsed as { error: z.ZodError }).error);
    expect(errors.ProjectSlug).toEqual(['The ProjectSlug field is required.']);
    expect(Object.keys(errors)).toContain('HashSigningData.RsaOptions.PaddingMode');
    const top = z.object({ a: z.string() }).safeParse('text');
    expect(Object.keys(signPathFieldErrors((top as { error: z.ZodError }).error))).toEqual(['']);
  });

  it("answers other statuses with ASP.NET Core 8 defaults, keeping Sigil's code as an extension member", () => {
    expect(buildSignPathProblem(404, { detail: 'no such request', code: 'ERR_NOT_FOUND' })).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
      title: 'Not Found',
      status: 404,
      detail: 'no such request',
      code: 'ERR_NOT_FOUND',
    });
    expect(buildSignPathProblem(401)).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
      title: 'Unauthorized',
    });
    expect(buildSignPathProblem(500)).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1',
      title: 'An error occurred while processing your request.',
    });
    const tooLarge = buildSignPathProblem(413);
    expect(tooLarge.type).toBeUndefined();
    expect(tooLarge.title).toBe('Content Too Large');
    expect(() => buildSignPathProblem(200)).toThrow(RangeError);
  });

  it("keeps an incoming traceparent's trace id with a new span, and ignores an invalid one", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const kept = signPathTraceId(traceparent);
    expect(kept).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    expect(kept).not.toContain('00f067aa0ba902b7');
    expect(buildSignPathProblem(400, { traceparent }).traceId.slice(3, 35)).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    for (const invalid of [
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      'garbage',
    ]) {
      const fresh = signPathTraceId(invalid);
      expect(fresh).toMatch(TRACE_ID);
      expect(fresh).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    }
    expect(signPathTraceId(undefined, (length) => new Uint8Array(length).fill(0xab))).toBe(
      `00-${'ab'.repeat(16)}-${'ab'.repeat(8)}-00`,
    );
  });
});

describe('SignPath names are read ignoring case, as ASP.NET binds them', () => {
  const digest = Buffer.alloc(32, 7).toString('base64');
  it.each(['Sha256', 'SHA256', 'sha256'])('hashAlgorithmName %s is SHA-256', (hashAlgorithmName) => {
    const request = signPathSignHashRequestSchema.parse({
      projectSlug: 'p',
      signingPolicySlug: 's',
      hashSigningData: {
        hash: digest,
        signatureAlgorithm: 'rsa',
        rsaOptions: { hashAlgorithmName, paddingMode: 'PSS' },
      },
    });
    expect(request.hashSigningData.signatureAlgorithm).toBe('Rsa');
    expect(decodeSignPathHashSigningData(request.hashSigningData).params).toEqual({
      scheme: 'rsa-pss',
      hash: 'SHA-256',
      saltLength: 32,
    });
  });

  it('reads SignPath\'s own example name "Sha1"', () => {
    const sha1 = Buffer.alloc(20, 7).toString('base64');
    expect(
      decodeSignPathHashSigningData({
        hash: sha1,
        signatureAlgorithm: 'Rsa',
        rsaOptions: { hashAlgorithmName: 'Sha1', paddingMode: 'Pkcs1' },
      }).params,
    ).toEqual({ scheme: 'rsa-pkcs1', hash: 'SHA-1' });
  });

  it('reads payload.json enum names ignoring case', () => {
    const payload = parseSignPathPayload({
      SignatureAlgorithm: 'ecdsa',
      EcdsaSignatureFormat: 'asn1',
      Base64EncodedHash: digest,
    });
    expect(payload).toMatchObject({ signatureAlgorithm: 'Ecdsa', ecdsaSignatureFormat: 'Asn1' });
  });
});

describe('MySigningPolicies entries', () => {
  it('have the members, in the order, of the entries SignPath answered, certificateType X509 included', async () => {
    const { buildSignPathPolicyEntry, signPathMySigningPoliciesResponseSchema } = await import(
      '../src/signpath/index.js'
    );
    const { generateKeyPairSync } = await import('node:crypto');
    const { importSpki } = await import('@sigil/crypto-core/keys');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = importSpki(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
    const entry = buildSignPathPolicyEntry({
      signingPolicyId: '4f1db5e5-1861-4ef2-ad43-05d4899e7b21',
      signingPolicySlug: 'rsa-2048',
      projectSlug: 'jsign2',
      key,
      certificate: new Uint8Array([0x30, 0x00]),
    });
    const recordedEntry = (
      signPathRecording('signpath-signing-policies.json').signingPolicies as Record<string, unknown>[]
    )[0] as Record<string, unknown>;
    expect(Object.keys(entry)).toEqual(Object.keys(recordedEntry));
    expect(entry.certificateType).toBe(recordedEntry.certificateType);
    expect(
      signPathMySigningPoliciesResponseSchema.safeParse(signPathRecording('signpath-signing-policies.json'))
        .success,
    ).toBe(true);
  });
});
