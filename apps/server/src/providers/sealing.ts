// Envelope encryption of private key material: AES-256-GCM under a fresh data key, the data key wrapped by the master key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A sealed secret as stored (JSON text of this shape). */
interface SealedEnvelope {
  readonly v: 1;
  /** The data key, AES-256-GCM encrypted under the master key: iv, ciphertext, tag (base64). */
  readonly wrappedKey: readonly [string, string, string];
  /** The secret, AES-256-GCM encrypted under the data key: iv, ciphertext, tag (base64). */
  readonly secret: readonly [string, string, string];
}

function encrypt(key: Uint8Array, plaintext: Uint8Array, context: string): [string, string, string] {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv.toString('base64'), ciphertext.toString('base64'), cipher.getAuthTag().toString('base64')];
}

function decrypt(key: Uint8Array, parts: readonly [string, string, string], context: string): Buffer {
  const [iv, ciphertext, tag] = parts;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
}

/** The associated data a key version's material is sealed under, so a sealed blob cannot move to another row. */
export function keyVersionSealingContext(keyId: string, version: number): string {
  return `${keyId}/${version}`;
}

/** The associated data a token's PingID API key is sealed under. */
export function pingIdSealingContext(tokenId: string): string {
  return `pingid:${tokenId}`;
}

/**
 * Seals `secret` for storage: a fresh 32-byte data key encrypts it, the master key wraps the data key. `context`
 * (e.g. `keyId/version`) is bound as associated data, so a sealed blob cannot be moved to another row.
 */
export function sealSecret(masterKey: Uint8Array, secret: Uint8Array, context: string): string {
  const dataKey = randomBytes(32);
  try {
    const envelope: SealedEnvelope = {
      v: 1,
      wrappedKey: encrypt(masterKey, dataKey, `wrap:${context}`),
      secret: encrypt(dataKey, secret, `seal:${context}`),
    };
    return JSON.stringify(envelope);
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Opens a sealed secret.
 * @throws {Error} when the envelope is malformed, the master key is wrong or the blob was tampered with
 */
export function openSecret(masterKey: Uint8Array, sealed: string, context: string): Buffer {
  const envelope = JSON.parse(sealed) as SealedEnvelope;
  if (envelope.v !== 1) throw new Error('unknown sealed envelope version');
  const dataKey = decrypt(masterKey, envelope.wrappedKey, `wrap:${context}`);
  try {
    return decrypt(dataKey, envelope.secret, `seal:${context}`);
  } finally {
    dataKey.fill(0);
  }
}
