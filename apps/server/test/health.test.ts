// Health routes, configuration parsing, and the built binary's start and SIGTERM stop.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { readConfig } from '../src/config.js';

describe('health routes', () => {
  it('answers GET /healthz with status ok', async () => {
    const response = await createApp().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with a 404 and a stable error code', async () => {
    const response = await createApp().request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
  });
});

describe('configuration', () => {
  it('uses the documented defaults', () => {
    expect(readConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './.sigil',
      databaseUrl: undefined,
      masterKey: undefined,
      adminToken: undefined,
      pingoneHeaders: undefined,
      cryptoEngine: 'native',
      logLevel: 'info',
      signingWorkers: availableParallelism(),
      rateLimitPerSecond: 1000,
      rateLimitBurst: 1000,
      jobLeaseMs: 30_000,
      metricsAuth: 'none',
    });
  });

  it('lets flags override variables and rejects bad ports', () => {
    expect(readConfig({ SIGIL_PORT: '9000' }, ['--port', '9001']).port).toBe(9001);
    expect(() => readConfig({ SIGIL_PORT: 'x' })).toThrow(/SIGIL_PORT/);
    expect(() => readConfig({}, ['--bogus', '1'])).toThrow(/unknown option/);
    expect(readConfig({ SIGIL_PINGONE_HEADERS: '{"X-Api-Key":"v"}' }).pingoneHeaders).toEqual({
      'x-api-key': 'v',
    });
    expect(() => readConfig({ SIGIL_PINGONE_HEADERS: '[1]' })).toThrow(/SIGIL_PINGONE_HEADERS/);
  });
});

describe('the built binary', () => {
  it('starts on an ephemeral port, serves /healthz and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-server-'));
    const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--data-dir', dataDir], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolveUrl(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    const exitCode = await new Promise<number | null>((resolveExit) => {
      child.on('exit', resolveExit);
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
  });
});
