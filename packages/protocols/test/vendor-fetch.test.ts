import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFortanixClient } from '../src/fortanix/index.js';
import { createPingIdClient } from '../src/pingid/index.js';
import { createPingOneClient } from '../src/pingone/index.js';
import { createSignPathClient } from '../src/signpath/index.js';

// A real loopback server that misbehaves the way a sick vendor does: no answer, or headers and then nothing.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.includes('stall-body')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
      return; // the body never ends
    }
    // Anything else: never answer at all.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const timeoutMs = 300;
const credentials = { accountId: 'a', token: 't', apiKey: Buffer.alloc(32, 1).toString('base64') };

describe('every client has a deadline and types transport failures', () => {
  const clients = () =>
    [
      [
        'PingOne',
        () =>
          createPingOneClient({
            environmentId: 'env',
            accessToken: 'x',
            baseUrl,
            timeoutMs,
          }).getCredentialIssuerProfile(),
      ],
      [
        'SignPath',
        () =>
          createSignPathClient({ organizationId: 'org', apiToken: 'x', baseUrl, timeoutMs }).getStatus('r1'),
      ],
      ['Fortanix', () => createFortanixClient({ baseUrl, apiKey: 'eDp5', timeoutMs }).authenticate()],
      [
        'PingID',
        () =>
          createPingIdClient({ baseUrl, credentials, timeoutMs }).request(
            'GET',
            '/pingid/v1/accounts/a/users',
          ),
      ],
      [
        'PingID (stalled body)',
        () => createPingIdClient({ baseUrl, credentials, timeoutMs }).request('GET', '/stall-body'),
      ],
    ] as const;

  // The stub never answers: ERR_VENDOR_TIMEOUT at all (well within the test's limit) is the deadline cutting it off.
  for (const [name, call] of clients()) {
    it(`${name}: a vendor that does not answer fails with ERR_VENDOR_TIMEOUT, not a hang`, async () => {
      await expect(call()).rejects.toMatchObject({
        code: 'ERR_VENDOR_TIMEOUT',
        message: expect.stringMatching(`timed out after ${timeoutMs} ms`),
      });
    });
  }

  it('an unreachable vendor fails with the vendor’s transport code', async () => {
    const closed = 'http://127.0.0.1:9'; // discard port: nothing listens
    await expect(
      createSignPathClient({ organizationId: 'org', apiToken: 'x', baseUrl: closed }).getStatus('r1'),
    ).rejects.toMatchObject({ code: 'ERR_SIGNPATH_HTTP', status: undefined });
    await expect(
      createFortanixClient({ baseUrl: closed, apiKey: 'eDp5' }).authenticate(),
    ).rejects.toMatchObject({
      code: 'ERR_FORTANIX_HTTP',
    });
  });

  it('refuses a timeout that is not a positive integer', () => {
    expect(() => createSignPathClient({ organizationId: 'o', apiToken: 'x', timeoutMs: 0 })).toThrow(
      TypeError,
    );
  });
});
