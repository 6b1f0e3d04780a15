// The local provider: sealing binds material to its row, opened keys are cached within bounds, and the engines agree.
import { createPublicKey, verify as nodeVerify, randomBytes } from 'node:crypto';
import { generateEd25519Key } from '@sigil/crypto-core/eddsa';
import { describe, expect, it } from 'vitest';
import { OpenedKeyCache, sealKey } from '../src/providers/key-cache.js';
import { LocalKeyProvider } from '../src/providers/local.js';
import { openSecret, sealSecret } from '../src/providers/sealing.js';
import { createSigningPool } from '../src/providers/signing-pool.js';

describe('local key provider', () => {
  it('seals with AES-256-GCM under the master key, bound to its context', () => {
    const masterKey = randomBytes(32);
    const sealed = sealSecret(masterKey, Buffer.from('secret'), 'key/1');
    expect(openSecret(masterKey, sealed, 'key/1').toString()).toBe('secret');
    expect(() => openSecret(masterKey, sealed, 'key/2')).toThrow();
    expect(() => openSecret(randomBytes(32), sealed, 'key/1')).toThrow();
  });

  it('signs the same RS256 bytes with the node:crypto and pure engines', async () => {
    const masterKey = randomBytes(32);
    const native = new LocalKeyProvider(
      masterKey,
      createSigningPool({ threads: 0, engine: 'native', masterKey }),
    );
    const pure = new LocalKeyProvider(
      masterKey,
      createSigningPool({ threads: 0, engine: 'pure', masterKey }),
    );
    const provisioned = await native.generate('k', 1, { type: 'RSA', size: 2048 });
    const version = {
      keyId: 'k',
      version: 1,
      publicJwk: provisioned.publicJwk,
      sealedPrivateKey: provisioned.sealedPrivateKey,
      createdAt: '',
    };
    const message = randomBytes(50);
    const params = { scheme: 'rsa-pkcs1', hash: 'SHA-256' } as const;
    const fromNative = await native.sign(version, params, { message });
    const fromPure = await pure.sign(version, params, { message });
    expect(Buffer.from(fromNative).equals(Buffer.from(fromPure))).toBe(true);
    const publicKey = createPublicKey({
      key: provisioned.publicJwk as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    expect(nodeVerify('sha256', message, publicKey, fromNative)).toBe(true);
  });

  describe('opened-key cache', () => {
    const masterKey = randomBytes(32);
    const ref = (keyId: string, key = generateEd25519Key()) => ({
      keyId,
      version: 1,
      sealed: sealKey(masterKey, keyId, 1, key),
    });

    it('opens a blob once, and again when the blob changes', () => {
      const cache = new OpenedKeyCache(masterKey);
      const first = ref('a');
      const opened = cache.open(first);
      expect(cache.open(first)).toBe(opened);
      const replaced = ref('a');
      expect(cache.open(replaced)).not.toBe(opened);
      expect(cache.size).toBe(1);
    });

    it('drops the least recently used key beyond its size, and keys idle too long', () => {
      let now = 0;
      const cache = new OpenedKeyCache(masterKey, { maxEntries: 2, idleMs: 1000, now: () => now });
      const [a, b, c] = [ref('a'), ref('b'), ref('c')];
      const openedA = cache.open(a);
      cache.open(b);
      expect(cache.open(a)).toBe(openedA); // a is now the most recent
      cache.open(c); // evicts b
      expect(cache.size).toBe(2);
      expect(cache.open(a)).toBe(openedA);
      now = 1500;
      expect(cache.open(a)).not.toBe(openedA); // idle too long: opened afresh
      expect(cache.size).toBe(1);
    });

    it('refuses material sealed under another key or for another row, and caches nothing then', () => {
      const cache = new OpenedKeyCache(randomBytes(32));
      expect(() => cache.open(ref('a'))).toThrow();
      const moved = { ...ref('a'), keyId: 'b' };
      expect(() => new OpenedKeyCache(masterKey).open(moved)).toThrow();
      expect(cache.size).toBe(0);
    });
  });
});
