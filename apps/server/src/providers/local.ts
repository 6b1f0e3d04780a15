// The local key provider: material generated or imported here, sealed under the master key, signed in the pool.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { generateEcKey } from '@sigil/crypto-core/ecdsa';
import { generateEd25519Key } from '@sigil/crypto-core/eddsa';
import { CryptoError } from '@sigil/crypto-core/errors';
import { generateHmacKey } from '@sigil/crypto-core/hmac';
import { isPrivateKey, type Key } from '@sigil/crypto-core/key-types';
import { importJwk, importKey, importPkcs8, type Jwk } from '@sigil/crypto-core/keys';
import { type SignatureParams, verify } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { createSelfSignedCertificate } from '@sigil/crypto-core/x509';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import { type SealedKeyRef, sealKey, unsealKey } from './key-cache.js';
import {
  describeKey,
  type KeyProvider,
  type KeySpec,
  type ProvisionedVersion,
  type SignRequestItem,
} from './provider.js';
import type { SigningKey } from './signing-engine.js';
import { createSigningPool, type SigningPool } from './signing-pool.js';

const generateKeyPairAsync = promisify(generateKeyPair);

function sealedRefOf(version: KeyVersionRecord): SealedKeyRef {
  return { keyId: version.keyId, version: version.version, sealed: version.sealedPrivateKey };
}

/**
 * Any key crypto-core can read from PEM text, DER bytes or a JWK; malformed input of any kind is ERR_INVALID_KEY.
 * @throws {ServerError} ERR_INVALID_KEY
 */
export function readKey(material: string | Uint8Array | Jwk): Key {
  try {
    return typeof material === 'string' || material instanceof Uint8Array
      ? importKey(material)
      : importJwk(material);
  } catch (cause) {
    throw new ServerError('ERR_INVALID_KEY', `the key cannot be read: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Reads private material given to the import endpoint: PEM text or a private JWK. */
export function parsePrivateMaterial(material: string | Jwk): SigningKey {
  const key = readKey(material);
  if (key.kty !== 'oct' && !isPrivateKey(key)) {
    throw new CryptoError('ERR_UNSUPPORTED_KEY', 'an imported key must be private (or an HMAC secret)');
  }
  return key as SigningKey;
}

/** The local provider over one master key. */
export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local';
  readonly #masterKey: Uint8Array;
  readonly #pool: SigningPool;

  /**
   * Signing runs in `pool` (worker threads, or in-process when it has none), on the pool's engine; by default an
   * in-process pool on the native engine.
   */
  constructor(masterKey: Uint8Array, pool?: SigningPool) {
    this.#masterKey = masterKey;
    this.#pool = pool ?? createSigningPool({ threads: 0, engine: 'native', masterKey });
  }

  #provision(keyId: string, version: number, key: SigningKey): ProvisionedVersion {
    return { ...describeKey(key), sealedPrivateKey: sealKey(this.#masterKey, keyId, version, key) };
  }

  /** The unsealed key of one version. */
  open(version: KeyVersionRecord): SigningKey {
    return unsealKey(this.#masterKey, sealedRefOf(version));
  }

  async generate(keyId: string, version: number, spec: KeySpec): Promise<ProvisionedVersion> {
    switch (spec.type) {
      case 'RSA': {
        // node:crypto generates the primes off the event loop; crypto-core validates and holds the key.
        const { privateKey } = await generateKeyPairAsync('rsa', {
          modulusLength: spec.size,
          publicExponent: 0x10001,
          privateKeyEncoding: { type: 'pkcs8', format: 'der' },
          publicKeyEncoding: { type: 'spki', format: 'der' },
        });
        return this.#provision(keyId, version, importPkcs8(new Uint8Array(privateKey)));
      }
      case 'EC':
        return this.#provision(keyId, version, generateEcKey(spec.curve));
      case 'OKP':
        return this.#provision(keyId, version, generateEd25519Key());
      case 'HMAC':
        return this.#provision(keyId, version, generateHmacKey('SHA-256', spec.size / 8));
    }
  }

  async importKey(keyId: string, version: number, material: string | Jwk): Promise<ProvisionedVersion> {
    return this.#provision(keyId, version, parsePrivateMaterial(material));
  }

  async selfSignedCertificate(version: KeyVersionRecord, commonName: string): Promise<Uint8Array> {
    const key = this.open(version);
    if (key.kty === 'oct') throw new ServerError('ERR_INVALID_KEY', 'an HMAC key has no certificate');
    return createSelfSignedCertificate(key, { commonName: commonName.slice(0, 64), organization: 'Sigil' });
  }

  async sign(version: KeyVersionRecord, params: SignatureParams, input: SignInput): Promise<Uint8Array> {
    const [result] = await this.signBatch([{ version, params, input }]);
    if (result instanceof Uint8Array) return result;
    throw result ?? new ServerError('ERR_INTERNAL', 'no signature');
  }

  async signBatch(items: readonly SignRequestItem[]): Promise<(Uint8Array | Error)[]> {
    return this.#pool.signMany(
      items.map(({ version, params, input }) => ({ key: sealedRefOf(version), params, input })),
    );
  }

  async verify(
    version: KeyVersionRecord,
    params: SignatureParams,
    input: SignInput,
    signature: Uint8Array,
  ): Promise<boolean> {
    // An HMAC key verifies with its secret; every other key with the public half in the store.
    const key: Key = version.publicJwk.kty === 'oct' ? this.open(version) : importJwk(version.publicJwk);
    return verify(key, params, input, signature);
  }
}
