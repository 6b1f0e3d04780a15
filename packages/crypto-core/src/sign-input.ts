// What a signature is computed over: a message the signer hashes, or a digest the caller already computed.
import { abytes, aobject } from './assert.js';
import { getHash, type HashName } from './hash.js';

/** A message to hash, or a digest already computed with the scheme's hash. */
export type SignInput = { readonly message: Uint8Array } | { readonly digest: Uint8Array };

/**
 * The digest of `input` under `hash`: hashes a message, or checks a digest's length.
 * @throws {TypeError} when input is neither form
 * @throws {RangeError} when a digest does not have the hash's output length
 */
export function digestOf(input: SignInput, hash: HashName): Uint8Array {
  aobject(input, 'input');
  const descriptor = getHash(hash);
  if ('digest' in input && input.digest !== undefined) {
    if ('message' in input && (input as { message?: unknown }).message !== undefined) {
      throw new TypeError('input must have either message or digest, not both');
    }
    abytes(input.digest, 'input.digest', descriptor.outputLength);
    return input.digest;
  }
  if ('message' in input && input.message !== undefined) {
    abytes(input.message, 'input.message');
    return descriptor.digest(input.message);
  }
  throw new TypeError('input must have message or digest');
}
