// Admin API under /v1: tokens, audit, key aliases, SignPath policies and Fortanix apps.
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import {
  auditQuerySchema,
  createFortanixAppSchema,
  createSignPathPolicySchema,
  createTokenSchema,
  keyAliasesSchema,
} from '../schemas.js';
import type { AuditLog } from '../services/audit.js';
import type { FortanixService } from '../services/fortanix.js';
import type { KeyService } from '../services/keys.js';
import type { SignPathService } from '../services/signpath.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { parseWith, readJson } from './parse.js';

/** What the admin routes need. */
export interface AdminRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly keys: KeyService;
  readonly signpath: SignPathService;
  readonly fortanix: FortanixService;
}

/** `/v1/tokens`, `/v1/audit`, `/v1/keys/{id}/aliases`, `/v1/signpath/policies`, `/v1/fortanix/apps`. */
export function adminRoutes(services: AdminRouteServices): Hono<AppEnv> {
  const { tokens, audit, keys } = services;
  const routes = new Hono<AppEnv>();
  const admin = bearerAuth({ tokens, audit, scope: 'admin' });
  const auditor = bearerAuth({ tokens, audit, scope: 'audit' });

  routes.post('/tokens', admin, async (c) =>
    c.json(await tokens.issue(actorOf(c), await readJson(c, createTokenSchema)), 201),
  );
  routes.delete('/tokens/:id', admin, async (c) => {
    await tokens.revoke(actorOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  routes.put('/keys/:id/aliases', admin, async (c) => {
    const request = await readJson(c, keyAliasesSchema);
    return c.json(
      await keys.setAliases(
        actorOf(c),
        c.req.param('id'),
        request.pingoneCredentialSigningKeyId ?? undefined,
      ),
    );
  });

  routes.post('/signpath/policies', admin, async (c) =>
    c.json(
      await services.signpath.createPolicy(actorOf(c), await readJson(c, createSignPathPolicySchema)),
      201,
    ),
  );

  routes.post('/fortanix/apps', admin, async (c) =>
    c.json(await services.fortanix.createApp(actorOf(c), await readJson(c, createFortanixAppSchema)), 201),
  );

  routes.get('/audit/verify', auditor, async (c) => c.json(await audit.verifyFor(actorOf(c))));
  routes.get('/audit', auditor, async (c) => {
    const query = parseWith(auditQuerySchema, c.req.query());
    return c.json(await audit.list(actorOf(c), query.after, query.limit));
  });
  return routes;
}
