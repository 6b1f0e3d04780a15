// Request context middleware: a request id on every request and response, one JSON log line, and HTTP metrics.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../context.js';
import type { Metrics } from '../metrics.js';

/** Options of {@link requestContext}. */
export interface RequestContextOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Sets `requestId` (a client's `X-Request-Id` when it is safe, else a UUID), echoes it, logs the request
 * (method, path, status, duration; never headers or bodies) and counts it.
 * @throws {TypeError} when the logger or metrics are missing
 */
export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  if (!options?.logger || !options.metrics) throw new TypeError('requestContext needs a logger and metrics');
  const { logger, metrics } = options;
  return async (c, next) => {
    const offered = c.req.header('x-request-id');
    const requestId = offered && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
    c.set('requestId', requestId);
    c.set('principal', undefined);
    const started = performance.now();
    try {
      await next();
    } finally {
      c.header('X-Request-Id', requestId);
      const seconds = (performance.now() - started) / 1000;
      const route = c.req.routePath || 'unmatched';
      const status = c.res.status;
      metrics.requests.inc({ method: c.req.method, route, status: String(status) });
      metrics.latency.observe({ method: c.req.method, route }, seconds);
      logger.info(
        {
          requestId,
          method: c.req.method,
          path: c.req.path,
          status,
          durationMs: Math.round(seconds * 100_000) / 100,
          tokenId: c.get('principal')?.tokenId,
        },
        'request',
      );
    }
  };
}
