// The PostgreSQL store on its own: migrations once under concurrent start-up, job leases that two claimers never
// share, expiry-based takeover, and NUL characters (which PostgreSQL text cannot hold) handled without a 5xx.
import { describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres.js';
import type { SignPathRequestRecord } from '../src/store/store.js';
import { freshDatabaseUrl } from './helpers.js';

function pendingRequest(index: number): SignPathRequestRecord {
  const at = new Date(Date.now() + index).toISOString();
  return {
    id: `request-${index}`,
    organizationId: 'org',
    policyId: 'policy',
    tokenId: 'token',
    payload: '{}',
    status: 'InProgress',
    signature: undefined,
    error: undefined,
    createdAt: at,
    updatedAt: at,
  };
}

describe('PostgreSQL store', () => {
  it('migrates once when several processes open an empty database at once', async () => {
    const url = await freshDatabaseUrl();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openPostgresStore(url, { maxConnections: 2 })),
    );
    const first = stores[0] as PostgresStore;
    expect(await first.exec('SELECT version FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
      { version: 5 },
      { version: 6 },
    ]);
    expect(await first.ping()).toBe(true);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('leases each abandoned request to one claimer, renews leases, and lets expired ones be taken over', async () => {
    const url = await freshDatabaseUrl();
    const [one, two] = (await Promise.all([openPostgresStore(url), openPostgresStore(url)])) as [
      PostgresStore,
      PostgresStore,
    ];
    for (let index = 0; index < 40; index++) await one.createSignPathRequest(pendingRequest(index));
    const later = new Date(Date.now() + 60_000).toISOString();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        (index % 2 === 0 ? one : two).claimAbandonedSignPathRequests(`owner-${index}`, later, 10),
      ),
    );
    const claimed = claims.flat();
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
    // held by a live owner: nobody else gets it
    const heldId = claims[0]?.[0] ?? '';
    expect(await two.claimSignPathRequest(heldId, 'intruder', later)).toBe(false);
    expect(await one.claimSignPathRequest(heldId, 'owner-0', later)).toBe(true);
    // the owner stops renewing: once its lease has expired, another process takes the request over
    const past = new Date(Date.now() - 1000).toISOString();
    await one.renewSignPathRequestLeases('owner-0', past);
    expect((await two.claimAbandonedSignPathRequests('survivor', later, 100)).sort()).toEqual(
      [...(claims[0] ?? [])].sort(),
    );
    await one.finishSignPathRequest(heldId, { status: 'Completed', signature: 'c2ln' });
    expect(await two.claimSignPathRequest(heldId, 'survivor', later)).toBe(false);
    await Promise.all([one.close(), two.close()]);
  });

  it('finds nothing by a value with NUL and refuses to store one', async () => {
    const store = await openPostgresStore(await freshDatabaseUrl(), { maxConnections: 1 });
    expect(await store.getKey('a\0b')).toBeUndefined();
    expect(await store.deleteToken('\0')).toBe(false);
    await expect(store.rememberNonce('n\0', new Date().toISOString())).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
    await store.close();
  });
});
