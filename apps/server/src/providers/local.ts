// The local key provider: material generated or imported here, sealed under the master key, signed with crypto-core.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { ecdsaSign, ecdsaVerify, generateEcKey } from '@sigil/crypto-core/ecdsa';
import { ed25519Sign, ed25519Verify, generateEd25519Key } from '@sigil/crypto-core/eddsa';
import { bitLength, utf8ToBytes } from '@sigil/crypto-core/encoding';
import { CryptoError } from '@sigil/crypto-core/errors';
import { generateHmacKey, hmacSign, hmacVerify } from '@sigil/crypto-core/hmac';
import { isPrivateKey, type Key, type PrivateKey, type SymmetricKey } from '@sigil/crypto-core/key-types';
import { exportJwk, importJwk, importKey, importPkcs8, type Jwk } from '@sigil/crypto-core/keys';
import { rsaSign, rsaVerify } from '@sigil/crypto-core/rsa';
import type { RsaEngine } from '@sigil/crypto-core/rsa-engine';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { createSelfSignedCertificate } from '@sigil/crypto-core/x509';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import { nodeRsaEngine } from './node-rsa-engine.js';
import type { KeyProvider, KeySpec, ProvisionedVersion, SignatureParams } from './provider.js';
import { openSecret, sealSecret } from './sealing.js';
import type { SigningPool } from './signing-pool.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** A private or symmetric key the local provider can sign with. */
export type SigningKey = PrivateKey | SymmetricKey;

function sealingContext(keyId: string, version: number): string {
  return `${keyId}/${version}`;
}

function describe(key: SigningKey): Pick<ProvisionedVersion, 'type' | 'size' | 'curve' | 'publicJwk'> {
  switch (key.kty) {
    case 'RSA':
      return {
        type: 'RSA',
        size: bitLength(key.n),
        curve: undefined,
        publicJwk: exportJwk(key, { publicOnly: true }),
      };
    case 'EC':
      return {
        type: 'EC',
        size: undefined,
        curve: key.curve,
        publicJwk: exportJwk(key, { publicOnly: true }),
      };
    case 'OKP':
      return {
        type: 'OKP',
        size: undefined,
        curve: key.curve,
        publicJwk: exportJwk(key, { publicOnly: true }),
      };
    case 'oct':
      return { type: 'HMAC', size: key.key.length * 8, curve: undefined, publicJwk: { kty: 'oct' } };
  }
}

/** Signs with a crypto-core key according to `params`; the key family must match. */
export function signWithKey(
  key: SigningKey,
  params: SignatureParams,
  input: SignInput,
  engine: RsaEngine = nodeRsaEngine,
): Uint8Array {
  if (params.kty === 'RSA' && key.kty === 'RSA') {
    return rsaSign(
      key,
      input,
      {
        scheme: params.scheme,
        hash: params.hash,
        ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
        ...(params.saltLength === undefined ? {} : { saltLength: params.saltLength }),
      },
      engine,
    );
  }
  if (params.kty === 'EC' && key.kty === 'EC') {
    return ecdsaSign(key, input, {
      hash: params.hash,
      format: params.format,
      hedged: params.hedged ?? false,
    });
  }
  if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input) return ed25519Sign(key, input.message);
  if (params.kty === 'oct' && key.kty === 'oct' && 'message' in input) {
    return hmacSign(params.hash, key, input.message);
  }
  throw new ServerError('ERR_ALGORITHM_MISMATCH', `a ${params.kty} signature needs a matching key and input`);
}

/** Verifies with a crypto-core key according to `params`; any mismatch is `false`. */
export function verifyWithKey(
  key: Key,
  params: SignatureParams,
  input: SignInput,
  signature: Uint8Array,
): boolean {
  try {
    if (params.kty === 'RSA' && key.kty === 'RSA') {
      return rsaVerify(key, input, signature, {
        scheme: params.scheme,
        hash: params.hash,
        ...(params.mgfHash === undefined ? {} : { mgfHash: params.mgfHash }),
        ...(params.saltLength === undefined ? {} : { saltLength: params.saltLength }),
      });
    }
    if (params.kty === 'EC' && key.kty === 'EC') {
      return ecdsaVerify(key, input, signature, { hash: params.hash, format: params.format });
    }
    if (params.kty === 'OKP' && key.kty === 'OKP' && 'message' in input) {
      return ed25519Verify(key, input.message, signature);
    }
    if (params.kty === 'oct' && key.kty === 'oct' && 'message' in input) {
      return hmacVerify(params.hash, key, input.message, signature);
    }
    return false;
  } catch {
    return false;
  }
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
  readonly #engine: RsaEngine;
  readonly #pool: SigningPool | undefined;

  /**
   * `engine` does the RSA private operation (node:crypto by default; crypto-core's pure engine on request). With a
   * `pool`, signing runs there (with the pool's engine): the worker gets the unsealed key for that one call.
   */
  constructor(masterKey: Uint8Array, engine: RsaEngine = nodeRsaEngine, pool?: SigningPool) {
    this.#masterKey = masterKey;
    this.#engine = engine;
    this.#pool = pool;
  }

  #provision(keyId: string, version: number, key: SigningKey): ProvisionedVersion {
    const secret = utf8ToBytes(JSON.stringify(exportJwk(key)));
    try {
      return {
        ...describe(key),
        sealedPrivateKey: sealSecret(this.#masterKey, secret, sealingContext(keyId, version)),
      };
    } finally {
      secret.fill(0);
    }
  }

  /** The unsealed key of one version. */
  open(version: KeyVersionRecord): SigningKey {
    const secret = openSecret(
      this.#masterKey,
      version.sealedPrivateKey,
      sealingContext(version.keyId, version.version),
    );
    try {
      return importJwk(JSON.parse(secret.toString('utf8')) as Jwk) as SigningKey;
    } finally {
      secret.fill(0);
    }
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
    if (this.#pool === undefined || this.#pool.threads === 0) {
      return signWithKey(this.open(version), params, input, this.#engine);
    }
    const secret = openSecret(
      this.#masterKey,
      version.sealedPrivateKey,
      sealingContext(version.keyId, version.version),
    );
    try {
      return await this.#pool.sign(secret.toString('utf8'), params, input);
    } finally {
      secret.fill(0);
    }
  }

  async verify(
    version: KeyVersionRecord,
    params: SignatureParams,
    input: SignInput,
    signature: Uint8Array,
  ): Promise<boolean> {
    const key: Key =
      params.kty === 'oct' ? this.open(version) : importJwk(JSON.parse(version.publicJwk) as Jwk);
    return verifyWithKey(key, params, input, signature);
  }
}
