// The `signpath` key provider: keys behind a SignPath signing policy, signed through SignHash (the server hashes).
import { createHash } from 'node:crypto';
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { HashName } from '@sigil/crypto-core/hash';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { importSpki } from '@sigil/crypto-core/keys';
import { digestOf, type SignInput } from '@sigil/crypto-core/sign-input';
import { parseCertificate } from '@sigil/crypto-core/x509';
import {
  createSignPathClient,
  SIGNPATH_HASH_NAMES,
  type SignPathClient,
  type SignPathHashSigningData,
} from '@sigil/protocols/signpath';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import type {
  KeySpec,
  LinkedVersion,
  ProvisionedVersion,
  RemoteKeyLink,
  RemoteKeyProvider,
  SignatureParams,
} from './provider.js';
import {
  assertRemoteSignature,
  callRemote,
  DEFAULT_REMOTE_CALL_POLICY,
  describeRemoteKey,
  openConnection,
  type RemoteCallPolicy,
  type RemoteKeyProviderOptions,
  type Sleep,
  sealConnection,
  verifyRemote,
} from './remote.js';

const VENDOR = 'SignPath';

/** What a linked SignPath key version keeps, sealed: the API, the submitter token, the policy and its certificate. */
interface SignPathConnection {
  readonly apiUrl: string;
  readonly organizationId: string;
  readonly token: string;
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  /** Base64 DER of the policy's certificate (what MySigningPolicies returned). */
  readonly certificate: string;
}

const SIGNPATH_HASH_OF = Object.fromEntries(
  Object.entries(SIGNPATH_HASH_NAMES).map(([signPath, hash]) => [hash, signPath]),
) as Partial<Record<HashName, string>>;

/**
 * SignHash's `hashSigningData` for one signature: the digest and how SignPath should sign it.
 * @throws {ServerError} ERR_ALGORITHM_MISMATCH for Ed25519, HMAC or a PSS salt SignPath does not use;
 * ERR_UNSUPPORTED_ALGORITHM for a hash SignPath does not name
 */
