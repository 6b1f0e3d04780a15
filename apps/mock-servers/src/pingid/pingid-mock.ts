// The PingID SDK emulator: PingID's routes under /pingid/v1, every request checked for a valid PINGID-HMAC
// authorization (401 otherwise) and every response signed under X-PINGID-Signature and X-PINGID-Singature.
import { ProtocolError } from '@sigil/protocols/errors';
import {
  buildResponseSignature,
  createMemoryReplayStore,
  type ReplayStore,
  responseSignatureHeaders,
  verifyAuthorizationHeader,
} from '@sigil/protocols/pingid';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { corruptBytes } from '../admin/faults.js';
import { createMockApp } from '../admin/mock-app.js';
import type { MockEnv } from '../admin/mock-env.js';
import { type BodyErrors, readJsonBody } from '../admin/vendor-body.js';
import type { MockOptions, MockServer } from '../mock-server.js';
import { type PingIdFixtures, resolvePingIdFixtures } from './pingid-fixtures.js';
import {
  createPingIdService,
  PingIdServiceError,
  pingIdApplicationScenario,
  pingIdAuthenticationsScenario,
} from './pingid-service.js';

/**
 * PingID's error body: `{id, code, message, target, details[{code, message}]}` (seed README; PingID SDK "Error
 * handling", which makes `id` (a unique identifier PingID logs) required).
 */
interface PingIdErrorBody {
  id: string;
  code: string;
  message: string;
  target: string;
  details: Array<{ code: string; message: string }>;
}

const CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

function pingIdError(
  c: Context<MockEnv>,
  status: number,
  body: Partial<PingIdErrorBody> & { message: string },
): Response {
  const full: PingIdErrorBody = {
    id: crypto.randomUUID(),
    code: body.code ?? CODES[status] ?? 'ERROR',
    message: body.message,
    target: body.target ?? new URL(c.req.url).pathname,
    details: body.details ?? [],
  };
  return c.json(full, status as 400);
}

// Why an authorization failed, as a details code.
const AUTH_REASONS: Readonly<Record<string, string>> = {
  ERR_PINGID_AUTH_MISSING: 'MISSING_AUTHORIZATION',
  ERR_PINGID_AUTH_MALFORMED: 'MALFORMED_AUTHORIZATION',
  ERR_PINGID_AUTH_SIGNATURE: 'INVALID_SIGNATURE',
  ERR_PINGID_AUTH_MISMATCH: 'INVALID_SIGNATURE',
  ERR_PINGID_AUTH_EXPIRED: 'EXPIRED_REQUEST',
  ERR_PINGID_AUTH_REPLAYED: 'REPLAYED_REQUEST',
};

/**
 * Signs every answer (HS256 over hex SHA-256 of the body) under the account's API key, sent as `X-PINGID-Signature`
 * (seed 004's docs) and, same value, `X-PINGID-Singature` (what PingID's SDK sample reads, and fails without); a
 * `corruptSignature` fault flips a bit of the JWS signature.
 * @throws {TypeError} when apiKey is empty
 */
export function pingIdResponseSignature(options: { apiKey: string }): MiddlewareHandler<MockEnv> {
  if (typeof options?.apiKey !== 'string' || options.apiKey === '')
    throw new TypeError('pingIdResponseSignature needs an apiKey');
  return async (c, next) => {
    await next();
    const text = await c.res.clone().text();
    let signature = buildResponseSignature(text, options.apiKey);
    if (c.get('corruptSignature')) {
      const [header, payload, signed = ''] = signature.split('.');
      signature = `${header}.${payload}.${Buffer.from(corruptBytes(Buffer.from(signed, 'base64url'))).toString('base64url')}`;
    }
    for (const [name, value] of Object.entries(responseSignatureHeaders(signature)))
      c.res.headers.set(name, value);
  };
}

/**
 * Verifies `PINGID-HMAC` on every request (canonical string, HS256 under the API key, token, expiry, replay) and
 * answers 401 in PingID's shape when it fails.
 * @throws {TypeError} when fixtures or replayStore is missing
 */
