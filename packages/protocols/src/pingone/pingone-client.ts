// A typed fetch client for the PingOne management calls Sigil needs: credential signing keys and the issuer profile.
import type { z } from 'zod';
import { ProtocolError } from '../errors.js';
import { createVendorFetch, parseJsonText, type VendorTransportOptions } from '../vendor-fetch.js';
import {
  type PingOneCreateSigningKeyRequest,
  type PingOneIssuerProfile,
  type PingOneSigningKey,
  type PingOneUpdateSigningKeyRequest,
  pingOneCreateSigningKeyRequestSchema,
  pingOneErrorSchema,
  pingOneIssuerProfileSchema,
  pingOneSigningKeySchema,
  pingOneUpdateSigningKeyRequestSchema,
} from './pingone-schema.js';

/** PingOne's North America API base; other regions use `api.pingone.eu`, `.ca`, `.asia`. */
export const PINGONE_DEFAULT_BASE_URL = 'https://api.pingone.com/v1';

/** Options of {@link createPingOneClient}. */
export interface PingOneClientOptions extends VendorTransportOptions {
  /** The environment (`envID`) that holds the credential issuer. */
  readonly environmentId: string;
  /** A bearer access token, or a function that returns a current one. */
  readonly accessToken: string | (() => string | Promise<string>);
  /** API base including `/v1`; {@link PINGONE_DEFAULT_BASE_URL} by default. */
  readonly baseUrl?: string;
}

/** The PingOne management operations around customer credential signing. */
export interface PingOneClient {
  /** `POST /environments/{envID}/credentialSigningKeys`: registers a public JWK; answers the key with its `id`. */
  createCredentialSigningKey(body: PingOneCreateSigningKeyRequest): Promise<PingOneSigningKey>;
  /** `PUT /environments/{envID}/credentialSigningKeys/{id}`: enables, disables or renames a key. */
  updateCredentialSigningKey(id: string, body: PingOneUpdateSigningKeyRequest): Promise<PingOneSigningKey>;
  /** `GET /environments/{envID}/credentialIssuerProfile`. */
  getCredentialIssuerProfile(): Promise<PingOneIssuerProfile>;
  /** `PUT /environments/{envID}/credentialIssuerProfile`: replaces the profile (send back what GET returned). */
  updateCredentialIssuerProfile(profile: PingOneIssuerProfile): Promise<PingOneIssuerProfile>;
}

/**
 * A PingOne client. Every method throws a ProtocolError on failure: ERR_PINGONE_HTTP for a network failure or a
 * non-2xx answer (with `status` and PingOne's `message` as `vendorMessage`), ERR_PINGONE_RESPONSE for a 2xx body
 * that does not match the documented shape. Request bodies are checked first (a ZodError names the bad field).
 * @throws {TypeError} when environmentId is empty
 */
export function createPingOneClient(options: PingOneClientOptions): PingOneClient {
  if (typeof options.environmentId !== 'string' || options.environmentId === '') {
    throw new TypeError('environmentId must be a non-empty string');
  }
  const vendorFetch = createVendorFetch('ERR_PINGONE_HTTP', options);
  const base = `${(options.baseUrl ?? PINGONE_DEFAULT_BASE_URL).replace(/\/+$/, '')}/environments/${encodeURIComponent(options.environmentId)}`;

  async function call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const token =
      typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await vendorFetch(
      `${base}${path}`,
      { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      `PingOne ${method} ${path}`,
    );
    const text = await response.text();
    if (!response.ok) throw pingOneHttpError(method, path, response.status, text);
    const parsed = schema.safeParse(parseJsonText(text));
    if (!parsed.success) {
      throw new ProtocolError(
        'ERR_PINGONE_RESPONSE',
        `PingOne ${method} ${path} answered an unexpected body`,
        {
          cause: parsed.error,
          status: response.status,
        },
      );
    }
    return parsed.data;
  }

  return {
    createCredentialSigningKey: async (body) =>
      call(
        'POST',
        '/credentialSigningKeys',
        pingOneCreateSigningKeyRequestSchema.parse(body),
        pingOneSigningKeySchema,
      ),
    updateCredentialSigningKey: async (id, body) =>
      call(
        'PUT',
        `/credentialSigningKeys/${encodeURIComponent(id)}`,
        pingOneUpdateSigningKeyRequestSchema.parse(body),
        pingOneSigningKeySchema,
      ),
    getCredentialIssuerProfile: () =>
      call('GET', '/credentialIssuerProfile', undefined, pingOneIssuerProfileSchema),
    updateCredentialIssuerProfile: async (profile) =>
      call(
        'PUT',
        '/credentialIssuerProfile',
        pingOneIssuerProfileSchema.parse(profile),
        pingOneIssuerProfileSchema,
      ),
  };
}

// PingOne Platform "Error codes": {id, code, message, details?}; anything else keeps its raw text as the message.
function pingOneHttpError(method: string, path: string, status: number, text: string): ProtocolError {
  const parsed = pingOneErrorSchema.safeParse(parseJsonText(text));
  const vendorMessage = parsed.success ? parsed.data.message : text.trim() || undefined;
  const code = parsed.success ? ` ${parsed.data.code}` : '';
  return new ProtocolError(
    'ERR_PINGONE_HTTP',
    `PingOne ${method} ${path} answered ${status}${code}${vendorMessage ? `: ${vendorMessage}` : ''}`,
    { status, ...(vendorMessage === undefined ? {} : { vendorMessage }) },
  );
}
