// PingID SDK canonical request string (seed 004, "Request Authorization Header", step 1).

import { bytesToHex, utf8ToBytes } from '@sigil/crypto-core/encoding';
import { digest } from '@sigil/crypto-core/hash';

/** The parts of an HTTP request that PingID SDK signs. */
export interface PingIdRequestParts {
  readonly method: string;
  /** The absolute request URL; its port is not part of the canonical host. */
  readonly url: string;
  /** The request body as sent (a string), or undefined for none. */
  readonly body?: string | undefined;
}

/** Lower-case hex SHA-256 of a body; an absent body hashes as the empty string. */
export function hashPayload(body: string | undefined): string {
  return bytesToHex(digest('SHA-256', utf8ToBytes(body ?? '')));
}

/**
 * `METHOD:HOST:URI[:QUERY]:HEX(SHA256(body)):` — the query segment is left out when there is no query string,
 * and the host has no port.
 * @throws {TypeError} when the URL cannot be parsed
 */
export function buildCanonicalString(request: PingIdRequestParts): string {
  const url = new URL(request.url);
  const segments = [request.method.toUpperCase(), url.hostname, url.pathname];
  const query = url.search.startsWith('?') ? url.search.slice(1) : '';
  if (query !== '') segments.push(query);
  segments.push(hashPayload(request.body));
  return `${segments.join(':')}:`;
}
