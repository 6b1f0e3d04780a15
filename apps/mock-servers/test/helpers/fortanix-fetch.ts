// Test helper for the Fortanix DSM mock: a fetch that calls the mock in-process and checks every 2XX answer of a DSM
// route against Fortanix's published OpenAPI (`vendorSpec('fortanix')`), for direct requests and the protocols
// client alike, so that no Fortanix test can forget to.
import { vendorSpec } from '@sigil/vendor-specs';
import { expect } from 'vitest';
import { ADMIN_PREFIX } from '../../src/admin/mock-env.js';
import type { MockServer } from '../../src/mock-server.js';
import { inProcessFetch } from './in-process.js';

/** A `fetch` to the Fortanix mock whose 2XX answers outside `/__admin` must be what the OpenAPI says. */
export function fortanixFetch(mock: MockServer): typeof fetch {
  const send = inProcessFetch(mock);
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), 'http://dsm.test'), init);
    const response = await send(request);
    const { pathname } = new URL(request.url);
    if (response.ok && !pathname.startsWith(ADMIN_PREFIX)) {
      const text = await response.clone().text();
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const check = vendorSpec('fortanix').validateResponse(request.method, pathname, response.status, body);
      expect(
        check.errors,
        `${request.method} ${pathname} ${response.status} against Fortanix's OpenAPI`,
      ).toEqual([]);
      if (body !== undefined) expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
    return response;
  }) as typeof fetch;
}
