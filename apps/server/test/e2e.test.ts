// End to end: the built dist/main.js as a process — start-up output, persistence across restarts, the PingOne
// callback with SIGIL_PINGONE_HEADERS, and a graceful SIGTERM that lets in-flight requests finish; on each store.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { processStoreEnvironment } from './helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** Starts the built server over `dataDir` and waits until it has printed its docs URL too. */
async function start(dataDir: string, environment: Record<string, string> = {}): Promise<ServerProcess> {
  const running = await startServerProcess(dataDir, environment);
  await running.waitForOutput(/API docs: /);
  return running;
}

const json = (token: string, body: unknown) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the built server', () => {
  it('prints its URL, docs URL and (once) the admin token; keeps keys across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-e2e-'));
    const storeEnvironment = await processStoreEnvironment();
    const first = await start(dataDir, storeEnvironment);
    expect(first.output()).toMatch(/API docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
    const token = (await first.waitForOutput(/Admin token \(shown once, store it now\): (\S+)\n/))[1] ?? '';
    expect(token).toMatch(/^sgl_/);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect((await fetch(`${first.url}/docs`)).status).toBe(200);
    const key = (await (
      await fetch(`${first.url}/v1/keys`, json(token, { name: 'persisted', type: 'EC', curve: 'P-256' }))
    ).json()) as {
      id: string;
    };
    expect(await first.stop()).toBe(0);
    // no log line carries the admin token
    expect(
      first
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes(token)),
    ).toEqual([]);

    const second = await start(dataDir, storeEnvironment);
    const signed = await fetch(
      `${second.url}/v1/sign`,
      json(token, { key: key.id, algorithm: 'ES256', message: 'eA==' }),
    );
    expect(signed.status).toBe(200);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.stop()).toBe(0);
    // The whole output is in once it stopped: no token the second time.
    expect(second.output()).not.toMatch(/Admin token/);
  });

  it('answers the PingOne callback authenticated by SIGIL_PINGONE_HEADERS; output verifies under jose', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-e2e-'));
    const running = await start(dataDir, {
      ...(await processStoreEnvironment()),
      SIGIL_ADMIN_TOKEN: 'admin-token-for-e2e-tests',
      SIGIL_PINGONE_HEADERS: JSON.stringify({ 'X-Signing-Secret': 's3cret' }),
    });
    try {
      const key = (await (
        await fetch(`${running.url}/v1/keys`, json('admin-token-for-e2e-tests', { type: 'RSA', size: 2048 }))
      ).json()) as {
        kid: string;
        publicKeyJwk: jose.JWK;
      };
      const payload = `${Buffer.from('{"alg":"PS256"}').toString('base64url')}.${Buffer.from('{"vc":1}').toString('base64url')}`;
      const request = { payloads: [{ payload, kid: key.kid, credentialSigningKeyId: randomUUID() }] };
      const refused = await fetch(`${running.url}/pingone/credential-signing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signing-secret': 'nope' },
        body: JSON.stringify(request),
      });
      expect(refused.status).toBe(401);
      const answer = await fetch(`${running.url}/pingone/credential-signing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signing-secret': 's3cret' },
        body: JSON.stringify(request),
      });
      expect(answer.status).toBe(200);
      const { signedData } = (await answer.json()) as {
        signedData: { payload: string; signature: string }[];
      };
      await jose.compactVerify(
        `${signedData[0]?.payload}.${signedData[0]?.signature}`,
        await jose.importJWK(key.publicKeyJwk, 'PS256'),
      );
    } finally {
      await running.stop();
    }
  });

  it('drains in-flight requests on SIGTERM before exiting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-e2e-'));
    const running = await start(dataDir, {
      ...(await processStoreEnvironment()),
      SIGIL_ADMIN_TOKEN: 'admin-token-for-e2e-tests',
    });
    // The request announces its body (Expect: 100-continue); the server's "100 Continue" says it holds the request.
    const body = JSON.stringify({ type: 'RSA', size: 2048 });
    const { hostname, port } = new URL(running.url);
    // No keep-alive: the connection ends with the answer, so the exit does not wait for an idle socket's timeout.
    const inFlight = request({
      agent: false,
      hostname,
      port,
      method: 'POST',
      path: '/v1/keys',
      headers: {
        authorization: 'Bearer admin-token-for-e2e-tests',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    const answered = new Promise<{ status: number | undefined; text: string }>((resolveAnswer, reject) => {
      inFlight.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolveAnswer({ status: response.statusCode, text }));
      });
      inFlight.on('error', reject);
    });
    await new Promise<void>((resolveContinue, reject) => {
      inFlight.once('continue', resolveContinue);
      inFlight.once('error', reject);
    });
    // SIGTERM while the request is in flight (its body not even sent); once the server says it is draining, the body.
    const exited = running.stop();
    await running.waitForOutput(/draining in-flight requests/);
    inFlight.end(body);
    const answer = await answered;
    expect(answer.status, answer.text).toBe(201);
    expect((JSON.parse(answer.text) as { size: number }).size).toBe(2048);
    expect(await exited).toBe(0);
  });
});
