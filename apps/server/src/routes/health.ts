// Liveness, readiness and Prometheus metrics, each declared with its documentation.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, jsonAnswer, SECURITY } from '../openapi.js';
import type { AuditLog } from '../services/audit.js';
import type { TokenService } from '../services/tokens.js';
import type { Store } from '../store/store.js';

/** What the probes look at. */
export interface HealthRouteServices {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  /** SIGIL_METRICS_AUTH: `token` puts /metrics behind a token with the `metrics` scope; open by default. */
  readonly metricsAuth?: 'none' | 'token';
}

/**
 * `GET /healthz`: the process is up. `GET /readyz`: the store answers. `GET /metrics`: Prometheus text, open or
 * behind a `metrics`-scoped token.
 */
export function healthRoutes(services: HealthRouteServices): OpenAPIHono<AppEnv> {
  const { store, metrics, tokens, audit } = services;
  const metricsWithToken = services.metricsAuth === 'token';
  const routes = new OpenAPIHono<AppEnv>();
  const probe = { method: 'get' as const, tags: ['operations'], security: SECURITY.none };
  routes.openapi(
    createRoute({
      ...probe,
      path: '/healthz',
      summary: 'Liveness probe',
      responses: { 200: jsonAnswer('up', z.object({ status: z.literal('ok') })), ...CLIENT_ERRORS },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  routes.openapi(
    createRoute({
      ...probe,
      path: '/readyz',
      summary: 'Readiness probe (the store answers)',
      responses: { 200: jsonAnswer('ready', z.object({ status: z.literal('ready') })), ...CLIENT_ERRORS },
    }),
    async (c) => {
      const ready = await store.ping().catch(() => false);
      if (!ready) throw new ServerError('ERR_UNAVAILABLE', 'the store does not answer');
      return c.json({ status: 'ready' as const }, 200);
    },
  );
  routes.openapi(
    createRoute({
      ...probe,
      path: '/metrics',
      summary: 'Prometheus metrics',
      ...(metricsWithToken
        ? { security: SECURITY.bearer, middleware: bearerAuth({ tokens, audit, scope: 'metrics' }) }
        : {}),
      responses: { 200: { description: 'the Prometheus text format' }, ...CLIENT_ERRORS },
    }),
    async (c) =>
      c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
  return routes;
}
