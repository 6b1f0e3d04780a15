// `GET /v1/backup`: a consistent copy of the embedded store, taken while the server keeps serving, for an admin.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.js';
import { bearerAuth } from '../middleware/auth.js';
import { CLIENT_ERRORS, SECURITY } from '../openapi.js';
import { type AuditLog, auditEntry } from '../services/audit.js';
import type { TokenService } from '../services/tokens.js';
import type { Store } from '../store/store.js';
import { actorOf } from './actor.js';

/** What the backup route needs. */
export interface BackupRouteServices {
  readonly store: Store;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
}

/**
 * `GET /v1/backup` (admin): the embedded store as one SQLite file, consistent as of one moment. Its secrets stay
 * sealed under the master key, which is not in it: restore it as `sigil.db` in a data directory and start with the
 * same master key. A PostgreSQL store answers 409 (back it up with pg_dump).
 */
export function backupRoutes(services: BackupRouteServices): OpenAPIHono<AppEnv> {
  const { store, tokens, audit } = services;
  const routes = new OpenAPIHono<AppEnv>();
  routes.openapi(
    createRoute({
      method: 'get',
      path: '/backup',
      tags: ['operations'],
      summary: 'Download a consistent copy of the embedded store (SQLite), taken while the server serves',
      security: SECURITY.bearer,
      middleware: bearerAuth({ tokens, audit, scope: 'admin' }),
      responses: {
        200: {
          description:
            'the database file; its secrets stay sealed under the master key, which it does not hold',
          content: { 'application/vnd.sqlite3': { schema: z.string() } },
        },
        ...CLIENT_ERRORS,
      },
    }),
    async (c) => {
      // Recorded first: a copy of every key's sealed material leaves the server.
      await audit.record(auditEntry(actorOf(c), 'backup'));
      const directory = mkdtempSync(join(tmpdir(), 'sigil-backup-'));
      try {
        const file = join(directory, 'sigil.db');
        await store.backup(file);
        const bytes = readFileSync(file);
        const stamp = new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
        return c.body(bytes, 200, {
          'Content-Type': 'application/vnd.sqlite3',
          'Content-Disposition': `attachment; filename="sigil-${stamp}.db"`,
        });
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
  return routes;
}
