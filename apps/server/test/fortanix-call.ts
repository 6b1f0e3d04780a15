// Test helper for the Fortanix surface: a request under /fortanix, and every 2XX answer checked against Fortanix's
// published OpenAPI (`vendorSpec('fortanix')`), so that no Fortanix test can forget to.
import { vendorSpec } from '@sigil/vendor-specs';
import { expect } from 'vitest';
import type { TestServer } from './helpers.js';

/** A request to the Fortanix surface by DSM's own path (`/crypto/v1/sign`, `/crypto/v1/keys?limit=1`). */
export type FortanixCall = (
  method: string,
  dsmPath: string,
  options?: Parameters<TestServer['call']>[2],
) => ReturnType<TestServer['call']>;

/**
 * A caller of `server`'s Fortanix surface. A 2XX answer must be what the OpenAPI gives for that endpoint and
 * status (a JSON body of its schema, or no body where it gives none); the check fails the test where it happens.
 */
export function fortanixCaller(server: TestServer): FortanixCall {
  return async (method, dsmPath, options) => {
    const answer = await server.call(method, `/fortanix${dsmPath}`, options);
    if (answer.status >= 200 && answer.status < 300) {
      const path = dsmPath.split('?')[0] ?? dsmPath;
      const body = answer.text === '' ? undefined : answer.body;
      const check = vendorSpec('fortanix').validateResponse(method, path, answer.status, body);
      expect(check.errors, `${method} ${path} ${answer.status} against Fortanix's OpenAPI`).toEqual([]);
      if (body !== undefined) expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    }
    return answer;
  };
}
