// No private key bytes (RSA d, p, q, CRT values, EC scalars, Ed25519 seeds, HMAC secrets) in the stored data (database
// files or PostgreSQL rows), the logs or any response, in hex, base64 or base64url.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJwk } from '@sigil/crypto-core/keys';
import { describe, expect, it } from 'vitest';
import type { LocalKeyProvider } from '../src/providers/local.js';
import { startTestServer, type TestStore, testStoreKind } from './helpers.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

function encodings(bytes: Buffer): string[] {
  return [
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ].map(
    // base64 of the whole value, without trailing padding, is what would appear inside a larger text
    (text) => text.replace(/=+$/, ''),
  );
}

/** Every row of every table of a PostgreSQL test store, as text: what the database holds. */
async function postgresTableDump(store: TestStore): Promise<[string, Buffer]> {
  const tables = (await store.exec(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()',
  )) as { table_name: string }[];
  const rows: string[] = [];
  for (const { table_name: table } of tables) {
    const dump = (await store.exec(`SELECT t::text AS row FROM "${table}" t`)) as { row: string }[];
    rows.push(...dump.map((entry) => `${table}: ${entry.row}`));
  }
  expect(rows.some((row) => row.startsWith('key_versions: '))).toBe(true);
  return ['postgres tables', Buffer.from(rows.join('\n'))];
}

describe('secrets', () => {
  it('never stores, logs or returns private key material', { timeout: 120_000 }, async () => {
    const server = await startTestServer();
    const responses: string[] = [];
    const call: typeof server.call = async (...args) => {
      const answer = await server.call(...args);
      responses.push(answer.text, JSON.stringify([...answer.headers]));
      return answer;
    };
    const specs = [
      { type: 'RSA', size: 2048 },
      { type: 'EC', curve: 'P-256' },
      { type: 'EC', curve: 'P-384' },
      { type: 'EC', curve: 'P-521' },
      { type: 'EC', curve: 'secp256k1' },
      { type: 'OKP', curve: 'Ed25519' },
      { type: 'HMAC', size: 256 },
    ];
    const ids: string[] = [];
    for (const spec of specs) ids.push((await call('POST', '/v1/keys', { body: spec })).body.id);
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const edJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    ids.push(
      (await call('POST', '/v1/keys', { body: { name: 'imported-pem', privateKeyPem: rsaPem } })).body.id,
    );
    ids.push((await call('POST', '/v1/keys', { body: { name: 'imported-jwk', jwk: edJwk } })).body.id);
    ids.push(
      (
        await call('POST', '/v1/keys', {
          body: { name: 'imported-oct', jwk: { kty: 'oct', k: randomBytes(32).toString('base64url') } },
        })
      ).body.id,
    );
    await call('POST', `/v1/keys/${ids[1]}/rotate`);
    for (const id of ids) {
      await call('GET', `/v1/keys/${id}`);
      const key = (await call('GET', `/v1/keys/${id}`)).body;
      const algorithm = {
        RSA: 'RS256',
        EC: { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', secp256k1: 'ES256K' }[
          key.curve as string
        ],
        OKP: 'EdDSA',
        HMAC: 'HS256',
      }[key.type as string];
      await call('POST', '/v1/sign', { body: { key: id, algorithm, message: 'aGVsbG8=' } });
    }
    await call('GET', '/v1/keys');
    await call('GET', '/v1/audit?limit=1000');

    // The private members of every version, read back through the provider with the master key.
    const provider = server.sigil.services.keys.provider as LocalKeyProvider;
    const secrets: Buffer[] = [];
    for (const id of ids) {
      for (const version of await server.store.listKeyVersions(id)) {
        const jwk = exportJwk(provider.open(version));
        for (const member of PRIVATE_MEMBERS) {
          if (typeof jwk[member] === 'string') secrets.push(Buffer.from(jwk[member], 'base64url'));
        }
      }
    }
    expect(secrets.length).toBe(2 * 6 + 5 + 2 + 2);

    const files = readdirSync(server.dataDir).filter((name) => name.startsWith('sigil.db'));
    if (testStoreKind === 'sqlite') expect(files).toContain('sigil.db-wal');
    const haystacks: [string, Buffer][] = [
      ...files.map((name): [string, Buffer] => [name, readFileSync(join(server.dataDir, name))]),
      ...(testStoreKind === 'postgres' ? [await postgresTableDump(server.store)] : []),
      ['logs', Buffer.from(server.logs.join('\n'))],
      ['responses', Buffer.from(responses.join('\n'))],
    ];
    await server.sigil.close();
    if (existsSync(join(server.dataDir, 'sigil.db')))
      haystacks.push(['sigil.db (after checkpoint)', readFileSync(join(server.dataDir, 'sigil.db'))]);
    const leaks: string[] = [];
    for (const [where, haystack] of haystacks) {
      const text = haystack.toString('latin1');
      for (const secret of secrets) {
        if (haystack.includes(secret)) leaks.push(`${where}: raw bytes`);
        for (const encoded of encodings(secret))
          if (text.includes(encoded)) leaks.push(`${where}: ${encoded.slice(0, 12)}…`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
