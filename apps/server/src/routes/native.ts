// Native API: keys, sign, verify and batch sign under /v1 (parse -> service -> serialize).
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import { createKeySchema, MAX_BATCH_ITEMS, signSchema, verifySchema } from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import { type BatchRenderer, renderBatch } from '../services/batch.js';
import type { KeyService } from '../services/keys.js';
import type { NativeService } from '../services/native.js';
import type { NativeSignResult } from '../services/native-requests.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { readJson, readJsonBatch } from './parse.js';

/** What the native routes need. */
export interface NativeRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly keys: KeyService;
  readonly native: NativeService;
}

/** One item of a native batch answer: `{status: 200, ...result}` or `{status, error: {code, message}}`. */
const nativeBatchItem: BatchRenderer<NativeSignResult, object> = {
  ok: (result) => ({ status: 200, ...result }),
  failed: (failure) => ({ status: failure.status, error: { code: failure.code, message: failure.message } }),
};

/** `/v1/keys...`, `/v1/sign`, `/v1/verify`, `/v1/sign/batch`. */
export function nativeRoutes(services: NativeRouteServices): Hono<AppEnv> {
  const { tokens, audit, keys, native } = services;
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
    c.json(await native.sign(actorOf(c), c.get('principal')!, await readJson(c, signSchema))),
  );
  routes.post('/verify', verifier, async (c) =>
    c.json(await native.verify(actorOf(c), c.get('principal')!, await readJson(c, verifySchema))),
  );
  routes.post('/sign/batch', signer, async (c) => {
    const requests = await readJsonBatch(c, signSchema, MAX_BATCH_ITEMS);
    const outcomes = await native.signBatch(actorOf(c), c.get('principal')!, requests);
    return c.json(renderBatch(outcomes, nativeBatchItem));
  });
  return routes;
}
