// The embedded store and the audit chain: migrations, WAL, durability across reopen, nonces, tamper detection.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLog, auditEntry } from '../src/services/audit.js';
import { AUDIT_HEAD_SETTING, KeyedAuditChain, legacyAuditHash } from '../src/store/audit-chain.js';
import { loadMasterKey } from '../src/store/master-key.js';
import { openSqliteStore, SQLITE_FILE_NAME, type SqliteStore } from '../src/store/sqlite.js';
import type { AuditRecord, Store } from '../src/store/store.js';
import { startTestServer } from './helpers.js';

const entry = (operation: string) => auditEntry({ requestId: 'r', tokenId: undefined }, operation);

describe('embedded store', () => {
  it('migrates once, runs in WAL mode and keeps data across reopen', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-store-'));
    const store = openSqliteStore(dataDir);
    await store.createToken({
      id: 't1',
      name: 'n',
      secretHash: 'h'.repeat(64),
      scopes: ['admin'],
      keys: undefined,
      expiresAt: undefined,
      createdAt: new Date().toISOString(),
    });
    await store.close();
    const reopened = openSqliteStore(dataDir);
    expect((await reopened.getToken('t1'))?.scopes).toEqual(['admin']);
    expect(await reopened.countTokensWithScope('admin')).toBe(1);
    expect(await reopened.ping()).toBe(true);
    await reopened.close();
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM schema_migrations').all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
      { version: 5 },
      { version: 6 },
    ]);
    raw.close();
  });

  it('remembers nonces until they expire', async () => {
    const store = openSqliteStore(mkdtempSync(join(tmpdir(), 'sigil-store-')));
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await store.rememberNonce('n1', later)).toBe(true);
    expect(await store.rememberNonce('n1', later)).toBe(false);
    expect(await store.rememberNonce('old', new Date(Date.now() - 1000).toISOString())).toBe(true);
    expect(await store.rememberNonce('old', later)).toBe(true);
  });

  it('generates the master key once, with mode 0600, and checks SIGIL_MASTER_KEY', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigil-store-'));
    const first = loadMasterKey(undefined, dataDir);
    expect(first).toHaveLength(32);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey(undefined, dataDir).equals(first)).toBe(true);
    expect(loadMasterKey(Buffer.alloc(32, 7).toString('base64'), dataDir)).toEqual(Buffer.alloc(32, 7));
    expect(() => loadMasterKey('c2hvcnQ=', dataDir)).toThrow(/32 bytes/);
  });
});

