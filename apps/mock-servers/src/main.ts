#!/usr/bin/env node
// sigil-mocks: starts the vendor emulators, one port each on 127.0.0.1.
import { serve } from '@hono/node-server';
import { createPingIdMock } from './pingid/pingid-mock.js';

const DEFAULT_PINGID_PORT = 9104;

function main(): void {
  const port = Number(process.env.SIGIL_MOCKS_PINGID_PORT ?? DEFAULT_PINGID_PORT);
  serve({ fetch: createPingIdMock().fetch, hostname: '127.0.0.1', port }, (info) => {
    process.stdout.write(`pingid mock listening on http://127.0.0.1:${info.port}/pingid/v1\n`);
  });
}

main();
