// Admin API under /v1: tokens, audit, key aliases, SignPath policies and Fortanix apps, each with its documentation.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import {
  CLIENT_ERRORS,
  jsonAnswer,
  pathParameters,
  queryParameters,
  requestBody,
  SECURITY,
} from '../openapi.js';
import {
  auditQuerySchema,
  createFortanixAppSchema,
  createSignPathPolicySchema,
  createTokenSchema,
  issuedTokenSchema,
  keyAliasesSchema,
  keyViewSchema,
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
export function adminRoutes(services: AdminRouteServices): OpenAPIHono<AppEnv> {
  const { tokens, audit, keys } = services;
  const routes = new OpenAPIHono<AppEnv>();
  const admin = bearerAuth({ tokens, audit, scope: 'admin' });
  const auditor = bearerAuth({ tokens, audit, scope: 'audit' });

  routes.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['tokens'],
      summary: 'Issue a token (shown once)',
      security: SECURITY.bearer,
      middleware: admin,
      request: { body: requestBody(createTokenSchema) },
      responses: { 201: jsonAnswer('the token, shown once', issuedTokenSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await tokens.issue(actorOf(c), await readJson(c, createTokenSchema)), 201),
  );
  routes.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['tokens'],
      summary: 'Revoke a token',
      security: SECURITY.bearer,
      middleware: admin,
      request: { params: pathParameters('id') },
      responses: { 204: { description: 'revoked' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      await tokens.revoke(actorOf(c), c.req.param('id'));
      return c.body(null, 204);
    },
  );

  routes.openapi(
    createRoute({
      method: 'put',
      path: '/keys/{id}/aliases',
      tags: ['keys'],
      summary: 'Bind a PingOne credentialSigningKeyId',
      security: SECURITY.bearer,
      middleware: admin,
      request: { params: pathParameters('id'), body: requestBody(keyAliasesSchema) },
      responses: { 200: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => {
      const request = await readJson(c, keyAliasesSchema);
      const alias = request.pingoneCredentialSigningKeyId ?? undefined;
      return c.json(await keys.setAliases(actorOf(c), c.req.param('id'), alias), 200);
    },
  );

  routes.openapi(
    createRoute({
      method: 'post',
      path: '/signpath/policies',
      tags: ['signpath'],
      summary: 'Create a SignPath signing policy',
      security: SECURITY.bearer,
      middleware: admin,
      request: { body: requestBody(createSignPathPolicySchema) },
      responses: { 201: { description: 'the policy, with its certificate' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const request = await readJson(c, createSignPathPolicySchema);
      return c.json(await services.signpath.createPolicy(actorOf(c), request), 201);
    },
  );

  routes.openapi(
    createRoute({
      method: 'post',
      path: '/fortanix/apps',
      tags: ['fortanix'],
      summary: 'Create a Fortanix app (Basic credentials)',
      security: SECURITY.bearer,
      middleware: admin,
      request: { body: requestBody(createFortanixAppSchema) },
      responses: {
        201: jsonAnswer(
          'the app and its secret, shown once',
          z.object({ appId: z.uuid(), secret: z.string() }),
        ),
        ...CLIENT_ERRORS,
      },
    }),
    async (c) => {
      const request = await readJson(c, createFortanixAppSchema);
      return c.json(await services.fortanix.createApp(actorOf(c), request), 201);
    },
  );

  routes.openapi(
    createRoute({
      method: 'get',
      path: '/audit/verify',
      tags: ['audit'],
      summary: 'Verify the hash chain',
      security: SECURITY.bearer,
      middleware: auditor,
      responses: {
        200: jsonAnswer(
          'whether the chain holds, up to the sealed head it was checked against',
          z.object({
            ok: z.boolean(),
            entries: z.number().int(),
            brokenAt: z.number().int().optional(),
            reason: z.string().optional(),
            head: z.object({ sequence: z.number().int(), hash: z.string() }).optional(),
          }),
        ),
        ...CLIENT_ERRORS,
      },
    }),
    async (c) => c.json(await audit.verifyFor(actorOf(c)), 200),
  );
  routes.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['audit'],
      summary: 'Audit records, paged by ?after=&limit= (scope audit)',
      security: SECURITY.bearer,
      middleware: auditor,
      parameters: queryParameters(auditQuerySchema),
      responses: { 200: { description: 'a page of records, oldest first' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const query = parseWith(auditQuerySchema, c.req.query());
      return c.json(await audit.list(actorOf(c), query.after, query.limit), 200);
    },
  );
  return routes;
}
