// Test helper: a fetch that calls a mock's hono app in-process, for the protocols clients.
import type { MockServer } from '../../src/mock-server.js';

/** A `fetch` that dispatches to `mock.app` (the URL's origin is kept, so links and canonical strings work). */
export function inProcessFetch(mock: MockServer): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return mock.app.fetch(request, {});
  }) as typeof fetch;
}
