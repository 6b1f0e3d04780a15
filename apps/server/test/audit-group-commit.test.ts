// The audit log's group commit: writes that arrive together share one transaction, each caller still gets exactly
// its own records once they are committed, and one write the store refuses does not fail the writes beside it.
import { describe, expect, it } from 'vitest';
import { AuditLog, auditEntry } from '../src/services/audit.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';

/** A store that counts its audit transactions and refuses any containing a `poison` record. */
function countingStore(): { store: Store; transactions: () => number } {
  const inner = new SqliteStore(':memory:');
  let transactions = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'appendAuditMany') {
        return async (...args: Parameters<Store['appendAuditMany']>) => {
          transactions++;
          if (args[0].some((content) => content.detail === 'poison')) throw new Error('refused');
          return target.appendAuditMany(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, transactions: () => transactions };
}

const actor = (index: number) => ({ requestId: `request-${index}`, tokenId: undefined });

describe('audit group commit', () => {
  it('commits concurrent writes together, in order, and answers each caller with its own records', async () => {
    const { store, transactions } = countingStore();
    const audit = new AuditLog(store, new Uint8Array(32));
    const writes = Array.from({ length: 40 }, (_, index) =>
      index % 2 === 0
        ? audit
            .record(auditEntry(actor(index), 'sign', { detail: `single ${index}` }))
            .then((record) => [record])
        : audit.recordMany([
            auditEntry(actor(index), 'sign', { detail: `first ${index}` }),
            auditEntry(actor(index), 'sign', { detail: `second ${index}` }),
          ]),
    );
    const answers = await Promise.all(writes);
    answers.forEach((records, index) => {
      expect(records.map((record) => record.requestId)).toEqual(
        index % 2 === 0 ? [`request-${index}`] : [`request-${index}`, `request-${index}`],
      );
      if (index % 2 === 1) expect(records[1]!.sequence).toBe(records[0]!.sequence + 1);
    });
    expect(transactions()).toBeLessThan(40);
    const page = await store.listAudit(0, 100);
    expect(page.entries).toHaveLength(60);
    expect(page.entries.map((entry) => entry.requestId)).toEqual(
      answers.flatMap((records) => records.map((record) => record.requestId)),
    );
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 60 });
  });

  it('fails only the write the store refuses; its neighbours are committed one by one', async () => {
    const { store } = countingStore();
    const audit = new AuditLog(store, new Uint8Array(32));
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) =>
        audit.record(auditEntry(actor(index), 'sign', { detail: index === 2 ? 'poison' : 'fine' })),
      ),
    );
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_AUDIT_UNAVAILABLE' });
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 4 });
    // Later writes go on as usual.
    await audit.record(auditEntry(actor(9), 'sign'));
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 5 });
  });
});
