// A PingID SDK client for any runtime: signs every request and verifies every response's signature header.
import { ProtocolError } from '../errors.js';
import { createVendorFetch, type VendorTransportOptions } from '../vendor-fetch.js';
import {
  buildAuthorizationHeader,
  type PingIdCredentials,
  responseSignatureOf,
  verifyResponseSignature,
} from './pingid-auth.js';

/** Options of {@link createPingIdClient}. */
export interface PingIdClientOptions extends VendorTransportOptions {
  /** The PingID SDK server, e.g. `https://sdk.pingid.com` (paths start with `/pingid/v1`). */
  readonly baseUrl: string;
  readonly credentials: PingIdCredentials;
  /** Clock for the `expires` header member (tests). */
  readonly now?: () => Date;
}

/** A verified PingID response. */
export interface PingIdResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined for an empty one (204). */
  readonly body: unknown;
  readonly headers: Headers;
}

/** The PingID SDK client. */
export interface PingIdClient {
  /**
   * Sends a signed request (`path` under the base URL, e.g. `/pingid/v1/accounts/{id}/users`) and returns the
   * response once its signature verifies.
   * @throws {ProtocolError} ERR_PINGID_RESPONSE_SIGNATURE when the response signature is missing or wrong,
   * ERR_PINGID_HTTP for an error status (with `status` and PingID's `message`), ERR_PINGID_RESPONSE for a
   * body that is not JSON
   */
  request(method: string, path: string, body?: unknown): Promise<PingIdResponse>;
}

/** PingID's error body (seed README): `{code, message, target, details[{code, message}]}`. */
function vendorMessageOf(body: unknown, text: string): string {
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return text;
}

/** Creates a PingID SDK client (seed 004: request authorization header and response verification). */
export function createPingIdClient(options: PingIdClientOptions): PingIdClient {
  const vendorFetch = createVendorFetch('ERR_PINGID_HTTP', options);
  const base = new URL(options.baseUrl);
  return {
    async request(method, path, body) {
      const url = new URL(path, base).toString();
      const bodyText = body === undefined ? undefined : JSON.stringify(body);
      const authorization = buildAuthorizationHeader({ method, url, body: bodyText }, options.credentials, {
        ...(options.now ? { now: options.now() } : {}),
      });
      const response = await vendorFetch(
        url,
        {
          method: method.toUpperCase(),
          headers: {
            authorization,
            accept: 'application/json',
            ...(bodyText === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(bodyText === undefined ? {} : { body: bodyText }),
        },
        `PingID ${method.toUpperCase()} ${path}`,
      );
      const text = await response.text();
      // Either spelling of the header (seed 004: the docs' `X-PINGID-Signature`, the sample's `X-PINGID-Singature`).
      const signature = responseSignatureOf(response.headers);
      // PingID signs every answer it gives, errors included (seed 004 "Response Verification"): an unsigned error
      // status comes from something in between (a gateway, a load balancer), so it is a transport failure.
      if (!response.ok && signature === undefined) {
        throw new ProtocolError('ERR_PINGID_HTTP', `PingID answered ${response.status} without a signature`, {
          status: response.status,
          vendorMessage: text,
        });
      }
      verifyResponseSignature(signature, text, options.credentials.apiKey);
      let parsed: unknown;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch (cause) {
          throw new ProtocolError('ERR_PINGID_RESPONSE', 'response body is not JSON', {
            cause,
            status: response.status,
          });
        }
      }
      if (!response.ok) {
        throw new ProtocolError('ERR_PINGID_HTTP', `PingID answered ${response.status}`, {
          status: response.status,
          vendorMessage: vendorMessageOf(parsed, text),
        });
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
  };
}
