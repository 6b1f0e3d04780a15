// The `fortanix` key provider: keys held in a Fortanix DSM, signed through its batch API — one call per connection.
import { createHash } from 'node:crypto';
import { base64ToBytes, bytesToBase64 } from '@sigil/crypto-core/encoding';
import type { HashName } from '@sigil/crypto-core/hash';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { importSpki } from '@sigil/crypto-core/keys';
import { digestOf, type SignInput } from '@sigil/crypto-core/sign-input';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import { ProtocolError } from '@sigil/protocols/errors';
import {
  createFortanixClient,
  FORTANIX_HASHES,
  type FortanixBatchSignResponseItem,
  type FortanixClient,
  type FortanixHashAlgorithm,
  type FortanixSignRequest,
  fortanixApiKey,
} from '@sigil/protocols/fortanix';
import { z } from 'zod';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import type {
  FortanixKeyLink,
  KeySpec,
  LinkedVersion,
  ProvisionedVersion,
  RemoteKeyLink,
  RemoteKeyProvider,
  SignatureParams,
  SignRequestItem,
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

const VENDOR = 'Fortanix DSM';

/** The most items one DSM batch call carries; larger batches are split. */
export const FORTANIX_BATCH_LIMIT = 100;

/** What a linked Fortanix key version keeps, sealed: where the key is and the app's API key. */
interface FortanixConnection {
  readonly url: string;
  readonly apiKey: string;
  readonly kid: string;
}

/** The part of a DSM Sobject the link reads. */
const sobjectSchema = z.looseObject({
  kid: z.string().min(1),
  name: z.string().optional(),
  pub_key: z.string().min(1),
});

const FORTANIX_HASH_OF = Object.fromEntries(
  Object.entries(FORTANIX_HASHES).map(([fortanix, hash]) => [hash, fortanix]),
) as Partial<Record<HashName, FortanixHashAlgorithm>>;

function fortanixHashName(hash: HashName): FortanixHashAlgorithm {
  const name = FORTANIX_HASH_OF[hash];
  if (name === undefined)
    throw new ServerError('ERR_UNSUPPORTED_ALGORITHM', `${VENDOR} does not sign ${hash}`);
  return name;
}

/**
 * The DSM sign request of one item: the digest (the server hashes), the hash name, the RSA padding; Ed25519 sends
 * the message itself, since it has no separate hash.
 * @throws {ServerError} ERR_ALGORITHM_MISMATCH, ERR_DIGEST_NOT_SUPPORTED, ERR_UNSUPPORTED_ALGORITHM
 */
export function fortanixSignRequestOf(kid: string, item: SignRequestItem): FortanixSignRequest {
  const { params, input } = item;
  const key = { kid };
  switch (params.kty) {
    case 'RSA': {
      const digest = digestOf(input, params.hash);
      if (params.saltLength !== undefined && params.saltLength !== digest.length) {
        throw new ServerError(
          'ERR_ALGORITHM_MISMATCH',
          `${VENDOR} signs PSS with a salt as long as the hash`,
        );
      }
      const hashAlg = fortanixHashName(params.hash);
      return {
        key,
        hash_alg: hashAlg,
        hash: bytesToBase64(digest),
        mode:
          params.scheme === 'pss'
            ? { PSS: { mgf: { mgf1: { hash: fortanixHashName(params.mgfHash ?? params.hash) } } } }
            : { PKCS1_V15: {} },
      };
    }
    case 'EC':
      return {
        key,
        hash_alg: fortanixHashName(params.hash),
        hash: bytesToBase64(digestOf(input, params.hash)),
        deterministic_signature: params.hedged !== true,
      };
    case 'OKP':
      if (!('message' in input)) throw new ServerError('ERR_DIGEST_NOT_SUPPORTED', 'Ed25519 signs a message');
      return { key, hash_alg: 'SHA512', data: bytesToBase64(input.message) };
    case 'oct':
      throw new ServerError('ERR_ALGORITHM_MISMATCH', `HMAC keys are not held in ${VENDOR}`);
  }
}

// DSM answers ECDSA as DER (X9.62); the caller may want P1363 (JOSE, PingOne).
function formatSignature(
  version: KeyVersionRecord,
  params: SignatureParams,
  signature: Uint8Array,
): Uint8Array {
  if (params.kty !== 'EC' || params.format === 'der') return signature;
  const curve = version.publicJwk.crv as 'P-256';
  try {
    return convertEcdsaSignature(signature, 'der', params.format, curve);
  } catch (cause) {
    throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned an ECDSA signature that is not DER`, {
      cause,
    });
  }
}

/** Keys in Fortanix DSM: linked by kid or name, signed through `POST /crypto/v1/keys/batch/sign`. */
export class FortanixKeyProvider implements RemoteKeyProvider {
  readonly name = 'fortanix';
  readonly #masterKey: Uint8Array;
  readonly #policy: RemoteCallPolicy;
  readonly #sleep: Sleep | undefined;
  // One client (and so one session) per endpoint and app, shared by every key linked through them.
  readonly #clients = new Map<string, FortanixClient>();

  constructor(masterKey: Uint8Array, options: RemoteKeyProviderOptions = {}) {
    this.#masterKey = masterKey;
    this.#policy = options.policy ?? DEFAULT_REMOTE_CALL_POLICY;
    this.#sleep = options.sleep;
  }

  #clientFor(url: string, apiKey: string): { client: FortanixClient; connectionId: string } {
    const connectionId = createHash('sha256').update(`${url}\n${apiKey}`).digest('hex');
    let client = this.#clients.get(connectionId);
    if (client === undefined) {
      client = createFortanixClient({ baseUrl: url, apiKey, timeoutMs: this.#policy.timeoutMs });
      this.#clients.set(connectionId, client);
    }
    return { client, connectionId };
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return callRemote(VENDOR, this.#policy, call, this.#sleep);
  }

  async #readSobject(url: string, accessToken: string, link: FortanixKeyLink) {
    const base = url.replace(/\/+$/, '');
    const path =
      link.kid !== undefined
        ? `/crypto/v1/keys/${encodeURIComponent(link.kid)}`
        : `/crypto/v1/keys?name=${encodeURIComponent(link.name ?? '')}`;
    const signal = AbortSignal.timeout(this.#policy.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      const code = signal.aborted ? 'ERR_VENDOR_TIMEOUT' : 'ERR_FORTANIX_HTTP';
      throw new ProtocolError(code, `Fortanix GET ${path} failed`, { cause });
    }
    if (status === 404) throw new ServerError('ERR_KEY_NOT_FOUND', `${VENDOR} has no such key`);
    if (status < 200 || status > 299) {
      throw new ProtocolError('ERR_FORTANIX_HTTP', `Fortanix GET ${path} answered ${status}`, {
        status,
        vendorMessage: text.trim().slice(0, 200),
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = (
      Array.isArray(body) ? z.array(sobjectSchema) : sobjectSchema.transform((one) => [one])
    ).safeParse(body);
    if (!parsed.success)
      throw new ProtocolError('ERR_FORTANIX_RESPONSE', `Fortanix GET ${path}: unexpected body`);
    const sobject = parsed.data.find((candidate) => link.kid !== undefined || candidate.name === link.name);
    if (sobject === undefined)
      throw new ServerError('ERR_KEY_NOT_FOUND', `${VENDOR} has no key named ${link.name}`);
    return sobject;
  }

  async link(keyId: string, version: number, request: RemoteKeyLink): Promise<LinkedVersion> {
    if (request.provider !== 'fortanix') throw new TypeError('not a Fortanix key link');
    if ((request.kid === undefined) === (request.name === undefined)) {
      throw new ServerError('ERR_VALIDATION', 'exactly one of kid and name names the DSM key');
    }
    const apiKey =
      request.apiKey ??
      (request.appId !== undefined && request.appSecret !== undefined
        ? fortanixApiKey(request.appId, request.appSecret)
        : undefined);
    if (apiKey === undefined) {
      throw new ServerError('ERR_VALIDATION', 'apiKey, or appId and appSecret, are required');
    }
    const { client } = this.#clientFor(request.url, apiKey);
    const sobject = await this.#call(async () =>
      this.#readSobject(request.url, (await client.authenticate()).accessToken, request),
    );
    let publicKey: PublicKey;
    try {
      publicKey = importSpki(base64ToBytes(sobject.pub_key));
    } catch (cause) {
      throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} key ${sobject.kid} has no usable public key`, {
        cause,
      });
    }
    const connection: FortanixConnection = { url: request.url, apiKey, kid: sobject.kid };
    return {
      ...describeRemoteKey(publicKey),
      sealedPrivateKey: sealConnection(this.#masterKey, keyId, version, connection),
      name: sobject.name ?? request.name,
      kid: sobject.kid,
    };
  }

  async generate(_keyId: string, _version: number, _spec: KeySpec): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys in ${VENDOR} are created and rotated there`);
  }

  async importKey(): Promise<ProvisionedVersion> {
    throw new ServerError('ERR_BAD_REQUEST', `keys in ${VENDOR} are imported there`);
  }

  async selfSignedCertificate(): Promise<Uint8Array> {
    throw new ServerError('ERR_INVALID_KEY', `a key in ${VENDOR} has no certificate here`);
  }

  async sign(version: KeyVersionRecord, params: SignatureParams, input: SignInput): Promise<Uint8Array> {
    const [result] = await this.signBatch([{ version, params, input }]);
    if (result instanceof Error) throw result;
    if (result === undefined) throw new ServerError('ERR_INTERNAL', 'no signature');
    return result;
  }

  /** One batch call per DSM connection (at most {@link FORTANIX_BATCH_LIMIT} items each), with retries. */
  async signBatch(items: readonly SignRequestItem[]): Promise<(Uint8Array | Error)[]> {
    const results: (Uint8Array | Error)[] = new Array(items.length);
    const groups = new Map<
      string,
      { client: FortanixClient; indexes: number[]; requests: FortanixSignRequest[] }
    >();
    items.forEach((item, index) => {
      try {
        const connection = openConnection<FortanixConnection>(this.#masterKey, item.version);
        const request = fortanixSignRequestOf(connection.kid, item);
        const { client, connectionId } = this.#clientFor(connection.url, connection.apiKey);
        const group = groups.get(connectionId) ?? { client, indexes: [], requests: [] };
        group.indexes.push(index);
        group.requests.push(request);
        groups.set(connectionId, group);
      } catch (error) {
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
    });
    const calls: Promise<void>[] = [];
    for (const group of groups.values()) {
      for (let start = 0; start < group.requests.length; start += FORTANIX_BATCH_LIMIT) {
        const indexes = group.indexes.slice(start, start + FORTANIX_BATCH_LIMIT);
        const requests = group.requests.slice(start, start + FORTANIX_BATCH_LIMIT);
        calls.push(
          this.#call(() => group.client.batchSign(requests)).then(
            (answers) => {
              answers.forEach((answer, position) => {
                const index = indexes[position]!;
                results[index] = this.#resultOf(items[index]!, answer);
              });
            },
            (error: unknown) => {
              for (const index of indexes) results[index] = error as Error;
            },
          ),
        );
      }
    }
    await Promise.all(calls);
    return results;
  }

  #resultOf(item: SignRequestItem, answer: FortanixBatchSignResponseItem): Uint8Array | Error {
    if (!('body' in answer)) {
      return new ServerError(
        'ERR_REMOTE_PROVIDER',
        `${VENDOR} refused the item (${answer.status}): ${answer.error}`,
      );
    }
    try {
      const signature = formatSignature(item.version, item.params, base64ToBytes(answer.body.signature));
      return assertRemoteSignature(VENDOR, item.version, item.params, item.input, signature);
    } catch (error) {
      return error instanceof ServerError
        ? error
        : new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned an unusable signature`, {
            cause: error,
          });
    }
  }

  verify = verifyRemote;
}
