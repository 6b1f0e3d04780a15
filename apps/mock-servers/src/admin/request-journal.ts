// The request journal: a capped, newest-first log of the vendor requests a mock received, and its middleware.
import type { MiddlewareHandler } from 'hono';
import { isCoreAdminPath, type MockEnv, type MockName } from './mock-env.js';
import { matchesMethod, matchesPathPattern } from './path-pattern.js';

/** Longest body text kept per journal entry. */
const BODY_LIMIT = 64 * 1024;

/** One logged request and what the mock answered. */
export interface JournalEntry {
  readonly id: number;
  readonly loggedAt: string;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly path: string;
    readonly query: string;
    readonly headers: Record<string, string>;
    readonly body: string;
  };
  readonly response: { readonly status: number; readonly headers: Record<string, string> } | null;
  /** The fault that was applied, if any. */
  readonly fault: string | null;
  /** True when the connection was reset instead of answered. */
  readonly connectionReset: boolean;
  readonly durationMs: number;
}

/** Filters of {@link RequestJournal.find}. */
export interface JournalFilter {
  readonly method?: string | undefined;
  /** Exact path, or a prefix ending in `*`. */
  readonly path?: string | undefined;
  readonly limit?: number | undefined;
}

/** A capped request journal. */
export interface RequestJournal {
  readonly capacity: number;
  record(entry: Omit<JournalEntry, 'id'>): void;
  /** Matching entries, newest first, and how many entries the journal holds in all. */
  find(filter: JournalFilter): { requests: JournalEntry[]; total: number };
  clear(): void;
}

/**
 * A journal keeping the newest `capacity` entries.
 * @throws {RangeError} when capacity is not a positive integer
 */
export function createRequestJournal(capacity: number, caseInsensitivePaths = false): RequestJournal {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError('journal capacity must be a positive integer');
  let entries: JournalEntry[] = [];
  let nextId = 1;
  return {
    capacity,
    record(entry) {
      entries.push({ ...entry, id: nextId++ });
      if (entries.length > capacity) entries = entries.slice(entries.length - capacity);
    },
    find(filter) {
      const matching = entries
        .filter(
          (entry) =>
            matchesMethod(filter.method, entry.request.method) &&
            (filter.path === undefined ||
              matchesPathPattern(filter.path, entry.request.path, caseInsensitivePaths)),
        )
        .reverse();
      return {
        requests: filter.limit === undefined ? matching : matching.slice(0, filter.limit),
        total: entries.length,
      };
    },
    clear() {
      entries = [];
    },
  };
}

function headersOf(headers: Headers): Record<string, string> {
  return Object.fromEntries(headers.entries());
}

/** Thrown by the fault middleware to reset the connection; the journal records it as `connectionReset`. */
export class ConnectionResetFault extends Error {
  override readonly name = 'ConnectionResetFault';
  constructor(readonly description: string) {
    super('connection reset by an injected fault');
  }
}

/**
 * Middleware that logs every vendor request (admin calls excluded) with its answer. Put it outermost, so it sees
 * what faults did.
 * @throws {TypeError} when `journal` is missing
 */
export function requestJournal(options: {
  journal: RequestJournal;
  mock: MockName;
}): MiddlewareHandler<MockEnv> {
  if (typeof options?.journal?.record !== 'function') throw new TypeError('requestJournal needs a journal');
  const { journal, mock } = options;
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (isCoreAdminPath(url.pathname, mock)) return next();
    const started = Date.now();
    let body = '';
    try {
      const text = await c.req.raw.clone().text();
      body = text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text;
    } catch {
      body = '';
    }
    const request = {
      method: c.req.method,
      url: c.req.url,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers: headersOf(c.req.raw.headers),
      body,
    };
    try {
      await next();
    } catch (error) {
      if (error instanceof ConnectionResetFault) {
        journal.record({
          loggedAt: new Date(started).toISOString(),
          request,
          response: null,
          fault: error.description,
          connectionReset: true,
          durationMs: Date.now() - started,
        });
      }
      throw error;
    }
    journal.record({
      loggedAt: new Date(started).toISOString(),
      request,
      response: { status: c.res.status, headers: headersOf(c.res.headers) },
      fault: c.get('appliedFault') ?? null,
      connectionReset: false,
      durationMs: Date.now() - started,
    });
  };
}
