// A typed fetch client for Fortanix DSM: session auth (Basic app credentials -> Bearer, refreshed before expiry),
// sign, verify, batch sign and batch verify.
import { bytesToBase64, utf8ToBytes } from '@sigil/crypto-core/encoding';
import type { z } from 'zod';
import { ProtocolError } from '../errors.js';
import { createVendorFetch, parseJsonText, type VendorTransportOptions } from '../vendor-fetch.js';
import {
  type FortanixBatchSignResponseItem,
  type FortanixBatchVerifyResponseItem,
  type FortanixSessionAuthResponse,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixBatchSignRequestSchema,
  fortanixBatchSignResponseSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixBatchVerifyResponseSchema,
  fortanixSessionAuthResponseSchema,
  fortanixSignRequestSchema,
  fortanixSignResponseSchema,
  fortanixVerifyRequestSchema,
  fortanixVerifyResponseSchema,
} from './fortanix-schema.js';

/** The API key of an app: base64 of `app_id:app_secret`, sent as `Authorization: Basic <apiKey>`. */
export function fortanixApiKey(appId: string, appSecret: string): string {
  return bytesToBase64(utf8ToBytes(`${appId}:${appSecret}`));
}

/** Options of {@link createFortanixClient}. */
export interface FortanixClientOptions extends VendorTransportOptions {
  /** The DSM endpoint, e.g. `https://amer.smartkey.io`. */
  readonly baseUrl: string;
  /** The app's API key (see {@link fortanixApiKey}). */
  readonly apiKey: string;
  /** Milliseconds since the epoch; `Date.now` by default (tests inject a clock). */
  readonly now?: () => number;
  /** Re-authenticate this many seconds before the access token expires; 60 by default. */
  readonly refreshMarginSeconds?: number;
}

/** The current session. */
export interface FortanixSession {
  readonly accessToken: string;
  readonly entityId: string;
  /** Milliseconds since the epoch at which DSM stops accepting the token. */
  readonly expiresAt: number;
}

/** The Fortanix DSM operations Sigil uses. Crypto calls open or refresh the session as needed. */
export interface FortanixClient {
  /** `POST /sys/v1/session/auth`: opens a new session now. */
  authenticate(): Promise<FortanixSession>;
  /** `POST /crypto/v1/sign`. */
  sign(request: FortanixSignRequest): Promise<FortanixSignResponse>;
  /** `POST /crypto/v1/verify`. */
  verify(request: FortanixVerifyRequest): Promise<FortanixVerifyResponse>;
  /** `POST /crypto/v1/keys/batch/sign`: one result per item, in request order. */
  batchSign(items: readonly FortanixSignRequest[]): Promise<FortanixBatchSignResponseItem[]>;
  /** `POST /crypto/v1/keys/batch/verify`: one result per item, in request order. */
  batchVerify(items: readonly FortanixVerifyRequest[]): Promise<FortanixBatchVerifyResponseItem[]>;
}

/**
 * A Fortanix DSM client. The session token is reused until `refreshMarginSeconds` before it expires, then renewed;
 * a 401 on a crypto call renews it once and retries. Every method throws a ProtocolError on failure:
 * ERR_FORTANIX_HTTP for a network failure or a non-2xx answer (with `status`, and DSM's plain-text message as
 * `vendorMessage`), ERR_FORTANIX_RESPONSE for a 2xx body of the wrong shape (or a batch answer of the wrong length).
 * Request bodies are checked first (a ZodError names the bad field).
 * @throws {TypeError} when baseUrl or apiKey is empty
 */
