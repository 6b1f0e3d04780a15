#!/usr/bin/env node
// sigil-server: reads the configuration, opens the store, starts HTTP, and drains in-flight work on SIGTERM/SIGINT.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createSigil } from './app.js';
import { ConfigError, readConfig, type ServerConfig } from './config.js';
import { Metrics } from './metrics.js';
import { loadMasterKey } from './store/master-key.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config: ServerConfig;
  let masterKey: Buffer;
  let directory: string;
  try {
    config = readConfig(process.env, process.argv.slice(2));
    directory = resolve(config.dataDir);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    masterKey = loadMasterKey(config.masterKey, directory);
    if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
      throw new ConfigError('SIGIL_DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sigil-server: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'sigil-server' } });
  // PostgreSQL when SIGIL_DATABASE_URL is set (several processes may share it), else the embedded store.
  let store: Store;
  try {
    store =
      config.databaseUrl === undefined
        ? openSqliteStore(directory)
        : await openPostgresStore(config.databaseUrl);
  } catch (error) {
    process.stderr.write(`sigil-server: cannot open the store: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const sigil = createSigil({
    store,
    masterKey,
    logger,
    metrics: new Metrics(true),
    pingoneHeaders: config.pingoneHeaders,
    cryptoEngine: config.cryptoEngine,
    signingWorkers: config.signingWorkers,
    ...(config.rateLimitPerSecond > 0
      ? { rateLimit: { requestsPerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst } }
      : {}),
    jobLeaseMs: config.jobLeaseMs,
  });
  const generatedAdminToken = await sigil.services.tokens.bootstrapAdmin(config.adminToken);
  // Accepted asynchronous SignPath requests were persisted first: finish those a previous process left behind.
  const resumed = await sigil.resumePendingJobs();
  if (resumed > 0) logger.info({ resumed }, 'resuming accepted SignPath requests');

  const server = serve({ fetch: sigil.app.fetch, hostname: config.host, port: config.port }, (info) => {
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    logger.info(
      { url, dataDir: directory, startupMs: Math.round(performance.now() - startedAt) },
      'listening',
    );
    process.stdout.write(`Sigil server listening on ${url} (data: ${directory})\n`);
    process.stdout.write(`API docs: ${url}/docs (OpenAPI: ${url}/openapi.json)\n`);
    if (generatedAdminToken !== undefined) {
      process.stdout.write(
        `Admin token (shown once, store it now): ${generatedAdminToken}\n` +
          '  use it as "Authorization: Bearer <token>"; set SIGIL_ADMIN_TOKEN to choose your own\n',
      );
    }
  }) as Server;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await sigil.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
