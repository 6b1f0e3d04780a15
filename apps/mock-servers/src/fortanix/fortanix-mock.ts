// The Fortanix DSM emulator: session auth and terminate, security objects, sign/verify and their batch forms,
// answering errors as plain text and batch results per item in request order; a path it does not emulate is DSM's
// plain-text 404, saying so.
import { ProtocolError } from '@sigil/protocols/errors';
import {
  type FortanixSessionAuthResponse,
  fortanixApiKey,
  fortanixBatchSignRequestSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixCreateKeyRequestSchema,
  fortanixListSobjectsQuerySchema,
  fortanixSignRequestSchema,
  fortanixSobjectDescriptorSchema,
  fortanixVerifyRequestSchema,
  runFortanixBatch,
} from '@sigil/protocols/fortanix';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { createMockApp } from '../admin/mock-app.js';
import { ADMIN_PREFIX, type MockEnv } from '../admin/mock-env.js';
import type { ScenarioDefinition } from '../admin/scenarios.js';
import { type BodyErrors, firstIssue, readJsonBody } from '../admin/vendor-body.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { resolveFortanixFixtures } from './fortanix-fixtures.js';
import { createFortanixService, fortanixError } from './fortanix-service.js';

/** Most items one batch may carry. */
const MAX_BATCH_ITEMS = 1000;

/** DSM answers errors as plain text. */
function plainError(c: Context<MockEnv>, status: number, message: string): Response {
  return c.text(message, status as 400);
}

const sessionScenario: ScenarioDefinition<{ expiresIn: number }> = {
  name: 'session',
  description:
    'expires_in (seconds) of the session tokens issued from now on; a short one exercises client refresh.',
  schema: z.strictObject({ expiresIn: z.number().int().positive() }),
  initial: { expiresIn: 600 },
};

const bodyErrors: BodyErrors = {
  notJson: () => fortanixError(400, 'the body must be JSON'),
  invalid: (error) => fortanixError(400, firstIssue(error)),
};

