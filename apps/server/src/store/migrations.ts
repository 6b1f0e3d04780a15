// The schema as numbered migrations, written once for both dialects: version n is MIGRATIONS[n - 1], forever.
import type { Row, SqlDialect } from './sql.js';

/** `, <insertion order column>` where a table must declare one. */
const insertionOrder = (dialect: SqlDialect): string =>
  dialect.insertionOrderColumn === undefined ? '' : `, ${dialect.insertionOrderColumn}`;

// Each script ends with a semicolon: pending ones run as one script, each followed by the row that records it.
const MIGRATIONS: readonly ((dialect: SqlDialect) => string)[] = [
  (dialect) => `CREATE TABLE keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, size INTEGER, curve TEXT,
     kid TEXT NOT NULL, provider TEXT NOT NULL, status TEXT NOT NULL, current_version INTEGER NOT NULL,
     pingone_alias TEXT UNIQUE, created_at TEXT NOT NULL${insertionOrder(dialect)});
   CREATE INDEX keys_kid ON keys (kid);
   CREATE TABLE key_versions (
     key_id TEXT NOT NULL REFERENCES keys (id) ON DELETE CASCADE, version INTEGER NOT NULL,
     public_jwk TEXT NOT NULL, sealed_private_key TEXT NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (key_id, version));
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
     keys TEXT, expires_at TEXT, created_at TEXT NOT NULL);
   CREATE TABLE signpath_policies (
     id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, project_slug TEXT NOT NULL,
     signing_policy_slug TEXT NOT NULL, key_id TEXT NOT NULL, submitters TEXT NOT NULL,
     certificate TEXT NOT NULL, created_at TEXT NOT NULL${insertionOrder(dialect)},
     UNIQUE (organization_id, project_slug, signing_policy_slug));
   CREATE TABLE signpath_requests (
     id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, policy_id TEXT NOT NULL, token_id TEXT NOT NULL,
     payload TEXT NOT NULL, status TEXT NOT NULL, signature TEXT, error TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE INDEX signpath_requests_status ON signpath_requests (status);
   CREATE TABLE fortanix_apps (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, keys TEXT, created_at TEXT NOT NULL);
   CREATE TABLE audit (
     sequence ${dialect.bigint} PRIMARY KEY, at TEXT NOT NULL, request_id TEXT NOT NULL, token_id TEXT,
     operation TEXT NOT NULL, key_id TEXT, key_version INTEGER, algorithm TEXT, input_sha256 TEXT,
     result TEXT NOT NULL, detail TEXT, previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
   CREATE TABLE nonces (nonce TEXT PRIMARY KEY, expires_at TEXT NOT NULL);`,
  // Job leases: which process is signing an accepted request, and until when its claim holds without a heartbeat.
  () => `ALTER TABLE signpath_requests ADD COLUMN lease_owner TEXT;
   ALTER TABLE signpath_requests ADD COLUMN lease_expires_at TEXT;`,
  // PingID SDK credentials of a token: the public `token` and the API key sealed under the master key.
  () => `ALTER TABLE tokens ADD COLUMN pingid_token TEXT;
   ALTER TABLE tokens ADD COLUMN sealed_pingid_api_key TEXT;`,
  // A kid per key version: after a rotation the new version has its own, and a kid names the version it signs with.
  // The key's kid goes to its current version, which is what the key's JWK showed under that kid so far.
  () => `ALTER TABLE key_versions ADD COLUMN kid TEXT;
   UPDATE key_versions SET kid = (SELECT kid FROM keys WHERE keys.id = key_versions.key_id)
     WHERE version = (SELECT current_version FROM keys WHERE keys.id = key_versions.key_id);
   CREATE INDEX key_versions_kid ON key_versions (kid);`,
  // Key versions in insertion order where it must be declared, so that a kid two versions share picks the same one
  // on either database (SQLite's rowid already orders them).
  (dialect) =>
    dialect.insertionOrderColumn === undefined
      ? ''
      : `ALTER TABLE key_versions ADD COLUMN ${dialect.insertionOrderColumn};`,
  // Values the server keeps about itself, e.g. the check value that tells whether a master key opens this store.
  () => `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

/** Creates the table that records the versions applied. */
export const CREATE_MIGRATIONS_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)';

/** Lists the versions applied. */
export const SELECT_APPLIED_MIGRATIONS = 'SELECT version FROM schema_migrations';

/**
 * One script that applies, in order, every migration not among the `applied` rows (of SELECT_APPLIED_MIGRATIONS),
 * each followed by the row recording it; '' when none is due. Run it in the transaction that read `applied`.
 */
export function pendingMigrations(dialect: SqlDialect, applied: readonly Row[], now = new Date()): string {
  const done = new Set(applied.map((row) => Number(row.version)));
  return MIGRATIONS.flatMap((migration, index) => {
    const version = index + 1;
    if (done.has(version)) return [];
    return [
      migration(dialect),
      `INSERT INTO schema_migrations (version, applied_at) VALUES (${version}, '${now.toISOString()}');`,
    ];
  }).join('\n');
}
