// Native API: keys, sign, verify and batch sign under /v1, each route declared with its documentation.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, jsonAnswer, pathParameters, requestBody, SECURITY } from '../openapi.js';
import {
  createKeySchema,
  keyViewSchema,
  MAX_BATCH_ITEMS,
  signResultSchema,
  signSchema,
  verifySchema,
} from '../schemas.js';
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

const keyId = pathParameters('id');

/** `/v1/keys...`, `/v1/sign`, `/v1/verify`, `/v1/sign/batch`. */
export function nativeRoutes(services: NativeRouteServices): OpenAPIHono<AppEnv> {
  const { tokens, audit, keys, native } = services;
  const routes = new OpenAPIHono<AppEnv>();
  const admin = bearerAuth({ tokens, audit, scope: 'admin' });
  const signer = bearerAuth({ tokens, audit, scope: 'sign' });
  const verifier = bearerAuth({ tokens, audit, scope: 'verify' });
  const keyRoute = { tags: ['keys'], security: SECURITY.bearer, middleware: admin };

  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'post',
      path: '/keys',
      summary: 'Create (generate or import) a key',
      request: { body: requestBody(createKeySchema) },
      responses: { 201: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await keys.create(actorOf(c), await readJson(c, createKeySchema)), 201),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'get',
      path: '/keys',
      summary: 'List keys',
      responses: {
        200: jsonAnswer('the keys', z.object({ keys: z.array(keyViewSchema) })),
        ...CLIENT_ERRORS,
      },
    }),
    async (c) => c.json({ keys: await keys.list(actorOf(c)) }, 200),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'get',
      path: '/keys/{id}',
      summary: 'Get a key by id or name',
      request: { params: keyId },
      responses: { 200: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await keys.get(actorOf(c), c.req.param('id')), 200),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'post',
      path: '/keys/{id}/rotate',
      summary: 'Add a new version (old versions still verify)',
      request: { params: keyId },
      responses: { 200: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await keys.rotate(actorOf(c), c.req.param('id')), 200),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'post',
      path: '/keys/{id}/disable',
      summary: 'Disable signing with a key',
      request: { params: keyId },
      responses: { 200: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await keys.setEnabled(actorOf(c), c.req.param('id'), false), 200),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'post',
      path: '/keys/{id}/enable',
      summary: 'Enable a disabled key',
      request: { params: keyId },
      responses: { 200: jsonAnswer('the key', keyViewSchema), ...CLIENT_ERRORS },
    }),
    async (c) => c.json(await keys.setEnabled(actorOf(c), c.req.param('id'), true), 200),
  );
  routes.openapi(
    createRoute({
      ...keyRoute,
      method: 'delete',
      path: '/keys/{id}',
      summary: 'Delete a key and its versions',
      request: { params: keyId },
      responses: { 204: { description: 'deleted' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      await keys.delete(actorOf(c), c.req.param('id'));
      return c.body(null, 204);
    },
  );

  routes.openapi(
    createRoute({
      method: 'post',
      path: '/sign',
      tags: ['signing'],
      summary: 'Sign a message or digest (scope sign)',
      security: SECURITY.bearer,
      middleware: signer,
      request: { body: requestBody(signSchema) },
      responses: { 200: jsonAnswer('the signature', signResultSchema), ...CLIENT_ERRORS },
    }),
    async (c) =>
      c.json(await native.sign(actorOf(c), c.get('principal')!, await readJson(c, signSchema)), 200),
  );
  routes.openapi(
    createRoute({
      method: 'post',
      path: '/verify',
      tags: ['signing'],
      summary: 'Verify a signature (scope verify)',
      security: SECURITY.bearer,
      middleware: verifier,
      request: { body: requestBody(verifySchema) },
      responses: {
        200: jsonAnswer('whether it verifies', z.object({ valid: z.boolean() })),
        ...CLIENT_ERRORS,
      },
    }),
    async (c) =>
      c.json(await native.verify(actorOf(c), c.get('principal')!, await readJson(c, verifySchema)), 200),
  );
  routes.openapi(
    createRoute({
      method: 'post',
      path: '/sign/batch',
      tags: ['signing'],
      summary: 'Sign many items; a result per item, in order',
      security: SECURITY.bearer,
      middleware: signer,
      request: { body: requestBody(z.array(signSchema).max(MAX_BATCH_ITEMS)) },
      responses: { 200: { description: 'a result per item, in order' }, ...CLIENT_ERRORS },
    }),
    async (c) => {
      const requests = await readJsonBatch(c, signSchema, MAX_BATCH_ITEMS);
      const outcomes = await native.signBatch(actorOf(c), c.get('principal')!, requests);
      return c.json(renderBatch(outcomes, nativeBatchItem), 200);
    },
  );
  return routes;
}
