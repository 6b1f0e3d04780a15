// The PingOne customer credential signing callback, `POST /pingone/credential-signing` (seed 000).
import { pingOneSigningRequestSchema } from '@sigil/protocols/pingone';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { pingOneAuth } from '../middleware/pingone-auth.js';
import type { AuditLog } from '../services/audit.js';
import type { PingOneService } from '../services/pingone.js';
import type { TokenService } from '../services/tokens.js';
import { actorOf } from './actor.js';
import { readJson } from './parse.js';

/** What the PingOne route needs. */
export interface PingOneRouteServices {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly pingone: PingOneService;
  readonly pingoneHeaders?: Readonly<Record<string, string>> | undefined;
}

/** `POST /credential-signing` (mounted at /pingone). */
export function pingOneRoutes(services: PingOneRouteServices): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const auth = pingOneAuth({
    tokens: services.tokens,
    audit: services.audit,
    headers: services.pingoneHeaders,
  });
  routes.post('/credential-signing', auth, async (c) =>
    c.json(
      await services.pingone.sign(
        actorOf(c),
        c.get('principal')!,
        await readJson(c, pingOneSigningRequestSchema),
      ),
    ),
  );
  return routes;
}