export function createFortanixClient(options: FortanixClientOptions): FortanixClient {
  if (typeof options.baseUrl !== 'string' || options.baseUrl === '')
    throw new TypeError('baseUrl must be a non-empty string');
  if (typeof options.apiKey !== 'string' || options.apiKey === '')
    throw new TypeError('apiKey must be a non-empty string');
  const vendorFetch = createVendorFetch('ERR_FORTANIX_HTTP', options);
  const now = options.now ?? Date.now;
  const marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
  const base = options.baseUrl.replace(/\/+$/, '');
  let session: FortanixSession | undefined;
  let pending: Promise<FortanixSession> | undefined;

  async function post(path: string, authorization: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return vendorFetch(
      `${base}${path}`,
      { method: 'POST', headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      `Fortanix POST ${path}`,
    );
  }

  async function read<T>(path: string, response: Response, schema: z.ZodType<T>): Promise<T> {
    const text = await response.text();
    if (!response.ok) throw fortanixHttpError(path, response.status, text);
    const parsed = schema.safeParse(parseJsonText(text));
    if (!parsed.success) {
      throw new ProtocolError('ERR_FORTANIX_RESPONSE', `Fortanix POST ${path} answered an unexpected body`, {
        cause: parsed.error,
        status: response.status,
      });
    }
    return parsed.data;
  }

  async function authenticate(): Promise<FortanixSession> {
    const path = '/sys/v1/session/auth';
    const started = now();
    const auth: FortanixSessionAuthResponse = await read(
      path,
      await post(path, `Basic ${options.apiKey}`),
      fortanixSessionAuthResponseSchema,
    );
    session = {
      accessToken: auth.access_token,
      entityId: auth.entity_id,
      expiresAt: started + auth.expires_in * 1000,
    };
    return session;
  }

  function currentSession(): Promise<FortanixSession> {
    if (session !== undefined && now() < session.expiresAt - marginMs) return Promise.resolve(session);
    pending ??= authenticate().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function crypto<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const first = await currentSession();
    let response = await post(path, `Bearer ${first.accessToken}`, body);
    if (response.status === 401) {
      // The token may have been revoked or expired early: renew once and retry.
      if (session === first) session = undefined;
      const renewed = await currentSession();
      response = await post(path, `Bearer ${renewed.accessToken}`, body);
    }
    return read(path, response, schema);
  }

  async function batch<T>(path: string, items: readonly unknown[], schema: z.ZodType<T[]>): Promise<T[]> {
    const results = await crypto(path, items, schema);
    if (results.length !== items.length) {
      throw new ProtocolError(
        'ERR_FORTANIX_RESPONSE',
        `Fortanix ${path} answered ${results.length} items for ${items.length}`,
      );
    }
    return results;
  }

  return {
    authenticate,
    sign: async (request) =>
      crypto('/crypto/v1/sign', fortanixSignRequestSchema.parse(request), fortanixSignResponseSchema),
    verify: async (request) =>
      crypto('/crypto/v1/verify', fortanixVerifyRequestSchema.parse(request), fortanixVerifyResponseSchema),
    batchSign: async (items) =>
      batch(
        '/crypto/v1/keys/batch/sign',
        fortanixBatchSignRequestSchema.parse(items),
        fortanixBatchSignResponseSchema,
      ),
    batchVerify: async (items) =>
      batch(
        '/crypto/v1/keys/batch/verify',
        fortanixBatchVerifyRequestSchema.parse(items),
        fortanixBatchVerifyResponseSchema,
      ),
  };
}

// DSM errors are plain text; a JSON string or a {message}/{error} object is unwrapped in case a proxy reshapes it.
function fortanixHttpError(path: string, status: number, text: string): ProtocolError {
  let vendorMessage: string | undefined = text.trim() || undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'string') vendorMessage = body;
    else if (typeof body === 'object' && body !== null) {
      const { message, error } = body as { message?: unknown; error?: unknown };
      if (typeof message === 'string') vendorMessage = message;
      else if (typeof error === 'string') vendorMessage = error;
    }
  } catch {
    // plain text, as DSM sends it
  }
  return new ProtocolError(
    'ERR_FORTANIX_HTTP',
    `Fortanix POST ${path} answered ${status}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    { status, ...(vendorMessage === undefined ? {} : { vendorMessage }) },
  );
}
