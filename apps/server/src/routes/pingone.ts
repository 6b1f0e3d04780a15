// The PingOne customer credential signing callback, `POST /pingone/credential-signing` (seed 000), documented; any
// other request under /pingone is answered in PingOne's error shape saying that the callback is all Sigil serves there.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { pingOneSigningRequestSchema, pingOneSigningResponseSchema } from '@sigil/protocols/pingone';
import type { AppEnv } from '../context.js';
import { renderError, ServerError } from '../errors.js';
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

/** The one path Sigil serves under /pingone (seed 000: the customer's signing API, `credentialSigning.url`). */
export const PINGONE_CALLBACK_PATH = '/pingone/credential-signing';

/**
 * Why anything else under /pingone is not served: PingOne's own API (keys, issuer profile) lives at PingOne, and the
 * callback takes POST only.
 */
function notServed(method: string, path: string): ServerError {
  const only = `Sigil serves only the PingOne credential signing callback under /pingone: POST ${PINGONE_CALLBACK_PATH}`;
  if (path === PINGONE_CALLBACK_PATH) {
    return new ServerError(
      'ERR_METHOD_NOT_ALLOWED',
      `${only}. ${method} is not served; PingOne sends the signing request as a POST`,
    );
  }
  return new ServerError(
    'ERR_NOT_FOUND',
    `${only} (set it as credentialSigning.url in PingOne's credential issuer profile). ${method} ${path} is not ` +
      "served: PingOne's own API (credential signing keys, the issuer profile) is at PingOne, not Sigil",
  );
}

/** `POST /credential-signing` (mounted at /pingone), and PingOne-shaped refusals of everything else there. */
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
  // Last: whatever the callback route did not answer. Rendered here, in PingOne's error shape (P1Error), so that the
  // 405 carries its Allow header and `/pingone` itself (outside surfaceOf's `/pingone/`) is PingOne-shaped too.
  routes.all('*', (c) => {
    const error = notServed(c.req.method, c.req.path);
    const rendered = renderError(error, 'pingone', c.get('requestId') ?? 'unknown');
    return c.body(rendered.body, rendered.status as 404, {
      'Content-Type': rendered.contentType,
      ...(error.code === 'ERR_METHOD_NOT_ALLOWED' ? { Allow: 'POST' } : {}),
    });
  });
  return routes;
}
