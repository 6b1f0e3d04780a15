// The PingID SDK emulator: PingID's own routes under /pingid/v1, answering in PingID's error shape.
import { Hono } from 'hono';

/** PingID's error body (seed README: {code, message, target, details[{code, message}]}). */
interface PingIdErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: Array<{ code: string; message: string }>;
}

function pingIdError(code: string, message: string, target?: string): PingIdErrorBody {
  return { code, message, ...(target ? { target } : {}), details: [] };
}

/**
 * The PingID mock app. Every request under /pingid/v1 must carry a `PINGID-HMAC=` authorization header
 * (seed 004: "Any attempt to send requests without ... an authorization header results in 401").
 */
export function createPingIdMock(): Hono {
  const app = new Hono();
  app.use('/pingid/v1/*', async (c, next) => {
    const authorization = c.req.header('authorization');
    if (!authorization?.startsWith('PINGID-HMAC=')) {
      return c.json(
        pingIdError('UNAUTHORIZED', 'missing or malformed authorization header', 'authorization'),
        401,
      );
    }
    await next();
  });
  app.notFound((c) => c.json(pingIdError('NOT_FOUND', 'resource not found', c.req.path), 404));
  return app;
}
