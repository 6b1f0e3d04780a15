// Text no store can hold (NUL, unpaired surrogates): refused at the request schemas with the same 400 whichever store
// runs, and handled alike by both stores when it reaches them some other way.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, auditEntry } from '../src/services/audit.js';
import { openTestStore, startTestServer, testStoreKind } from './helpers.js';

const NUL = 'a\0b';
const HIGH_SURROGATE_ALONE = 'a\uD800b';
const LOW_SURROGATE_ALONE = '\uDC00';

const token = (name: string, scopes: string[]) => ({
  id: `token-${Math.random()}`,
  name,
  secretHash: 'h'.repeat(64),
  scopes,
  keys: undefined,
  expiresAt: undefined,
  createdAt: new Date().toISOString(),
});

describe(`text no store can hold (${testStoreKind} store)`, () => {
  it('is refused by the request schemas with 400 ERR_VALIDATION naming the field', async () => {
    const server = await startTestServer();
    const key = (await server.call('POST', '/v1/keys', { body: { type: 'EC', curve: 'P-256' } })).body;
    const requests: [string, string, unknown, string][] = [
      ['POST', '/v1/keys', { name: NUL, type: 'EC', curve: 'P-256' }, 'name'],
      ['POST', '/v1/keys', { kid: HIGH_SURROGATE_ALONE, type: 'OKP' }, 'kid'],
      ['POST', '/v1/keys', { name: 'imported', jwk: { kty: 'OKP', kid: NUL } }, 'jwk.kid'],
      ['POST', '/v1/tokens', { name: NUL, scopes: ['sign'] }, 'name'],
      ['POST', '/v1/tokens', { name: 'n', scopes: ['sign'], keys: [LOW_SURROGATE_ALONE] }, 'keys.0'],
      [
        'POST',
        '/v1/signpath/policies',
        { organizationId: NUL, projectSlug: 'p', signingPolicySlug: 's', keyId: key.id },
        'organizationId',
      ],
      [
        'POST',
        '/v1/signpath/policies',
        { organizationId: 'o', projectSlug: 'p', signingPolicySlug: 's', keyId: key.id, submitters: [NUL] },
        'submitters.0',
      ],
      ['POST', '/v1/fortanix/apps', { name: HIGH_SURROGATE_ALONE }, 'name'],
      ['POST', '/v1/sign', { key: NUL, algorithm: 'ES256', message: 'eA==' }, 'key'],
      [
        'POST',
        '/v1/verify',
        { key: key.id, algorithm: `ES256${NUL}`, message: 'eA==', signature: '' },
        'algorithm',
      ],
    ];
    for (const [method, path, body, field] of requests) {
      const answer = await server.call(method, path, { body });
      expect({ path, status: answer.status, error: answer.body.error?.code }).toEqual({
        path,
        status: 400,
        error: 'ERR_VALIDATION',
      });
      expect(answer.body.error.message).toBe(
        `${field}: text must not contain NUL (U+0000) or an unpaired surrogate`,
      );
    }
    // Nothing was stored, and a surrogate pair is ordinary text.
    expect(
      (await server.call('GET', '/v1/keys')).body.keys.map((listed: { id: string }) => listed.id),
    ).toEqual([key.id]);
    const named = await server.call('POST', '/v1/keys', { body: { name: 'clef 🔑', type: 'OKP' } });
    expect(named.status).toBe(201);
    expect((await server.call('GET', `/v1/keys/${encodeURIComponent('clef 🔑')}`)).body.name).toBe('clef 🔑');
    expect((await server.call('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });

  it('finds nothing by it in the store, refuses to store it, and audits it as U+FFFD', async () => {
    const store = await openTestStore(mkdtempSync(join(tmpdir(), 'sigil-text-')));
    expect(await store.getKey(NUL)).toBeUndefined();
    expect(await store.getKeyByName(HIGH_SURROGATE_ALONE)).toBeUndefined();
    expect(await store.getKeyVersionByKid(LOW_SURROGATE_ALONE)).toBeUndefined();
    expect(await store.listKeyVersions(NUL)).toEqual([]);
    expect(await store.countTokensWithScope(NUL)).toBe(0);
    expect(await store.deleteToken(NUL)).toBe(false);
    const refusals = [
      () => store.rememberNonce(NUL, new Date().toISOString()),
      () => store.createToken(token(HIGH_SURROGATE_ALONE, ['sign'])),
      // list items are checked, not only the JSON text that escapes them
      () => store.createToken(token('n', [NUL])),
    ];
    for (const refused of refusals) await expect(refused()).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    const audit = new AuditLog(store, new Uint8Array(32));
    const record = await audit.record(
      auditEntry({ requestId: NUL, tokenId: undefined }, 'sign', { detail: `${HIGH_SURROGATE_ALONE}🔑` }),
    );
    expect(record).toMatchObject({ requestId: 'a\uFFFDb', detail: 'a\uFFFDb🔑' });
    expect((await store.listAudit(0, 10)).entries).toEqual([record]);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 1 });
    await store.close();
  });
});
