// The Fortanix DSM emulator: session auth, security objects, sign/verify and their batch forms, answering errors
// as plain text and batch results per item in request order.
import { ProtocolError } from '@sigil/protocols/errors';
import {
  FORTANIX_CURVES,
  type FortanixCurve,
  type FortanixSessionAuthResponse,
  fortanixBatchSignRequestSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixSignRequestSchema,
  fortanixVerifyRequestSchema,
  runFortanixBatch,
} from '@sigil/protocols/fortanix';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { DocumentedRoute } from '../admin/admin-openapi.js';
import { createMockApp } from '../admin/mock-app.js';
import type { MockEnv } from '../admin/mock-env.js';
import type { ScenarioDefinition } from '../admin/scenarios.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { resolveFortanixFixtures } from './fortanix-fixtures.js';
import { createFortanixService, fortanixError } from './fortanix-service.js';

/** Most items one batch may carry. */
const MAX_BATCH_ITEMS = 1000;

/** DSM answers errors as plain text. */
function plainError(c: Context<MockEnv>, status: number, message: string): Response {
  return c.text(message, status as 400);
}

const ROUTES: DocumentedRoute[] = [
  { method: 'post', path: '/sys/v1/session/auth', summary: 'Basic app credentials -> Bearer session token' },
  { method: 'post', path: '/sys/v1/session/terminate', summary: 'End the session' },
  {
    method: 'post',
    path: '/crypto/v1/keys',
    summary: 'Create a key (RSA or EC; transient: true for a transient key)',
  },
  { method: 'get', path: '/crypto/v1/keys', summary: 'List keys (?name=)' },
  { method: 'get', path: '/crypto/v1/keys/{kid}', summary: 'Get a key (Sobject)' },
  { method: 'delete', path: '/crypto/v1/keys/{kid}', summary: 'Delete a key' },
  { method: 'post', path: '/crypto/v1/sign', summary: 'Sign a hash or data' },
  { method: 'post', path: '/crypto/v1/verify', summary: 'Verify a signature' },
  {
    method: 'post',
    path: '/crypto/v1/keys/batch/sign',
    summary: 'Batch sign: {status, body|error} per item, in order',
  },
  {
    method: 'post',
    path: '/crypto/v1/keys/batch/verify',
    summary: 'Batch verify: {status, body|error} per item, in order',
  },
];

const sessionScenario: ScenarioDefinition<{ expiresIn: number }> = {
  name: 'session',
  description:
    'expires_in (seconds) of the session tokens issued from now on; a short one exercises client refresh.',
  schema: z.strictObject({ expiresIn: z.number().int().positive() }),
  initial: { expiresIn: 600 },
};

const curveNames = Object.keys(FORTANIX_CURVES) as [FortanixCurve, ...FortanixCurve[]];
const createKeySchema = z.looseObject({
  name: z.string().min(1).max(4096).optional(),
  obj_type: z.enum(['RSA', 'EC']),
  key_size: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
  elliptic_curve: z.enum(curveNames).optional(),
  description: z.string().optional(),
  transient: z.boolean().optional(),
});

async function readJson(c: Context<MockEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw fortanixError(400, 'the body must be JSON');
  }
}

