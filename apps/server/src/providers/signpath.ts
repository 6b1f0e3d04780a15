// The `signpath` key provider: keys behind a SignPath signing policy, signed through SignHash (the server hashes).
import { base64ToBytes } from '@sigil/crypto-core/encoding';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { importSpki } from '@sigil/crypto-core/keys';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { parseCertificate } from '@sigil/crypto-core/x509';
import {
  createSignPathClient,
  encodeSignPathHashSigningData,
  type SignPathClient,
} from '@sigil/protocols/signpath';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import type { LinkedVersion, RemoteKeyLink, RemoteKeyProvider } from './provider.js';
import { type RemoteKeyProviderOptions, RemoteProviderBase } from './remote.js';

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

/** Keys behind SignPath signing policies: linked by project and policy slug, signed with SignHash. */
export class SignPathKeyProvider extends RemoteProviderBase<SignPathClient> implements RemoteKeyProvider {
  readonly name = 'signpath';

  constructor(masterKey: Uint8Array, options: RemoteKeyProviderOptions = {}) {
    super(VENDOR, masterKey, options);
  }

  #clientOf(connection: Pick<SignPathConnection, 'apiUrl' | 'organizationId' | 'token'>): SignPathClient {
    const { apiUrl, organizationId, token } = connection;
    return this.clientFor([apiUrl, organizationId, token], (timeoutMs) =>
      createSignPathClient({ baseUrl: apiUrl, organizationId, apiToken: token, timeoutMs }),
    ).client;
  }

  async link(keyId: string, version: number, request: RemoteKeyLink): Promise<LinkedVersion> {
    if (request.provider !== 'signpath') throw new TypeError('not a SignPath key link');
    const client = this.#clientOf(request);
    const { projectSlug, signingPolicySlug } = request;
    const answer = await this.call(() => client.getMySigningPolicies({ projectSlug, signingPolicySlug }));
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
        { cause },
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
    return this.linkedVersion(keyId, version, publicKey, connection, {
      name: request.name ?? `signpath-${projectSlug}-${signingPolicySlug}`,
      kid: request.kid,
    });
  }

  /** The policy's own certificate, as SignPath issued it. */
  async selfSignedCertificate(version: KeyVersionRecord): Promise<Uint8Array> {
    return base64ToBytes(this.connectionOf<SignPathConnection>(version).certificate);
  }

  /**
   * One SignHash call: the server hashes, SignPath signs the digest as `params` say.
   * @throws {ProtocolError} ERR_SIGNPATH_ALGORITHM for params SignPath cannot express (Ed25519, HMAC, a hash it does
   * not name, another PSS salt); {@link ServerError} ERR_REMOTE_PROVIDER, ERR_REMOTE_TIMEOUT
   */
  async sign(version: KeyVersionRecord, params: SignatureParams, input: SignInput): Promise<Uint8Array> {
    const connection = this.connectionOf<SignPathConnection>(version);
    const hashSigningData = encodeSignPathHashSigningData(params, input);
    const client = this.#clientOf(connection);
    const answer = await this.call(() =>
      client.signHash({
        projectSlug: connection.projectSlug,
        signingPolicySlug: connection.signingPolicySlug,
        hashSigningData,
      }),
    );
    const signature = this.signatureBytes(answer.hashSigningResult.signature);
    return this.checkedSignature(version, params, input, signature);
  }
}
