// Shared test setup: an app over a SQLite store in a temporary directory, an admin token, and a JSON request helper.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type AppOptions, createSigil, type Sigil } from '../src/app.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';

/** A test server: the app, its store and data directory, an admin token, and captured log lines. */
export interface TestServer {
  readonly sigil: Sigil;
  readonly store: SqliteStore;
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

/** Starts an in-process server; `wrapStore` lets a test inject failures. */
export async function startTestServer(
  options: Omit<AppOptions, 'store' | 'logger'> & { wrapStore?: (store: Store) => Store } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-test-'));
  const store = openSqliteStore(dataDir);
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
