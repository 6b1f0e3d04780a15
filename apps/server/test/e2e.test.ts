// End to end: the built dist/main.js as a process — start-up output, persistence across restarts, the PingOne
// callback with SIGIL_PINGONE_HEADERS, and a graceful SIGTERM that lets in-flight requests finish; on each store.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { processStoreEnvironment } from './helpers.js';

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly startupMs: number;
}

async function start(dataDir: string, environment: Record<string, string> = {}): Promise<Running> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...environment },
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Sigil server listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] && /API docs: /.test(output)) resolveUrl(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { child, url, output: () => output, startupMs: performance.now() - started };
}

async function stop(running: Running): Promise<number | null> {
  return new Promise((resolveExit) => {
    running.child.on('exit', resolveExit);
    running.child.kill('SIGTERM');
  });
}

const json = (token: string, body: unknown) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the built server', () => {
  it('prints its URL, docs URL and (once) the admin token; keeps keys across restarts; starts in under 2 s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-e2e-'));
    const storeEnvironment = await processStoreEnvironment();
    const first = await start(dataDir, storeEnvironment);
    expect(first.startupMs).toBeLessThan(2000);
    expect(first.output()).toMatch(/API docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
    const token = /Admin token \(shown once, store it now\): (\S+)/.exec(first.output())?.[1] ?? '';
    expect(token).toMatch(/^sgl_/);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect((await fetch(`${first.url}/docs`)).status).toBe(200);
    const key = (await (
      await fetch(`${first.url}/v1/keys`, json(token, { name: 'persisted', type: 'EC', curve: 'P-256' }))
    ).json()) as {
      id: string;
    };
    expect(await stop(first)).toBe(0);
    // no log line carries the admin token
    expect(
      first
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes(token)),
    ).toEqual([]);

    const second = await start(dataDir, storeEnvironment);
    expect(second.output()).not.toMatch(/Admin token/);
    const signed = await fetch(
      `${second.url}/v1/sign`,
      json(token, { key: key.id, algorithm: 'ES256', message: 'eA==' }),
    );
    expect(signed.status).toBe(200);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await stop(second)).toBe(0);
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
      await stop(running);
    }
  });

  it('drains in-flight requests on SIGTERM before exiting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-e2e-'));
    const running = await start(dataDir, {
      ...(await processStoreEnvironment()),
      SIGIL_ADMIN_TOKEN: 'admin-token-for-e2e-tests',
    });
    const inFlight = fetch(
      `${running.url}/v1/keys`,
      json('admin-token-for-e2e-tests', { type: 'RSA', size: 4096 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exited = stop(running);
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(((await response.json()) as { size: number }).size).toBe(4096);
    expect(await exited).toBe(0);
    expect(running.output()).toMatch(/draining in-flight requests/);
  });
});
