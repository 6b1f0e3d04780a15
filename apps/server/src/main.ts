#!/usr/bin/env node
// sigil-server: reads the configuration, prepares the data directory, starts HTTP, handles signals.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, readConfig } from './config.js';

function main(): void {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sigil-server: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const server = serve({ fetch: createApp().fetch, hostname: config.host, port: config.port }, (info) => {
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'listening', url, dataDir })}\n`);
    process.stdout.write(`Sigil server listening on ${url} (data: ${dataDir})\n`);
  });

  const shutdown = (signal: string) => {
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'shutting down', signal })}\n`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main();
