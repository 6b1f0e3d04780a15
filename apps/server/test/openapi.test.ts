// The OpenAPI document and the router agree: every route the app serves is documented, and every documented
// operation reaches a handler (SignPath's in their documented casing and in any other).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPathRoutingPath } from '../src/routes/signpath.js';
import { startTestServer } from './helpers.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

describe('openapi', () => {
  it('documents every route the app serves, and the app serves every documented operation', async () => {
    const server = await startTestServer();
    const document = (await server.call('GET', '/openapi.json', { token: null })).body;
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) =>
        Object.keys(item)
          .filter((method) => METHODS.includes(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
    );
    // Middleware registered with `use` shows as ALL; a route's own middleware repeats its method and path.
    const served = server.sigil.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replaceAll(/:(\w+)/g, '{$1}')}`);
    expect(new Set(served)).toEqual(new Set(documented));
    expect(documented.length).toBe(new Set(documented).size);
    expect(documented.length).toBeGreaterThanOrEqual(34);
    for (const surface of ['/v1/', '/pingone/', '/signpath/api/v1/', '/fortanix/', '/healthz', '/docs']) {
      expect(
        documented.some((operation) => operation.includes(` ${surface}`)),
        surface,
      ).toBe(true);
    }

    for (const operation of documented) {
      const [method = '', template = ''] = operation.split(' ');
      const path = template.replace('{organizationId}', 'Org').replace('{id}', randomUUID());
      for (const spelled of [path, path.toLowerCase()]) {
        if (spelled !== path && !spelled.startsWith('/signpath/')) continue;
        const answer = await server.call(method, spelled, { raw: method === 'GET' ? undefined : '{}' });
        expect(answer.text, `${method} ${spelled}`).not.toMatch(/no such route/);
      }
    }
  });

  it('routes SignPath paths case-insensitively: declared literals keep their casing, ids are lower-cased', () => {
    const routes = [
      { method: 'POST', path: '/signpath/api/v1/:organizationId/SigningRequests/SignHash' },
      { method: 'GET', path: '/signpath/api/v1/:organizationId/SigningRequests/:id' },
      { method: 'GET', path: '/signpath/api/v1/:organizationId/SigningRequests/:id/Status' },
    ];
    expect(signPathRoutingPath(routes, 'POST', '/SignPath/API/v1/MyOrg/signingrequests/SIGNHASH')).toBe(
      '/signpath/api/v1/myorg/SigningRequests/SignHash',
    );
    // A GET of "SignHash" names a request id, as it did when every path was lower-cased.
    expect(signPathRoutingPath(routes, 'GET', '/signpath/api/v1/o/SigningRequests/SignHash')).toBe(
      '/signpath/api/v1/o/SigningRequests/signhash',
    );
    expect(signPathRoutingPath(routes, 'HEAD', '/signpath/api/v1/o/SIGNINGREQUESTS/ABC/status')).toBe(
      '/signpath/api/v1/o/SigningRequests/abc/Status',
    );
    expect(signPathRoutingPath(routes, 'DELETE', '/signpath/api/v1/O/SigningRequests/X')).toBe(
      '/signpath/api/v1/o/signingrequests/x',
    );
  });
});
