// Opened local keys: unsealing and parsing a key costs more than an ECDSA signature, so each signing thread keeps the
// keys it used recently, in memory only, bounded in count and in idle time.
import { utf8ToBytes } from '@sigil/crypto-core/encoding';
import { exportJwk, importJwk, type Jwk } from '@sigil/crypto-core/keys';
import { openSecret, keyVersionSealingContext as sealingContext, sealSecret } from './sealing.js';
import type { SigningKey } from './signing-engine.js';

/** One key version's sealed material, as the store holds it. */
export interface SealedKeyRef {
  readonly keyId: string;
  readonly version: number;
  readonly sealed: string;
}

/** Seals a key's private JWK for version `version` of `keyId`. */
export function sealKey(masterKey: Uint8Array, keyId: string, version: number, key: SigningKey): string {
  const secret = utf8ToBytes(JSON.stringify(exportJwk(key)));
  try {
    return sealSecret(masterKey, secret, sealingContext(keyId, version));
  } finally {
    secret.fill(0);
  }
}

/**
 * Opens sealed key material.
 * @throws {Error} when the master key is wrong or the blob was tampered with or moved
 */
export function unsealKey(masterKey: Uint8Array, ref: SealedKeyRef): SigningKey {
  const secret = openSecret(masterKey, ref.sealed, sealingContext(ref.keyId, ref.version));
  try {
    return importJwk(JSON.parse(secret.toString('utf8')) as Jwk) as SigningKey;
  } finally {
    secret.fill(0);
  }
}

/** Bounds of {@link OpenedKeyCache}. */
export interface KeyCacheOptions {
  /** Most keys held at once; the least recently used goes first. Default 256. */
  readonly maxEntries?: number;
  /** A key unused this long is dropped. Default 5 minutes. */
  readonly idleMs?: number;
  readonly now?: () => number;
}

interface CacheEntry {
  readonly sealed: string;
  readonly key: SigningKey;
  lastUsed: number;
}

/**
 * Recently used keys of one thread, opened. An entry answers only for the exact sealed blob it was opened from, so
 * a store row that changed is opened afresh; disabling or deleting a key is enforced before a key reaches here.
 */
export class OpenedKeyCache {
  readonly #masterKey: Uint8Array;
  readonly #maxEntries: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<string, CacheEntry>();

  constructor(masterKey: Uint8Array, options: KeyCacheOptions = {}) {
    this.#masterKey = masterKey;
    this.#maxEntries = options.maxEntries ?? 256;
    this.#idleMs = options.idleMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 0)
      throw new RangeError('maxEntries must be a non-negative integer');
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The key of `ref`, from memory when this thread opened the same blob within the idle time.
   * @throws {Error} when the material cannot be opened
   */
  open(ref: SealedKeyRef): SigningKey {
    const now = this.#now();
    this.#evictIdle(now);
    const id = sealingContext(ref.keyId, ref.version);
    const entry = this.#entries.get(id);
    if (entry !== undefined && entry.sealed === ref.sealed) {
      entry.lastUsed = now;
      this.#entries.delete(id);
      this.#entries.set(id, entry);
      return entry.key;
    }
    const key = unsealKey(this.#masterKey, ref);
    this.#entries.delete(id);
    if (this.#maxEntries > 0) {
      this.#entries.set(id, { sealed: ref.sealed, key, lastUsed: now });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    return key;
  }

  /** Drops every key. */
  clear(): void {
    this.#entries.clear();
  }

  #evictIdle(now: number): void {
    for (const [id, entry] of this.#entries) {
      // Least recently used first: stop at the first entry still fresh.
      if (now - entry.lastUsed < this.#idleMs) break;
      this.#entries.delete(id);
    }
  }
}
