import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  parseSignPathPayload,
  signPathFastSigningResponseSchema,
  signPathMySigningPoliciesResponseSchema,
  signPathPayloadPascalSchema,
  signPathPayloadSchema,
  signPathSignHashRequestSchema,
  signPathSignHashResponseSchema,
  signPathSigningRequestFormSchema,
  signPathStatusResponseSchema,
} from '../src/signpath/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../__fixtures__/signpath/${name}`, import.meta.url), 'utf8');
const fixtureJson = (name: string): unknown => JSON.parse(fixture(name));

describe('SignPath fixtures (seed 002)', () => {
  it('parses the payload.json of the example request', () => {
    const payload = signPathPayloadPascalSchema.parse(fixtureJson('payload.json'));
    expect(payload).toEqual({
      SignatureAlgorithm: 'RsaPkcs1',
      RsaHashAlgorithm: '2.16.840.1.101.3.4.2.1',
      Base64EncodedHash: 'GJShnIW6FTrL90OsTkP8AEyJFgSyb4xp4eg+oq/HxI8=',
      Metadata: { CreatingProcess: { CommandLine: 'SampleCommand -SampleArgument', User: 'SampleUser' } },
    });
  });

  it('parses the example multipart request into its documented fields', async () => {
    const raw = fixture('signing-request.multipart.txt').replace(/\r?\n/g, '\r\n');
    const form = await new Response(raw, {
      headers: { 'content-type': 'multipart/form-data; boundary=5e6a7b3c-0f1d-4c2e-9a8b-7d6c5b4a3f21' },
    }).formData();
    const fields = signPathSigningRequestFormSchema.parse(Object.fromEntries(form.entries()));
    expect(fields.ProjectSlug).toBe('$ProjectSlug');
    expect(fields.SigningPolicySlug).toBe('$SigningPolicySlug');
    expect(fields.IsFastSigningRequest).toBe(true);
    expect((fields.Artifact as File).name).toBe('payload.json');
    const payload = parseSignPathPayload(new Uint8Array(await fields.Artifact.arrayBuffer()));
    expect(payload).toEqual(parseSignPathPayload(fixture('payload.json')));
  });

  it('parses the fast signing response example', () => {
    const response = signPathFastSigningResponseSchema.parse(fixtureJson('fast-signing-response.json'));
    expect(response.Signature).toBe('wGI2oiHHVSVGHR1rtjv83Pir1SEVLmnLNGuJD4...');
    expect(response.SignatureAlgorithm).toBe('RsaPkcs1');
  });

  it('parses the MySigningPolicies example', () => {
    const response = signPathMySigningPoliciesResponseSchema.parse(fixtureJson('my-signing-policies.json'));
    expect(response.signingPolicies).toHaveLength(1);
    expect(response.signingPolicies[0]).toMatchObject({
      signingPolicySlug: 'test-signing',
      projectSlug: 'hash-signing-test',
      keySizeInBits: 2048,
      keyType: 'Rsa',
      rsaParameters: { publicExponent: 'AQAB' },
    });
  });
});

describe('payload.json casing', () => {
  it('reads camelCase, PascalCase and mixed names as the same payload', () => {
    const pascal = fixtureJson('payload.json') as Record<string, unknown>;
    const camel = Object.fromEntries(
      Object.entries(pascal).map(([name, value]) => [name.charAt(0).toLowerCase() + name.slice(1), value]),
    );
    const mixed = { ...camel, SignatureAlgorithm: camel.signatureAlgorithm };
    delete (mixed as Record<string, unknown>).signatureAlgorithm;
    const expected = parseSignPathPayload(pascal);
    expect(parseSignPathPayload(camel)).toEqual(expected);
    expect(parseSignPathPayload(mixed)).toEqual(expected);
    expect(signPathPayloadSchema.parse(camel)).toEqual(expected);
  });

  it('refuses a name given in both casings', () => {
    const pascal = fixtureJson('payload.json') as Record<string, unknown>;
    expect(() => parseSignPathPayload({ ...pascal, signatureAlgorithm: 'RsaPss' })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNPATH_PAYLOAD', status: 400 }),
    );
  });

  it('names the offending field', () => {
    expect(() =>
      parseSignPathPayload({ SignatureAlgorithm: 'RsaPkcs1', Base64EncodedHash: 'not base64!' }),
    ).toThrow(/base64EncodedHash/);
    expect(() => parseSignPathPayload('{')).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNPATH_PAYLOAD' }),
    );
    expect(() => parseSignPathPayload([])).toThrow(expect.objectContaining({ code: 'ERR_SIGNPATH_PAYLOAD' }));
  });
});

