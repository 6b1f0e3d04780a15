// Native API: keys, sign, verify and batch sign under /v1 (parse -> service -> serialize).
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { toServerError } from '../errors.js';
import { bearerAuth } from '../middleware/auth.js';
import { createKeySchema, MAX_BATCH_ITEMS, signBatchSchema, signSchema, verifySchema } from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import { batchResults, checkBatchSize } from '../services/batch.js';
import type { Actor, KeyService } from '../services/keys.js';
import type { SigningService } from '../services/signing.js';
import type { Principal, TokenService } from '../services/tokens.js';
import { parseWith, readJson, readJsonBody } from './parse.js';

/** What the native routes need. */
export interface NativeRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly keys: KeyService;
  readonly signing: SigningService;
}

/** The caller of a request, for the audit log. */
export function actorOf(c: {
  get(name: 'requestId'): string;
  get(name: 'principal'): Principal | undefined;
}): Actor {
  return { requestId: c.get('requestId'), tokenId: c.get('principal')?.tokenId };
}

/** `/v1/keys...`, `/v1/sign`, `/v1/verify`, `/v1/sign/batch`. */
export function nativeRoutes(services: NativeRouteServices): Hono<AppEnv> {
  const { tokens, audit, keys, signing } = services;
  const routes = new Hono<AppEnv>();
  const admin = bearerAuth({ tokens, audit, scope: 'admin' });
  const signer = bearerAuth({ tokens, audit, scope: 'sign' });
  const verifier = bearerAuth({ tokens, audit, scope: 'verify' });

  routes.post('/keys', admin, async (c) =>
    c.json(await keys.create(actorOf(c), await readJson(c, createKeySchema)), 201),
  );
  routes.get('/keys', admin, async (c) => c.json({ keys: await keys.list(actorOf(c)) }));
  routes.get('/keys/:id', admin, async (c) => c.json(await keys.get(actorOf(c), c.req.param('id'))));
  routes.post('/keys/:id/rotate', admin, async (c) =>
    c.json(await keys.rotate(actorOf(c), c.req.param('id'))),
  );
  routes.post('/keys/:id/disable', admin, async (c) =>
    c.json(await keys.setEnabled(actorOf(c), c.req.param('id'), false)),
  );
  routes.post('/keys/:id/enable', admin, async (c) =>
    c.json(await keys.setEnabled(actorOf(c), c.req.param('id'), true)),
  );
  routes.delete('/keys/:id', admin, async (c) => {
    await keys.delete(actorOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  routes.post('/sign', signer, async (c) =>
    c.json(await signing.sign(actorOf(c), c.get('principal')!, await readJson(c, signSchema))),
  );
  routes.post('/verify', verifier, async (c) =>
    c.json(await signing.verify(actorOf(c), c.get('principal')!, await readJson(c, verifySchema))),
  );
  routes.post('/sign/batch', signer, async (c) => {
    const items = parseWith(signBatchSchema, await readJsonBody(c));
    checkBatchSize(items, MAX_BATCH_ITEMS);
    const requests = items.map((item) => {
      try {
        return parseWith(signSchema, item);
      } catch (error) {
        return toServerError(error);
      }
    });
    return c.json(batchResults(await signing.signEach(actorOf(c), c.get('principal')!, requests)));
  });
  return routes;
}
