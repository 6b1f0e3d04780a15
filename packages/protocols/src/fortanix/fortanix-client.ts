// A typed fetch client for Fortanix DSM: session auth (Basic app credentials -> Bearer, refreshed before expiry),
// sign, verify, batch sign and batch verify, key lookup and listing, and ending the session: the endpoints and
// methods Fortanix's own Go client (sdkms-client-go) calls for them.
import type { z } from 'zod';
import { ProtocolError } from '../errors.js';
import { createVendorFetch, parseJsonText, type VendorTransportOptions } from '../vendor-fetch.js';
import {
  type FortanixBatchSignResponseItem,
  type FortanixBatchVerifyResponseItem,
  type FortanixObjectType,
  type FortanixSessionAuthResponse,
  type FortanixSignRequest,
  type FortanixSignResponse,
  type FortanixSobject,
  type FortanixSobjectDescriptor,
  type FortanixVerifyRequest,
  type FortanixVerifyResponse,
  fortanixBatchSignRequestSchema,
  fortanixBatchSignResponseSchema,
  fortanixBatchVerifyRequestSchema,
  fortanixBatchVerifyResponseSchema,
  fortanixListSobjectsResponseSchema,
  fortanixSessionAuthResponseSchema,
  fortanixSignRequestSchema,
  fortanixSignResponseSchema,
  fortanixSobjectDescriptorSchema,
  fortanixSobjectSchema,
  fortanixVerifyRequestSchema,
  fortanixVerifyResponseSchema,
} from './fortanix-schema.js';

/** Options of {@link createFortanixClient}. */
export interface FortanixClientOptions extends VendorTransportOptions {
  /** The DSM endpoint, e.g. `https://amer.smartkey.io`. */
  readonly baseUrl: string;
  /** The app's API key (see `fortanixApiKey`). */
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
  /** `POST /crypto/v1/keys/info`: one security object by a descriptor, `{kid}` or `{name}` (OpenAPI `GetSobject`). */
  lookupKey(descriptor: FortanixSobjectDescriptor): Promise<FortanixSobject>;
  /** `GET /crypto/v1/keys`: the security objects the app may use, optionally filtered (OpenAPI `ListSobjects`). */
  listKeys(query?: FortanixListKeysQuery): Promise<FortanixSobjectList>;
  /** `POST /sys/v1/session/terminate`: ends the current session, if one is open; the next call opens a new one. */
  terminate(): Promise<void>;
}

/** Filters of {@link FortanixClient.listKeys} (OpenAPI `ListSobjectsParams`, the ones Sigil uses). */
export interface FortanixListKeysQuery {
  readonly name?: string;
  readonly group_id?: string;
  readonly obj_type?: FortanixObjectType;
  /** At most this many objects (DSM's default: 1000). */
  readonly limit?: number;
  /** Skip the first this many matches. */
  readonly offset?: number;
  /** Ask for `{metadata, items}` rather than a bare array. */
  readonly with_metadata?: boolean;
}

/** The objects {@link FortanixClient.listKeys} found, and DSM's counts when it sent `{metadata, items}`. */
export interface FortanixSobjectList {
  readonly items: FortanixSobject[];
  readonly metadata:
    | {
        readonly total_count?: number | null | undefined;
        readonly filtered_count?: number | null | undefined;
      }
    | undefined;
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

  async function send(
    method: string,
    path: string,
    authorization: string,
    body?: unknown,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return vendorFetch(
      `${base}${path}`,
      { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      `Fortanix ${method} ${path}`,
    );
  }

  async function read<T>(method: string, path: string, response: Response, schema: z.ZodType<T>): Promise<T> {
    const text = await response.text();
    if (!response.ok) throw fortanixHttpError(method, path, response.status, text);
    const parsed = schema.safeParse(parseJsonText(text));
    if (!parsed.success) {
      throw new ProtocolError(
        'ERR_FORTANIX_RESPONSE',
        `Fortanix ${method} ${path} answered an unexpected body`,
        {
          cause: parsed.error,
          status: response.status,
        },
      );
    }
    return parsed.data;
  }

  async function authenticate(): Promise<FortanixSession> {
    const path = '/sys/v1/session/auth';
    const started = now();
    const auth: FortanixSessionAuthResponse = await read(
      'POST',
      path,
      await send('POST', path, `Basic ${options.apiKey}`),
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

  // A call in a session: opened or renewed as needed, and renewed once more on a 401.
  async function call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const first = await currentSession();
    let response = await send(method, path, `Bearer ${first.accessToken}`, body);
    if (response.status === 401) {
      // The token may have been revoked or expired early: renew once and retry.
      if (session === first) session = undefined;
      const renewed = await currentSession();
      response = await send(method, path, `Bearer ${renewed.accessToken}`, body);
    }
    return read(method, path, response, schema);
  }

  async function batch<T>(path: string, items: readonly unknown[], schema: z.ZodType<T[]>): Promise<T[]> {
    const results = await call('POST', path, items, schema);
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
      call('POST', '/crypto/v1/sign', fortanixSignRequestSchema.parse(request), fortanixSignResponseSchema),
    verify: async (request) =>
      call(
        'POST',
        '/crypto/v1/verify',
        fortanixVerifyRequestSchema.parse(request),
        fortanixVerifyResponseSchema,
      ),
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
    lookupKey: async (descriptor) =>
      call(
        'POST',
        '/crypto/v1/keys/info',
        fortanixSobjectDescriptorSchema.parse(descriptor),
        fortanixSobjectSchema,
      ),
    async listKeys(query = {}) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) search.set(name, String(value));
      }
      const path = `/crypto/v1/keys${search.size > 0 ? `?${search.toString()}` : ''}`;
      const answer = await call('GET', path, undefined, fortanixListSobjectsResponseSchema);
      return Array.isArray(answer)
        ? { items: answer, metadata: undefined }
        : { items: answer.items, metadata: answer.metadata };
    },
    async terminate() {
      const open = session ?? (await pending?.catch(() => undefined));
      session = undefined;
      if (open === undefined) return;
      const path = '/sys/v1/session/terminate';
      const response = await send('POST', path, `Bearer ${open.accessToken}`);
      // A 401: DSM had already ended the session, which is what was asked.
      if (response.ok || response.status === 401) return;
      throw fortanixHttpError('POST', path, response.status, await response.text());
    },
  };
}

// DSM errors are plain text; a JSON string or a {message}/{error} object is unwrapped in case a proxy reshapes it.
function fortanixHttpError(method: string, path: string, status: number, text: string): ProtocolError {
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
    `Fortanix ${method} ${path} answered ${status}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    { status, ...(vendorMessage === undefined ? {} : { vendorMessage }) },
  );
}