describe('SignHash and Status (seed README)', () => {
  const request = {
    projectSlug: 'hash-signing-test',
    signingPolicySlug: 'test-signing',
    hashSigningData: {
      hash: 'GJShnIW6FTrL90OsTkP8AEyJFgSyb4xp4eg+oq/HxI8=',
      signatureAlgorithm: 'Rsa',
      rsaOptions: { hashAlgorithmOid: '2.16.840.1.101.3.4.2.1', paddingMode: 'Pss' },
    },
  };

  it('accepts the documented request and response shapes', () => {
    expect(signPathSignHashRequestSchema.parse(request)).toEqual(request);
    const response = {
      signingRequestId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
      hashSigningData: request.hashSigningData,
      hashSigningResult: { signature: 'AAEC' },
    };
    expect(signPathSignHashResponseSchema.parse(response)).toEqual(response);
    const ecdsa = {
      ...request,
      hashSigningData: {
        ...request.hashSigningData,
        signatureAlgorithm: 'Ecdsa',
        rsaOptions: undefined,
        ecdsaOptions: { signatureFormat: 'Asn1' },
      },
    };
    expect(signPathSignHashRequestSchema.parse(ecdsa).hashSigningData.ecdsaOptions).toEqual({
      signatureFormat: 'Asn1',
    });
    expect(
      signPathStatusResponseSchema.parse({
        signingRequestId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
        status: 'WaitingForApproval',
        workflowStatus: 'WaitingForApproval',
        isFinalStatus: false,
      }).isFinalStatus,
    ).toBe(false);
  });

  it('needs exactly one of hashAlgorithmName and hashAlgorithmOid', () => {
    const both = {
      paddingMode: 'Pkcs1',
      hashAlgorithmName: 'SHA256',
      hashAlgorithmOid: '2.16.840.1.101.3.4.2.1',
    };
    const neither = { paddingMode: 'Pkcs1' };
    for (const rsaOptions of [both, neither]) {
      const result = signPathSignHashRequestSchema.safeParse({
        ...request,
        hashSigningData: { ...request.hashSigningData, rsaOptions },
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['hashSigningData', 'rsaOptions', 'hashAlgorithmName']);
    }
  });
});

describe('bad-input matrix', () => {
  const payload = fixtureJson('payload.json') as Record<string, unknown>;
  const policies = fixtureJson('my-signing-policies.json') as { signingPolicies: Record<string, unknown>[] };
  const policy = policies.signingPolicies[0] as Record<string, unknown>;
  const cases: [string, z.ZodType, unknown, (string | number)[]][] = [
    [
      'unknown SignatureAlgorithm',
      signPathPayloadPascalSchema,
      { ...payload, SignatureAlgorithm: 'Dsa' },
      ['SignatureAlgorithm'],
    ],
    [
      'OID that is not dotted',
      signPathPayloadPascalSchema,
      { ...payload, RsaHashAlgorithm: 'sha256' },
      ['RsaHashAlgorithm'],
    ],
    [
      'unknown EcdsaSignatureFormat',
      signPathPayloadPascalSchema,
      { ...payload, EcdsaSignatureFormat: 'Der' },
      ['EcdsaSignatureFormat'],
    ],
    [
      'hash not base64',
      signPathPayloadPascalSchema,
      { ...payload, Base64EncodedHash: 'GJSh_nIW' },
      ['Base64EncodedHash'],
    ],
    ['missing hash', signPathPayloadPascalSchema, { SignatureAlgorithm: 'Ecdsa' }, ['Base64EncodedHash']],
    ['Metadata not an object', signPathPayloadPascalSchema, { ...payload, Metadata: 'x' }, ['Metadata']],
    ['fast response without Signature', signPathFastSigningResponseSchema, payload, ['Signature']],
    [
      'keyType unknown',
      signPathMySigningPoliciesResponseSchema,
      { signingPolicies: [{ ...policy, keyType: 'Dsa' }] },
      ['signingPolicies', 0, 'keyType'],
    ],
    [
      'policy id not a GUID',
      signPathMySigningPoliciesResponseSchema,
      { signingPolicies: [{ ...policy, signingPolicyId: 'x' }] },
      ['signingPolicies', 0, 'signingPolicyId'],
    ],
    [
      'key size not an integer',
      signPathMySigningPoliciesResponseSchema,
      { signingPolicies: [{ ...policy, keySizeInBits: '2048' }] },
      ['signingPolicies', 0, 'keySizeInBits'],
    ],
    [
      'form without ProjectSlug',
      signPathSigningRequestFormSchema,
      { SigningPolicySlug: 'p', Artifact: new Blob(['{}']) },
      ['ProjectSlug'],
    ],
    [
      'form with a text Artifact',
      signPathSigningRequestFormSchema,
      { ProjectSlug: 'p', SigningPolicySlug: 's', Artifact: '{}' },
      ['Artifact'],
    ],
    [
      'form with IsFastSigningRequest=yes',
      signPathSigningRequestFormSchema,
      { ProjectSlug: 'p', SigningPolicySlug: 's', IsFastSigningRequest: 'yes', Artifact: new Blob(['{}']) },
      ['IsFastSigningRequest'],
    ],
    [
      'SignHash signatureAlgorithm unknown',
      signPathSignHashRequestSchema,
      {
        projectSlug: 'p',
        signingPolicySlug: 's',
        hashSigningData: { hash: 'AAAA', signatureAlgorithm: 'RsaPss' },
      },
      ['hashSigningData', 'signatureAlgorithm'],
    ],
    [
      'Status isFinalStatus a string',
      signPathStatusResponseSchema,
      {
        signingRequestId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
        status: 'Completed',
        workflowStatus: 'Completed',
        isFinalStatus: 'true',
      },
      ['isFinalStatus'],
    ],
  ];
  it.each(cases)('rejects %s with the path of the field', (_name, schema, value, path) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});