export function pingIdAuthorization(options: {
  fixtures: PingIdFixtures;
  replayStore: () => ReplayStore;
}): MiddlewareHandler<MockEnv> {
  if (!options?.fixtures || typeof options.replayStore !== 'function')
    throw new TypeError('pingIdAuthorization needs fixtures and a replay store');
  const { fixtures } = options;
  return async (c, next) => {
    const body = await c.req.text();
    try {
      const verified = await verifyAuthorizationHeader(
        c.req.header('authorization'),
        { method: c.req.method, url: c.req.url, body: body === '' ? undefined : body },
        {
          credentialsFor: (accountId) => (accountId === fixtures.accountId ? fixtures : undefined),
          replayStore: options.replayStore(),
        },
      );
      const pathAccount = /\/accounts\/([^/]+)/.exec(new URL(c.req.url).pathname)?.[1];
      if (pathAccount !== undefined && pathAccount.toLowerCase() !== verified.accountId.toLowerCase()) {
        throw new ProtocolError('ERR_PINGID_AUTH_MISMATCH', 'the authorization is for another account');
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return pingIdError(c, 401, {
        code: 'UNAUTHORIZED',
        message: 'The request is not authorized',
        target: 'authorization',
        details: [{ code: AUTH_REASONS[error.code] ?? 'UNAUTHORIZED', message: error.message }],
      });
    }
    await next();
  };
}

const createUserSchema = z.looseObject({
  userName: z.string().min(1).max(128),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
});
const authenticationSchema = z.looseObject({
  authenticationType: z.string().min(1).optional(),
  deviceId: z.string().optional(),
});
const otpSchema = z.looseObject({ otp: z.string().min(1) });
const emailPairingSchema = z.looseObject({ email: z.string().min(3) });
const smsPairingSchema = z.looseObject({ phoneNumber: z.string().min(3) });
const seenDevicesSchema = z.union([z.array(z.unknown()), z.looseObject({ devices: z.array(z.unknown()) })]);

const bodyErrors: BodyErrors = {
  notJson: () => new PingIdServiceError(400, 'INVALID_REQUEST', 'the body must be JSON', 'body'),
  invalid(error) {
    const issue = error.issues[0];
    return new PingIdServiceError(
      400,
      'INVALID_REQUEST',
      issue?.message ?? 'invalid body',
      issue?.path.join('.') || 'body',
      [{ code: 'INVALID_VALUE', message: issue?.message ?? 'invalid' }],
    );
  },
};

/** The PingID SDK mock. */
export function createPingIdMock(options: MockOptions): MockServer {
  const fixtures = resolvePingIdFixtures(options.seed, options.fixtures);
  const service = createPingIdService(fixtures, options.seed);
  let replayStore = createMemoryReplayStore();
  const publicFixtures = () => ({
    accountId: fixtures.accountId,
    applicationId: fixtures.applications.find((application) => application.enabled)?.applicationId,
    token: fixtures.token,
    apiKey: fixtures.apiKey,
    applications: fixtures.applications,
    users: fixtures.users,
    otp: fixtures.otp,
    basePath: '/pingid/v1',
  });
  const { app, scenarios, route, server } = createMockApp({
    mock: 'pingid',
    title: 'PingID SDK',
    journalCapacity: options.journalCapacity,
    scenarios: [pingIdAuthenticationsScenario as never, pingIdApplicationScenario as never],
    fixtures: publicFixtures,
    resetState: () => {
      service.reset();
      replayStore = createMemoryReplayStore();
    },
    errorResponse: (c, status, message) => pingIdError(c, status, { message }),
    answerError: (c, error) =>
      error instanceof PingIdServiceError
        ? pingIdError(c, error.status, {
            code: error.code,
            message: error.message,
            target: error.target,
            details: error.details,
          })
        : undefined,
    banner: (origin) => ({
      apiUrl: `${origin}/pingid/v1`,
      credentials: {
        accountId: fixtures.accountId,
        applicationId: fixtures.applications.find((candidate) => candidate.enabled)?.applicationId ?? '',
        token: fixtures.token,
        apiKey: fixtures.apiKey,
      },
    }),
  });
  app.use('/pingid/v1/*', pingIdResponseSignature({ apiKey: fixtures.apiKey }));
  app.use('/pingid/v1/*', pingIdAuthorization({ fixtures, replayStore: () => replayStore }));

  // Every route checks the account of its path, and the application when it has one, before anything else.
  const inScope: MiddlewareHandler<MockEnv> = async (c, next) => {
    service.checkScope(
      c.req.param('accountId') ?? '',
      c.req.param('applicationId'),
      scenarios.get(pingIdApplicationScenario).disabled,
    );
    await next();
  };
  const userName = (c: Context<MockEnv>) => decodeURIComponent(c.req.param('userName') ?? '');
  // What the mock emulates of the PingID SDK API (seed README), for the answer to everything else.
  const emulated: string[] = [];
  const serve: typeof route = (declared, ...handlers) => {
    emulated.push(`${declared.method.toUpperCase()} ${declared.path}`);
    route(declared, ...handlers);
  };
  const account = '/pingid/v1/accounts/{accountId}';
  const user = '/pingid/v1/accounts/{accountId}/applications/{applicationId}/users/{userName}';

  serve({ method: 'post', path: `${account}/users`, summary: 'Create a user' }, inScope, async (c) =>
    c.json(service.createUser(await readJsonBody(c, createUserSchema, bodyErrors)), 201),
  );
  serve({ method: 'delete', path: `${account}/users/{userName}`, summary: 'Delete a user' }, inScope, (c) => {
    service.deleteUser(userName(c));
    return c.body(null, 204);
  });
  serve(
    { method: 'delete', path: `${account}/users/{userName}/devices/{deviceId}`, summary: 'Unpair a device' },
    inScope,
    (c) => {
      service.deleteDevice(userName(c), c.req.param('deviceId'));
      return c.body(null, 204);
    },
  );
  serve({ method: 'get', path: user, summary: 'Get a user (?expand=devices)' }, inScope, (c) =>
    c.json(service.getUser(userName(c), (c.req.query('expand') ?? '').split(',').includes('devices'))),
  );
  // A user's collections: GET answers {<member>: [...]}; POST adds one item, read from the body, and answers it (201).
  const listed = (path: string, summary: string, member: string, list: (name: string) => unknown[]) =>
    serve({ method: 'get', path: `${user}/${path}`, summary }, inScope, (c) =>
      c.json({ [member]: list(userName(c)) }),
    );
  const added = <T>(
    path: string,
    summary: string,
    schema: z.ZodType<T>,
    add: (name: string, body: T, c: Context<MockEnv>) => object,
  ) =>
    serve({ method: 'post', path: `${user}/${path}`, summary }, inScope, async (c) =>
      c.json(add(userName(c), await readJsonBody(c, schema, bodyErrors), c), 201),
    );
  listed('devices', "A user's devices", 'devices', service.devices);
  added('authentications', 'Start an authentication', authenticationSchema, (name, body, c) =>
    service.startAuthentication(
      c.req.param('applicationId') ?? '',
      name,
      body,
      scenarios.get(pingIdAuthenticationsScenario),
    ),
  );
  serve(
    { method: 'get', path: `${user}/authentications/{authenticationId}`, summary: 'Authentication status' },
    inScope,
    (c) => c.json(service.getAuthentication(userName(c), c.req.param('authenticationId'))),
  );
  serve(
    {
      method: 'put',
      path: `${user}/authentications/{authenticationId}/otp`,
      summary: 'Submit the one-time passcode',
    },
    inScope,
    async (c) => {
      const { otp } = await readJsonBody(c, otpSchema, bodyErrors);
      return c.json(service.submitOtp(userName(c), c.req.param('authenticationId'), otp));
    },
  );
  serve(
    { method: 'post', path: `${user}/registrationtokens`, summary: 'Create a registration token' },
    inScope,
    (c) => c.json(service.createRegistrationToken(userName(c)), 201),
  );
  listed('registrationtokens', 'Registration tokens', 'registrationTokens', service.registrationTokens);
  added('emailpairings', 'Start an email pairing', emailPairingSchema, (name, body) =>
    service.createEmailPairing(name, body.email),
  );
  listed('emailpairings', 'Email pairings', 'emailPairings', service.emailPairings);
  added('smspairings', 'Start an SMS pairing', smsPairingSchema, (name, body) =>
    service.createSmsPairing(name, body.phoneNumber),
  );
  listed('seendevices', 'Seen devices', 'seenDevices', service.seenDevices);
  serve(
    { method: 'put', path: `${user}/seendevices`, summary: 'Replace the seen devices' },
    inScope,
    async (c) => {
      const body = await readJsonBody(c, seenDevicesSchema, bodyErrors);
      return c.json({
        seenDevices: service.putSeenDevices(userName(c), Array.isArray(body) ? body : body.devices),
      });
    },
  );

  // Any other PingID SDK request (authorized and signed like the rest): PingID's 404, naming what is emulated.
  app.all('/pingid/*', (c) =>
    pingIdError(c, 404, {
      code: 'NOT_FOUND',
      message: `Sigil's PingID mock does not emulate ${c.req.method} ${new URL(c.req.url).pathname}; it emulates only ${emulated.join(', ')}`,
    }),
  );

  return server;
}
