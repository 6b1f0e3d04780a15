// Fortanix DSM-compatible API under /fortanix: session auth, sign, verify, batch sign and batch verify, documented.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { fortanixSignRequestSchema, fortanixVerifyRequestSchema } from '@sigil/protocols/fortanix';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, requestBody, SECURITY } from '../openapi.js';
import { MAX_BATCH_ITEMS } from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import { type BatchRenderer, renderBatch } from '../services/batch.js';
import type { FortanixService } from '../services/fortanix.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { readJson, readJsonBatch } from './parse.js';

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
  const operation = { method: 'post' as const, tags: ['fortanix'], security: SECURITY.bearer };

  routes.openapi(
    createRoute({
      ...operation,
      path: '/sys/v1/session/auth',
      summary: 'Basic app credentials to a bearer session',
      security: SECURITY.basic,
      responses: { 200: { description: 'a bearer session' }, ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await fortanix.sessionAuth(actorOf(c), c.req.header('authorization')), 200),
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
  return routes;
}
