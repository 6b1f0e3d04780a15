// The OpenAPI 3.1 document of every surface, built from the same zod schemas the routes parse with.
import { OpenAPIHono } from '@hono/zod-openapi';
import { fortanixSignRequestSchema, fortanixVerifyRequestSchema } from '@sigil/protocols/fortanix';
import { pingOneSigningRequestSchema, pingOneSigningResponseSchema } from '@sigil/protocols/pingone';
import { signPathSignHashRequestSchema, signPathSignHashResponseSchema } from '@sigil/protocols/signpath';
import { z } from 'zod';
import {
  createFortanixAppSchema,
  createKeySchema,
  createSignPathPolicySchema,
  createTokenSchema,
  keyAliasesSchema,
  signSchema,
  verifySchema,
} from './schemas.js';

type Method = 'get' | 'post' | 'put' | 'delete';

interface Operation {
  readonly method: Method;
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly bodyType?: string;
  readonly response?: z.ZodType;
  readonly status?: number;
  readonly security?: 'bearer' | 'basic' | 'none' | 'pingone';
}

const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(['RSA', 'EC', 'OKP', 'HMAC']),
  kid: z.string(),
  version: z.number().int(),
  status: z.enum(['active', 'disabled']),
  publicKeyJwk: z.record(z.string(), z.unknown()).optional(),
  publicKeyPem: z.string().optional(),
});

const OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/healthz', tag: 'operations', summary: 'Liveness probe', security: 'none' },
  {
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Readiness probe (the store answers)',
    security: 'none',
  },
  { method: 'get', path: '/metrics', tag: 'operations', summary: 'Prometheus metrics', security: 'none' },
  {
    method: 'post',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'Create (generate or import) a key',
    body: createKeySchema,
    response: keyView,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'List keys',
    response: z.object({ keys: z.array(keyView) }),
  },
  {
    method: 'get',
    path: '/v1/keys/{id}',
    tag: 'keys',
    summary: 'Get a key by id or name',
    response: keyView,
  },
  {
    method: 'post',
    path: '/v1/keys/{id}/rotate',
    tag: 'keys',
    summary: 'Add a new version (old versions still verify)',
    response: keyView,
  },
  {
    method: 'post',
    path: '/v1/keys/{id}/disable',
    tag: 'keys',
    summary: 'Disable signing with a key',
    response: keyView,
  },
  {
    method: 'post',
    path: '/v1/keys/{id}/enable',
    tag: 'keys',
    summary: 'Enable a disabled key',
    response: keyView,
  },
  {
    method: 'delete',
    path: '/v1/keys/{id}',
    tag: 'keys',
    summary: 'Delete a key and its versions',
    status: 204,
  },
  {
    method: 'put',
    path: '/v1/keys/{id}/aliases',
    tag: 'keys',
    summary: 'Bind a PingOne credentialSigningKeyId',
    body: keyAliasesSchema,
    response: keyView,
  },
  {
    method: 'post',
    path: '/v1/sign',
    tag: 'signing',
    summary: 'Sign a message or digest (scope sign)',
    body: signSchema,
    response: z.object({
      signature: z.string(),
      keyId: z.uuid(),
      keyVersion: z.number().int(),
      algorithm: z.string(),
    }),
  },
  {
    method: 'post',
    path: '/v1/verify',
    tag: 'signing',
    summary: 'Verify a signature (scope verify)',
    body: verifySchema,
    response: z.object({ valid: z.boolean() }),
  },
  {
    method: 'post',
    path: '/v1/sign/batch',
    tag: 'signing',
    summary: 'Sign many items; a result per item, in order',
    body: z.array(signSchema),
  },
  {
    method: 'post',
    path: '/v1/tokens',
    tag: 'tokens',
    summary: 'Issue a token (shown once)',
    body: createTokenSchema,
    response: z.object({
      id: z.uuid(),
      token: z.string(),
      // With `pingidHmac: true`: PingID SDK credentials for `PINGID-HMAC` requests, shown once.
      pingid: z
        .object({
          accountId: z.uuid(),
          token: z.string(),
          apiKey: z.string().describe('base64 of 32 bytes: the HS256 key'),
        })
        .optional(),
    }),
    status: 201,
  },
  { method: 'delete', path: '/v1/tokens/{id}', tag: 'tokens', summary: 'Revoke a token', status: 204 },
  {
    method: 'get',
    path: '/v1/audit',
    tag: 'audit',
    summary: 'Audit records, paged by ?after=&limit= (scope audit)',
  },
  {
    method: 'get',
    path: '/v1/audit/verify',
    tag: 'audit',
    summary: 'Verify the hash chain',
    response: z.object({ ok: z.boolean(), entries: z.number().int() }),
  },
  {
    method: 'post',
    path: '/v1/signpath/policies',
    tag: 'signpath',
    summary: 'Create a SignPath signing policy',
    body: createSignPathPolicySchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/v1/fortanix/apps',
    tag: 'fortanix',
    summary: 'Create a Fortanix app (Basic credentials)',
    body: createFortanixAppSchema,
    response: z.object({ appId: z.uuid(), secret: z.string() }),
    status: 201,
  },
  {
    method: 'post',
    path: '/pingone/credential-signing',
    tag: 'pingone',
    summary: 'PingOne customer credential signing callback',
    body: pingOneSigningRequestSchema,
    response: pingOneSigningResponseSchema,
    security: 'pingone',
  },
  {
    method: 'post',
    path: '/signpath/api/v1/{organizationId}/SigningRequests',
    tag: 'signpath',
    summary: 'Legacy multipart signing request (fast or asynchronous)',
    bodyType: 'multipart/form-data',
  },
  {
    method: 'post',
    path: '/signpath/api/v1/{organizationId}/SigningRequests/SignHash',
    tag: 'signpath',
    summary: 'Sign a hash',
    body: signPathSignHashRequestSchema,
    response: signPathSignHashResponseSchema,
  },
  {
    method: 'get',
    path: '/signpath/api/v1/{organizationId}/SigningRequests/{id}',
    tag: 'signpath',
    summary: 'Signing request data',
  },
  {
    method: 'get',
    path: '/signpath/api/v1/{organizationId}/SigningRequests/{id}/Status',
    tag: 'signpath',
    summary: 'Signing request status',
  },
  {
    method: 'get',
    path: '/signpath/api/v1/{organizationId}/SigningRequests/{id}/SignedArtifact',
    tag: 'signpath',
    summary: 'The signed payload.json',
  },
  {
    method: 'get',
    path: '/signpath/api/v1/{organizationId}/Cryptoki/MySigningPolicies',
    tag: 'signpath',
    summary: 'Policies this token submits to',
  },
  {
    method: 'post',
    path: '/fortanix/sys/v1/session/auth',
    tag: 'fortanix',
    summary: 'Basic app credentials to a bearer session',
    security: 'basic',
  },
  {
    method: 'post',
    path: '/fortanix/crypto/v1/sign',
    tag: 'fortanix',
    summary: 'Sign',
    body: fortanixSignRequestSchema,
  },
  {
    method: 'post',
    path: '/fortanix/crypto/v1/verify',
    tag: 'fortanix',
    summary: 'Verify',
    body: fortanixVerifyRequestSchema,
  },
  {
    method: 'post',
    path: '/fortanix/crypto/v1/keys/batch/sign',
    tag: 'fortanix',
    summary: 'Batch sign',
    body: z.array(fortanixSignRequestSchema),
  },
  {
    method: 'post',
    path: '/fortanix/crypto/v1/keys/batch/verify',
    tag: 'fortanix',
    summary: 'Batch verify',
    body: z.array(fortanixVerifyRequestSchema),
  },
];

