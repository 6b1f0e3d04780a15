// Deterministic randomness from a seed: HMAC-SHA-256 in counter mode, one independent stream per label.
import { createHmac, randomBytes } from 'node:crypto';

/** A source of random bytes, as crypto-core's key generators take it. */
export type RandomSource = (length: number) => Uint8Array;

/** A fresh seed for runs started without `--seed` (printed, so the run can be repeated). */
export function randomSeed(): string {
  return randomBytes(8).toString('hex');
}

/**
 * A deterministic byte stream for `label` under `seed`: block i is HMAC-SHA-256(seed, label || 0x00 || i as
 * 32-bit big-endian). Different labels give independent streams, so adding a key never shifts another one.
 */
export function createSeededRandom(seed: string, label: string): RandomSource {
  let counter = 0;
  let buffered: Uint8Array = new Uint8Array(0);
  const nextBlock = (): Uint8Array => {
    const block = Buffer.alloc(4);
    block.writeUInt32BE(counter++);
    return new Uint8Array(
      createHmac('sha256', seed)
        .update(label)
        .update(Buffer.from([0]))
        .update(block)
        .digest(),
    );
  };
  return (length: number) => {
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError('length must be a non-negative integer');
    const output = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      if (buffered.length === 0) buffered = nextBlock();
      const take = Math.min(buffered.length, length - offset);
      output.set(buffered.subarray(0, take), offset);
      buffered = buffered.subarray(take);
      offset += take;
    }
    return output;
  };
}

/** Formats 16 random bytes as an RFC 9562 version 4 UUID. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const copy = Uint8Array.from(bytes.subarray(0, 16));
  copy[6] = ((copy[6] ?? 0) & 0x0f) | 0x40;
  copy[8] = ((copy[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(copy).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A deterministic UUID for a fixed name under the seed (the same name always gives the same ID). */
export function seededUuid(seed: string, name: string): string {
  return uuidFromBytes(createSeededRandom(seed, `uuid:${name}`)(16));
}

/** A deterministic sequence of UUIDs (IDs a mock assigns at run time: requests, keys, users). */
export function createSeededIdSequence(seed: string, label: string): () => string {
  const random = createSeededRandom(seed, `ids:${label}`);
  return () => uuidFromBytes(random(16));
}

/** A deterministic opaque secret (tokens, API keys), base64url or base64 of `length` bytes. */
export function seededSecret(
  seed: string,
  name: string,
  length = 32,
  encoding: 'base64url' | 'base64' = 'base64url',
): string {
  return Buffer.from(createSeededRandom(seed, `secret:${name}`)(length)).toString(encoding);
}
