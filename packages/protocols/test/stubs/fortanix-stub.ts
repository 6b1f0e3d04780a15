// A small in-process Fortanix DSM for client tests: session auth and end, the crypto routes, and key lookup and
// listing on hono; ECDSA from node:crypto.
import { createPublicKey, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import type { HashName } from '@sigil/crypto-core/hash';
import { importSpki } from '@sigil/crypto-core/keys';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ProtocolError } from '../../src/errors.js';
import {
  decodeFortanixSignItem,
  decodeFortanixVerifyItem,
  type FortanixKeyDescriptor,
  type FortanixKeyType,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixSobject,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixBatchSignRequestSchema,
  fortanixBatchSignResponseSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixBatchVerifyResponseSchema,
  fortanixListSobjectsResponseSchema,
  fortanixSessionAuthResponseSchema,
  fortanixSignBody,
  fortanixSignRequestSchema,
  fortanixSignResponseSchema,
  fortanixSobjectDescriptorSchema,
  fortanixSobjectKeyFields,
  fortanixSobjectSchema,
  fortanixVerifyRequestSchema,
  fortanixVerifyResponseSchema,
  parseFortanixBasicCredentials,
  runFortanixBatch,
} from '../../src/fortanix/index.js';

/** Options of {@link createFortanixStub}. */
export interface FortanixStubOptions {
  /** The app's API key (base64 `app_id:app_secret`), the only Basic credential accepted. */
  readonly apiKey: string;
  /** The app's ID, answered as `entity_id`. */
  readonly appId: string;
  /** The stub's clock, milliseconds since the epoch: tokens expire on it. */
  readonly now: () => number;
  /** Seconds a session token lives (`expires_in`); 600 by default. */
  readonly lifetimeSeconds?: number;
  /** The one security object: its `kid`, `name` ('release key' by default) and EC private key (P-256, P-384 or P-521). */
  readonly kid: string;
  readonly name?: string;
  readonly privateKey: KeyObject;
  /** Rewrites a 2xx body after it passed its schema, so a test can hand the client an answer DSM never sends. */
  readonly rewriteAnswer?: (path: string, body: unknown) => unknown;
}

/** What the stub saw of one request. */
export interface FortanixStubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
}

/** The stub: its hono app, a fetch for the client, and what it saw and holds. */
export interface FortanixStub {
  readonly app: Hono;
  /** Every call goes to the hono app in-process. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly requests: FortanixStubRequest[];
  /** Live session tokens and when each expires on the stub's clock; clearing it revokes them all. */
  readonly tokens: Map<string, number>;
  /** The one security object as DSM describes it. */
  readonly sobject: FortanixSobject;
}

// The members OpenAPI `Sobject` requires, with values of their declared types (`created_at`: the spec's example).
const SOBJECT_ACCOUNT = {
  acct_id: '0c0e1b9a-5d7f-4c2b-8a1e-3f4d5c6b7a89',
  created_at: '20170509T070912Z',
  enabled: true,
  key_ops: ['SIGN', 'VERIFY', 'APPMANAGEABLE'],
  origin: 'FortanixHSM',
  public_only: false,
} as const;

// DSM's elliptic_curve name of each node:crypto named curve.
const DSM_CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'NistP256',
  secp384r1: 'NistP384',
  secp521r1: 'NistP521',
};

const nodeHashName = (hash: HashName) => hash.replace('-', '').toLowerCase();

function jsonBody<T>(schema: z.ZodType<T>) {
  return validator('json', (value, c): T | Response => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return c.text(`Invalid request body: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`, 400);
  });
}

/**
 * A Fortanix DSM with one EC key: `POST /sys/v1/session/auth` turns Basic app credentials into a Bearer token that
 * lives `lifetimeSeconds` on the stub's clock, `POST /sys/v1/session/terminate` ends it; `/crypto/v1/sign`,
 * `/verify`, `/keys/batch/sign`, `/keys/batch/verify`, `/keys/info` and `GET /keys` need a live token. Requests are checked with the schemas the client uses, items with the
 * package's item validation, answers with the response schemas; errors are plain text, as DSM sends them.
 */
