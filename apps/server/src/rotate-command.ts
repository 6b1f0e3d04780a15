// `sigil-server rotate-master-key`: rewraps every secret the store keeps sealed under the current master key under a
// new one, in one transaction, with the server stopped. The records and the audit chain are not touched.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, readConfig } from './config.js';
import { loadMasterKey, MASTER_KEY_FILE_NAME, parseMasterKey, rotateMasterKey } from './store/master-key.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** What the command prints, for the caller to write (stdout) and its exit code. */
export interface CommandOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the rotation. The current key is SIGIL_MASTER_KEY or the data directory's `master.key`; the new one is
 * SIGIL_NEW_MASTER_KEY (`--new-master-key`), or, when that is unset and the current key is the file, a generated key
 * written over the file once the store committed (atomically: a temporary file renamed over it).
 */
export async function runRotateMasterKey(
  environment: NodeJS.ProcessEnv,
  argv: readonly string[],
): Promise<CommandOutcome> {
  let store: Store | undefined;
  try {
    const config = readConfig(environment, argv);
    const directory = resolve(config.dataDir);
    const configuredNew = environment.SIGIL_NEW_MASTER_KEY ?? flagValue(argv, '--new-master-key');
    if (configuredNew === undefined && config.masterKey !== undefined) {
      throw new ConfigError(
        'SIGIL_MASTER_KEY is set: give the new key as SIGIL_NEW_MASTER_KEY (base64 of 32 bytes), then start with it',
      );
    }
    const oldKey = loadMasterKey(config.masterKey, directory, { generate: false });
    const newKey =
      configuredNew === undefined ? randomBytes(32) : parseMasterKey(configuredNew, 'SIGIL_NEW_MASTER_KEY');
    store =
      config.databaseUrl === undefined
        ? openSqliteStore(directory)
        : await openPostgresStore(config.databaseUrl);
    const count = await rotateMasterKey(store, oldKey, newKey);
    let where = 'SIGIL_NEW_MASTER_KEY: start the server with it as SIGIL_MASTER_KEY';
    if (configuredNew === undefined) {
      const file = join(directory, MASTER_KEY_FILE_NAME);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${newKey.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      renameSync(temporary, file);
      where = `${file} (replaced)`;
    }
    return {
      code: 0,
      stdout: `rewrapped ${count} sealed secrets under the new master key, now in ${where}\n`,
      stderr: '',
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: error instanceof ConfigError ? 2 : 1, stdout: '', stderr: `sigil-server: ${message}\n` };
  } finally {
    await store?.close();
  }
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    if (name === flag) return inline ?? argv[i + 1];
  }
  return undefined;
}
