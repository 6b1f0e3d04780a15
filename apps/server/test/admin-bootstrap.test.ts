// SIGIL_ADMIN_TOKEN on a shared database: processes that start together all bootstrap the same admin token.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../src/services/audit.js';
import { TokenService } from '../src/services/tokens.js';
import { openTestStore } from './helpers.js';

describe('admin token bootstrap', () => {
  it('lets concurrent starts race to insert SIGIL_ADMIN_TOKEN: one row, no failure', async () => {
    const store = await openTestStore(mkdtempSync(join(tmpdir(), 'sigil-bootstrap-')));
    const starts = Array.from(
      { length: 4 },
      () => new TokenService(store, new AuditLog(store, new Uint8Array(32)), new Uint8Array(32)),
    );
    const configured = 'sgl_bootstrap-admin-token-for-the-race';
    await expect(Promise.all(starts.map((tokens) => tokens.bootstrapAdmin(configured)))).resolves.toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const principal = await starts[0]!.authenticate(configured);
    expect(principal?.scopes).toEqual(['admin']);
    expect(await store.countTokensWithScope('admin')).toBe(1);
  });
});
