// The key provider seam: where key material lives and how it signs. `local` now; Fortanix and SignPath later.
import type { HashName } from '@sigil/crypto-core/hash';
import type { Jwk } from '@sigil/crypto-core/keys';
import type { RsaHashName } from '@sigil/crypto-core/rsa';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { EcdsaSignatureFormat } from '@sigil/crypto-core/signature-format';
import type { KeyVersionRecord } from '../store/store.js';

/** What to generate: the key families of `POST /v1/keys`. */
export type KeySpec =
  | { readonly type: 'RSA'; readonly size: 2048 | 3072 | 4096 }
  | { readonly type: 'EC'; readonly curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' }
  | { readonly type: 'OKP'; readonly curve: 'Ed25519' }
  | { readonly type: 'HMAC'; readonly size: number };

/** How one signature is made, whatever surface asked for it. */
export type SignatureParams =
  | {
      readonly kty: 'RSA';
      readonly scheme: 'pkcs1' | 'pss';
      readonly hash: RsaHashName;
      readonly mgfHash?: RsaHashName;
      readonly saltLength?: number;
    }
  | {
      readonly kty: 'EC';
      readonly hash: HashName;
      readonly format: EcdsaSignatureFormat;
      readonly hedged?: boolean;
    }
  | { readonly kty: 'OKP' }
  | { readonly kty: 'oct'; readonly hash: HashName };

/** A freshly provisioned key version: what the store keeps of it. */
export interface ProvisionedVersion {
  /** Public JWK (for HMAC only `{kty:"oct"}`), without kid. */
  readonly publicJwk: Jwk;
  /** RSA bits / HMAC bits / curve, as the key record describes the key. */
  readonly size: number | undefined;
  readonly curve: string | undefined;
  readonly type: 'RSA' | 'EC' | 'OKP' | 'HMAC';
  /** Opaque material the provider alone can use (sealed for `local`). */
  readonly sealedPrivateKey: string;
}

/** A place keys live and sign. */
export interface KeyProvider {
  readonly name: string;
  /** Generates a new version `version` of key `keyId`. */
  generate(keyId: string, version: number, spec: KeySpec): Promise<ProvisionedVersion>;
  /** Takes in existing private material (PEM text or a private JWK). */
  importKey(keyId: string, version: number, material: string | Jwk): Promise<ProvisionedVersion>;
  /** Signs with one version. */
  sign(version: KeyVersionRecord, params: SignatureParams, input: SignInput): Promise<Uint8Array>;
  /** A self-signed X.509 certificate (DER) for one version (RSA and EC keys). */
  selfSignedCertificate(version: KeyVersionRecord, commonName: string): Promise<Uint8Array>;
  /** Verifies with one version (HMAC needs the secret, so verification goes through the provider too). */
  verify(
    version: KeyVersionRecord,
    params: SignatureParams,
    input: SignInput,
    signature: Uint8Array,
  ): Promise<boolean>;
}
