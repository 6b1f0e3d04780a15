// A small in-process PingOne for client tests: the credential signing key and issuer profile routes on hono.
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import {
  type PingOneIssuerProfile,
  type PingOneSigningKey,
  pingOneCreateSigningKeyRequestSchema,
  pingOneErrorSchema,
  pingOneIssuerProfileSchema,
  pingOneSigningKeySchema,
  pingOneUpdateSigningKeyRequestSchema,
} from '../../src/pingone/index.js';

/** Options of {@link createPingOneStub}. */
export interface PingOneStubOptions {
  /** The one environment the stub serves (`/v1/environments/{environmentId}`). */
  readonly environmentId: string;
  /** The only Bearer token the stub accepts. */
  readonly accessToken: string;
  /** The issuer profile GET answers first; a fresh one with a name and an application instance by default. */
  readonly profile?: PingOneIssuerProfile;
  /** Rewrites a 2xx body after it passed its schema, so a test can hand the client an answer PingOne never sends. */
  readonly rewriteAnswer?: (path: string, body: unknown) => unknown;
}

/** What the stub saw of one request. */
export interface PingOneStubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

/** The stub: its hono app, a fetch for the client, and what it saw and holds. */
export interface PingOneStub {
  readonly app: Hono;
  /** Every call goes to the hono app in-process. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly requests: PingOneStubRequest[];
  /** Registered signing keys by `id`. */
  readonly keys: Map<string, PingOneSigningKey>;
}

/** PingOne Platform "Error codes": `{id, code, message, details?}`. */
function pingOneError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: { code: string; target?: string; message?: string }[],
) {
  return c.json(pingOneErrorSchema.parse({ id: randomUUID(), code, message, details }), status);
}

function jsonBody<T>(schema: z.ZodType<T>) {
  return validator('json', (value, c): T | Response => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return pingOneError(
      c,
      400,
      'INVALID_DATA',
      'The request could not be completed. One or more validation errors were in the request.',
      [{ code: 'INVALID_VALUE', target: issue?.path.join('.') ?? '', message: issue?.message ?? '' }],
    );
  });
}

/**
 * A PingOne management API under `/v1/environments/{environmentId}`: Create and Update Customer Signing Public Key,
 * and GET/PUT credentialIssuerProfile. Bearer auth; request bodies checked with the schemas the client uses;
 * answers checked with the response schemas; errors in PingOne's shape.
 */
export function createPingOneStub(options: PingOneStubOptions): PingOneStub {
  const requests: PingOneStubRequest[] = [];
  const keys = new Map<string, PingOneSigningKey>();
  let profile: PingOneIssuerProfile = options.profile ?? {
    id: randomUUID(),
    name: 'Example Issuer',
    applicationInstance: { id: randomUUID() },
    environment: { id: options.environmentId },
  };
  const answer = <T>(c: Context, schema: z.ZodType<T>, body: T, status: ContentfulStatusCode = 200) => {
    const checked = schema.parse(body);
    const sent = options.rewriteAnswer ? options.rewriteAnswer(c.req.path, checked) : checked;
    return c.json(sent as object, status);
  };

  const environment = new Hono()
    .post('/credentialSigningKeys', jsonBody(pingOneCreateSigningKeyRequestSchema), (c) => {
      const key: PingOneSigningKey = {
        ...c.req.valid('json'),
        id: randomUUID(),
        createdAt: new Date().toISOString(),
        environment: { id: options.environmentId },
      };
      keys.set(key.id, key);
      return answer(c, pingOneSigningKeySchema, key, 201);
    })
    .put('/credentialSigningKeys/:id', jsonBody(pingOneUpdateSigningKeyRequestSchema), (c) => {
      const existing = keys.get(c.req.param('id'));
      if (existing === undefined)
        return pingOneError(c, 404, 'NOT_FOUND', 'Unable to find credential signing key');
      // The JWK is immutable: an update changes `enabled` and `name` only.
      const updated = {
        ...existing,
        ...c.req.valid('json'),
        jwk: existing.jwk,
        updatedAt: new Date().toISOString(),
      };
      keys.set(existing.id, updated);
      return answer(c, pingOneSigningKeySchema, updated);
    })
    .get('/credentialIssuerProfile', (c) => answer(c, pingOneIssuerProfileSchema, profile))
    .put('/credentialIssuerProfile', jsonBody(pingOneIssuerProfileSchema), (c) => {
      profile = { ...c.req.valid('json'), updatedAt: new Date().toISOString() };
      return answer(c, pingOneIssuerProfileSchema, profile);
    });

  const app = new Hono()
    .use(async (c, next) => {
      const text = await c.req.text();
      let body: unknown = text === '' ? undefined : text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text, and the route's validator answers 400
      }
      requests.push({
        method: c.req.method,
        path: c.req.path,
        authorization: c.req.header('authorization') ?? null,
        body,
      });
      await next();
    })
    .use(async (c, next) => {
      if (c.req.header('authorization') !== `Bearer ${options.accessToken}`) {
        return pingOneError(
          c,
          401,
          'ACCESS_FAILED',
          'The request could not be completed. You do not have access to this resource.',
        );
      }
      await next();
    })
    .route(`/v1/environments/${options.environmentId}`, environment)
    .notFound((c) => pingOneError(c, 404, 'NOT_FOUND', 'The requested resource was not found.'))
    .onError((error, c) =>
      error instanceof HTTPException
        ? pingOneError(
            c,
            400,
            'INVALID_REQUEST',
            'The request could not be completed. The request was malformed.',
          )
        : pingOneError(c, 500, 'UNEXPECTED_ERROR', `An unexpected error occurred: ${error.message}`),
    );

  return {
    app,
    fetch: async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init)),
    requests,
    keys,
  };
}