/** The Fortanix DSM mock. */
export function createFortanixMock(options: MockOptions): MockServer {
  const fixtures = resolveFortanixFixtures(options.seed, options.fixtures);
  const service = createFortanixService(fixtures, options.seed);
  const scenario = { ...sessionScenario, initial: { expiresIn: fixtures.sessionLifetimeSeconds } };
  const apiKeyOf = (app: { appId: string; secret: string }) => fortanixApiKey(app.appId, app.secret);
  const publicFixtures = () => ({
    accountId: fixtures.accountId,
    groupId: fixtures.groupId,
    appId: fixtures.apps[0]?.appId,
    secret: fixtures.apps[0]?.secret,
    apiKey: fixtures.apps[0] === undefined ? undefined : apiKeyOf(fixtures.apps[0]),
    apps: fixtures.apps.map((app) => ({ ...app, apiKey: apiKeyOf(app) })),
    keys: fixtures.keys
      .map((fixture) => service.lookupKey({ kid: fixture.kid }))
      .map((key) => ({
        kid: key.kid,
        name: key.name,
        obj_type: key.obj_type,
        key_size: key.key_size,
        ...(key.elliptic_curve === undefined ? {} : { elliptic_curve: key.elliptic_curve }),
        pub_key: key.pub_key,
      })),
  });
  const { app, scenarios, route, server } = createMockApp({
    mock: 'fortanix',
    title: 'Fortanix DSM',
    journalCapacity: options.journalCapacity,
    scenarios: [scenario as ScenarioDefinition<unknown>],
    fixtures: publicFixtures,
    resetState: () => service.reset(),
    errorResponse: plainError,
    answerError: (c, error) =>
      error instanceof ProtocolError ? plainError(c, error.status ?? 400, error.message) : undefined,
    banner: (origin) => ({
      apiUrl: origin,
      credentials: {
        appId: fixtures.apps[0]?.appId ?? '',
        secret: fixtures.apps[0]?.secret ?? '',
        apiKey: fixtures.apps[0] === undefined ? '' : apiKeyOf(fixtures.apps[0]),
        keys: fixtures.keys.map((key) => `${key.name}=${key.kid}`).join(', '),
      },
    }),
  });
  app.use(
    '/crypto/*',
    bodyLimit({ maxSize: 8 * 1024 * 1024, onError: (c) => c.text('request body too large', 413) }),
  );

  route(
    {
      method: 'post',
      path: '/sys/v1/session/auth',
      summary: 'Basic app credentials -> Bearer session token',
    },
    (c) => {
      const session = service.authenticate(c.req.header('authorization'), scenarios.get(scenario).expiresIn);
      const answer: FortanixSessionAuthResponse = {
        token_type: 'Bearer',
        expires_in: session.expiresIn,
        access_token: session.accessToken,
        entity_id: session.appId,
      };
      return c.json(answer);
    },
  );
  route(
    {
      method: 'post',
      path: '/sys/v1/session/terminate',
      summary: 'End the session: its token stops working',
    },
    (c) => {
      service.terminate(c.req.header('authorization'));
      return c.body(null, 204);
    },
  );

  // Every /crypto/ route needs a session (a Bearer token from /sys/v1/session/auth).
  const inSession: MiddlewareHandler<MockEnv> = async (c, next) => {
    c.set('principal', service.session(c.req.header('authorization')));
    await next();
  };
  // A batch route: at most MAX_BATCH_ITEMS items, each answered {status, body|error} in request order.
  const batch =
    <T>(schema: z.ZodType<T[]>, handle: (item: T, corrupt: boolean) => unknown) =>
    async (c: Context<MockEnv>) => {
      const items = await readJsonBody(c, schema, bodyErrors);
      if (items.length > MAX_BATCH_ITEMS)
        throw fortanixError(400, `a batch holds at most ${MAX_BATCH_ITEMS} items`);
      const corrupt = c.get('corruptSignature');
      return c.json(await runFortanixBatch(items, (item) => handle(item, corrupt)));
    };

  route(
    {
      method: 'post',
      path: '/crypto/v1/keys',
      summary: 'Create a key (RSA or EC; transient: true for a transient key)',
    },
    inSession,
    async (c) => {
      const request = await readJsonBody(c, fortanixCreateKeyRequestSchema, bodyErrors);
      return c.json(service.createKey(c.get('principal') ?? '', request), 201);
    },
  );
  route(
    {
      method: 'get',
      path: '/crypto/v1/keys',
      summary: 'List keys (?name, group_id, creator, obj_type, sort, start, limit, offset, with_metadata)',
    },
    inSession,
    (c) => {
      const query = fortanixListSobjectsQuerySchema.safeParse(c.req.query());
      if (!query.success) throw fortanixError(400, firstIssue(query.error, 'query'));
      return c.json(service.listKeys(query.data));
    },
  );
  route({ method: 'delete', path: '/crypto/v1/keys/{kid}', summary: 'Delete a key' }, inSession, (c) => {
    service.deleteKey(c.req.param('kid'));
    return c.body(null, 204);
  });
  route(
    {
      method: 'post',
      path: '/crypto/v1/keys/info',
      summary: 'Look a key up by descriptor ({kid} or {name}; also {transient_key}): its Sobject',
      requestBody: {
        type: 'object',
        description: 'A SobjectDescriptor: exactly one of kid, name, transient_key',
        properties: {
          kid: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          transient_key: { type: 'string', format: 'byte' },
        },
      },
    },
    inSession,
    async (c) =>
      c.json(service.lookupKey(await readJsonBody(c, fortanixSobjectDescriptorSchema, bodyErrors))),
  );
  route({ method: 'post', path: '/crypto/v1/sign', summary: 'Sign a hash or data' }, inSession, async (c) =>
    c.json(
      service.signItem(
        await readJsonBody(c, fortanixSignRequestSchema, bodyErrors),
        c.get('corruptSignature'),
      ),
    ),
  );
  route({ method: 'post', path: '/crypto/v1/verify', summary: 'Verify a signature' }, inSession, async (c) =>
    c.json(service.verifyItem(await readJsonBody(c, fortanixVerifyRequestSchema, bodyErrors))),
  );
  route(
    {
      method: 'post',
      path: '/crypto/v1/keys/batch/sign',
      summary: 'Batch sign: {status, body|error} per item, in order',
    },
    inSession,
    batch(fortanixBatchSignRequestSchema, (item, corrupt) => service.signItem(item, corrupt)),
  );
  route(
    {
      method: 'post',
      path: '/crypto/v1/keys/batch/verify',
      summary: 'Batch verify: {status, body|error} per item, in order',
    },
    inSession,
    batch(fortanixBatchVerifyRequestSchema, (item) => service.verifyItem(item)),
  );

  // Last: a path the mock does not emulate (a DSM endpoint outside its scope, or none), in DSM's plain text. The
  // admin surface keeps the shared not-found answer.
  app.all('*', (c) => {
    if (c.req.path.startsWith(ADMIN_PREFIX)) return c.notFound();
    return plainError(
      c,
      404,
      `the Sigil Fortanix DSM mock does not emulate ${c.req.method} ${c.req.path}; its routes are in ${ADMIN_PREFIX}/openapi.json`,
    );
  });

  return server;
}
