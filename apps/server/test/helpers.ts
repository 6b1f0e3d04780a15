// Shared test setup: an app over the store of the running vitest project (SQLite in a temporary directory, or a
// fresh schema on the test PostgreSQL), an admin token, and a JSON request helper.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type AppOptions, createSigil, type Sigil } from '../src/app.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';

/** The store the in-process tests run on, chosen by the vitest project (`SIGIL_TEST_STORE`). */
export const testStoreKind: 'sqlite' | 'postgres' =
  process.env.SIGIL_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** A store the tests may also reach around: raw SQL to tamper with rows or read them back. */
export type TestStore = Store & { exec(query: string): unknown };

let administration: postgres.Sql | undefined;

/**
 * A new, empty schema on the test PostgreSQL, as a URL whose `search_path` selects it: every test server gets a
 * database of its own without the cost of CREATE DATABASE.
 */
export async function freshDatabaseUrl(): Promise<string> {
  const base = inject('sigilTestDatabaseUrl');
  administration ??= postgres(base, { max: 1, idle_timeout: 1, onnotice: () => {} });
  const schema = `sigil_${randomUUID().replaceAll('-', '')}`;
  await administration.unsafe(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('search_path', schema);
  return url.toString();
}

/** Environment for a built server process on the project's store: SIGIL_DATABASE_URL on a fresh schema, or none. */
export async function processStoreEnvironment(): Promise<Record<string, string>> {
  return testStoreKind === 'postgres' ? { SIGIL_DATABASE_URL: await freshDatabaseUrl() } : {};
}

/** Opens the project's store: `dataDir` holds the SQLite file; PostgreSQL gets a fresh schema. */
export async function openTestStore(dataDir: string): Promise<TestStore> {
  if (testStoreKind === 'sqlite') return openSqliteStore(dataDir);
  // Test apps are rarely closed: idle connections go away on their own.
  return openPostgresStore(await freshDatabaseUrl(), { maxConnections: 4, idleTimeoutSeconds: 2 });
}

/** A test server: the app, its store and data directory, an admin token, and captured log lines. */
export interface TestServer {
  readonly sigil: Sigil;
  readonly store: TestStore;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly logs: string[];
  /** A request with an optional JSON body and bearer token; the response body is parsed when it is JSON. */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      token?: string | null;
      headers?: Record<string, string>;
      raw?: RequestInit['body'];
    },
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

/** Starts an in-process server on the project's store; `wrapStore` lets a test inject failures. */
export async function startTestServer(
  options: Omit<AppOptions, 'store' | 'logger'> & { wrapStore?: (store: Store) => Store } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-test-'));
  const store = await openTestStore(dataDir);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const sigil = createSigil({
    masterKey: randomBytes(32),
    ...options,
    store: options.wrapStore ? options.wrapStore(store) : store,
    logger: pino({ level: 'info' }, stream),
  });
  const adminToken = (await sigil.services.tokens.bootstrapAdmin(undefined)) ?? '';
  const call: TestServer['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    const token = callOptions.token === undefined ? adminToken : callOptions.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: RequestInit['body'] = callOptions.raw;
    if (callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await sigil.app.request(path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  };
  return { sigil, store, dataDir, adminToken, logs, call };
}