const SECURITY: Record<string, Record<string, string[]>[]> = {
  bearer: [{ bearerAuth: [] }, { pingidHmac: [] }],
  basic: [{ basicAuth: [] }],
  pingone: [{ bearerAuth: [] }, { pingoneHeaders: [] }],
  none: [],
};

/** Builds the OpenAPI 3.1 document of the server. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const documentation = new OpenAPIHono();
  const registry = documentation.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'basicAuth', { type: 'http', scheme: 'basic' });
  registry.registerComponent('securitySchemes', 'pingidHmac', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'PingID SDK signed request, `PINGID-HMAC=<jwt>`: HS256 under the API key of a token issued with ' +
      '`pingidHmac: true` (header `account_id` = the token id, `token`, `jwt_version` v4, `expires`, ' +
      '`X-Request-ID`, each used once), over `METHOD:HOST:PATH[:QUERY]:hex(SHA-256(body)):`. Answers carry ' +
      '`X-PINGID-Signature`.',
  });
  registry.registerComponent('securitySchemes', 'pingoneHeaders', {
    type: 'apiKey',
    in: 'header',
    name: 'SIGIL_PINGONE_HEADERS',
    description: 'the header/value pairs configured in SIGIL_PINGONE_HEADERS',
  });
  for (const operation of OPERATIONS) {
    const parameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
    const status = operation.status ?? 200;
    registry.registerPath({
      method: operation.method,
      path: operation.path,
      tags: [operation.tag],
      summary: operation.summary,
      security: SECURITY[operation.security ?? 'bearer'],
      ...(parameters.length
        ? { request: { params: z.object(Object.fromEntries(parameters.map((name) => [name, z.string()]))) } }
        : {}),
      ...(operation.body || operation.bodyType
        ? {
            request: {
              ...(parameters.length
                ? { params: z.object(Object.fromEntries(parameters.map((name) => [name, z.string()]))) }
                : {}),
              body: {
                content: {
                  [operation.bodyType ?? 'application/json']: { schema: operation.body ?? z.object({}) },
                },
                required: true,
              },
            },
          }
        : {}),
      responses: {
        [status]: {
          description: 'success',
          ...(operation.response ? { content: { 'application/json': { schema: operation.response } } } : {}),
        },
        '4XX': { description: "a client error, in the surface's error shape, with a stable code" },
      },
    });
  }
  return documentation.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Sigil signing server',
      version: '0.1.0',
      description: 'Native API, PingOne callback, SignPath- and Fortanix-compatible surfaces.',
    },
  }) as unknown as Record<string, unknown>;
}
