// Ed25519 against node:crypto (OpenSSL): identical deterministic signatures, cross-verification both ways.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ed25519PublicKeyFromSeed, ed25519Sign, ed25519Verify, generateEd25519Key } from '../src/eddsa.js';
import { base64urlToBytes, bytesToBase64url, equalBytes } from '../src/encoding.js';
import type { OkpPrivateKey } from '../src/key-types.js';

const RUNS = 1000;
const POOL = 6;

interface KeyPair {
  readonly ours: OkpPrivateKey;
  readonly nodePrivate: KeyObject;
  readonly nodePublic: KeyObject;
}

function fromOurs(ours: OkpPrivateKey): KeyPair {
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: bytesToBase64url(ours.publicKey) };
  return {
    ours,
    nodePrivate: createPrivateKey({ key: { ...jwk, d: bytesToBase64url(ours.seed) }, format: 'jwk' }),
    nodePublic: createPublicKey({ key: jwk, format: 'jwk' }),
  };
}

function fromNode(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = base64urlToBytes(privateKey.export({ format: 'jwk' }).d!);
  return {
    ours: { ...ed25519PublicKeyFromSeed(seed), seed },
    nodePrivate: privateKey,
    nodePublic: publicKey,
  };
}

describe('Ed25519 against node:crypto', () => {
  const pool = Array.from({ length: POOL }, (_, i) =>
    i % 2 === 0 ? fromOurs(generateEd25519Key()) : fromNode(),
  );

  it(`same signature bytes, and each verifies the other's (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: POOL - 1 }),
        fc.uint8Array({ maxLength: 300 }),
        (index, message) => {
          const { ours, nodePrivate, nodePublic } = pool[index]!;
          const mine = ed25519Sign(ours, message);
          const theirs = new Uint8Array(sign(null, message, nodePrivate));
          return (
            equalBytes(mine, theirs) &&
            verify(null, message, nodePublic, mine) &&
            ed25519Verify(ours, message, theirs)
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
