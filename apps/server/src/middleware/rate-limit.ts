// Per-token rate limit: a token bucket per credential; an empty bucket answers 429 with Retry-After.
import { createHash } from 'node:crypto';
import { PINGID_AUTHORIZATION_PREFIX } from '@sigil/protocols/pingid';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { renderError, ServerError, surfaceOf } from '../errors.js';
import { claimedPingIdAccount } from '../services/tokens.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Sustained requests per second each credential may make. */
  readonly requestsPerSecond: number;
  /** How many requests a credential may make at once after a quiet spell; `requestsPerSecond` by default. */
  readonly burst?: number | undefined;
  /** Milliseconds since some origin; `performance.now` by default (tests inject a clock). */
  readonly now?: (() => number) | undefined;
  /** Buckets kept at most; the least recently used go first. 100,000 by default. */
  readonly maxBuckets?: number | undefined;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Limits each credential — the `Authorization` header, whatever its scheme, so bearer tokens, Fortanix sessions and
 * Basic app credentials alike — to `requestsPerSecond` with bursts of `burst`. Requests without credentials (health,
 * metrics, docs; PingOne's static headers) are not limited here. Over the limit: 429 ERR_RATE_LIMITED in the
 * surface's error shape, with `Retry-After` in whole seconds. Credentials are keyed by their SHA-256, never kept.
 * @throws {TypeError} for a rate or burst that is not a positive number
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const rate = options?.requestsPerSecond;
  const burst = options?.burst ?? rate;
  if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) {
    throw new TypeError('requestsPerSecond must be a positive number');
  }
  if (!(typeof burst === 'number' && burst >= 1 && Number.isFinite(burst))) {
    throw new TypeError('burst must be a number of at least 1');
  }
  const now = options.now ?? (() => performance.now());
  const maxBuckets = options.maxBuckets ?? 100_000;
  const buckets = new Map<string, Bucket>();

  return async (c, next) => {
    const credential = c.req.header('authorization');
    if (credential === undefined || credential === '') return next();
    // A PingID-signed request carries a new JWT every time: its bucket is the account it names.
    const account = credential.startsWith(PINGID_AUTHORIZATION_PREFIX)
      ? claimedPingIdAccount(credential)
      : undefined;
    const id = createHash('sha256')
      .update(account === undefined ? credential : `pingid:${account}`)
      .digest('base64url');
    const at = now();
    let bucket = buckets.get(id);
    if (bucket === undefined) {
      bucket = { tokens: burst, updatedAt: at };
      if (buckets.size >= maxBuckets) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
    } else {
      buckets.delete(id);
      bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.updatedAt) / 1000) * rate);
      bucket.updatedAt = at;
    }
    buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
      const rendered = renderError(
        new ServerError('ERR_RATE_LIMITED', `too many requests: at most ${rate} per second per token`),
        surfaceOf(c.req.path),
        c.get('requestId') ?? 'unknown',
      );
      return c.body(rendered.body, 429, {
        'Content-Type': rendered.contentType,
        'Retry-After': String(retryAfter),
      });
    }
    bucket.tokens -= 1;
    return next();
  };
}
