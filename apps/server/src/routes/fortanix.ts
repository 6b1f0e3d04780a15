// Fortanix DSM-compatible API under /fortanix: session auth and terminate, sign, verify, their batch forms, key listing
// and lookup, documented; any other DSM endpoint is answered in DSM's own shape, saying that Sigil does not serve it.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  fortanixListSobjectsQuerySchema,
  fortanixSignRequestSchema,
  fortanixSobjectDescriptorSchema,
  fortanixVerifyRequestSchema,
} from '@sigil/protocols/fortanix';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, queryParameters, requestBody, SECURITY } from '../openapi.js';
import { MAX_BATCH_ITEMS } from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import { type BatchRenderer, renderBatch } from '../services/batch.js';
import type { FortanixService } from '../services/fortanix.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { parseWith, readJson, readJsonBatch } from './parse.js';

/** The DSM endpoints served here, for the answer to any other (`METHOD path`, as DSM's API names them). */
const SERVED = [
  'POST /sys/v1/session/auth',
  'POST /sys/v1/session/terminate',
  'GET /crypto/v1/keys',
  'POST /crypto/v1/keys/info',
  'POST /crypto/v1/sign',
  'POST /crypto/v1/verify',
  'POST /crypto/v1/keys/batch/sign',
  'POST /crypto/v1/keys/batch/verify',
] as const;

/** What the Fortanix routes need. */
export interface FortanixRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly fortanix: FortanixService;
}

/** One item of a DSM batch answer: `{status, body}` or `{status, error}` (seed 003). */
function fortanixBatchItem<T>(): BatchRenderer<
  T,
  { status: number; body: T } | { status: number; error: string }
> {
  return {
    ok: (body) => ({ status: 200, body }),
    failed: (failure) => ({ status: failure.status, error: failure.message }),
  };
}

/** The Fortanix routes, mounted at /fortanix. */
export function fortanixRoutes(services: FortanixRouteServices): OpenAPIHono<AppEnv> {
  const { fortanix } = services;
  const routes = new OpenAPIHono<AppEnv>();
  const signer = bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'sign' });
  const verifier = bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'verify' });
  // Any session: what it may see is bounded by its key grants.
  const inSession = bearerAuth({ tokens: services.tokens, audit: services.audit });
  const operation = { method: 'post' as const, tags: ['fortanix'], security: SECURITY.bearer };

  routes.openapi(
    createRoute({
      ...operation,
      path: '/sys/v1/session/auth',
      summary: 'Basic app credentials to a bearer session',
      security: SECURITY.basic,
      responses: { 200: { description: 'a bearer session' }, ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await fortanix.sessions.sessionAuth(actorOf(c), c.req.header('authorization')), 200),
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/sys/v1/session/terminate',
      summary: 'End the session: its bearer token stops working',
      middleware: inSession,
      responses: { 204: { description: 'the session has ended' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      await fortanix.sessions.terminate(actorOf(c), c.get('principal')!);
      return c.body(null, 204);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      method: 'get',
      path: '/crypto/v1/keys',
      summary:
        "The session's keys as security objects (an array, or {metadata, items} with with_metadata=true)",
      middleware: inSession,
      parameters: queryParameters(fortanixListSobjectsQuerySchema),
      responses: { 200: { description: 'the security objects' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const query = parseWith(fortanixListSobjectsQuerySchema, c.req.query());
      return c.json(await fortanix.listKeys(actorOf(c), c.get('principal')!, query), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/crypto/v1/keys/info',
      summary: 'One security object by {kid} or {name}',
      middleware: inSession,
      request: { body: requestBody(fortanixSobjectDescriptorSchema) },
      responses: { 200: { description: 'the security object' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const descriptor = await readJson(c, fortanixSobjectDescriptorSchema);
      return c.json(await fortanix.lookupKey(actorOf(c), c.get('principal')!, descriptor), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/crypto/v1/sign',
      summary: 'Sign',
      middleware: signer,
      request: { body: requestBody(fortanixSignRequestSchema) },
      responses: { 200: { description: 'the signature' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const item = await readJson(c, fortanixSignRequestSchema);
      return c.json(await fortanix.sign(actorOf(c), c.get('principal')!, item), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/crypto/v1/verify',
      summary: 'Verify',
      middleware: verifier,
      request: { body: requestBody(fortanixVerifyRequestSchema) },
      responses: { 200: { description: 'whether it verifies' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const item = await readJson(c, fortanixVerifyRequestSchema);
      return c.json(await fortanix.verify(actorOf(c), c.get('principal')!, item), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/crypto/v1/keys/batch/sign',
      summary: 'Batch sign',
      middleware: signer,
      request: { body: requestBody(z.array(fortanixSignRequestSchema).max(MAX_BATCH_ITEMS)) },
      responses: { 200: { description: 'a result per item, in order' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const items = await readJsonBatch(c, fortanixSignRequestSchema, MAX_BATCH_ITEMS);
      const outcomes = await fortanix.signBatch(actorOf(c), c.get('principal')!, items);
      return c.json(renderBatch(outcomes, fortanixBatchItem()), 200);
    },
  );
  routes.openapi(
    createRoute({
      ...operation,
      path: '/crypto/v1/keys/batch/verify',
      summary: 'Batch verify',
      middleware: verifier,
      request: { body: requestBody(z.array(fortanixVerifyRequestSchema).max(MAX_BATCH_ITEMS)) },
      responses: { 200: { description: 'a result per item, in order' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const items = await readJsonBatch(c, fortanixVerifyRequestSchema, MAX_BATCH_ITEMS);
      const outcomes = await fortanix.verifyBatch(actorOf(c), c.get('principal')!, items);
      return c.json(renderBatch(outcomes, fortanixBatchItem()), 200);
    },
  );
  // Last: every other path under the prefix, a DSM endpoint outside Sigil's scope (encrypt, export, create key...)
  // or none at all. DSM answers errors as plain text; an endpoint it does not have is a 404.
  routes.all('*', (c) => {
    const path = c.req.path.replace(/^\/fortanix(?=\/)/, '');
    throw new ServerError(
      'ERR_NOT_FOUND',
      `Sigil does not serve the Fortanix DSM endpoint ${c.req.method} ${path}; it serves ${SERVED.join(', ')}`,
    );
  });
  return routes;
}
