// Fortanix DSM-compatible API under /fortanix: session auth, sign, verify, batch sign and batch verify.
import { fortanixSignRequestSchema, fortanixVerifyRequestSchema } from '@sigil/protocols/fortanix';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
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
export function fortanixRoutes(services: FortanixRouteServices): Hono<AppEnv> {
  const { fortanix } = services;
  const routes = new Hono<AppEnv>();
  const signer = bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'sign' });
  const verifier = bearerAuth({ tokens: services.tokens, audit: services.audit, scope: 'verify' });

  routes.post('/sys/v1/session/auth', async (c) =>
    c.json(await fortanix.sessionAuth(actorOf(c), c.req.header('authorization'))),
  );
  routes.post('/crypto/v1/sign', signer, async (c) =>
    c.json(
      await fortanix.sign(actorOf(c), c.get('principal')!, await readJson(c, fortanixSignRequestSchema)),
    ),
  );
  routes.post('/crypto/v1/verify', verifier, async (c) =>
    c.json(
      await fortanix.verify(actorOf(c), c.get('principal')!, await readJson(c, fortanixVerifyRequestSchema)),
    ),
  );
  routes.post('/crypto/v1/keys/batch/sign', signer, async (c) => {
    const items = await readJsonBatch(c, fortanixSignRequestSchema, MAX_BATCH_ITEMS);
    const outcomes = await fortanix.signBatch(actorOf(c), c.get('principal')!, items);
    return c.json(renderBatch(outcomes, fortanixBatchItem()));
  });
  routes.post('/crypto/v1/keys/batch/verify', verifier, async (c) => {
    const items = await readJsonBatch(c, fortanixVerifyRequestSchema, MAX_BATCH_ITEMS);
    const outcomes = await fortanix.verifyBatch(actorOf(c), c.get('principal')!, items);
    return c.json(renderBatch(outcomes, fortanixBatchItem()));
  });
  return routes;
}
