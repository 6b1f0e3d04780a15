// The shared admin API under /__admin/: journal, fixtures, faults, scenarios, reset and the OpenAPI document.
import { Hono } from 'hono';
import { type DocumentedRoute, mockOpenApiDocument } from './admin-openapi.js';
import { type FaultStore, faultDefinitionSchema } from './faults.js';
import type { MockEnv, MockName } from './mock-env.js';
import type { RequestJournal } from './request-journal.js';
import type { ScenarioStore } from './scenarios.js';

/** Options of {@link adminRoutes}. */
export interface AdminRoutesOptions {
  readonly mock: MockName;
  readonly title: string;
  readonly journal: RequestJournal;
  readonly faults: FaultStore;
  readonly scenarios: ScenarioStore;
  /** The fixtures as `GET /__admin/fixtures` answers them. */
  readonly fixtures: () => unknown;
  /** Puts the vendor state back to the fixtures. */
  readonly resetState: () => void;
  /** The vendor routes, read on each request for the document (they are declared after the admin API is mounted). */
  readonly routes: readonly DocumentedRoute[];
}

function adminError(code: string, message: string) {
  return { code, message };
}

async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(await request.text()) };
  } catch {
    return { ok: false };
  }
}

/**
 * The admin sub-app, to mount at `/__admin`.
 * @throws {TypeError} when a store is missing
 */
export function adminRoutes(options: AdminRoutesOptions): Hono<MockEnv> {
  if (!options?.journal || !options.faults || !options.scenarios)
    throw new TypeError('adminRoutes needs its stores');
  const { journal, faults, scenarios } = options;
  const admin = new Hono<MockEnv>();

  admin.get('/requests', (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      return c.json(adminError('INVALID_QUERY', 'limit must be a positive integer'), 400);
    }
    const found = journal.find({ method: c.req.query('method'), path: c.req.query('path'), limit });
    return c.json({ requests: found.requests, meta: { total: found.total, capacity: journal.capacity } });
  });
  admin.delete('/requests', (c) => {
    journal.clear();
    return c.body(null, 204);
  });

  admin.get('/fixtures', (c) => c.json(options.fixtures() as object));

  admin.get('/faults', (c) => c.json({ faults: faults.list() }));
  admin.post('/faults', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return c.json(adminError('INVALID_JSON', 'body must be JSON'), 400);
    const parsed = faultDefinitionSchema.safeParse(body.value);
    if (!parsed.success) {
      return c.json(
        adminError(
          'INVALID_FAULT',
          'a fault is {method?, path, times?} plus exactly one of {status, body?}, {delayMs}, {reset: true}, {malformed: true}, {corruptSignature: true}',
        ),
        400,
      );
    }
    return c.json(faults.add(parsed.data), 201);
  });
  admin.delete('/faults', (c) => {
    faults.clear();
    return c.body(null, 204);
  });
  admin.delete('/faults/:id', (c) =>
    faults.remove(c.req.param('id'))
      ? c.body(null, 204)
      : c.json(adminError('NOT_FOUND', 'no such fault'), 404),
  );

  admin.get('/scenarios', (c) => c.json({ scenarios: scenarios.list() }));
  admin.post('/scenarios/reset', (c) => {
    scenarios.reset();
    return c.body(null, 204);
  });
  admin.put('/scenarios/:name', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return c.json(adminError('INVALID_JSON', 'body must be JSON'), 400);
    const result = scenarios.set(c.req.param('name'), body.value);
    if (!result.ok) return c.json(adminError('INVALID_SCENARIO', result.message), result.status);
    return c.json({ name: c.req.param('name'), state: result.state });
  });

  admin.post('/reset', (c) => {
    options.resetState();
    journal.clear();
    faults.clear();
    scenarios.reset();
    return c.body(null, 204);
  });

  admin.get('/openapi.json', (c) => c.json(mockOpenApiDocument(options.mock, options.title, options.routes)));
  return admin;
}
