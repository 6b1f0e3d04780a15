// Seed 000 prints no example message, only data-model tables: the messages here are built member by member from
// those tables (and, for the management calls, from the seed README).
import { vendorSpec } from '@sigil/vendor-specs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  PINGONE_ALGORITHMS,
  pingOneAlgorithm,
  pingOneCreateSigningKeyRequestSchema,
  pingOneErrorSchema,
  pingOneIssuerProfileSchema,
  pingOneSigningKeySchema,
  pingOneSigningRequestSchema,
  pingOneSigningResponseSchema,
  pingOneUpdateSigningKeyRequestSchema,
} from '../src/pingone/index.js';

const keyId = '4b9d7c1e-2f3a-4e5b-8c6d-7e8f9a0b1c2d';
const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'issuer-key-1', typ: 'JWT' })).toString(
  'base64url',
);
const body = Buffer.from(JSON.stringify({ vc: { type: ['VerifiableCredential'] } })).toString('base64url');
const signingInput = `${header}.${body}`;
const jwk = {
  kid: 'issuer-key-1',
  kty: 'EC',
  alg: 'ES256',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

describe('credential signing request and response (seed 000)', () => {
  it('accepts the request data model, purpose optional', () => {
    const request = {
      purpose: 'issuance audit 42',
      payloads: [{ payload: signingInput, kid: 'issuer-key-1', credentialSigningKeyId: keyId }],
    };
    expect(pingOneSigningRequestSchema.parse(request)).toEqual(request);
    const { purpose: _purpose, ...withoutPurpose } = request;
    expect(pingOneSigningRequestSchema.parse(withoutPurpose)).toEqual(withoutPurpose);
  });

  it('accepts the response under signedData (the table says payloads.*, a slip)', () => {
    const response = { signedData: [{ payload: signingInput, signature: 'MEUCIQ_abc-def' }] };
    expect(pingOneSigningResponseSchema.parse(response)).toEqual(response);
    expect(pingOneSigningResponseSchema.safeParse({ payloads: response.signedData }).success).toBe(false);
    expect(
      pingOneSigningResponseSchema.parse({ signedData: [{ payload: signingInput, signature: 'ab+/cd==' }] }),
    ).toBeTruthy();
  });
});

describe('management messages (seed README)', () => {
  it("accepts a signing key create request and PingOne's answer with id", () => {
    const create = { enabled: true, jwk, name: 'issuer key 1' };
    expect(pingOneCreateSigningKeyRequestSchema.parse(create)).toEqual(create);
    expect(pingOneUpdateSigningKeyRequestSchema.parse({ enabled: false })).toEqual({ enabled: false });
    const stored = {
      ...create,
      id: keyId,
      createdAt: '2025-01-01T00:00:00.000Z',
      environment: { id: 'env' },
    };
    expect(pingOneSigningKeySchema.parse(stored)).toEqual(stored);
  });

  it('accepts an issuer profile with credentialSigning and keeps unknown members for the PUT', () => {
    const profile = {
      id: 'c1f7e4a0-5b2d-4c3e-9f8a-7b6c5d4e3f21',
      name: 'Example Issuer',
      applicationInstance: { id: 'a1' },
      credentialSigning: {
        url: 'https://signer.example.com/pingone/credential-signing',
        headers: { 'X-Api-Key': 'k' },
      },
      pageContent: { logoImage: 'https://example.com/logo.png' },
    };
    expect(pingOneIssuerProfileSchema.parse(profile)).toEqual(profile);
  });

  it('accepts plain http for the signing URL on loopback only', () => {
    for (const url of [
      'http://127.0.0.1:8080/pingone/credential-signing',
      'http://localhost:8080/x',
      'http://[::1]:8080/x',
    ]) {
      expect(pingOneIssuerProfileSchema.safeParse({ credentialSigning: { url } }).success, url).toBe(true);
    }
    expect(
      pingOneIssuerProfileSchema.safeParse({ credentialSigning: { url: 'http://10.0.0.1/x' } }).success,
    ).toBe(false);
  });

  it('accepts the PingOne error body', () => {
    const error = {
      id: '6c796712-0f16-4062-815a-e0a92f4a2143',
      code: 'INVALID_DATA',
      message: 'The request could not be completed. One or more validation errors were in the request.',
      details: [{ code: 'INVALID_VALUE', target: 'jwk', message: 'alg is not supported' }],
    };
    expect(pingOneErrorSchema.parse(error)).toEqual(error);
  });
});

describe('the alg table', () => {
  it('maps every asymmetric JOSE alg through crypto-core', () => {
    for (const alg of PINGONE_ALGORITHMS) expect(pingOneAlgorithm(alg)).toHaveProperty('kty');
    expect(pingOneAlgorithm('PS384')).toEqual({
      kty: 'RSA',
      params: { scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 },
    });
    expect(pingOneAlgorithm('ES256')).toEqual({
      kty: 'EC',
      curve: 'P-256',
      params: { scheme: 'ecdsa', hash: 'SHA-256', format: 'p1363', nonce: 'hedged' },
    });
    expect(pingOneAlgorithm('EdDSA')).toEqual({
      kty: 'OKP',
      curve: 'Ed25519',
      params: { scheme: 'ed25519' },
    });
  });

  it.each(['HS256', 'none', 'RS1', 'es256', '', undefined, 7])(
    'refuses %s with ERR_PINGONE_ALGORITHM',
    (alg) => {
      expect(() => pingOneAlgorithm(alg)).toThrow(
        expect.objectContaining({ name: 'ProtocolError', code: 'ERR_PINGONE_ALGORITHM' }),
      );
    },
  );
});

describe('bad-input matrix', () => {
  const item = { payload: signingInput, kid: 'issuer-key-1', credentialSigningKeyId: keyId };
  const cases: [string, z.ZodType, unknown, (string | number)[]][] = [
    ['payloads missing', pingOneSigningRequestSchema, { purpose: 'x' }, ['payloads']],
    [
      'payload without a period',
      pingOneSigningRequestSchema,
      { payloads: [{ ...item, payload: header }] },
      ['payloads', 0, 'payload'],
    ],
    [
      'payload as a compact JWS',
      pingOneSigningRequestSchema,
      { payloads: [{ ...item, payload: `${signingInput}.sig` }] },
      ['payloads', 0, 'payload'],
    ],
    [
      'empty kid',
      pingOneSigningRequestSchema,
      { payloads: [item, { ...item, kid: '' }] },
      ['payloads', 1, 'kid'],
    ],
    [
      'key id not a UUID',
      pingOneSigningRequestSchema,
      { payloads: [{ ...item, credentialSigningKeyId: 'key-1' }] },
      ['payloads', 0, 'credentialSigningKeyId'],
    ],
    ['purpose not a string', pingOneSigningRequestSchema, { purpose: 1, payloads: [] }, ['purpose']],
    [
      'signature with spaces',
      pingOneSigningResponseSchema,
      { signedData: [{ payload: signingInput, signature: 'a b' }] },
      ['signedData', 0, 'signature'],
    ],
    [
      'a private JWK',
      pingOneCreateSigningKeyRequestSchema,
      { enabled: true, jwk: { ...jwk, d: 'secret' } },
      ['jwk', 'd'],
    ],
    [
      'a JWK without alg',
      pingOneCreateSigningKeyRequestSchema,
      { enabled: true, jwk: { ...jwk, alg: undefined } },
      ['jwk', 'alg'],
    ],
    ['enabled as a string', pingOneCreateSigningKeyRequestSchema, { enabled: 'true', jwk }, ['enabled']],
    [
      'an http signing URL',
      pingOneIssuerProfileSchema,
      { credentialSigning: { url: 'http://signer.example.com' } },
      ['credentialSigning', 'url'],
    ],
    [
      'eleven headers',
      pingOneIssuerProfileSchema,
      {
        credentialSigning: {
          url: 'https://s.example.com',
          headers: Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`h${index}`, 'v'])),
        },
      },
      ['credentialSigning', 'headers'],
    ],
    ['error without code', pingOneErrorSchema, { id: 'x', message: 'm' }, ['code']],
  ];
  it.each(cases)('rejects %s with the path of the field', (_name, schema, value, path) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});

describe('the issuer profile against the Credentials spec', () => {
  const spec = vendorSpec('pingone');
  const schemaOf = (name: string) =>
    spec.document.components.schemas[name] as { example?: Record<string, unknown> };

  it("reads the spec's own CredentialIssuerProfile example, read-only createdAt, updatedAt and _links included", () => {
    const example = schemaOf('CredentialIssuerProfile').example;
    expect(example).toMatchObject({ _links: expect.any(Object), createdAt: expect.any(String) });
    const parsed = pingOneIssuerProfileSchema.parse(example);
    expect(parsed._links).toEqual(example?._links);
    expect(parsed.createdAt).toBe(example?.createdAt);
    expect(parsed.updatedAt).toBe(example?.updatedAt);
    // The spec: updatedAt "can be null".
    expect(pingOneIssuerProfileSchema.safeParse({ ...example, updatedAt: null }).success).toBe(true);
    // LinksHATEOAS_value requires an href that is a URI.
    expect(pingOneIssuerProfileSchema.safeParse({ ...example, _links: { self: {} } }).success).toBe(false);
    expect(
      pingOneIssuerProfileSchema.safeParse({ ...example, _links: { self: { href: 'nope' } } }).success,
    ).toBe(false);
  });
});
