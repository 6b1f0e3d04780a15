// Composes the hono app: services over one store, the middleware chain, and the route modules of every surface.
import { randomBytes } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { getPath } from 'hono/utils/url';
import pino, { type Logger } from 'pino';
import type { AppEnv } from './context.js';
import { renderError, ServerError, surfaceOf, toServerError } from './errors.js';
import { Metrics } from './metrics.js';
import { type RateLimitOptions, rateLimit } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import { openApiDocument, registerSecuritySchemes } from './openapi.js';
import { FortanixKeyProvider } from './providers/fortanix.js';
import { LocalKeyProvider } from './providers/local.js';
import { DEFAULT_REMOTE_CALL_POLICY, type RemoteCallPolicy } from './providers/remote.js';
import type { CryptoEngineName } from './providers/signing-engine.js';
import { createSigningPool } from './providers/signing-pool.js';
import { SignPathKeyProvider } from './providers/signpath.js';
import { adminRoutes } from './routes/admin.js';
import { backupRoutes } from './routes/backup.js';
import { docsRoutes } from './routes/docs.js';
import { fortanixRoutes } from './routes/fortanix.js';
import { healthRoutes } from './routes/health.js';
import { nativeRoutes } from './routes/native.js';
import { validationError } from './routes/parse.js';
import { pingOneRoutes } from './routes/pingone.js';
import { SIGNPATH_PREFIX, signPathRoutes, signPathRoutingPath } from './routes/signpath.js';
import { AuditLog } from './services/audit.js';
import { FortanixService } from './services/fortanix.js';
import { JobQueue } from './services/jobs.js';
import { KeyService } from './services/keys.js';
import { NativeService } from './services/native.js';
import { PingOneService } from './services/pingone.js';
import { SigningService } from './services/signing.js';
import { SignPathService } from './services/signpath.js';
import { TokenService } from './services/tokens.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** The default request body limit, in bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** What createSigil builds the app from; everything has a default suitable for tests. */
export interface AppOptions {
  /** The store; an in-memory SQLite database by default. */
  readonly store?: Store;
  /** The 32-byte master key; random by default. */
  readonly masterKey?: Uint8Array;
  /** JSON logger; silent by default. */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Header/value pairs PingOne sends (SIGIL_PINGONE_HEADERS). */
  readonly pingoneHeaders?: Readonly<Record<string, string>>;
  readonly bodyLimitBytes?: number;
  /** SIGIL_CRYPTO_ENGINE: who does the RSA private operation (`native` node:crypto by default). */
  readonly cryptoEngine?: CryptoEngineName;
  /** SIGIL_JOB_LEASE_MS: how long an accepted SignPath request stays with a process that stops renewing it. */
  readonly jobLeaseMs?: number;
  /** Timeouts and retries of calls to Fortanix DSM and SignPath (remote key providers). */
  readonly remoteCallPolicy?: Partial<RemoteCallPolicy>;
  /** SIGIL_WORKERS: worker threads for local signing; 0 (the default here) signs on the main thread. */
  readonly signingWorkers?: number;
  /** The compiled signing worker module (tests running from sources point at dist/). */
  readonly signingWorkerFile?: URL;
  /** Per-token rate limit; none when undefined. */
  readonly rateLimit?: RateLimitOptions;
  /** SIGIL_METRICS_AUTH: `token` puts /metrics behind a token with the `metrics` scope. */
  readonly metricsAuth?: 'none' | 'token';
}

