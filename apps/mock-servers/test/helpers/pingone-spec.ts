// Test helper: a PingOne mock whose every PingOne API answer is checked against PingOne's published Credentials spec
// (`vendorSpec('pingone')`), so a test that talks to the mock cannot forget to: answers the spec describes must fit
// their operation, and every error body must be a `P1Error`.
import { vendorSpec } from '@sigil/vendor-specs';
import { expect } from 'vitest';
import type { MockOptions, MockServer } from '../../src/mock-server.js';
import { createPingOneMock, PINGONE_API_PREFIX } from '../../src/pingone/pingone-mock.js';

/** The spec's path for a mock path: its servers end in `/v1`, so the spec's paths start after it. */
export function pingOneSpecPath(mockPath: string): string | undefined {
  return mockPath.startsWith(`${PINGONE_API_PREFIX}/`)
    ? mockPath.slice(PINGONE_API_PREFIX.length)
    : undefined;
}

/**
 * Checks one answer of the mock's PingOne API (paths under `/v1`; the admin surface is Sigil's own): an operation the
 * spec describes must answer as it says (`validateResponse`), and any error status must carry a JSON `P1Error`.
 * Fails the running test, naming the request and the spec's complaint.
 */
export async function expectPingOneSpecAnswer(
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  const specPath = pingOneSpecPath(new URL(url, 'http://mock').pathname);
  if (specPath === undefined) return;
  const spec = vendorSpec('pingone');
  const text = await response.clone().text();
  const body = text === '' ? undefined : (JSON.parse(text) as unknown);
  const what = `${method.toUpperCase()} ${specPath} answered ${response.status}`;
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(spec.validateSchema('P1Error', body).errors, `${what}: not a P1Error`).toEqual([]);
    // P1Error requires no member, yet PingOne's "Error codes" page says every error has them.
    expect(body, `${what}: a P1Error has id, code and message`).toMatchObject({
      id: expect.any(String),
      code: expect.any(String),
      message: expect.any(String),
    });
  }
  if (spec.pathTemplate(method, specPath) !== undefined) {
    expect(spec.validateResponse(method, specPath, response.status, body).errors, what).toEqual([]);
  }
}

/**
 * A PingOne mock whose `app.request` and `app.fetch` check every PingOne API answer with
 * {@link expectPingOneSpecAnswer} before the test sees it. Faults are the exception: a test that injects a
 * malformed body or a custom error body asks for an answer off the spec, so `uncheckedRequest` skips the check.
 */
export function createSpecCheckedPingOneMock(options: MockOptions): MockServer & {
  uncheckedRequest: MockServer['app']['request'];
} {
  const mock = createPingOneMock(options);
  const app = mock.app;
  const uncheckedRequest = app.request.bind(app);
  const uncheckedFetch = app.fetch.bind(app);
  const checked = new Proxy(app, {
    get(target, property, receiver) {
      if (property === 'request') {
        return async (input: string | URL | Request, init?: RequestInit, ...rest: unknown[]) => {
          const response = await uncheckedRequest(input as string, init, ...(rest as []));
          const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
          await expectPingOneSpecAnswer(
            method,
            input instanceof Request ? input.url : String(input),
            response,
          );
          return response;
        };
      }
      if (property === 'fetch') {
        return async (request: Request, ...rest: unknown[]) => {
          const response = await uncheckedFetch(request, ...(rest as []));
          await expectPingOneSpecAnswer(request.method, request.url, response);
          return response;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { ...mock, app: checked, uncheckedRequest };
}
