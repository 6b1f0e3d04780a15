#!/usr/bin/env node
// sigil-server: reads the configuration, opens the store, starts HTTP, and drains in-flight work on SIGTERM/SIGINT.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import pino from 'pino';
import { createSigil } from './app.js';
import { ConfigError, helpText, readConfig, type ServerConfig } from './config.js';
import { DroppingLogDestination } from './log-destination.js';
import { Metrics } from './metrics.js';
import { runRotateMasterKey } from './rotate-command.js';
import { openMasterKey } from './store/master-key.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore, StoreLockedError } from './store/sqlite.js';
import type { Store } from './store/store.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** Ends a start that cannot go on with one line naming the reason (no stack trace). */
function refuseToStart(message: string, exitCode = 1): never {
  process.stderr.write(`sigil-server: ${message}\n`);
  process.exit(exitCode);
}

/** The one-line reason of a failed filesystem call on the data directory. */
function describeFsError(error: unknown, directory: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    return `cannot write the data directory ${directory}: permission denied`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `the data directory ${directory} is not a directory`;
  if (code === 'EROFS') return `the data directory ${directory} is on a read-only file system`;
  return `cannot use the data directory ${directory}: ${(error as Error).message}`;
}

/** The store in use, for the banner: the embedded one's directory, or PostgreSQL's address (never its password). */
function describeStore(config: ServerConfig, directory: string): string {
  if (config.databaseUrl === undefined) return `embedded, ${directory}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  // Everything the server creates (database, WAL, master key, directories) is its owner's alone.
  process.umask(0o077);
  let config: ServerConfig;
  let directory: string;
  try {
    config = readConfig(process.env, process.argv.slice(2));
    directory = resolve(config.dataDir);
    if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
      throw new ConfigError('SIGIL_DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error.message, 2);
    throw error;
  }
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    refuseToStart(describeFsError(error, directory));
  }
  // Nothing the process prints may block it: a failed write to a closed or full output is dropped (and counted).
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const logDestination = new DroppingLogDestination(1);
  const logger = pino({ level: config.logLevel, base: { service: 'sigil-server' } }, logDestination);
  // PostgreSQL when SIGIL_DATABASE_URL is set (several processes may share it), else the embedded store.
  let store: Store;
  try {
    store =
      config.databaseUrl === undefined
        ? openSqliteStore(directory)
        : await openPostgresStore(config.databaseUrl);
  } catch (error) {
    if (error instanceof StoreLockedError) refuseToStart(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY')
      refuseToStart(describeFsError(error, directory));
    refuseToStart(`cannot open the store: ${(error as Error).message}`);
  }
  let masterKey: Buffer;
  try {
    masterKey = await openMasterKey(config.masterKey, directory, store);
  } catch (error) {
    await store.close();
    if (error instanceof ConfigError) refuseToStart(error.message, 2);
    refuseToStart(describeFsError(error, directory));
  }
  const metrics = new Metrics(true);
  metrics.countDroppedLogLines(() => logDestination.dropped);
  const sigil = createSigil({
    store,
    masterKey,
    logger,
    metrics,
    pingoneHeaders: config.pingoneHeaders,
    cryptoEngine: config.cryptoEngine,
    signingWorkers: config.signingWorkers,
    ...(config.rateLimitPerSecond > 0
      ? { rateLimit: { requestsPerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst } }
      : {}),
    jobLeaseMs: config.jobLeaseMs,
    metricsAuth: config.metricsAuth,
  });
  const server = createServer();
  // A port in use or not allowed: one line, and nothing claimed (jobs are resumed only once listening succeeded).
  server.once('error', (error: NodeJS.ErrnoException) => {
    const where = `${config.host}:${config.port}`;
    const reason =
      error.code === 'EADDRINUSE'
        ? `${where} is in use by another process: stop it or set SIGIL_PORT`
        : error.code === 'EACCES'
          ? `not allowed to listen on ${where}: choose a port above 1023 with SIGIL_PORT`
          : error.code === 'EADDRNOTAVAIL'
            ? `${config.host} is not an address of this machine: check SIGIL_HOST`
            : `cannot listen on ${where}: ${error.message}`;
    void sigil.close().finally(() => refuseToStart(reason));
  });
  let stopping = false;
  // Answers under way: once stopping, each closes its connection (RFC 9112 §9.6 `Connection: close`), so keep-alive
  // clients go elsewhere and the in-flight work drains instead of new requests arriving on old connections.
  const inFlight = new Set<ServerResponse>();
  const closeAfterAnswer = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
  };
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    if (stopping) closeAfterAnswer(response);
    response.once('close', () => {
      inFlight.delete(response);
      if (stopping) server.closeIdleConnections();
    });
  });
  server.on('request', getRequestListener(sigil.app.fetch));
  server.listen({ host: config.host, port: config.port }, async () => {
    const info = server.address() as AddressInfo;
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    // Generated only once listening succeeded, so that a failed start never creates a token nobody saw.
    const generatedAdminToken = await sigil.services.tokens.bootstrapAdmin(config.adminToken);
    // Accepted asynchronous SignPath requests were persisted first: finish those a previous process left behind.
    const resumed = await sigil.resumePendingJobs();
    if (resumed > 0) logger.info({ resumed }, 'resuming accepted SignPath requests');
    logger.info(
      { url, dataDir: directory, startupMs: Math.round(performance.now() - startedAt) },
      'listening',
    );
    process.stdout.write(`Sigil server listening on ${url} (store: ${describeStore(config, directory)})\n`);
    process.stdout.write(`API docs: ${url}/docs (OpenAPI: ${url}/openapi.json)\n`);
    if (generatedAdminToken !== undefined) {
      process.stdout.write(
        `Admin token (shown once, store it now): ${generatedAdminToken}\n` +
          '  use it as "Authorization: Bearer <token>"; set SIGIL_ADMIN_TOKEN to choose your own\n',
      );
    }
  });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    for (const response of inFlight) closeAfterAnswer(response);
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      logDestination.flushSync();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // Stops accepting connections; the callback runs once every open one has ended.
    server.close(async () => {
      await sigil.close();
      logger.info('stopped');
      logDestination.flushSync();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv.slice(2).some((argument) => argument === '--help' || argument === '-h')) {
  process.stdout.write(helpText());
} else if (process.argv[2] === 'rotate-master-key') {
  process.umask(0o077);
  void runRotateMasterKey(process.env, process.argv.slice(3)).then((outcome) => {
    process.stdout.write(outcome.stdout);
    process.stderr.write(outcome.stderr);
    process.exitCode = outcome.code;
  });
} else {
  void main();
}
