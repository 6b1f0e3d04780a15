// The SQL store on whichever database the project runs: insertion order breaks ties alike on both, key versions come
// back with their JWK parsed once, and a failed transaction leaves nothing behind.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyRecord, KeyVersionRecord } from '../src/store/store.js';
import { openTestStore, type TestStore, testStoreKind } from './helpers.js';

const AT = '2026-01-01T00:00:00.000Z';

function key(id: string, kid: string): KeyRecord {
  return {
    id,
    name: `name-${id}`,
    type: 'EC',
    size: undefined,
    curve: 'P-256',
    kid,
    provider: 'local',
    status: 'active',
    currentVersion: 1,
    pingoneCredentialSigningKeyId: undefined,
    createdAt: AT,
  };
}

function version(keyId: string, kid: string): KeyVersionRecord {
  return {
    keyId,
    version: 1,
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${keyId}`, y: 'y', key_ops: ['verify'] },
    sealedPrivateKey: 'sealed',
    createdAt: AT,
    kid,
  };
}

const openStore = (): Promise<TestStore> => openTestStore(mkdtempSync(join(tmpdir(), 'sigil-sql-')));

describe(`SQL store (${testStoreKind})`, () => {
  it('orders rows created at the same instant by insertion, for keys, kids and policies', async () => {
    const store = await openStore();
    // ids against the insertion order, so that no other column could explain the answer
    const ids = ['k3', 'k1', 'k2'];
    for (const id of ids) await store.createKey(key(id, 'shared'), version(id, 'shared'));
    expect((await store.listKeys()).map((listed) => listed.id)).toEqual(ids);
    expect((await store.getKeyByKid('shared'))?.id).toBe('k3');
    expect((await store.getKeyVersionByKid('shared'))?.keyId).toBe('k3');
    for (const id of ['p2', 'p1']) {
      await store.createSignPathPolicy({
        id,
        organizationId: 'org',
        projectSlug: id,
        signingPolicySlug: 's',
        keyId: 'k1',
        submitters: [],
        certificate: '',
        createdAt: AT,
      });
    }
    expect((await store.listSignPathPolicies('org')).map((policy) => policy.id)).toEqual(['p2', 'p1']);
    await store.close();
  });

  it('parses a stored JWK once: every read gets the same frozen object', async () => {
    const store = await openStore();
    const stored = version('k1', 'kid-1');
    await store.createKey(key('k1', 'kid-1'), stored);
    const first = await store.getKeyVersion('k1', 1);
    const again = await store.getKeyVersionByKid('kid-1');
    const listed = (await store.listKeyVersions('k1'))[0];
    expect(first?.publicJwk).toEqual(stored.publicJwk);
    expect(again?.publicJwk).toBe(first?.publicJwk);
    expect(listed?.publicJwk).toBe(first?.publicJwk);
    expect(Object.isFrozen(first?.publicJwk)).toBe(true);
    expect(Object.isFrozen(first?.publicJwk.key_ops)).toBe(true);
    await store.close();
  });

  it('rolls a failed transaction back and goes on serving calls made meanwhile', async () => {
    const store = await openStore();
    await store.createKey(key('k1', 'kid'), version('k1', 'kid'));
    // the second version row collides with the first: the key row inserted before it must go too
    const [failed, listed] = await Promise.allSettled([
      store.createKey(key('k2', 'kid'), version('k1', 'kid')),
      store.listKeys(),
    ]);
    expect(failed.status).toBe('rejected');
    expect(listed.status).toBe('fulfilled');
    expect(await store.getKey('k2')).toBeUndefined();
    expect((await store.listKeys()).map((row) => row.id)).toEqual(['k1']);
    await store.close();
  });
});
