// The local provider: sealing binds material to its row, and the native and pure RSA engines agree.
import { createPublicKey, verify as nodeVerify, randomBytes } from 'node:crypto';
import { pureRsaEngine } from '@sigil/crypto-core/rsa-engine';
import { describe, expect, it } from 'vitest';
import { LocalKeyProvider } from '../src/providers/local.js';
import { nodeRsaEngine } from '../src/providers/node-rsa-engine.js';
import { openSecret, sealSecret } from '../src/providers/sealing.js';

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
    const native = new LocalKeyProvider(masterKey, nodeRsaEngine);
    const pure = new LocalKeyProvider(masterKey, pureRsaEngine);
    const provisioned = await native.generate('k', 1, { type: 'RSA', size: 2048 });
    const version = {
      keyId: 'k',
      version: 1,
      publicJwk: JSON.stringify(provisioned.publicJwk),
      sealedPrivateKey: provisioned.sealedPrivateKey,
      createdAt: '',
    };
    const message = randomBytes(50);
    const params = { kty: 'RSA', scheme: 'pkcs1', hash: 'SHA-256' } as const;
    const fromNative = await native.sign(version, params, { message });
    const fromPure = await pure.sign(version, params, { message });
    expect(Buffer.from(fromNative).equals(Buffer.from(fromPure))).toBe(true);
    const publicKey = createPublicKey({
      key: provisioned.publicJwk as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    expect(nodeVerify('sha256', message, publicKey, fromNative)).toBe(true);
  });
});
