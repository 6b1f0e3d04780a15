// Composes one mock's hono app: journal and fault middleware outermost, the admin API, then the vendor routes.
import { type Context, Hono } from 'hono';
import type { DocumentedRoute } from './admin-openapi.js';
import { adminRoutes } from './admin-routes.js';
import { createFaultStore, type FaultStore, faultInjection } from './faults.js';
import { ADMIN_PREFIX, type MockEnv, type MockName } from './mock-env.js';
import {
  ConnectionResetFault,
  createRequestJournal,
  type RequestJournal,
  requestJournal,
} from './request-journal.js';
import { createScenarioStore, type ScenarioDefinition, type ScenarioStore } from './scenarios.js';

/** Journal capacity when none is configured. */
export const DEFAULT_JOURNAL_CAPACITY = 1000;

/** Options of {@link createMockApp}. */
export interface MockAppOptions {
  readonly mock: MockName;
  readonly title: string;
  /** Route paths case-insensitively (SignPath does). */
  readonly caseInsensitivePaths?: boolean;
  readonly journalCapacity?: number;
  readonly scenarios: readonly ScenarioDefinition<unknown>[];
  readonly fixtures: () => unknown;
  readonly resetState: () => void;
  /** The vendor's error answer (its own body shape) for a status. */
  readonly errorResponse: (c: Context<MockEnv>, status: number, message: string) => Response;
  /** The vendor's answer to an error a route threw, or undefined for a 500. */
  readonly answerError?: (c: Context<MockEnv>, error: Error) => Response | undefined;
  readonly routes: readonly DocumentedRoute[];
}

/** A composed mock app and its admin stores; vendor routes are added to `app` afterwards. */
export interface MockApp {
  readonly app: Hono<MockEnv>;
  readonly journal: RequestJournal;
  readonly faults: FaultStore;
  readonly scenarios: ScenarioStore;
}

/**
 * The hono app of one mock with the admin surface in place.
 * @throws {TypeError} when errorResponse is missing
 */
export function createMockApp(options: MockAppOptions): MockApp {
  if (typeof options?.errorResponse !== 'function') throw new TypeError('createMockApp needs errorResponse');
  const caseInsensitive = options.caseInsensitivePaths === true;
  const app = caseInsensitive
    ? new Hono<MockEnv>({ getPath: (request) => new URL(request.url).pathname.toLowerCase() })
    : new Hono<MockEnv>();
  const journal = createRequestJournal(options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY, caseInsensitive);
  const faults = createFaultStore(caseInsensitive);
  const scenarios = createScenarioStore(options.scenarios);

  app.use('*', requestJournal({ journal, mock: options.mock }));
  app.use('*', faultInjection({ faults, mock: options.mock, errorResponse: options.errorResponse }));
  app.route(
    ADMIN_PREFIX,
    adminRoutes({
      mock: options.mock,
      title: options.title,
      journal,
      faults,
      scenarios,
      fixtures: options.fixtures,
      resetState: options.resetState,
      routes: options.routes,
    }),
  );
  app.onError((error, c) => {
    // A reset must reach the server adapter (or reject app.request()), never become an answer.
    if (error instanceof ConnectionResetFault) throw error;
    return options.answerError?.(c, error) ?? options.errorResponse(c, 500, error.message);
  });
  app.notFound((c) =>
    options.errorResponse(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  return { app, journal, faults, scenarios };
}
