// The master key: SIGIL_MASTER_KEY (base64 of 32 bytes), or a key generated into the data directory (mode 0600) for
// a store that holds nothing sealed yet; and the check that it opens the store's data before the server starts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { keyVersionSealingContext, openSecret, pingIdSealingContext } from '../providers/sealing.js';
import type { SealedSecretSample, Store } from './store.js';

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

function opensSample(masterKey: Uint8Array, sample: SealedSecretSample): boolean {
  const context =
    sample.kind === 'key-version'
      ? keyVersionSealingContext(sample.keyId, sample.version)
      : pingIdSealingContext(sample.tokenId);
  try {
    openSecret(masterKey, sample.sealed, context).fill(0);
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