export function createFortanixStub(options: FortanixStubOptions): FortanixStub {
  const lifetimeSeconds = options.lifetimeSeconds ?? 600;
  const publicKey = createPublicKey(options.privateKey);
  const curve = DSM_CURVES[options.privateKey.asymmetricKeyDetails?.namedCurve ?? ''];
  if (options.privateKey.asymmetricKeyType !== 'ec' || curve === undefined) {
    throw new TypeError('privateKey must be a P-256, P-384 or P-521 key');
  }
  const keyType: FortanixKeyType = { objType: 'EC', ellipticCurve: curve };
  const requests: FortanixStubRequest[] = [];
  const tokens = new Map<string, number>();
  const credentials = parseFortanixBasicCredentials(`Basic ${options.apiKey}`);
  const sobject = fortanixSobjectSchema.parse({
    ...SOBJECT_ACCOUNT,
    creator: { app: options.appId },
    kid: options.kid,
    name: options.name ?? 'release key',
    ...fortanixSobjectKeyFields(importSpki(publicKey.export({ format: 'der', type: 'spki' }))),
    state: 'Active',
  });
  const bearerToken = (authorization: string | undefined) =>
    authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';

  const findKey = (key: FortanixKeyDescriptor | undefined) => {
    if (key === undefined || !('kid' in key) || key.kid !== options.kid) {
      throw new ProtocolError('ERR_FORTANIX_ITEM', 'sobject does not exist', { status: 404 });
    }
  };
  const signOne = (item: FortanixSignRequest): FortanixSignResponse => {
    findKey(item.key);
    const { params, input } = decodeFortanixSignItem(item, keyType);
    // node:crypto hashes what it signs, so a bare digest cannot be signed here.
    if (!('message' in input) || params.scheme !== 'ecdsa') {
      throw new ProtocolError('ERR_FORTANIX_ITEM', 'this stub signs data only', { status: 400 });
    }
    const signature = sign(nodeHashName(params.hash), input.message, options.privateKey);
    return fortanixSignBody(options.kid, new Uint8Array(signature));
  };
  const verifyOne = (item: FortanixVerifyRequest): FortanixVerifyResponse => {
    findKey(item.key);
    const { params, input, signature } = decodeFortanixVerifyItem(item, keyType);
    if (!('message' in input) || params.scheme !== 'ecdsa') {
      throw new ProtocolError('ERR_FORTANIX_ITEM', 'this stub verifies data only', { status: 400 });
    }
    return {
      kid: options.kid,
      result: verify(nodeHashName(params.hash), input.message, publicKey, signature),
    };
  };
  const answer = <T>(c: Context, schema: z.ZodType<T>, body: T) => {
    const checked = schema.parse(body);
    return c.json((options.rewriteAnswer ? options.rewriteAnswer(c.req.path, checked) : checked) as object);
  };

  const crypto = new Hono()
    .use(async (c, next) => {
      const expiry = tokens.get(bearerToken(c.req.header('authorization')));
      if (expiry === undefined || expiry <= options.now()) {
        return c.text('Unauthorized: session expired', 401);
      }
      await next();
    })
    .post('/sign', jsonBody(fortanixSignRequestSchema), (c) =>
      answer(c, fortanixSignResponseSchema, signOne(c.req.valid('json'))),
    )
    .post('/verify', jsonBody(fortanixVerifyRequestSchema), (c) =>
      answer(c, fortanixVerifyResponseSchema, verifyOne(c.req.valid('json'))),
    )
    // Seed 003: one result per item, in request order; a bad item fails alone.
    .post('/keys/batch/sign', jsonBody(fortanixBatchSignRequestSchema), async (c) =>
      answer(c, fortanixBatchSignResponseSchema, await runFortanixBatch(c.req.valid('json'), signOne)),
    )
    .post('/keys/batch/verify', jsonBody(fortanixBatchVerifyRequestSchema), async (c) =>
      answer(c, fortanixBatchVerifyResponseSchema, await runFortanixBatch(c.req.valid('json'), verifyOne)),
    )
    // OpenAPI GetSobject: the object a SobjectDescriptor names.
    .post('/keys/info', jsonBody(fortanixSobjectDescriptorSchema), (c) => {
      const descriptor = c.req.valid('json');
      const found =
        ('kid' in descriptor && descriptor.kid === sobject.kid) ||
        ('name' in descriptor && descriptor.name === sobject.name);
      if (!found) return c.text('sobject does not exist', 404);
      return answer(c, fortanixSobjectSchema, sobject);
    })
    // OpenAPI ListSobjects: `name` filters; `with_metadata=true` answers `{metadata, items}`.
    .get('/keys', (c) => {
      const name = c.req.query('name');
      const items = name === undefined || name === sobject.name ? [sobject] : [];
      const body =
        c.req.query('with_metadata') === 'true'
          ? { metadata: { total_count: 1, filtered_count: items.length }, items }
          : items;
      return answer(c, fortanixListSobjectsResponseSchema, body);
    });

  const app = new Hono()
    .use(async (c, next) => {
      requests.push({
        method: c.req.method,
        path: c.req.path,
        authorization: c.req.header('authorization') ?? null,
      });
      await next();
    })
    .post('/sys/v1/session/auth', (c) => {
      let presented: { appId: string; appSecret: string };
      try {
        presented = parseFortanixBasicCredentials(c.req.header('authorization'));
      } catch {
        return c.text('Invalid credentials', 401);
      }
      if (presented.appId !== credentials.appId || presented.appSecret !== credentials.appSecret) {
        return c.text('Invalid credentials', 401);
      }
      const token = randomUUID();
      tokens.set(token, options.now() + lifetimeSeconds * 1000);
      return answer(c, fortanixSessionAuthResponseSchema, {
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        access_token: token,
        entity_id: options.appId,
      });
    })
    // OpenAPI Terminate: the bearer token stops working; 204.
    .post('/sys/v1/session/terminate', (c) => {
      const token = bearerToken(c.req.header('authorization'));
      const expiry = tokens.get(token);
      if (expiry === undefined || expiry <= options.now())
        return c.text('Unauthorized: session expired', 401);
      tokens.delete(token);
      return c.body(null, 204);
    })
    .route('/crypto/v1', crypto)
    .notFound((c) => (c.req.method === 'POST' ? c.text('Not found', 404) : c.text('Method not allowed', 405)))
    .onError((error, c) => {
      if (error instanceof ProtocolError) {
        return c.text(error.message, (error.status ?? 400) as ContentfulStatusCode);
      }
      if (error instanceof HTTPException) return c.text(`Invalid request body: ${error.message}`, 400);
      return c.text(`Internal error: ${error.message}`, 500);
    });

  return {
    app,
    fetch: async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init)),
    requests,
    tokens,
    sobject,
  };
}
