// What every vendor's algorithm table shares: name lookups both ways, the one RSA-hash check, and input digests.
import { getHash, type HashName } from '@sigil/crypto-core/hash';
import { RSA_HASHES, type RsaHashName } from '@sigil/crypto-core/rsa';
import { digestOf, type SignInput } from '@sigil/crypto-core/sign-input';
import type { ProtocolError } from './errors.js';

/** Builds the error a table throws; each vendor passes its own code. */
export type TableError = (message: string) => ProtocolError;

/** A vendor name's value in `table`, or `fail` for a name the table does not hold (not a string, unknown). */
export function lookupName<T>(
  table: Readonly<Record<string, T>>,
  name: unknown,
  what: string,
  fail: TableError,
): T {
  if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name] as T;
  throw fail(`unsupported ${what} ${JSON.stringify(name)}`);
}

/**
 * The table read backwards: value to vendor name. Tables map each name to one value and no two names to the same
 * value, so the reverse is a function; a table that breaks this is a bug, caught when the module loads.
 * @throws {Error} when two names share a value
 */
export function invertTable<K extends string>(table: Readonly<Record<K, string>>): ReadonlyMap<string, K> {
  const reverse = new Map<string, K>();
  for (const [name, value] of Object.entries(table) as [K, string][]) {
    if (reverse.has(value)) throw new Error(`algorithm table names ${value} twice`);
    reverse.set(value, name);
  }
  return reverse;
}

/** True for the hashes crypto-core signs RSA with (SHA-1 and SHA-2). */
function isRsaHash(hash: unknown): hash is RsaHashName {
  return (RSA_HASHES as readonly unknown[]).includes(hash);
}

/**
 * The one check that a hash can sign RSA: crypto-core signs RSA with SHA-1 and SHA-2 only, so MD5 (SignPath lists
 * it) and SHA-3 (Fortanix lists it) are refused by name, as the vendor's typed error.
 * @throws {ProtocolError} from `fail` for any other hash
 */
export function rsaHashOf(hash: HashName, fail: TableError): RsaHashName {
  if (isRsaHash(hash)) return hash;
  throw fail(`RSA signing with ${hash} is not supported`);
}

/**
 * The digest an input stands for under `hash`: a message is hashed here, a digest must have the hash's length.
 * @throws {ProtocolError} from `fail` for a digest of the wrong length or an input that is neither form
 */
export function digestOfInput(input: SignInput, hash: HashName, fail: TableError): Uint8Array {
  if (
    typeof input === 'object' &&
    input !== null &&
    'digest' in input &&
    input.digest instanceof Uint8Array
  ) {
    const expected = getHash(hash).outputLength;
    if (input.digest.length !== expected) {
      throw fail(`a ${hash} digest is ${expected} bytes, the one given has ${input.digest.length}`);
    }
    return input.digest;
  }
  if (
    typeof input === 'object' &&
    input !== null &&
    'message' in input &&
    input.message instanceof Uint8Array
  ) {
    return digestOf(input, hash);
  }
  throw fail('input must be {message} or {digest} bytes');
}
