// The master key: SIGIL_MASTER_KEY (base64 of 32 bytes), or a key generated into the data directory (mode 0600) for
// a store that holds nothing sealed yet; and the check that it opens the store's data before the server starts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import {
  keyVersionSealingContext,
  openSecret,
  pingIdSealingContext,
  sealSecret,
} from '../providers/sealing.js';
import { AUDIT_KEY_SEALING_CONTEXT, AUDIT_KEY_SETTING } from './audit-chain.js';
import type { SealedSecret, Store } from './store.js';

/** The file the generated master key lives in, inside the data directory. */
export const MASTER_KEY_FILE_NAME = 'master.key';

/** The setting that holds the check value of the master key the store's data is sealed under. */
export const MASTER_KEY_CHECK_SETTING = 'master_key_check';

const MASTER_KEY_BYTES = 32;

function decodeMasterKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(`${where} must be base64 of ${MASTER_KEY_BYTES} bytes`);
  }
  return bytes;
}

/**
 * The 32-byte key-encryption key: from `configured` when set, else read from the data directory, else (only when
 * `generate`) generated into it with mode 0600.
 * @throws {ConfigError} when the configured or stored key is not base64 of 32 bytes, or there is none to read and
 *   `generate` is false
 */
export function loadMasterKey(
  configured: string | undefined,
  dataDir: string,
  { generate = true }: { generate?: boolean } = {},
): Buffer {
  if (configured) return decodeMasterKey(configured, 'SIGIL_MASTER_KEY');
  const path = join(dataDir, MASTER_KEY_FILE_NAME);
  if (existsSync(path)) return decodeMasterKey(readFileSync(path, 'utf8'), path);
  if (!generate) {
    throw new ConfigError(
      `the store holds keys sealed under a master key, but SIGIL_MASTER_KEY is unset and ${path} does not exist: ` +
        'set SIGIL_MASTER_KEY to the key the data was sealed under (a new key could not open it)',
    );
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

/** The check value of a master key: HMAC-SHA-256 under it of a fixed label; it tells keys apart and reveals none. */
export function masterKeyCheckValue(masterKey: Uint8Array): string {
  return `v1:${createHmac('sha256', masterKey).update('sigil master key check').digest('hex')}`;
}

function sameCheckValue(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The associated data a sealed secret of the store is bound to. */
function sealingContextOf(secret: SealedSecret): string {
  switch (secret.kind) {
    case 'key-version':
      return keyVersionSealingContext(secret.keyId, secret.version);
    case 'pingid':
      return pingIdSealingContext(secret.tokenId);
    case 'setting':
      if (secret.name === AUDIT_KEY_SETTING) return AUDIT_KEY_SEALING_CONTEXT;
      throw new Error(`no sealing context for the setting ${secret.name}`);
  }
}

function opensSample(masterKey: Uint8Array, sample: SealedSecret): boolean {
  try {
    openSecret(masterKey, sample.sealed, sealingContextOf(sample)).fill(0);
    return true;
  } catch {
    return false;
  }
}

function wrongKey(configured: string | undefined, dataDir: string): ConfigError {
  const source = configured ? 'SIGIL_MASTER_KEY' : join(dataDir, MASTER_KEY_FILE_NAME);
  return new ConfigError(
    `the master key from ${source} does not open this store's data (it was sealed under another key): ` +
      'start with the master key the data was created with',
  );
}

/**
 * The master key for `store`, checked against it: the store keeps the check value of the key its data is sealed
 * under (written on first start; for data sealed before check values existed, one sealed secret is opened first).
 * No key is generated for a store that already holds sealed data.
 * @throws {ConfigError} when the key does not open the store's data, or none is set for a store that needs one
 */
export async function openMasterKey(
  configured: string | undefined,
  dataDir: string,
  store: Store,
): Promise<Buffer> {
  const stored = await store.getSetting(MASTER_KEY_CHECK_SETTING);
  const sample = stored === undefined ? await store.sampleSealedSecret() : undefined;
  const masterKey = loadMasterKey(configured, dataDir, {
    generate: stored === undefined && sample === undefined,
  });
  const check = masterKeyCheckValue(masterKey);
  if (stored !== undefined) {
    if (!sameCheckValue(stored, check)) throw wrongKey(configured, dataDir);
    return masterKey;
  }
  if (sample !== undefined && !opensSample(masterKey, sample)) throw wrongKey(configured, dataDir);
  // Another process on the same database may have written its value first: the first value is the store's.
  if (!sameCheckValue(await store.putSettingIfAbsent(MASTER_KEY_CHECK_SETTING, check), check)) {
    throw wrongKey(configured, dataDir);
  }
  return masterKey;
}

/**
 * Rewraps every secret the store keeps sealed under `oldKey` under `newKey`, and stores the new key's check value, in
 * one transaction: a failure changes nothing. The old key must be the store's (checked first). Run it with the server
 * stopped (the embedded store refuses a second process; on PostgreSQL, stop every server first).
 * @throws {ConfigError} when `oldKey` does not open the store's data, or the two keys are the same
 */
export async function rotateMasterKey(store: Store, oldKey: Uint8Array, newKey: Uint8Array): Promise<number> {
  if (Buffer.from(oldKey).equals(Buffer.from(newKey))) {
    throw new ConfigError('the new master key is the one in use: give another (base64 of 32 bytes)');
  }
  const stored = await store.getSetting(MASTER_KEY_CHECK_SETTING);
  const sample = await store.sampleSealedSecret();
  const opens =
    stored !== undefined
      ? sameCheckValue(stored, masterKeyCheckValue(oldKey))
      : sample === undefined || opensSample(oldKey, sample);
  if (!opens) {
    throw new ConfigError(
      "the current master key does not open this store's data: give the key the data was sealed under",
    );
  }
  return store.rewrapSealedSecrets(
    (secret) => {
      const context = sealingContextOf(secret);
      const plain = openSecret(oldKey, secret.sealed, context);
      try {
        return sealSecret(newKey, plain, context);
      } finally {
        plain.fill(0);
      }
    },
    { [MASTER_KEY_CHECK_SETTING]: masterKeyCheckValue(newKey) },
  );
}

/** Reads a master key given as base64 of 32 bytes (`where` names its source in the error). */
export function parseMasterKey(text: string, where: string): Buffer {
  return decodeMasterKey(text, where);
}
