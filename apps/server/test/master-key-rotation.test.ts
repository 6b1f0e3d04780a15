// `sigil-server rotate-master-key`, run the way an operator runs it: the server stopped, the built binary, the
// project's store. Every secret is rewrapped in one transaction; the old key stops opening the store.
import { spawnSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStoreEnvironment } from './helpers.js';
import { callJson, startServerProcess } from './server-process.js';

const ADMIN_TOKEN = `adm_${randomBytes(16).toString('hex')}`;

function rotate(dataDir: string, environment: Record<string, string>) {
  const run = spawnSync(process.execPath, ['dist/main.js', 'rotate-master-key', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A store with an EC key and a PingID-enabled token, sealed under the key `environment` gives (or master.key). */
async function populatedStore(environment: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-rotate-'));
  const server = await startServerProcess(dataDir, { ...environment, SIGIL_ADMIN_TOKEN: ADMIN_TOKEN });
  const key = await callJson(`${server.url}/v1/keys`, 'POST', ADMIN_TOKEN, {
    name: 'k',
    type: 'EC',
    curve: 'P-256',
  });
  expect(key.status).toBe(201);
  const token = await callJson(`${server.url}/v1/tokens`, 'POST', ADMIN_TOKEN, {
    name: 'pingid',
    scopes: ['sign'],
    pingidHmac: true,
  });
  expect(token.status).toBe(201);
  expect(await server.stop()).toBe(0);
  return { dataDir, key: key.body };
}

/** Starts on `dataDir` with `environment`, signs with the key, checks it with node:crypto and the audit chain. */
async function signsAfterwards(
  dataDir: string,
  environment: Record<string, string>,
  key: { id: string; publicKeyJwk: object },
) {
  const server = await startServerProcess(dataDir, { ...environment, SIGIL_ADMIN_TOKEN: ADMIN_TOKEN });
  try {
    const message = Buffer.from('after the rotation');
    const signed = await callJson(`${server.url}/v1/sign`, 'POST', ADMIN_TOKEN, {
      key: key.id,
      algorithm: 'ES256',
      message: message.toString('base64'),
      format: 'p1363',
    });
    expect(signed.status).toBe(200);
    const publicKey = createPublicKey({ key: key.publicKeyJwk as never, format: 'jwk' });
    const signature = Buffer.from(signed.body.signature, 'base64');
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect((await callJson(`${server.url}/v1/audit/verify`, 'GET', ADMIN_TOKEN)).body).toMatchObject({
      ok: true,
    });
  } finally {
    await server.stop();
  }
}

function refusedToStart(dataDir: string, environment: Record<string, string>): string {
  const run = spawnSync(process.execPath, ['dist/main.js', '--port', '0', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(2);
  return run.stderr;
}

describe('sigil-server rotate-master-key', () => {
  it('replaces a generated master.key: the new one opens everything, the old one nothing', async () => {
    const environment = await processStoreEnvironment();
    const { dataDir, key } = await populatedStore(environment);
    const oldKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    const rotated = rotate(dataDir, environment);
    expect(rotated, rotated.stderr).toMatchObject({ code: 0 });
    // An EC key version, the PingID API key and the audit key.
    expect(rotated.stdout).toMatch(
      /rewrapped 3 sealed secrets under the new master key, now in .*master\.key/,
    );
    expect(readFileSync(join(dataDir, 'master.key'), 'utf8').trim()).not.toBe(oldKey);
    await signsAfterwards(dataDir, environment, key);
    expect(refusedToStart(dataDir, { ...environment, SIGIL_MASTER_KEY: oldKey })).toMatch(
      /does not open this store's data/,
    );
  });

  it('rewraps from SIGIL_MASTER_KEY to SIGIL_NEW_MASTER_KEY; refuses a wrong current key or the same key, changing nothing', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const environment = { ...(await processStoreEnvironment()), SIGIL_MASTER_KEY: oldKey };
    const { dataDir, key } = await populatedStore(environment);

    const wrong = rotate(dataDir, {
      ...environment,
      SIGIL_MASTER_KEY: randomBytes(32).toString('base64'),
      SIGIL_NEW_MASTER_KEY: newKey,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/current master key does not open this store's data/);
    const same = rotate(dataDir, { ...environment, SIGIL_NEW_MASTER_KEY: oldKey });
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/new master key is the one in use/);
    const noNewKey = rotate(dataDir, environment);
    expect(noNewKey.code).toBe(2);
    expect(noNewKey.stderr).toMatch(/give the new key as SIGIL_NEW_MASTER_KEY/);
    // Nothing changed: the old key still opens the store.
    await signsAfterwards(dataDir, environment, key);

    const rotated = rotate(dataDir, { ...environment, SIGIL_NEW_MASTER_KEY: newKey });
    expect(rotated, rotated.stderr).toMatchObject({ code: 0 });
    await signsAfterwards(dataDir, { ...environment, SIGIL_MASTER_KEY: newKey }, key);
    expect(refusedToStart(dataDir, environment)).toMatch(/does not open this store's data/);
  });

  it('refuses to run beside a running server on the embedded store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-rotate-'));
    const server = await startServerProcess(dataDir, {});
    try {
      const refused = rotate(dataDir, {});
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is in use by another Sigil server/);
    } finally {
      await server.stop();
    }
  });
});
