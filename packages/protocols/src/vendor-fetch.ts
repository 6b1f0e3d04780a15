// The one way the clients reach a vendor: a deadline on every call, and transport failures as typed errors.
import { z } from 'zod';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for an https:// URL, or an http:// one on a loopback host (local testing only). */
export function isHttpsOrLoopback(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.'));
}

/** A vendor endpoint: credentials travel to it, so HTTPS, or plain http on loopback for local tests. */
export const vendorUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an HTTPS URL' })
  .refine(isHttpsOrLoopback, 'must be an HTTPS URL (http:// only on loopback)');

/** How long a client waits for a vendor's whole answer unless told otherwise. */
export const DEFAULT_VENDOR_TIMEOUT_MS = 30_000;

/** Transport options every client takes. */
export interface VendorTransportOptions {
  /** The fetch to use (tests, proxies); `globalThis.fetch` by default. */
  readonly fetch?: typeof fetch;
  /** Deadline for one call, headers and body included; 30 s by default. */
  readonly timeoutMs?: number;
}

/** A fetch bound to one vendor: `label` names the call in errors, `failureCode` is the vendor's transport code. */
export type VendorFetch = (url: string, init: RequestInit, label: string) => Promise<Response>;

/**
 * Wraps `fetch` with a deadline. A call that runs past it fails with ERR_VENDOR_TIMEOUT; one that cannot reach
 * the vendor (refused, reset, DNS) with `failureCode`. The deadline also covers reading the body.
 * @throws {TypeError} for a timeout that is not a positive integer
 */
export function createVendorFetch(
  failureCode: ProtocolErrorCode,
  options: VendorTransportOptions,
): VendorFetch {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_VENDOR_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
    throw new TypeError('timeoutMs must be a positive integer');
  return async (url, init, label) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetchImpl(url, { ...init, signal });
      // Read the body under the same deadline, so a stalled body cannot hang the caller either.
      const body = await response.arrayBuffer();
      const nullBodyStatus = [101, 204, 205, 304].includes(response.status);
      return new Response(nullBodyStatus ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (cause) {
      if (signal.aborted) {
        throw new ProtocolError('ERR_VENDOR_TIMEOUT', `${label} timed out after ${timeoutMs} ms`, { cause });
      }
      throw new ProtocolError(failureCode, `${label} failed: ${String(cause)}`, { cause });
    }
  };
}

/** The JSON value of a body, or undefined when it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