export function signPathHashSigningDataOf(
  params: SignatureParams,
  input: SignInput,
): SignPathHashSigningData {
  if (params.kty === 'OKP' || params.kty === 'oct') {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${VENDOR} signs RSA and ECDSA hashes only`);
  }
  const digest = digestOf(input, params.hash);
  if (params.kty === 'EC') {
    return {
      hash: bytesToBase64(digest),
      signatureAlgorithm: 'Ecdsa',
      ecdsaOptions: { signatureFormat: params.format === 'der' ? 'Asn1' : 'Ieee' },
    };
  }
  const hashAlgorithmName = SIGNPATH_HASH_OF[params.hash];
  if (hashAlgorithmName === undefined) {
    throw new ServerError('ERR_UNSUPPORTED_ALGORITHM', `${VENDOR} does not sign ${params.hash}`);
  }
  if (
    params.scheme === 'pss' &&
    ((params.mgfHash !== undefined && params.mgfHash !== params.hash) ||
      (params.saltLength !== undefined && params.saltLength !== digest.length))
  ) {
    throw new ServerError('ERR_ALGORITHM_MISMATCH', `${VENDOR} signs PSS with MGF1 and salt of the hash`);
  }
  return {
    hash: bytesToBase64(digest),
    signatureAlgorithm: 'Rsa',
    rsaOptions: { hashAlgorithmName, paddingMode: params.scheme === 'pss' ? 'Pss' : 'Pkcs1' },
  };
}

/** Keys behind SignPath signing policies: linked by project and policy slug, signed with SignHash. */
export class SignPathKeyProvider implements RemoteKeyProvider {
  readonly name = 'signpath';
  readonly #masterKey: Uint8Array;
  readonly #policy: RemoteCallPolicy;
  readonly #sleep: Sleep | undefined;
  readonly #clients = new Map<string, SignPathClient>();

  constructor(masterKey: Uint8Array, options: RemoteKeyProviderOptions = {}) {
    this.#masterKey = masterKey;
    this.#policy = options.policy ?? DEFAULT_REMOTE_CALL_POLICY;
    this.#sleep = options.sleep;
  }

  #clientFor(connection: Pick<SignPathConnection, 'apiUrl' | 'organizationId' | 'token'>): SignPathClient {
    const id = createHash('sha256')
      .update(`${connection.apiUrl}\n${connection.organizationId}\n${connection.token}`)
      .digest('hex');
    let client = this.#clients.get(id);
    if (client === undefined) {
      client = createSignPathClient({
        baseUrl: connection.apiUrl,
        organizationId: connection.organizationId,
        apiToken: connection.token,
        timeoutMs: this.#policy.timeoutMs,
      });
      this.#clients.set(id, client);
    }
    return client;
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return callRemote(VENDOR, this.#policy, call, this.#sleep);
  }

  async link(keyId: string, version: number, request: RemoteKeyLink): Promise<LinkedVersion> {
    if (request.provider !== 'signpath') throw new TypeError('not a SignPath key link');
    const client = this.#clientFor(request);
    const { projectSlug, signingPolicySlug } = request;
    const answer = await this.#call(() => client.getMySigningPolicies({ projectSlug, signingPolicySlug }));
    const policy = answer.signingPolicies.find(
      (candidate) =>
        candidate.projectSlug.toLowerCase() === projectSlug.toLowerCase() &&
        candidate.signingPolicySlug.toLowerCase() === signingPolicySlug.toLowerCase(),
    );
    if (policy === undefined) {
      throw new ServerError(
        'ERR_KEY_NOT_FOUND',
        `${VENDOR} offers this token no signing policy ${projectSlug}/${signingPolicySlug}`,
      );
    }
    let publicKey: PublicKey;
    try {
      publicKey = importSpki(parseCertificate(base64ToBytes(policy.certificateBytes)).spki);
    } catch (cause) {
      throw new ServerError(
        'ERR_REMOTE_PROVIDER',
        `${VENDOR} policy ${projectSlug}/${signingPolicySlug} has no usable certificate`,
        {
          cause,
        },
      );
    }
    if (publicKey.kty === 'OKP')
      throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned an Ed25519 key`);
    const connection: SignPathConnection = {
      apiUrl: request.apiUrl,
      organizationId: request.organizationId,
      token: request.token,
      projectSlug,
      signingPolicySlug,
      certificate: policy.certificateBytes,
    };
    return {
      ...describeRemoteKey(publicKey),
      sealedPrivateKey: sealConnection(this.#masterKey, keyId, version, connection),
      name: request.name ?? `signpath-${projectSlug}-${signingPolicySlug}`,
      kid: request.kid,
    };
  }

  async generate(_keyId: string, _version: number, _spec: KeySpec): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys behind ${VENDOR} policies are created and rotated there`);
  }

  async importKey(): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys behind ${VENDOR} policies are imported there`);
  }

  /** The policy's own certificate, as SignPath issued it. */
  async selfSignedCertificate(version: KeyVersionRecord): Promise<Uint8Array> {
    return base64ToBytes(openConnection<SignPathConnection>(this.#masterKey, version).certificate);
  }

  async sign(version: KeyVersionRecord, params: SignatureParams, input: SignInput): Promise<Uint8Array> {
    const connection = openConnection<SignPathConnection>(this.#masterKey, version);
    const hashSigningData = signPathHashSigningDataOf(params, input);
    const client = this.#clientFor(connection);
    const answer = await this.#call(() =>
      client.signHash({
        projectSlug: connection.projectSlug,
        signingPolicySlug: connection.signingPolicySlug,
        hashSigningData,
      }),
    );
    let signature: Uint8Array;
    try {
      signature = base64ToBytes(answer.hashSigningResult.signature);
    } catch (cause) {
      throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned a signature that is not base64`, {
        cause,
      });
    }
    return assertRemoteSignature(VENDOR, version, params, input, signature);
  }

  verify = verifyRemote;
}
