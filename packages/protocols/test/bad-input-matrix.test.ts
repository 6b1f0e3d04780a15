// The shared bad-input matrix: every exported schema of the four vendors, one valid example each, broken member by
// member; every broken input must be refused with the broken member's path as the first issue's path.
import { readFileSync } from 'node:fs';
import { vendorSpec } from '@sigil/vendor-specs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as fortanix from '../src/fortanix/index.js';
import * as pingid from '../src/pingid/index.js';
import * as pingone from '../src/pingone/index.js';
import * as signpath from '../src/signpath/index.js';

type Path = readonly (string | number)[];

/** A bad value for one member: what it is, where it goes, the value (undefined: the member is left out). */
type BadMember = readonly [label: string, path: Path, value: unknown, expectedPath?: Path];

/** How to break one schema's valid example. */
interface SchemaExample {
  /** A valid value, from `__fixtures__` or the vendor schema tests. For an array schema, its items are broken. */
  readonly valid: unknown;
  /** The members the vendor documents as required (of each item, for an array schema). */
  readonly required: readonly string[];
  /** Members that may be null (the documents say `| null`). */
  readonly nullable?: readonly string[];
  /** String members the documents allow to be empty (free text); every other string member must not be. */
  readonly mayBeEmpty?: readonly string[];
  /** Members that take any JSON value, so no type is wrong for them. */
  readonly untyped?: readonly string[];
  /** Bad values a type cannot catch: bad base64, unknown enum names, non-UUIDs, oversize, exactly-one rules. */
  readonly cases?: readonly BadMember[];
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../__fixtures__/signpath/${name}`, import.meta.url), 'utf8'));

// PingOne: built member by member from seed 000's tables and the seed README, as in pingone-schema.test.ts.
const keyId = '4b9d7c1e-2f3a-4e5b-8c6d-7e8f9a0b1c2d';
const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'issuer-key-1', typ: 'JWT' })).toString(
  'base64url',
);
const signingInput = `${header}.${Buffer.from('{"vc":{}}').toString('base64url')}`;
const jwk = {
  kid: 'issuer-key-1',
  kty: 'EC',
  alg: 'ES256',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};
const signingPayload = { payload: signingInput, kid: 'issuer-key-1', credentialSigningKeyId: keyId };
const signedPayload = { payload: signingInput, signature: 'MEUCIQ_abc-def' };
const credentialSigning = {
  url: 'https://signer.example.com/pingone/credential-signing',
  headers: { 'X-Api-Key': 'k' },
};
const elevenHeaders = Object.fromEntries(
  Array.from({ length: 11 }, (_, index) => [`X-Header-${index}`, 'v']),
);
const pingOneErrorDetail = { code: 'INVALID_VALUE', target: 'jwk', message: 'alg is not supported' };

// SignPath: the seed 002 examples in __fixtures__/signpath, and the seed README shapes of signpath-schema.test.ts.
const pascalPayload = fixture('payload.json') as Record<string, unknown>;
const camelPayload = Object.fromEntries(
  Object.entries(pascalPayload).map(([name, value]) => [name.charAt(0).toLowerCase() + name.slice(1), value]),
);
const policies = fixture('my-signing-policies.json') as { signingPolicies: Record<string, unknown>[] };
const policy = policies.signingPolicies[0] as Record<string, unknown>;
const requestId = 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1';
const hashSigningData = {
  hash: 'GJShnIW6FTrL90OsTkP8AEyJFgSyb4xp4eg+oq/HxI8=',
  signatureAlgorithm: 'Rsa',
  rsaOptions: { hashAlgorithmOid: '2.16.840.1.101.3.4.2.1', paddingMode: 'Pss' },
};
const signHashRequest = {
  projectSlug: 'hash-signing-test',
  signingPolicySlug: 'test-signing',
  hashSigningData,
};

// Fortanix: built member by member from seed 003's listing, as in fortanix-schema.test.ts.
const kid = '1f8bc4a5-2e57-4b0d-9c3e-5a6f7d8e9b01';
const hash = Buffer.alloc(32, 7).toString('base64');
const pssMode = { PSS: { mgf: { mgf1: { hash: 'SHA256' } } } };
const signItem = {
  key: { kid },
  hash_alg: 'SHA256',
  hash,
  mode: { PKCS1_V15: {} },
  deterministic_signature: true,
};
const verifyItem = { key: { kid }, hash_alg: 'SHA256', data: 'aGVsbG8=', mode: pssMode, signature: 'c2ln' };
const signed = { status: 200, body: { kid, signature: 'c2ln' } };
const verified = { status: 200, body: { kid, result: true } };
const itemError = { status: 404, error: 'sobject does not exist' };

// Fortanix Sobject: the members the OpenAPI `Sobject` requires and the key members, each with a value of its declared
// type (__fixtures__/fortanix/dsm-openapi-sobject.json; `created_at` is the OpenAPI's own example).
const sobject = {
  acct_id: '0c0e1b9a-5d7f-4c2b-8a1e-3f4d5c6b7a89',
  created_at: '20170509T070912Z',
  creator: { app: '5b1a0d2e-8c4f-4e7a-9b3d-2f6e1c0a9d84' },
  enabled: true,
  key_ops: ['SIGN', 'VERIFY', 'APPMANAGEABLE'],
  obj_type: 'EC',
  origin: 'FortanixHSM',
  public_only: false,
  kid,
  name: 'release key',
  key_size: 256,
  elliptic_curve: 'NistP256',
  pub_key: 'c2ln',
  state: 'Active',
};
/** What DSM's OpenAPI requires of every Sobject. */
const SOBJECT_REQUIRED = vendorSpec('fortanix').requiredProperties('Sobject');

const NOT_BASE64 = 'not base64!';
const NOT_A_UUID = 'key-1';

// A security object descriptor (seed 003's `key`, the OpenAPI's SobjectDescriptor), exported under both names.
const descriptorExample: SchemaExample = {
  valid: { kid },
  required: [],
  cases: [
    ['kid not a UUID', ['kid'], NOT_A_UUID],
    ['no descriptor at all', ['kid'], undefined, []],
    ['two descriptors at once', ['name'], 'release key', []],
    ['an unknown member', ['id'], kid, []],
    ['a multi-line name', [], { name: 'release\nkey' }, ['name']],
    ['a blank name', [], { name: '   ' }, ['name']],
    ['a name over 4096 characters', [], { name: 'k'.repeat(4097) }, ['name']],
    ['transient_key not base64', [], { transient_key: NOT_BASE64 }, ['transient_key']],
    [
      'inline with an unknown obj_type',
      [],
      { inline: { value: 'AA==', obj_type: 'RSA2' } },
      ['inline', 'obj_type'],
    ],
    ['inline without value', [], { inline: { obj_type: 'RSA' } }, ['inline', 'value']],
  ],
};

/** One valid example per exported schema, by export name. */
const EXAMPLES: Readonly<Record<string, SchemaExample>> = {
  pingOneSigningPayloadSchema: {
    valid: signingPayload,
    required: ['payload', 'kid', 'credentialSigningKeyId'],
    cases: [
      ['payload without a period', ['payload'], header],
      ['payload as a compact JWS', ['payload'], `${signingInput}.c2ln`],
      ['credentialSigningKeyId not a UUID', ['credentialSigningKeyId'], NOT_A_UUID],
    ],
  },
  pingOneSigningRequestSchema: {
    valid: { purpose: 'issuance audit 42', payloads: [signingPayload] },
    required: ['payloads'],
    mayBeEmpty: ['purpose'],
    cases: [
      ['a payloads item with an empty kid', ['payloads', 0, 'kid'], ''],
      ['a payloads item that is a string', ['payloads', 0], signingInput],
    ],
  },
  pingOneSignedPayloadSchema: {
    valid: signedPayload,
    required: ['payload', 'signature'],
    cases: [['signature not base64url', ['signature'], 'a b']],
  },
  pingOneSigningResponseSchema: {
    valid: { signedData: [signedPayload] },
    required: ['signedData'],
    cases: [
      ['signedData item without signature', ['signedData', 0, 'signature'], undefined],
      ['signedData item with a bad signature', ['signedData', 0, 'signature'], 'sig!'],
    ],
  },
  pingOnePublicJwkSchema: {
    valid: jwk,
    required: ['kid', 'kty', 'alg'],
    cases: [
      ['a private d', ['d'], 'c2VjcmV0'],
      ['a private k', ['k'], 'c2VjcmV0'],
      ['x in standard base64', ['x'], 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU+/='],
      ['an RSA modulus not base64url', ['n'], NOT_BASE64],
    ],
  },
  pingOneCreateSigningKeyRequestSchema: {
    valid: { enabled: true, jwk, name: 'issuer key 1' },
    required: ['enabled', 'jwk'],
    cases: [
      ['a private JWK', ['jwk', 'd'], 'c2VjcmV0'],
      ['a JWK without alg', ['jwk', 'alg'], undefined],
    ],
  },
  pingOneUpdateSigningKeyRequestSchema: {
    valid: { enabled: false, name: 'retired' },
    required: ['enabled'],
    cases: [['a private JWK', ['jwk'], { ...jwk, p: 'c2VjcmV0' }, ['jwk', 'p']]],
  },
  pingOneSigningKeySchema: {
    valid: {
      id: keyId,
      enabled: true,
      jwk,
      name: 'issuer key 1',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      environment: { id: 'abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6' },
    },
    required: ['id', 'enabled', 'jwk'],
    mayBeEmpty: ['name'],
    cases: [
      ['id not a UUID', ['id'], NOT_A_UUID],
      ['createdAt not a date-time', ['createdAt'], 'yesterday'],
      ['environment without id', ['environment', 'id'], undefined],
    ],
  },
  pingOneCredentialSigningSchema: {
    valid: credentialSigning,
    required: ['url'],
    cases: [
      ['an http URL', ['url'], 'http://signer.example.com/pingone/credential-signing'],
      ['a URL that is not one', ['url'], 'signer.example.com'],
      ['eleven headers', ['headers'], elevenHeaders],
      ['a header value that is a number', ['headers', 'X-Api-Key'], 7],
    ],
  },
  pingOneIssuerProfileSchema: {
    valid: {
      id: 'c1f7e4a0-5b2d-4c3e-9f8a-7b6c5d4e3f21',
      name: 'Example Issuer',
      applicationInstance: { id: 'a1' },
      environment: { id: 'abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6' },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      credentialSigning,
      pageContent: { logoImage: 'https://example.com/logo.png' },
    },
    required: [],
    mayBeEmpty: ['name'],
    // The Credentials spec: updatedAt "can be null".
    nullable: ['updatedAt'],
    untyped: ['pageContent'],
    cases: [
      ['an http signing URL', ['credentialSigning', 'url'], 'http://signer.example.com'],
      ['eleven signing headers', ['credentialSigning', 'headers'], elevenHeaders],
      ['applicationInstance without id', ['applicationInstance', 'id'], undefined],
      ['updatedAt as a date only', ['updatedAt'], '2025-01-02'],
    ],
  },
  pingOneErrorDetailSchema: {
    valid: pingOneErrorDetail,
    required: ['code'],
    mayBeEmpty: ['target', 'message'],
    cases: [['innerError that is a list', ['innerError'], ['x']]],
  },
  // PingID: the JWT shapes of seed 004 and the error body of the seed README.
  pingIdRequestJwtHeaderSchema: {
    valid: {
      alg: 'HS256',
      typ: 'JWT',
      account_id: '130d6e82-df53-43d7-bc0b-0ffe03133f11',
      token: 'account-token',
      jwt_version: 'v4',
      expires: '2017-06-08T05:53:43Z',
      'X-Request-ID': '8c1b7d0e-3f5a-4c2d-9e6f-0a1b2c3d4e5f',
    },
    required: ['alg', 'account_id', 'token', 'jwt_version', 'expires', 'X-Request-ID'],
    cases: [
      ['alg none', ['alg'], 'none'],
      ['an older jwt_version', ['jwt_version'], 'v3'],
      ['expires with milliseconds', ['expires'], '2017-06-08T05:53:43.000Z'],
      ['expires without a zone', ['expires'], '2017-06-08T05:53:43'],
    ],
  },
  pingIdResponseJwtHeaderSchema: {
    valid: { alg: 'HS256', typ: 'JWT' },
    required: ['alg'],
    cases: [['alg RS256', ['alg'], 'RS256']],
  },
  pingIdJwtPayloadSchema: {
    valid: { data: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    required: ['data'],
    cases: [
      ['upper-case hex', ['data'], 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'],
      ['a digest of the wrong length', ['data'], 'e3b0c442'],
    ],
  },
  pingIdErrorDetailSchema: {
    valid: { code: 'APPLICATION_DISABLED', message: 'The application is disabled' },
    required: ['code', 'message'],
    mayBeEmpty: ['message'],
  },
  pingIdErrorSchema: {
    valid: {
      code: 'INVALID_REQUEST',
      message: 'The application is disabled',
      target: 'application',
      details: [{ code: 'APPLICATION_DISABLED', message: 'The application is disabled' }],
    },
    required: ['code', 'message'],
    mayBeEmpty: ['message', 'target'],
    cases: [['a details item without code', ['details', 0, 'code'], undefined]],
  },
  pingOneErrorSchema: {
    valid: {
      id: '6c796712-0f16-4062-815a-e0a92f4a2143',
      code: 'INVALID_DATA',
      message: 'The request could not be completed. One or more validation errors were in the request.',
      target: 'jwk',
      details: [pingOneErrorDetail],
    },
    required: ['id', 'code', 'message'],
    mayBeEmpty: ['message', 'target'],
    cases: [['a details item without code', ['details', 0, 'code'], undefined]],
  },

  signPathPayloadPascalSchema: {
    valid: pascalPayload,
    required: ['SignatureAlgorithm', 'Base64EncodedHash'],
    cases: [
      ['an unknown SignatureAlgorithm', ['SignatureAlgorithm'], 'Dsa'],
      // ASP.NET binds enum names ignoring case: 'rsapkcs1' is RsaPkcs1 (signpath-problem.test.ts).
      ['a SignatureAlgorithm that is no name in any case', ['SignatureAlgorithm'], 'Rsa-Pkcs1'],
      ['an OID that is not dotted', ['RsaHashAlgorithm'], 'sha256'],
      ['an unknown EcdsaSignatureFormat', ['EcdsaSignatureFormat'], 'Der'],
      [
        'Base64EncodedHash in base64url',
        ['Base64EncodedHash'],
        'GJShnIW6FTrL90OsTkP8AEyJFgSyb4xp4eg-oq_HxI8',
      ],
      ['Base64EncodedHash not base64', ['Base64EncodedHash'], NOT_BASE64],
    ],
  },
  signPathPayloadSchema: {
    valid: camelPayload,
    required: ['signatureAlgorithm', 'base64EncodedHash'],
    cases: [
      ['an unknown signatureAlgorithm', ['signatureAlgorithm'], 'RsaOaep'],
      ['an OID with a leading zero', ['rsaHashAlgorithm'], '2.16.840.01.101.3.4.2.1'],
      ['an unknown ecdsaSignatureFormat', ['ecdsaSignatureFormat'], 'P1363'],
      ['base64EncodedHash not base64', ['base64EncodedHash'], NOT_BASE64],
    ],
  },
  signPathFastSigningResponseSchema: {
    valid: fixture('fast-signing-response.json'),
    required: ['SignatureAlgorithm', 'Base64EncodedHash', 'Signature'],
    cases: [['an unknown SignatureAlgorithm', ['SignatureAlgorithm'], 'Rsa']],
  },
  signPathSubmitResponseSchema: {
    valid: { SigningRequestId: requestId },
    // SigningRequestId (seed 002) or signingRequestId (SubmitWithArtifact): either names the request.
    required: [],
    cases: [['SigningRequestId not a GUID', ['SigningRequestId'], NOT_A_UUID]],
  },
  signPathSigningRequestFormSchema: {
    valid: {
      ProjectSlug: '$ProjectSlug',
      SigningPolicySlug: '$SigningPolicySlug',
      IsFastSigningRequest: 'true',
      Artifact: new Blob([JSON.stringify(pascalPayload)], { type: 'application/json' }),
    },
    required: ['ProjectSlug', 'SigningPolicySlug', 'Artifact'],
    cases: [['IsFastSigningRequest=yes', ['IsFastSigningRequest'], 'yes']],
  },
  signPathRsaOptionsSchema: {
    valid: hashSigningData.rsaOptions,
    required: ['paddingMode'],
    cases: [
      ['an unknown paddingMode', ['paddingMode'], 'Oaep'],
      ['an OID that is not dotted', ['hashAlgorithmOid'], 'SHA256'],
      ['a hash by name and by OID', ['hashAlgorithmName'], 'SHA256'],
      ['no hash at all', ['hashAlgorithmOid'], undefined, ['hashAlgorithmName']],
    ],
  },
  signPathEcdsaOptionsSchema: {
    valid: { signatureFormat: 'Asn1' },
    required: ['signatureFormat'],
    cases: [['an unknown signatureFormat', ['signatureFormat'], 'Der']],
  },
  signPathHashSigningDataSchema: {
    valid: hashSigningData,
    required: ['hash', 'signatureAlgorithm'],
    cases: [
      ['hash not base64', ['hash'], NOT_BASE64],
      ['a payload.json SignatureAlgorithm', ['signatureAlgorithm'], 'RsaPss'],
      ['rsaOptions with an unknown paddingMode', ['rsaOptions', 'paddingMode'], 'Oaep'],
      [
        'ecdsaOptions with an unknown signatureFormat',
        ['ecdsaOptions'],
        { signatureFormat: 'X' },
        ['ecdsaOptions', 'signatureFormat'],
      ],
    ],
  },
  signPathSignHashRequestSchema: {
    valid: signHashRequest,
    required: ['projectSlug', 'signingPolicySlug', 'hashSigningData'],
    cases: [['hashSigningData without hash', ['hashSigningData', 'hash'], undefined]],
  },
  signPathSignHashResponseSchema: {
    valid: { signingRequestId: requestId, hashSigningData, hashSigningResult: { signature: 'AAEC' } },
    required: ['signingRequestId', 'hashSigningData', 'hashSigningResult'],
    cases: [
      ['signingRequestId not a GUID', ['signingRequestId'], NOT_A_UUID],
      ['a signature not base64', ['hashSigningResult', 'signature'], NOT_BASE64],
      ['no signature', ['hashSigningResult', 'signature'], undefined],
    ],
  },
  signPathStatusResponseSchema: {
    valid: {
      signingRequestId: requestId,
      status: 'WaitingForApproval',
      workflowStatus: 'WaitingForApproval',
      isFinalStatus: false,
    },
    required: ['signingRequestId', 'status', 'workflowStatus', 'isFinalStatus'],
    mayBeEmpty: ['workflowStatus'],
    cases: [['signingRequestId not a GUID', ['signingRequestId'], NOT_A_UUID]],
  },
  signPathSigningRequestSchema: {
    valid: {
      status: 'Completed',
      workflowStatus: 'Completed',
      isFinalStatus: true,
      description: 'Release 1.2.0',
      projectId: 'b1f5c1b4-6f2a-4c07-9d7e-0c5d3c1f9a10',
      projectSlug: 'hash-signing-test',
      projectName: 'Hash signing test',
      signingPolicyId: 'eacd4b78-6038-4450-9eec-4acd1c7ba6f1',
      signingPolicySlug: 'test-signing',
      signingPolicyName: 'Test signing',
      uploadedArtifactLink: 'https://app.signpath.io/Api/v1/org/SigningRequests/id/UploadedArtifact',
      unsignedArtifactLink: 'https://app.signpath.io/Api/v1/org/SigningRequests/id/UnsignedArtifact',
      signedArtifactLink: 'https://app.signpath.io/Api/v1/org/SigningRequests/id/SignedArtifact',
    },
    required: ['status'],
    nullable: ['description', 'uploadedArtifactLink', 'unsignedArtifactLink', 'signedArtifactLink'],
    mayBeEmpty: [
      'workflowStatus',
      'description',
      'projectId',
      'projectSlug',
      'projectName',
      'signingPolicyId',
      'signingPolicySlug',
      'signingPolicyName',
      'uploadedArtifactLink',
      'unsignedArtifactLink',
      'signedArtifactLink',
    ],
  },
  signPathSigningPolicySchema: {
    valid: policy,
    required: [
      'signingPolicySlug',
      'projectSlug',
      'keySizeInBits',
      'signingPolicyId',
      'certificateBytes',
      'keyType',
      'publicKeyBytes',
    ],
    nullable: ['rsaParameters'],
    cases: [
      ['a zero key size', ['keySizeInBits'], 0],
      ['a fractional key size', ['keySizeInBits'], 2048.5],
      ['an unknown keyType', ['keyType'], 'Dsa'],
      ['signingPolicyId not a GUID', ['signingPolicyId'], NOT_A_UUID],
      ['an empty modulus', ['rsaParameters', 'modulus'], ''],
      ['no publicExponent', ['rsaParameters', 'publicExponent'], undefined],
    ],
  },
  signPathMySigningPoliciesResponseSchema: {
    valid: policies,
    required: ['signingPolicies'],
    cases: [
      ['a policy with an unknown keyType', ['signingPolicies', 0, 'keyType'], 'Dsa'],
      ['a policy without certificateBytes', ['signingPolicies', 0, 'certificateBytes'], undefined],
      ['a policy that is a string', ['signingPolicies', 0], 'test-signing'],
    ],
  },
  signPathErrorSchema: {
    valid: {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      detail: 'hashSigningData.hash must be standard base64',
      errors: { 'hashSigningData.hash': ['must be standard base64'] },
      traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    },
    required: [],
    untyped: ['errors'],
    mayBeEmpty: ['type', 'title', 'detail', 'error', 'message', 'traceId'],
    cases: [['a fractional status', ['status'], 400.5]],
  },

  fortanixKeyDescriptorSchema: descriptorExample,
  fortanixSobjectDescriptorSchema: descriptorExample,
  fortanixSignatureModeSchema: {
    valid: pssMode,
    required: [],
    cases: [
      ['PSS without mgf', ['PSS', 'mgf'], undefined],
      ['an unknown mgf hash', ['PSS', 'mgf', 'mgf1', 'hash'], 'MD5'],
      ['an unknown mgf', ['PSS', 'mgf'], { mgf2: { hash: 'SHA256' } }, ['PSS', 'mgf', 'mgf1']],
      ['PKCS1_V15 and PSS at once', ['PKCS1_V15'], {}, []],
      ['no padding at all', ['PSS'], undefined, []],
      ['an unknown padding', [], { OAEP: {} }, []],
      ['the padding name as a string', [], 'PKCS1_V15', []],
    ],
  },
  fortanixSignRequestSchema: {
    valid: signItem,
    required: ['hash_alg'],
    nullable: ['deterministic_signature'],
    mayBeEmpty: ['hash', 'data', 'context'],
    cases: [
      ['an unknown hash_alg', ['hash_alg'], 'SHA-256'],
      ['hash not base64', ['hash'], NOT_BASE64],
      ['data not base64', ['data'], '***'],
      ['context not base64', ['context'], NOT_BASE64],
      ['key with a kid not a UUID', ['key', 'kid'], NOT_A_UUID],
      ['mode PSS without mgf', ['mode'], { PSS: {} }, ['mode', 'PSS', 'mgf']],
    ],
  },
  fortanixSignResponseSchema: {
    valid: { kid, signature: 'c2ln' },
    required: ['signature'],
    nullable: ['kid'],
    mayBeEmpty: ['signature'],
    cases: [
      ['signature not base64', ['signature'], NOT_BASE64],
      ['kid not a UUID', ['kid'], NOT_A_UUID],
    ],
  },
  fortanixVerifyRequestSchema: {
    valid: verifyItem,
    required: ['hash_alg', 'signature'],
    mayBeEmpty: ['hash', 'data', 'context', 'signature'],
    cases: [
      ['signature not base64', ['signature'], NOT_BASE64],
      ['an unknown hash_alg', ['hash_alg'], 'MD5'],
    ],
  },
  fortanixVerifyResponseSchema: {
    valid: { kid, result: true },
    required: ['result'],
    nullable: ['kid'],
    cases: [['kid not a UUID', ['kid'], NOT_A_UUID]],
  },
  fortanixBatchSignRequestSchema: {
    valid: [signItem],
    required: ['hash_alg'],
    nullable: ['deterministic_signature'],
    mayBeEmpty: ['hash', 'data', 'context'],
    cases: [
      ['a bad second item', [1], { ...signItem, hash_alg: 'MD5' }, [1, 'hash_alg']],
      ['an item that is a string', [0], 'SHA256'],
    ],
  },
  fortanixBatchVerifyRequestSchema: {
    valid: [verifyItem],
    required: ['hash_alg', 'signature'],
    mayBeEmpty: ['hash', 'data', 'context', 'signature'],
    cases: [['an item with a bad signature', [0, 'signature'], NOT_BASE64]],
  },
  fortanixBatchItemErrorSchema: {
    valid: itemError,
    required: ['status', 'error'],
    mayBeEmpty: ['error'],
    cases: [['a fractional status', ['status'], 404.5]],
  },
  fortanixBatchSignResponseItemSchema: {
    valid: signed,
    required: ['status'],
    cases: [
      ['a body without signature', ['body', 'signature'], undefined],
      ['a body with a bad signature', ['body', 'signature'], NOT_BASE64],
      ['neither body nor error', ['body'], undefined, []],
      ['both body and error', ['error'], 'sobject does not exist', []],
      ['a fractional status', ['status'], 200.5],
    ],
  },
  fortanixBatchSignResponseSchema: {
    valid: [signed, itemError],
    required: ['status'],
    cases: [
      ['an error item with a numeric error', [1, 'error'], 404],
      ['an item with neither body nor error', [0, 'body'], undefined, [0]],
    ],
  },
  fortanixBatchVerifyResponseItemSchema: {
    valid: verified,
    required: ['status'],
    cases: [
      ['a body with a string result', ['body', 'result'], 'true'],
      ['neither body nor error', ['body'], undefined, []],
      ['both body and error', ['error'], 'bad', []],
    ],
  },
  fortanixBatchVerifyResponseSchema: {
    valid: [verified, itemError],
    required: ['status'],
    cases: [['an item without result', [0, 'body', 'result'], undefined]],
  },
  fortanixSessionAuthResponseSchema: {
    valid: { token_type: 'Bearer', expires_in: 600, access_token: 'tok', entity_id: kid },
    required: ['token_type', 'expires_in', 'access_token', 'entity_id'],
    cases: [
      ['another token_type', ['token_type'], 'Basic'],
      ['a negative expires_in', ['expires_in'], -1],
      ['a fractional expires_in', ['expires_in'], 1.5],
      ['entity_id not a UUID', ['entity_id'], NOT_A_UUID],
    ],
  },
  fortanixErrorSchema: {
    valid: 'sobject does not exist',
    required: [],
  },
  fortanixSobjectSchema: {
    valid: sobject,
    required: SOBJECT_REQUIRED,
    nullable: ['kid', 'name', 'key_size'],
    mayBeEmpty: ['pub_key'],
    cases: [
      ['created_at not a DSM timestamp', ['created_at'], '2017-05-09T07:09:12Z'],
      ['acct_id not a UUID', ['acct_id'], NOT_A_UUID],
      ['an unknown key operation', ['key_ops', 1], 'FLY'],
      ['an unknown obj_type', ['obj_type'], 'RSA2'],
      ['an unknown origin', ['origin'], 'Cloud'],
      ['elliptic_curve spelled as JOSE does', ['elliptic_curve'], 'P-256'],
      ['a creator that is no principal', ['creator'], { robot: kid }],
      ['a creator app that is not a UUID', ['creator', 'app'], NOT_A_UUID],
      ['pub_key not base64', ['pub_key'], NOT_BASE64],
      ['a negative key_size', ['key_size'], -1],
      ['a multi-line name', ['name'], 'release\nkey'],
      ['an unknown state', ['state'], 'Sleeping'],
    ],
  },
  fortanixPrincipalSchema: {
    valid: { app: kid },
    required: [],
    cases: [
      ['app not a UUID', ['app'], NOT_A_UUID],
      ['an unknown principal name', [], 'nobody'],
    ],
  },
  fortanixListSobjectsResponseSchema: {
    valid: [sobject],
    required: SOBJECT_REQUIRED,
    nullable: ['kid', 'name', 'key_size'],
    mayBeEmpty: ['pub_key'],
    cases: [
      ['a second item without kid type', [1], { ...sobject, kid: 42 }, [1, 'kid']],
      ['the metadata form without items', [], { metadata: {} }, ['items']],
      [
        'the metadata form with a bad item',
        [],
        { metadata: {}, items: [{ ...sobject, enabled: 'yes' }] },
        ['items', 0, 'enabled'],
      ],
      [
        'a fractional total_count',
        [],
        { metadata: { total_count: 1.5 }, items: [] },
        ['metadata', 'total_count'],
      ],
    ],
  },
  fortanixCreateKeyRequestSchema: {
    valid: { name: 'release key', obj_type: 'EC', elliptic_curve: 'NistP256', key_ops: ['SIGN', 'VERIFY'] },
    required: [],
    nullable: ['name', 'key_ops'],
    cases: [
      ['an unknown obj_type', ['obj_type'], 'RSA2'],
      ['an unknown elliptic_curve', ['elliptic_curve'], 'P-256'],
      ['an unknown key operation', ['key_ops', 0], 'FLY'],
      ['a fractional key_size', ['key_size'], 2048.5],
      ['a blank name', ['name'], '  '],
      ['a group_id that is not a UUID', ['group_id'], NOT_A_UUID],
    ],
  },
  fortanixListSobjectsQuerySchema: {
    valid: {
      name: 'release key',
      sort: 'name:asc',
      start: 'a',
      limit: '10',
      offset: '0',
      with_metadata: 'true',
    },
    required: [],
    cases: [
      ['a negative limit', ['limit'], '-1'],
      ['an offset that is not a number', ['offset'], 'ten'],
      ['a sort DSM does not name', ['sort'], 'size:asc'],
      ['with_metadata neither true nor false', ['with_metadata'], '1'],
      ['a group_id that is not a UUID', ['group_id'], NOT_A_UUID],
    ],
  },
};

interface ExportedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

/** Every export named `...Schema` that has `safeParse`, of the four vendor modules. */
const SCHEMAS: readonly ExportedSchema[] = [pingone, signpath, fortanix, pingid].flatMap((module) =>
  Object.entries(module)
    .filter(
      ([name, value]) =>
        name.endsWith('Schema') && typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function',
    )
    .map(([name, value]) => ({ name, schema: value as z.ZodType })),
);

type Kind = 'null' | 'array' | 'blob' | 'string' | 'number' | 'boolean' | 'object';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Blob) return 'blob';
  return typeof value as Kind;
}

/** A value of each JSON type; arrays and objects wrap the valid value, so they double as extra nesting. */
const WRONG_TYPES: readonly (readonly [Kind, (valid: unknown) => unknown])[] = [
  ['string', () => 'text'],
  ['number', () => 42],
  ['boolean', () => true],
  ['array', (valid) => [valid]],
  ['object', (valid) => ({ value: valid })],
  ['null', () => null],
];

function withMember(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy: unknown[] = [...root];
    copy[head as number] = withMember(copy[head as number], rest, value);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(root as object) };
  const next = withMember(copy[head], rest, value);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

interface BadInput {
  readonly schema: string;
  readonly label: string;
  readonly input: unknown;
  readonly path: Path;
}

/** The matrix: root-level wrong types, then per member: missing, wrong types, empty strings, then the cases. */
function badInputs({ name }: ExportedSchema, example: SchemaExample): BadInput[] {
  const rows: BadInput[] = [];
  const add = (label: string, input: unknown, path: Path) => rows.push({ schema: name, label, input, path });
  const rootKind = kindOf(example.valid);
  for (const [kind, make] of WRONG_TYPES) {
    if (kind !== rootKind) add(`the whole value as ${kind}`, make(example.valid), []);
  }
  if (rootKind === 'array') add('an empty-object item list', {}, []);
  const items = rootKind === 'array' ? (example.valid as unknown[]) : [example.valid];
  const prefix: Path = rootKind === 'array' ? [0] : [];
  const item = items[0];
  if (kindOf(item) === 'object') {
    for (const member of example.required)
      add(`${member} missing`, withMember(example.valid, [...prefix, member], undefined), [
        ...prefix,
        member,
      ]);
    for (const [member, value] of Object.entries(item as object)) {
      if (example.untyped?.includes(member)) continue;
      const path = [...prefix, member];
      for (const [kind, make] of WRONG_TYPES) {
        if (kind === kindOf(value) || (kind === 'null' && example.nullable?.includes(member))) continue;
        add(`${member} as ${kind}`, withMember(example.valid, path, make(value)), path);
      }
      if (typeof value === 'string' && !example.mayBeEmpty?.includes(member)) {
        add(`${member} empty`, withMember(example.valid, path, ''), path);
      }
    }
  }
  for (const [label, path, value, expectedPath] of example.cases ?? []) {
    add(label, withMember(example.valid, path, value), expectedPath ?? path);
  }
  return rows;
}

describe('bad-input matrix: coverage', () => {
  it('finds the schemas of all four vendors', () => {
    const names = SCHEMAS.map((entry) => entry.name);
    expect(names.filter((name) => name.startsWith('pingOne')).length).toBeGreaterThanOrEqual(12);
    expect(names.filter((name) => name.startsWith('signPath')).length).toBeGreaterThanOrEqual(15);
    expect(names.filter((name) => name.startsWith('fortanix')).length).toBeGreaterThanOrEqual(15);
  });

  it.each(SCHEMAS.map((entry) => [entry.name, entry] as const))(
    '%s has a valid example that parses',
    (name, entry) => {
      const example = EXAMPLES[name];
      expect(example, `add an example of ${name} to EXAMPLES`).toBeDefined();
      const result = entry.schema.safeParse(example?.valid);
      expect(result.error?.issues ?? []).toEqual([]);
    },
  );

  it('has no example for a schema that is not exported', () => {
    expect(Object.keys(EXAMPLES).filter((name) => !SCHEMAS.some((entry) => entry.name === name))).toEqual([]);
  });

  it.each(SCHEMAS.map((entry) => [entry.name, entry] as const))(
    '%s: every member its schema requires is listed as required',
    (name, entry) => {
      const example = EXAMPLES[name];
      const def = (entry.schema as unknown as { element?: unknown }).element ?? entry.schema;
      const shape = (def as { shape?: Record<string, z.ZodType> }).shape ?? {};
      const requiredBySchema = Object.entries(shape)
        .filter(([, member]) => !member.safeParse(undefined).success)
        .map(([member]) => member);
      expect([...(example?.required ?? [])].sort()).toEqual(expect.arrayContaining(requiredBySchema.sort()));
    },
  );
});

describe.each(
  SCHEMAS.filter((entry) => EXAMPLES[entry.name] !== undefined).map((entry) => [entry.name, entry] as const),
)('bad-input matrix: %s', (_name, entry) => {
  const rows = badInputs(entry, EXAMPLES[entry.name] as SchemaExample);
  it.each(rows.map((row) => [row.label, row] as const))('refuses %s, naming the member', (_label, row) => {
    const result = entry.schema.safeParse(row.input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(row.path);
  });
});
