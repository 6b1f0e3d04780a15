// The PingOne customer credential signing callback, `POST /pingone/credential-signing` (seed 000), documented.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { pingOneSigningRequestSchema, pingOneSigningResponseSchema } from '@sigil/protocols/pingone';
import type { AppEnv } from '../context.js';
import { pingOneAuth } from '../middleware/pingone-auth.js';
import { CLIENT_ERRORS, jsonAnswer, requestBody, SECURITY } from '../openapi.js';
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
export function pingOneRoutes(services: PingOneRouteServices): OpenAPIHono<AppEnv> {
  const routes = new OpenAPIHono<AppEnv>();
  const auth = pingOneAuth({
    tokens: services.tokens,
    audit: services.audit,
    headers: services.pingoneHeaders,
  });
  routes.openapi(
    createRoute({
      method: 'post',
      path: '/credential-signing',
      tags: ['pingone'],
      summary: 'PingOne customer credential signing callback',
      security: SECURITY.pingone,
      middleware: auth,
      request: { body: requestBody(pingOneSigningRequestSchema) },
      responses: { 200: jsonAnswer('the signed payloads', pingOneSigningResponseSchema), ...CLIENT_ERRORS },
    }),
    async (c) => {
      const request = await readJson(c, pingOneSigningRequestSchema);
      return c.json(await services.pingone.sign(actorOf(c), c.get('principal')!, request), 200);
    },
  );
  return routes;
}
