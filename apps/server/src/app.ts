// Composes the hono app from the route modules.
import { Hono } from 'hono';
import { healthRoutes } from './routes/health.js';

/** The whole HTTP surface of the server. */
export function createApp(): Hono {
  const app = new Hono();
  app.route('/', healthRoutes());
  app.notFound((c) => c.json({ error: { code: 'ERR_NOT_FOUND', message: 'no such route' } }, 404));
  return app;
}
