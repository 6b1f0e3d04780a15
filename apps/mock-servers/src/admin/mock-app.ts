// Composes one mock: journal and fault middleware outermost, the admin API, the vendor routes (each served and
// documented by one declaration), and the MockServer the command starts.
import { type Context, type Handler, Hono, type MiddlewareHandler } from 'hono';
import type { MockBanner, MockServer } from '../mock-server.js';
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
  readonly journalCapacity?: number | undefined;
  readonly scenarios: readonly ScenarioDefinition<unknown>[];
  /** What `GET /__admin/fixtures` answers. */
  readonly fixtures: () => unknown;
  readonly resetState: () => void;
  /** The vendor's error answer (its own body shape) for a status. */
  readonly errorResponse: (c: Context<MockEnv>, status: number, message: string) => Response;
  /** The vendor's answer to an error a route threw, or undefined for a 500. */
  readonly answerError?: (c: Context<MockEnv>, error: Error) => Response | undefined;
  /** The API URL clients use and the credentials the banner prints, given the mock's origin. */
  readonly banner: (origin: string) => MockBanner;
}

/** The hono path of an OpenAPI path: `{name}` becomes `:name`. */
export type HonoPath<Path extends string> = Path extends `${infer Head}{${infer Name}}${infer Tail}`
  ? `${Head}:${Name}${HonoPath<Tail>}`
  : Path;

/** A handler of a declared route, its path parameters typed. */
export type RouteHandler<Path extends string> =
  | Handler<MockEnv, HonoPath<Path>>
  | MiddlewareHandler<MockEnv, HonoPath<Path>>;

/** A composed mock: its app, admin stores, the route declaration and the server the command starts. */
export interface MockApp {
  readonly app: Hono<MockEnv>;
  readonly journal: RequestJournal;
  readonly faults: FaultStore;
  readonly scenarios: ScenarioStore;
  /**
   * Declares a vendor route: served at `route.path` (an OpenAPI path, matched case-insensitively when the vendor's
   * paths are) and listed in `/__admin/openapi.json`, so nothing is served undocumented.
   */
  route<Path extends string>(
    route: DocumentedRoute & { readonly path: Path },
    ...handlers: [RouteHandler<Path>, ...RouteHandler<Path>[]]
  ): void;
  readonly server: MockServer;
}

// `{name}` -> `:name`; literal segments lowercased when the app routes the lowercased path.
function honoPath(path: string, caseInsensitive: boolean): string {
  return path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment)?.[1];
      if (parameter !== undefined) return `:${parameter}`;
      return caseInsensitive ? segment.toLowerCase() : segment;
    })
    .join('/');
}

/**
 * The hono app of one mock with the admin surface in place; vendor routes are declared with `route`.
 * @throws {TypeError} when errorResponse or banner is missing
 */
export function createMockApp(options: MockAppOptions): MockApp {
  if (typeof options?.errorResponse !== 'function') throw new TypeError('createMockApp needs errorResponse');
  if (typeof options.banner !== 'function') throw new TypeError('createMockApp needs banner');
  const caseInsensitive = options.caseInsensitivePaths === true;
  const app = caseInsensitive
    ? new Hono<MockEnv>({ getPath: (request) => new URL(request.url).pathname.toLowerCase() })
    : new Hono<MockEnv>();
  const journal = createRequestJournal(options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY, caseInsensitive);
  const faults = createFaultStore(caseInsensitive);
  const scenarios = createScenarioStore(options.scenarios);
  const documented: DocumentedRoute[] = [];

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
      routes: documented,
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

  return {
    app,
    journal,
    faults,
    scenarios,
    route(route, ...handlers) {
      documented.push(route);
      app.on(
        route.method.toUpperCase(),
        honoPath(route.path, caseInsensitive),
        ...(handlers as [Handler, ...Handler[]]),
      );
    },
    server: {
      name: options.mock,
      title: options.title,
      app,
      fixtures: options.fixtures,
      banner: options.banner,
    },
  };
}
