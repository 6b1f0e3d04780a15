// The key provider seam: where key material lives and how it signs — `local`, and the remote `fortanix` and `signpath`.
import { bitLength } from '@sigil/crypto-core/encoding';
import type { Key } from '@sigil/crypto-core/key-types';
import { exportJwk, type Jwk } from '@sigil/crypto-core/keys';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import type { KeyVersionRecord } from '../store/store.js';

/** What to generate: the key families of `POST /v1/keys`. */
export type KeySpec =
  | { readonly type: 'RSA'; readonly size: 2048 | 3072 | 4096 }
  | { readonly type: 'EC'; readonly curve: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' }
  | { readonly type: 'OKP'; readonly curve: 'Ed25519' }
  | { readonly type: 'HMAC'; readonly size: number };

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

/** What the key record says of a key, from its public half: type, size or curve, and the public JWK. */
export function describeKey(key: Key): Pick<ProvisionedVersion, 'type' | 'size' | 'curve' | 'publicJwk'> {
  if (key.kty === 'oct') {
    return { type: 'HMAC', size: key.key.length * 8, curve: undefined, publicJwk: { kty: 'oct' } };
  }
  const publicJwk = exportJwk(key, { publicOnly: true });
  return key.kty === 'RSA'
    ? { type: 'RSA', size: bitLength(key.n), curve: undefined, publicJwk }
    : { type: key.kty, size: undefined, curve: key.curve, publicJwk };
}

/** One signature of a batch: which version signs, how, and over what. */
export interface SignRequestItem {
  readonly version: KeyVersionRecord;
  readonly params: SignatureParams;
  readonly input: SignInput;
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
  /**
   * Signs several items in as few remote calls as the provider can (one batch call per remote connection); one
   * result per item, in order, a failed item as its Error. Providers without a batch API leave it out.
   */
  signBatch?(items: readonly SignRequestItem[]): Promise<(Uint8Array | Error)[]>;
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

/** `POST /v1/keys` for a key held in Fortanix DSM: the DSM endpoint, app credentials, and the key's kid or name. */
export interface FortanixKeyLink {
  readonly provider: 'fortanix';
  /** The DSM endpoint, e.g. `https://amer.smartkey.io`. */
  readonly url: string;
  /** The app's API key (base64 of `appId:appSecret`), or the two parts below. */
  readonly apiKey?: string | undefined;
  readonly appId?: string | undefined;
  readonly appSecret?: string | undefined;
  /** The DSM security object, by kid or by name; the Sigil key takes its name and kid. */
  readonly kid?: string | undefined;
  readonly name?: string | undefined;
}

/** `POST /v1/keys` for a key behind a SignPath signing policy (signed through SignHash). */
export interface SignPathKeyLink {
  readonly provider: 'signpath';
  /** SignPath's API base, e.g. `https://app.signpath.io/Api`. */
  readonly apiUrl: string;
  readonly organizationId: string;
  /** The API token of a submitter of the policy. */
  readonly token: string;
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  /** The Sigil key's name and kid (defaults: `signpath-{project}-{policy}`, the JWK thumbprint). */
  readonly name?: string | undefined;
  readonly kid?: string | undefined;
}

/** A registration of a key held elsewhere. */
export type RemoteKeyLink = FortanixKeyLink | SignPathKeyLink;

/** A linked remote key version: the sealed connection, the public half, and the name and kid it suggests. */
export interface LinkedVersion extends ProvisionedVersion {
  readonly name: string | undefined;
  readonly kid: string | undefined;
}

/** A provider whose keys live in a remote service: it links existing keys rather than generating them. */
export interface RemoteKeyProvider extends KeyProvider {
  readonly name: RemoteKeyLink['provider'];
  /** Checks the remote key, reads its public half, and seals the connection details (credentials included). */
  link(keyId: string, version: number, request: RemoteKeyLink): Promise<LinkedVersion>;
}