function schemaError(error: z.ZodError): ProtocolError {
  const issue = error.issues[0];
  return fortanixError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** The Fortanix DSM mock. */
export function createFortanixMock(options: MockOptions): MockServer {
  const fixtures = resolveFortanixFixtures(options.seed, options.fixtures);
  const service = createFortanixService(fixtures, options.seed);
  const scenario = { ...sessionScenario, initial: { expiresIn: fixtures.sessionLifetimeSeconds } };
  const apiKeyOf = (app: { appId: string; secret: string }) =>
    Buffer.from(`${app.appId}:${app.secret}`).toString('base64');
  const publicFixtures = () => ({
    accountId: fixtures.accountId,
    groupId: fixtures.groupId,
    appId: fixtures.apps[0]?.appId,
    secret: fixtures.apps[0]?.secret,
    apiKey: fixtures.apps[0] === undefined ? undefined : apiKeyOf(fixtures.apps[0]),
    apps: fixtures.apps.map((app) => ({ ...app, apiKey: apiKeyOf(app) })),
    keys: service.listKeys(undefined).map((key) => ({
      kid: key.kid,
      name: key.name,
      obj_type: key.obj_type,
      key_size: key.key_size,
      ...(key.elliptic_curve === undefined ? {} : { elliptic_curve: key.elliptic_curve }),
      pub_key: key.pub_key,
    })),
  });
  const { app, scenarios } = createMockApp({
    mock: 'fortanix',
    title: 'Fortanix DSM',
    journalCapacity: options.journalCapacity,
    scenarios: [scenario as ScenarioDefinition<unknown>],
    fixtures: publicFixtures,
    resetState: () => service.reset(),
    errorResponse: plainError,
    answerError: (c, error) =>
      error instanceof ProtocolError ? plainError(c, error.status ?? 400, error.message) : undefined,
    routes: ROUTES,
  });
  app.use(
    '/crypto/*',
    bodyLimit({ maxSize: 8 * 1024 * 1024, onError: (c) => c.text('request body too large', 413) }),
  );

  app.post('/sys/v1/session/auth', (c) => {
    const session = service.authenticate(c.req.header('authorization'), scenarios.get(scenario).expiresIn);
    const answer: FortanixSessionAuthResponse = {
      token_type: 'Bearer',
      expires_in: session.expiresIn,
      access_token: session.accessToken,
      entity_id: session.appId,
    };
    return c.json(answer);
  });
  app.post('/sys/v1/session/terminate', (c) => {
    service.terminate(c.req.header('authorization'));
    return c.body(null, 204);
  });

  const appOf = (c: Context<MockEnv>) => service.session(c.req.header('authorization'));

  app.post('/crypto/v1/keys', async (c) => {
    const appId = appOf(c);
    const request = createKeySchema.safeParse(await readJson(c));
    if (!request.success) throw schemaError(request.error);
    return c.json(service.createKey(appId, request.data), 201);
  });
  app.get('/crypto/v1/keys', (c) => {
    appOf(c);
    return c.json(service.listKeys(c.req.query('name')));
  });
  app.get('/crypto/v1/keys/:kid', (c) => {
    appOf(c);
    return c.json(service.getKey(c.req.param('kid')));
  });
  app.delete('/crypto/v1/keys/:kid', (c) => {
    appOf(c);
    service.deleteKey(c.req.param('kid'));
    return c.body(null, 204);
  });

  app.post('/crypto/v1/sign', async (c) => {
    appOf(c);
    const request = fortanixSignRequestSchema.safeParse(await readJson(c));
    if (!request.success) throw schemaError(request.error);
    return c.json(service.sign(request.data, c.get('corruptSignature')));
  });
  app.post('/crypto/v1/verify', async (c) => {
    appOf(c);
    const request = fortanixVerifyRequestSchema.safeParse(await readJson(c));
    if (!request.success) throw schemaError(request.error);
    return c.json(service.verify(request.data));
  });
  app.post('/crypto/v1/keys/batch/sign', async (c) => {
    appOf(c);
    const items = fortanixBatchSignRequestSchema.safeParse(await readJson(c));
    if (!items.success) throw schemaError(items.error);
    if (items.data.length > MAX_BATCH_ITEMS)
      throw fortanixError(400, `a batch holds at most ${MAX_BATCH_ITEMS} items`);
    const corrupt = c.get('corruptSignature');
    return c.json(await runFortanixBatch(items.data, (item) => service.sign(item, corrupt)));
  });
  app.post('/crypto/v1/keys/batch/verify', async (c) => {
    appOf(c);
    const items = fortanixBatchVerifyRequestSchema.safeParse(await readJson(c));
    if (!items.success) throw schemaError(items.error);
    if (items.data.length > MAX_BATCH_ITEMS)
      throw fortanixError(400, `a batch holds at most ${MAX_BATCH_ITEMS} items`);
    return c.json(await runFortanixBatch(items.data, (item) => service.verify(item)));
  });

  return {
    name: 'fortanix',
    title: 'Fortanix DSM',
    app,
    fixtures: publicFixtures,
    banner: (origin) => ({
      apiUrl: origin,
      credentials: {
        appId: fixtures.apps[0]?.appId ?? '',
        secret: fixtures.apps[0]?.secret ?? '',
        apiKey: fixtures.apps[0] === undefined ? '' : apiKeyOf(fixtures.apps[0]),
        keys: fixtures.keys.map((key) => `${key.name}=${key.kid}`).join(', '),
      },
    }),
  };
}