/** The services behind the routes. */
export interface Services {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly tokens: TokenService;
  readonly keys: KeyService;
  readonly signing: SigningService;
  readonly native: NativeService;
  readonly pingone: PingOneService;
  readonly signpath: SignPathService;
  readonly jobs: JobQueue;
  readonly fortanix: FortanixService;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** An app with its services. */
export interface Sigil {
  readonly app: OpenAPIHono<AppEnv>;
  readonly services: Services;
  /**
   * Queues the asynchronous SignPath requests a previous process accepted but did not finish (those no live process
   * holds), and from then on takes over those of processes that die; how many were queued now.
   */
  resumePendingJobs(): Promise<number>;
  /** Waits for background work and closes the store. */
  close(): Promise<void>;
}

/** Builds the services and the whole HTTP surface. */
export function createSigil(options: AppOptions = {}): Sigil {
  const store = options.store ?? new SqliteStore(':memory:');
  const masterKey = options.masterKey ?? randomBytes(32);
  const logger = options.logger ?? pino({ level: 'silent' });
  const metrics = options.metrics ?? new Metrics();
  const audit = new AuditLog(store, masterKey);
  const tokens = new TokenService(store, audit, masterKey);
  const remoteCallPolicy = { ...DEFAULT_REMOTE_CALL_POLICY, ...options.remoteCallPolicy };
  const cryptoEngine = options.cryptoEngine ?? 'native';
  const signingPool = createSigningPool({
    threads: options.signingWorkers ?? 0,
    engine: cryptoEngine,
    masterKey,
    workerFile: options.signingWorkerFile,
  });
  const keys = new KeyService(store, new LocalKeyProvider(masterKey, signingPool), audit, [
    new FortanixKeyProvider(masterKey, { policy: remoteCallPolicy }),
    new SignPathKeyProvider(masterKey, { policy: remoteCallPolicy }),
  ]);
  const signing = new SigningService(store, keys, audit, metrics);
  const native = new NativeService(keys, signing, audit);
  const pingone = new PingOneService(store, signing, audit);
  const signpath = new SignPathService(store, keys, signing, audit);
  const jobs = new JobQueue(
    (id) => signpath.process(id),
    logger,
    {
      claim: (id, owner, expiresAt) => store.claimSignPathRequest(id, owner, expiresAt),
      claimAbandoned: (owner, expiresAt, limit) =>
        store.claimAbandonedSignPathRequests(owner, expiresAt, limit),
      renew: (owner, expiresAt) => store.renewSignPathRequestLeases(owner, expiresAt),
    },
    options.jobLeaseMs,
  );
  signpath.useJobs(jobs);
  const fortanix = new FortanixService(store, keys, signing, tokens, audit, cryptoEngine);
  const services: Services = {
    store,
    audit,
    tokens,
    keys,
    signing,
    native,
    pingone,
    signpath,
    jobs,
    fortanix,
    metrics,
    logger,
  };

  // SignPath binds paths case-insensitively: a path under its prefix is routed in the casing its routes declare.
  const signPathPrefix = new RegExp(`^${SIGNPATH_PREFIX}/`, 'i');
  const app: OpenAPIHono<AppEnv> = new OpenAPIHono<AppEnv>({
    getPath: (request) => {
      const path = getPath(request);
      return signPathPrefix.test(path) ? signPathRoutingPath(app.routes, request.method, path) : path;
    },
    // Handlers parse bodies themselves (routes/parse.ts); any check @hono/zod-openapi makes fails the same way.
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
  registerSecuritySchemes(app);
  app.use(requestContext({ logger, metrics }));
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      onError: () => {
        throw new ServerError('ERR_PAYLOAD_TOO_LARGE', 'the request body is too large');
      },
    }),
  );
  if (options.rateLimit !== undefined) app.use(rateLimit(options.rateLimit));
  app.route('/', healthRoutes({ store, metrics, tokens, audit, metricsAuth: options.metricsAuth ?? 'none' }));
  const describeApp = () => openApiDocument(app);
  app.route('/', docsRoutes(describeApp));
  app.route('/v1', nativeRoutes(services));
  app.route('/v1', adminRoutes(services));
  app.route('/v1', backupRoutes(services));
  app.route('/pingone', pingOneRoutes({ ...services, pingoneHeaders: options.pingoneHeaders }));
  app.route(SIGNPATH_PREFIX, signPathRoutes(services));
  app.route('/fortanix', fortanixRoutes(services));

  app.onError((error, c) => {
    const failure = toServerError(error);
    const requestId = c.get('requestId') ?? 'unknown';
    if (failure.status >= 500) logger.error({ requestId, err: failure.cause ?? failure }, 'request failed');
    const rendered = renderError(failure, surfaceOf(c.req.path), requestId);
    return c.body(rendered.body, rendered.status as 400, { 'Content-Type': rendered.contentType });
  });
  // A path the app serves, asked with another method: 405 with the methods it has (RFC 9110 §15.5.6).
  const methodsOf = (path: string): string[] =>
    [
      ...new Set(
        app.routes
          .filter((route) => route.method !== 'ALL' && routePattern(route.path).test(path))
          .map((route) => route.method),
      ),
    ].sort();
  app.notFound((c) => {
    const allowed = methodsOf(c.req.path);
    const failure =
      allowed.length > 0
        ? new ServerError(
            'ERR_METHOD_NOT_ALLOWED',
            `${c.req.method} is not allowed here; use ${allowed.join(' or ')}`,
          )
        : new ServerError('ERR_NOT_FOUND', 'no such route');
    const rendered = renderError(failure, surfaceOf(c.req.path), c.get('requestId') ?? 'unknown');
    return c.body(rendered.body, rendered.status as 404, {
      'Content-Type': rendered.contentType,
      ...(allowed.length > 0 ? { Allow: allowed.join(', ') } : {}),
    });
  });
  const close = async () => {
    jobs.stop();
    await jobs.drain();
    await signingPool.close();
    await store.close();
  };
  const resumePendingJobs = async () => {
    const queued = await jobs.resume();
    jobs.watch();
    return queued;
  };
  return { app, services, resumePendingJobs, close };
}

const routePatterns = new Map<string, RegExp>();

/** A hono route path (`/v1/keys/:id`, `*`) as an anchored pattern over request paths. */
function routePattern(path: string): RegExp {
  let pattern = routePatterns.get(path);
  if (pattern === undefined) {
    const source = path
      .split('/')
      .map((segment) =>
        segment.startsWith(':')
          ? '[^/]+'
          : segment === '*'
            ? '.*'
            : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    pattern = new RegExp(`^${source}/?$`);
    routePatterns.set(path, pattern);
  }
  return pattern;
}

/** The whole HTTP surface of the server. */
export function createApp(options: AppOptions = {}): OpenAPIHono<AppEnv> {
  return createSigil(options).app;
}
