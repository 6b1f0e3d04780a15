// Reading key files: PEM (PKCS#1, PKCS#8, SPKI, SEC1), JWK (or a JWK Set of one key) or DER, detected from the content.
import type { Key } from '@sigil/crypto-core/key-types';
import { importKey, type Jwk } from '@sigil/crypto-core/keys';
import { CliError, ExitCode } from './exit-codes.js';
import { readInput } from './io.js';

/**
 * Reads and imports the key in `path` (`-` for stdin).
 * @throws {CliError} exit 3 when the file cannot be read, exit 2 when it holds no key
 */
export function readKeyFile(path: string): Key {
  const bytes = readInput(path);
  const text = new TextDecoder().decode(bytes).trim();
  if (text.startsWith('{')) return importKey(jwkOf(text, path));
  if (text.startsWith('-----BEGIN')) return importKey(text);
  if (bytes[0] === 0x30) return importKey(bytes);
  throw new CliError(ExitCode.USAGE, `${path} holds no PEM, JWK or DER key`);
}

function jwkOf(text: string, path: string): Jwk {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new CliError(ExitCode.USAGE, `${path} is not valid JSON`, { cause });
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (Array.isArray(keys)) {
    if (keys.length !== 1)
      throw new CliError(ExitCode.USAGE, `${path} is a JWK Set of ${keys.length} keys, not one`);
    return keys[0] as Jwk;
  }
  return parsed as Jwk;
}
