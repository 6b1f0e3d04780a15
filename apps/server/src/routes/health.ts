// Liveness and readiness probes.
import { Hono } from 'hono';

/** `GET /healthz`: the process is up. `GET /readyz`: it can serve requests. */
export function healthRoutes(): Hono {
  const routes = new Hono();
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', (c) => c.json({ status: 'ready' }));
  return routes;
}