describe('audit chain', () => {
  it('chains records, pages them, and detects one tampered row', async () => {
    const store = openSqliteStore(mkdtempSync(join(tmpdir(), 'sigil-store-')));
    const audit = new AuditLog(store, new Uint8Array(32));
    for (let i = 0; i < 5; i++) await audit.record(entry(`op${i}`));
    const actor = { requestId: 'r', tokenId: undefined };
    const first = await audit.list(actor, 0, 2);
    expect(first.entries.map((record) => record.sequence)).toEqual([1, 2]);
    expect(first.entries[1]?.previousHash).toBe(first.entries[0]?.hash);
    expect((await audit.list(actor, first.nextAfter ?? 0, 10)).entries).toHaveLength(5);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 7, head: { sequence: 7 } });
    store.exec("UPDATE audit SET result = 'denied' WHERE sequence = 3");
    expect(await audit.verify()).toMatchObject({
      ok: false,
      entries: 2,
      brokenAt: 3,
      reason: /record 3 was edited/,
    });
  });

  /** A log of `count` records under `masterKey`, and its store. */
  async function auditLogOf(count: number, masterKey = new Uint8Array(32).fill(1)) {
    const store = openSqliteStore(mkdtempSync(join(tmpdir(), 'sigil-store-')));
    const audit = new AuditLog(store, masterKey);
    for (let i = 0; i < count; i++) await audit.record(entry(`op${i}`));
    return { store, audit };
  }

  /** Rewrites every record from `from` on so that it links again, with `link` (what an attacker without the key can do). */
  async function relink(
    store: SqliteStore,
    from: number,
    link: (previousHash: string, record: AuditRecord) => string,
  ) {
    const { entries } = await store.listAudit(0, 1000);
    let previousHash = entries[from - 2]?.hash ?? '0'.repeat(64);
    for (const record of entries.filter((candidate) => candidate.sequence >= from)) {
      const hash = link(previousHash, record);
      store.exec(
        `UPDATE audit SET previous_hash = '${previousHash}', hash = '${hash}' WHERE sequence = ${record.sequence}`,
      );
      previousHash = hash;
    }
  }

  it('detects deleted newest records: the sealed head says where the chain ends', async () => {
    const { store, audit } = await auditLogOf(6);
    store.exec('DELETE FROM audit WHERE sequence > 4');
    expect(await audit.verify()).toMatchObject({
      ok: false,
      entries: 4,
      brokenAt: 5,
      reason: 'records 5 to 6 were deleted',
    });
  });

  it('detects an edited record relinked with SHA-256 or with another key, and an edited head', async () => {
    for (const link of [
      (previousHash: string, record: AuditRecord) => legacyAuditHash(previousHash, record),
      (previousHash: string, record: AuditRecord) =>
        new KeyedAuditChain(new Uint8Array(32).fill(9), 1).hash(previousHash, record),
    ]) {
      const { store, audit } = await auditLogOf(5);
      store.exec("UPDATE audit SET detail = 'nothing happened' WHERE sequence = 2");
      await relink(store, 2, link);
      expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 2 });
    }
    const { store, audit } = await auditLogOf(5);
    store.exec('DELETE FROM audit WHERE sequence = 5');
    // A head resealed with the last remaining record, but without the key: its MAC does not verify.
    const forged = JSON.parse((await store.getSetting(AUDIT_HEAD_SETTING)) ?? '{}');
    forged.sequence = 4;
    store.exec(
      `UPDATE settings SET value = '${JSON.stringify(forged)}' WHERE name = '${AUDIT_HEAD_SETTING}'`,
    );
    expect(await audit.verify()).toMatchObject({ ok: false, reason: /sealed head .* does not verify/ });
    // A fresh process on that store refuses to append to a chain whose head it cannot trust.
    await expect(
      new AuditLog(store, new Uint8Array(32).fill(1)).record(entry('later')),
    ).rejects.toMatchObject({
      code: 'ERR_AUDIT_UNAVAILABLE',
    });
  });

  it('keeps verifying records written before the chain was keyed, and keys every record after them', async () => {
    const { store, audit } = await auditLogOf(3);
    // As an older server left it: SHA-256 links and no sealed head.
    await relink(store, 1, legacyAuditHash);
    store.exec(`DELETE FROM settings WHERE name = '${AUDIT_HEAD_SETTING}'`);
    const upgraded = new AuditLog(store, new Uint8Array(32).fill(1));
    await upgraded.record(entry('after the upgrade'));
    expect(await upgraded.verify()).toMatchObject({ ok: true, entries: 4, head: { sequence: 4 } });
    const { entries } = await store.listAudit(0, 10);
    const fourth = entries[3]!;
    expect(fourth.hash).not.toBe(legacyAuditHash(fourth.previousHash, fourth));
    expect(audit).toBeDefined();
  });

  it('serves GET /v1/audit (paged) and /v1/audit/verify, which fails after tampering', async () => {
    const server = await startTestServer();
    const key = (await server.call('POST', '/v1/keys', { body: { type: 'EC', curve: 'P-256' } })).body;
    await server.call('POST', '/v1/sign', { body: { key: key.id, algorithm: 'ES256', message: 'eA==' } });
    await server.call('POST', '/v1/sign', { body: { key: 'missing', algorithm: 'ES256', message: 'eA==' } });
    await server.call('GET', '/v1/keys', { token: null });
    const page = await server.call('GET', '/v1/audit?limit=2');
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(2);
    const all = (await server.call('GET', '/v1/audit?limit=1000')).body.entries;
    const signed = all.find(
      (record: { operation: string; result: string }) =>
        record.operation === 'sign' && record.result === 'ok',
    );
    expect(signed).toMatchObject({
      keyId: key.id,
      keyVersion: 1,
      algorithm: 'ES256',
      tokenId: expect.any(String),
    });
    expect(signed.inputSha256).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    expect(signed.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      all.some(
        (record: { result: string; detail: string }) =>
          record.result === 'error' && record.detail === 'ERR_KEY_NOT_FOUND',
      ),
    ).toBe(true);
    expect(
      all.some(
        (record: { result: string; detail: string }) =>
          record.result === 'denied' && record.detail === 'ERR_UNAUTHENTICATED',
      ),
    ).toBe(true);
    // the verify call records itself first
    expect((await server.call('GET', '/v1/audit/verify')).body).toMatchObject({
      ok: true,
      entries: all.length + 1,
      head: { sequence: all.length + 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    await server.store.exec("UPDATE audit SET algorithm = 'RS256' WHERE sequence = 2");
    const broken = await server.call('GET', '/v1/audit/verify');
    expect(broken.body.ok).toBe(false);
  });

  it('returns no signature when the audit write fails', async () => {
    let failAudit = false;
    const server = await startTestServer({
      wrapStore: (store: Store) =>
        new Proxy(store, {
          get(target, property, receiver) {
            if ((property === 'appendAudit' || property === 'appendAuditMany') && failAudit)
              return async () => Promise.reject(new Error('disk full'));
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    const key = (await server.call('POST', '/v1/keys', { body: { type: 'OKP', curve: 'Ed25519' } })).body;
    failAudit = true;
    const answer = await server.call('POST', '/v1/sign', {
      body: { key: key.id, algorithm: 'EdDSA', message: 'eA==' },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('ERR_AUDIT_UNAVAILABLE');
    expect(answer.text).not.toMatch(/signature/);
    const batch = await server.call('POST', '/v1/sign/batch', {
      body: [{ key: key.id, algorithm: 'EdDSA', message: 'eA==' }],
    });
    expect(batch.status).toBe(503);
    failAudit = false;
    expect(
      (await server.call('POST', '/v1/sign', { body: { key: key.id, algorithm: 'EdDSA', message: 'eA==' } }))
        .status,
    ).toBe(200);
  });
});
