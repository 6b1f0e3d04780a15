// The built server started the way an operator starts it, careless or unlucky: a second process on one data
// directory, a port in use, a data directory it cannot use, a changed or forgotten master key, a full disk under
// its output, and SIGTERM under keep-alive load. Each is refused with one line, or survived; never a stack trace.
import { type SpawnOptions, spawn } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, openSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { processStoreEnvironment, startTestServer } from './helpers.js';
import {
  callJson,
  type ServerProcess,
  startServerProcess,
  WAIT_TIMEOUT_MS,
  waitUntil,
} from './server-process.js';

const serverDirectory = join(import.meta.dirname, '..');
const running: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill()));
});

async function start(dataDir: string, environment: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, environment);
  running.push(server);
  return server;
}

/** Runs dist/main.js with `args` until it exits: its exit code and what it printed on each stream. */
function runToExit(
  args: readonly string[],
  environment: Record<string, string>,
  options: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], {
      cwd: serverDirectory,
      env: { ...process.env, SIGIL_LOG_LEVEL: 'info', ...environment },
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit: ${stdout}${stderr}`));
    }, WAIT_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One line on stderr, naming the reason, and no stack trace. */
function expectOneLine(stderr: string, reason: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^sigil-server: /);
  expect(lines[0]).toMatch(reason);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('a start that cannot go on says why in one line', () => {
  it('refuses a data directory that is a file (ENOTDIR) or that it may not write', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sigil-start-')), 'not-a-directory');
    writeFileSync(file, 'x');
    const asFile = await runToExit(['--port', '0', '--data-dir', file], {});
    expect(asFile.code).toBe(1);
    expectOneLine(asFile.stderr, /is not a directory/);

    const parent = mkdtempSync(join(tmpdir(), 'sigil-start-'));
    chmodSync(parent, 0o555);
    // Permissions bind everyone but root: as root, run the server as nobody, over a directory nobody cannot write.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(parent, 0o755);
      chownSync(parent, 0, 0);
    }
    const readOnly = await runToExit(
      ['--port', '0', '--data-dir', join(parent, 'data')],
      {},
      asRoot ? { uid: 65534, gid: 65534 } : {},
    );
    expect(readOnly.code).toBe(1);
    expectOneLine(readOnly.stderr, /cannot write the data directory .*permission denied/);
  });

  it('refuses a port in use, and creates nothing before listening (no admin token nobody saw)', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-start-'));
    const environment = await processStoreEnvironment();
    try {
      const refused = await runToExit(['--port', String(port), '--data-dir', dataDir], environment);
      expect(refused.code).toBe(1);
      expectOneLine(refused.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is in use by another process`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // The failed start generated no admin token: the next one does, and shows it.
    const server = await start(dataDir, environment);
    const [, token] = await server.waitForOutput(/Admin token \(shown once, store it now\): (\S+)/);
    expect((await callJson(`${server.url}/v1/keys`, 'GET', token ?? '')).status).toBe(200);
    await server.stop();
  });

  it('refuses a second server on one embedded store (whichever store the other tests use), and lets it start once the first stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-start-'));
    const first = await start(dataDir, {});
    const second = await runToExit(['--port', '0', '--data-dir', dataDir], {});
    expect(second.code).toBe(1);
    expectOneLine(second.stderr, /sigil\.db is in use by another Sigil server/);
    expect(await first.stop()).toBe(0);
    const third = await start(dataDir, {});
    expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
    // The database and its files are the owner's alone.
    for (const name of ['sigil.db', 'master.key'])
      expect(statSync(join(dataDir, name)).mode & 0o777).toBe(0o600);
    await third.stop();
  });

  it('refuses a master key that does not open the data, and never generates one beside sealed data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-start-'));
    const environment = await processStoreEnvironment();
    const adminToken = `adm_${randomBytes(16).toString('hex')}`;
    const masterKey = randomBytes(32).toString('base64');
    const first = await start(dataDir, {
      ...environment,
      SIGIL_ADMIN_TOKEN: adminToken,
      SIGIL_MASTER_KEY: masterKey,
    });
    const created = await callJson(`${first.url}/v1/keys`, 'POST', adminToken, {
      name: 'k',
      type: 'EC',
      curve: 'P-256',
    });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const wrong = await runToExit(['--port', '0', '--data-dir', dataDir], {
      ...environment,
      SIGIL_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    expect(wrong.code).toBe(2);
    expectOneLine(wrong.stderr, /master key from SIGIL_MASTER_KEY does not open this store's data/);

    const forgotten = await runToExit(['--port', '0', '--data-dir', dataDir], environment);
    expect(forgotten.code).toBe(2);
    expectOneLine(forgotten.stderr, /SIGIL_MASTER_KEY is unset and .*master\.key does not exist/);
    expect(() => statSync(join(dataDir, 'master.key'))).toThrow();

    const right = await start(dataDir, {
      ...environment,
      SIGIL_MASTER_KEY: masterKey,
      SIGIL_ADMIN_TOKEN: adminToken,
    });
    const signed = await callJson(`${right.url}/v1/sign`, 'POST', adminToken, {
      key: created.body.id,
      algorithm: 'ES256',
      message: Buffer.from('hello').toString('base64'),
      format: 'p1363',
    });
    expect(signed.status).toBe(200);
    const publicKey = createPublicKey({ key: created.body.publicKeyJwk, format: 'jwk' });
    const signature = Buffer.from(signed.body.signature, 'base64');
    expect(
      verify('sha256', Buffer.from('hello'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
    await right.stop();
  });
});

describe('a log that cannot be written never stops the server', () => {
  it('serves and stops on SIGTERM with its output on a full disk (/dev/full), counting the lines it dropped', async () => {
    const port = await freePort();
    const full = openSync('/dev/full', 'w');
    const environment = await processStoreEnvironment();
    const child = spawn(
      process.execPath,
      ['dist/main.js', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'sigil-full-'))],
      {
        cwd: serverDirectory,
        env: { ...process.env, ...environment, SIGIL_LOG_LEVEL: 'info' },
        stdio: ['ignore', full, full],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    await waitUntil('the server to answer /healthz', () =>
      fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false,
      ),
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const dropped = Number(/^sigil_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('SIGTERM under keep-alive load', () => {
  it('answers what is in flight with Connection: close, accepts nothing new and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-drain-'));
    const adminToken = `adm_${randomBytes(16).toString('hex')}`;
    const server = await start(dataDir, {
      ...(await processStoreEnvironment()),
      SIGIL_ADMIN_TOKEN: adminToken,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { hostname, port } = new URL(server.url);
    // A keep-alive connection in use: one answered request, then one whose body is held back (100-continue).
    const warmUp = await new Promise<string | undefined>((resolve, reject) => {
      const request = httpRequest({ agent, hostname, port, path: '/healthz' }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers.connection));
      });
      request.on('error', reject);
      request.end();
    });
    expect(warmUp).toBe('keep-alive');
    // A request that reads its body: the server holds it until the body comes.
    const body = JSON.stringify({ name: 'drained', type: 'EC', curve: 'P-256' });
    const inFlight = httpRequest({
      agent,
      hostname,
      port,
      method: 'POST',
      path: '/v1/keys',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    const answered = new Promise<{ status: number | undefined; connection: string | undefined }>(
      (resolve, reject) => {
        inFlight.on('response', (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode, connection: response.headers.connection }),
          );
        });
        inFlight.on('error', reject);
      },
    );
    await new Promise<void>((resolve, reject) => {
      inFlight.once('continue', resolve);
      inFlight.once('error', reject);
    });
    const stopped = server.stop();
    await server.waitForOutput(/draining in-flight requests/);
    inFlight.end(body);
    // The request in flight is answered, and told to close its connection.
    expect(await answered).toEqual({ status: 201, connection: 'close' });
    // Nothing new is accepted.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(await stopped).toBe(0);
    agent.destroy();
  });
});

describe('/metrics', () => {
  it('is open by default, and behind a metrics-scoped token with SIGIL_METRICS_AUTH=token', async () => {
    const open = await startTestServer();
    expect((await open.call('GET', '/metrics', { token: null })).status).toBe(200);

    const guarded = await startTestServer({ metricsAuth: 'token' });
    expect((await guarded.call('GET', '/metrics', { token: null })).status).toBe(401);
    const signer = await guarded.call('POST', '/v1/tokens', { body: { name: 'signer', scopes: ['sign'] } });
    const scraper = await guarded.call('POST', '/v1/tokens', {
      body: { name: 'scraper', scopes: ['metrics'] },
    });
    expect((await guarded.call('GET', '/metrics', { token: signer.body.token })).status).toBe(403);
    const scraped = await guarded.call('GET', '/metrics', { token: scraper.body.token });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('sigil_http_requests_total');
  });

  it('reads SIGIL_METRICS_AUTH strictly', () => {
    expect(readConfig({ SIGIL_METRICS_AUTH: 'token' }, []).metricsAuth).toBe('token');
    expect(readConfig({}, []).metricsAuth).toBe('none');
    expect(() => readConfig({ SIGIL_METRICS_AUTH: 'yes' }, [])).toThrow(
      /SIGIL_METRICS_AUTH must be none or token/,
    );
  });
});
