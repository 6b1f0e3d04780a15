// Backup and restore the way an operator does it: GET /v1/backup from the running server, the file put in a new
// data directory as sigil.db, the server started there with the same master key.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStoreEnvironment, startTestServer } from './helpers.js';
import { callJson, startServerProcess } from './server-process.js';

const ADMIN_TOKEN = `adm_${randomBytes(16).toString('hex')}`;

describe('backup and restore', () => {
  it('restores a backup of the embedded store taken while serving: its keys sign, its audit chain verifies', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const environment = { SIGIL_ADMIN_TOKEN: ADMIN_TOKEN, SIGIL_MASTER_KEY: masterKey };
    const original = await startServerProcess(mkdtempSync(join(tmpdir(), 'sigil-backup-')), environment);
    const key = await callJson(`${original.url}/v1/keys`, 'POST', ADMIN_TOKEN, {
      name: 'k',
      type: 'EC',
      curve: 'P-256',
    });
    expect(key.status).toBe(201);
    const response = await fetch(`${original.url}/v1/backup`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.sqlite3');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="sigil-\d{8}T\d{6}Z\.db"$/,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // Keys made after the backup are not in it.
    await callJson(`${original.url}/v1/keys`, 'POST', ADMIN_TOKEN, {
      name: 'later',
      type: 'EC',
      curve: 'P-256',
    });
    expect(await original.stop()).toBe(0);

    const restoredDir = mkdtempSync(join(tmpdir(), 'sigil-restore-'));
    writeFileSync(join(restoredDir, 'sigil.db'), bytes, { mode: 0o600 });
    const restored = await startServerProcess(restoredDir, environment);
    try {
      const names = (await callJson(`${restored.url}/v1/keys`, 'GET', ADMIN_TOKEN)).body.keys.map(
        (entry: { name: string }) => entry.name,
      );
      expect(names).toEqual(['k']);
      const message = Buffer.from('restored');
      const signed = await callJson(`${restored.url}/v1/sign`, 'POST', ADMIN_TOKEN, {
        key: 'k',
        algorithm: 'ES256',
        message: message.toString('base64'),
        format: 'p1363',
      });
      expect(signed.status).toBe(200);
      const publicKey = createPublicKey({ key: key.body.publicKeyJwk, format: 'jwk' });
      const signature = Buffer.from(signed.body.signature, 'base64');
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      expect((await callJson(`${restored.url}/v1/audit/verify`, 'GET', ADMIN_TOKEN)).body).toMatchObject({
        ok: true,
      });
    } finally {
      await restored.stop();
    }
  });

  it('is for admins only, and says to use pg_dump on PostgreSQL', async () => {
    const server = await startTestServer();
    const signer = await server.call('POST', '/v1/tokens', { body: { name: 'signer', scopes: ['sign'] } });
    expect((await server.call('GET', '/v1/backup', { token: signer.body.token })).status).toBe(403);
    const environment = await processStoreEnvironment();
    const answer = await server.call('GET', '/v1/backup');
    if (environment.SIGIL_DATABASE_URL === undefined) {
      expect(answer.status).toBe(200);
    } else {
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toMatch(/pg_dump/);
    }
  });
});
