// The PingOne emulator: credential signing keys and the credential issuer profile under
// /v1/environments/{envID}/, and an admin action that plays PingOne's side of customer credential signing.
import {
  type PingOneError,
  pingOneCreateSigningKeyRequestSchema,
  pingOneIssuerProfileSchema,
  pingOneUpdateSigningKeyRequestSchema,
} from '@sigil/protocols/pingone';
import type { Context } from 'hono';
import { z } from 'zod';
import { createMockApp } from '../admin/mock-app.js';
import type { MockEnv } from '../admin/mock-env.js';
import { type BodyErrors, readJsonBody } from '../admin/vendor-body.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { resolvePingOneFixtures } from './pingone-fixtures.js';
import { createPingOneService, PingOneServiceError, pingOneInvalidData } from './pingone-service.js';

// PingOne Platform API "Error codes", top-level codes by status (for faults and anything answered without a
// service error of its own).
const CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_DATA',
  401: 'UNAUTHORIZED',
  403: 'ACCESS_FAILED',
  404: 'NOT_FOUND',
  409: 'UNIQUENESS_VIOLATION',
  429: 'REQUEST_LIMITED',
  500: 'UNEXPECTED_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** The PingOne API's base path on the mock (the spec's servers end in `/v1`). */
export const PINGONE_API_PREFIX = '/v1';

/** PingOne Platform error body (Credentials spec `P1Error`): `{id, code, message, details?}`. */
function pingOneError(
  c: Context<MockEnv>,
  status: number,
  message: string,
  code?: string,
  details?: PingOneError['details'],
): Response {
  const body: PingOneError = {
    id: crypto.randomUUID(),
    code: code ?? CODES[status] ?? 'REQUEST_FAILED',
    message,
    ...(details === undefined || details.length === 0 ? {} : { details }),
  };
  return c.json(body, status as 400);
}

const issueSchema = z.strictObject({
  purpose: z.string().optional(),
  credentialSigningKeyIds: z.array(z.string()).min(1).optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().max(120_000).optional(),
});

// A detail per problem (P1Error_details_inner): a member that is missing is REQUIRED_VALUE, a wrong one INVALID_VALUE.
function invalid(error: z.ZodError): PingOneServiceError {
  return pingOneInvalidData(
    error.issues.slice(0, 10).map((issue) => ({
      code:
        issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
          ? 'REQUIRED_VALUE'
          : 'INVALID_VALUE',
      target: issue.path.join('.') || 'body',
      message: issue.message,
    })),
  );
}

const bodyErrors: BodyErrors = {
  notJson: () =>
    new PingOneServiceError(
      400,
      'INVALID_REQUEST',
      'The request could not be completed. The request body is not valid JSON.',
    ),
  invalid,
};

/** The PingOne mock. */
export function createPingOneMock(options: MockOptions): MockServer {
  const fixtures = resolvePingOneFixtures(options.seed, options.fixtures);
  const service = createPingOneService(fixtures, options.seed);
  const publicFixtures = () => ({
    environmentId: fixtures.environmentId,
    accessToken: fixtures.accessToken,
    apiPath: '/v1',
    issuerProfile: service.getProfile(),
    credentialSigningKeys: fixtures.keys.map((key) => ({
      id: key.id,
      credentialSigningKeyId: key.id,
      name: key.name,
      kid: key.publicJwk.kid,
      alg: key.publicJwk.alg,
      enabled: key.enabled,
      jwk: key.publicJwk,
      privateJwk: key.privateJwk,
    })),
  });
  const { app, route, server } = createMockApp({
    mock: 'pingone',
    title: 'PingOne',
    journalCapacity: options.journalCapacity,
    scenarios: [],
    fixtures: publicFixtures,
    resetState: () => service.reset(),
    errorResponse: (c, status, message) => pingOneError(c, status, message),
    answerError: (c, error) =>
      error instanceof PingOneServiceError
        ? pingOneError(c, error.status, error.message, error.code, error.details)
        : undefined,
    banner: (origin) => ({
      apiUrl: `${origin}/v1`,
      credentials: {
        environmentId: fixtures.environmentId,
        accessToken: fixtures.accessToken,
        credentialSigningKeys: fixtures.keys.map((key) => `${key.publicJwk.kid}=${key.id}`).join(', '),
        issue: `POST ${origin}/__admin/pingone/issue`,
      },
    }),
  });

  app.use('/v1/environments/:environmentId/*', async (c, next) => {
    service.authenticate(c.req.header('authorization'), c.req.param('environmentId') ?? '');
    await next();
  });

  const keys = `${PINGONE_API_PREFIX}/environments/{envID}/credentialSigningKeys`;
  const profile = `${PINGONE_API_PREFIX}/environments/{envID}/credentialIssuerProfile`;
  // What the mock emulates of PingOne's API, for the answer to everything else.
  const emulated: string[] = [];
  const serve: typeof route = (declared, ...handlers) => {
    emulated.push(`${declared.method.toUpperCase()} ${declared.path}`);
    route(declared, ...handlers);
  };
  // The profile as PingOne answers it: with its read-only `_links` (Credentials spec LinksHATEOAS: `self`).
  const profileAnswer = (c: Context<MockEnv>) => {
    const self = new URL(
      `${PINGONE_API_PREFIX}/environments/${fixtures.environmentId}/credentialIssuerProfile`,
      c.req.url,
    );
    return { ...service.getProfile(), _links: { self: { href: self.toString() } } };
  };
  serve(
    { method: 'post', path: keys, summary: 'Register a customer signing public key (answers its id)' },
    async (c) =>
      c.json(service.createKey(await readJsonBody(c, pingOneCreateSigningKeyRequestSchema, bodyErrors)), 201),
  );
  serve({ method: 'get', path: keys, summary: 'List registered keys' }, (c) => {
    const all = service.listKeys();
    return c.json({
      _links: { self: { href: c.req.url } },
      _embedded: { credentialSigningKeys: all },
      count: all.length,
      size: all.length,
    });
  });
  serve({ method: 'get', path: `${keys}/{id}`, summary: 'Read a registered key' }, (c) =>
    c.json(service.getKey(c.req.param('id'))),
  );
  serve({ method: 'put', path: `${keys}/{id}`, summary: 'Enable, disable or rename a key' }, async (c) =>
    c.json(
      service.updateKey(
        c.req.param('id'),
        await readJsonBody(c, pingOneUpdateSigningKeyRequestSchema, bodyErrors),
      ),
    ),
  );
  serve({ method: 'delete', path: `${keys}/{id}`, summary: 'Delete a key' }, (c) => {
    service.deleteKey(c.req.param('id'));
    return c.body(null, 204);
  });
  serve({ method: 'get', path: profile, summary: 'Read the issuer profile' }, (c) =>
    c.json(profileAnswer(c)),
  );
  serve(
    { method: 'put', path: profile, summary: 'Replace the issuer profile (credentialSigning.url, headers)' },
    async (c) => {
      service.putProfile(await readJsonBody(c, pingOneIssuerProfileSchema, bodyErrors));
      return c.json(profileAnswer(c));
    },
  );

  route(
    {
      method: 'post',
      path: '/__admin/pingone/issue',
      tag: 'admin',
      summary:
        'Send credential signing requests for the registered keys to credentialSigning.url with its headers, verify every returned signature, and answer {results: [{kid, credentialSigningKeyId, valid, error?}]}',
      requestBody: {
        type: 'object',
        properties: {
          purpose: { type: 'string' },
          credentialSigningKeyIds: {
            type: 'array',
            items: { type: 'string' },
            description: 'default: every enabled key',
          },
          claims: { type: 'object', description: 'merged into each credentialSubject' },
          timeoutMs: { type: 'integer', minimum: 1 },
        },
      },
    },
    async (c) => {
      const text = await c.req.text();
      let body: unknown = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          return c.json({ code: 'INVALID_JSON', message: 'body must be JSON' }, 400);
        }
      }
      const request = issueSchema.safeParse(body);
      if (!request.success)
        return c.json({ code: 'INVALID_ISSUE', message: request.error.issues[0]?.message ?? 'invalid' }, 400);
      try {
        return c.json(await service.issue({ ...request.data, corrupt: c.get('corruptSignature') }));
      } catch (error) {
        if (error instanceof PingOneServiceError)
          return c.json({ code: error.code, message: error.message }, error.status);
        throw error;
      }
    },
  );

  // Every other PingOne API request: a P1Error 404 naming what the mock does emulate.
  app.all(`${PINGONE_API_PREFIX}/*`, (c) =>
    pingOneError(
      c,
      404,
      `The request could not be completed. The requested resource was not found: Sigil's PingOne mock does not ` +
        `emulate ${c.req.method} ${new URL(c.req.url).pathname}. It emulates only ${emulated.join(', ')}.`,
      'NOT_FOUND',
    ),
  );

  return server;
}
