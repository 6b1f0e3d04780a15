// Fortanix DSM-compatible API under /fortanix: session auth, sign, verify, batch sign and batch verify.
import { fortanixSignRequestSchema, fortanixVerifyRequestSchema } from '@sigil/protocols/fortanix';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import { MAX_BATCH_ITEMS } from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import type { FortanixService } from '../services/fortanix.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './native.js';
import { parseWith, readJson, readJsonBody } from './parse.js';

/** What the Fortanix routes need. */
export interface FortanixRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly fortanix: FortanixService;
}

const batchSchema = z.array(z.unknown());

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
    const actor = actorOf(c);
    const principal = c.get('principal')!;
    const items = parseWith(batchSchema, await readJsonBody(c));
    return c.json(
      await fortanix.signBatch(actor, principal, items, MAX_BATCH_ITEMS, (item) =>
        parseWith(fortanixSignRequestSchema, item),
      ),
    );
  });
  routes.post('/crypto/v1/keys/batch/verify', verifier, async (c) => {
    const actor = actorOf(c);
    const principal = c.get('principal')!;
    const items = parseWith(batchSchema, await readJsonBody(c));
    return c.json(
      await fortanix.batch(
        items,
        MAX_BATCH_ITEMS,
        (item) => parseWith(fortanixVerifyRequestSchema, item),
        (item) => fortanix.verify(actor, principal, item),
      ),
    );
  });
  return routes;
}
