// Liveness, readiness and Prometheus metrics.
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { ServerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';

/** What the probes look at. */
export interface HealthRouteServices {
  readonly store: Store;
  readonly metrics: Metrics;
}

/** `GET /healthz`: the process is up. `GET /readyz`: the store answers. `GET /metrics`: Prometheus text. */
export function healthRoutes(services: HealthRouteServices): Hono<AppEnv> {
  const { store, metrics } = services;
  const routes = new Hono<AppEnv>();
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', async (c) => {
    const ready = await store.ping().catch(() => false);
    if (!ready) throw new ServerError('ERR_UNAVAILABLE', 'the store does not answer');
    return c.json({ status: 'ready' });
  });
  routes.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
  return routes;
}
