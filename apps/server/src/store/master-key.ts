// The master key: SIGIL_MASTER_KEY (base64 of 32 bytes), or a key generated into the data directory (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';

/** The file the generated master key lives in, inside the data directory. */
export const MASTER_KEY_FILE_NAME = 'master.key';

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
 * The 32-byte key-encryption key: from `configured` when set, else read from (or generated into) the data
 * directory with mode 0600.
 * @throws {ConfigError} when the configured or stored key is not base64 of 32 bytes
 */
export function loadMasterKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return decodeMasterKey(configured, 'SIGIL_MASTER_KEY');
  const path = join(dataDir, MASTER_KEY_FILE_NAME);
  if (existsSync(path)) return decodeMasterKey(readFileSync(path, 'utf8'), path);
  const key = randomBytes(MASTER_KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}
