// The `fortanix` key provider: keys held in a Fortanix DSM, signed through its batch API — one call per connection.
import type { EcCurve } from '@sigil/crypto-core/key-types';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { convertEcdsaSignature } from '@sigil/crypto-core/signature-format';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  createFortanixClient,
  encodeFortanixSignItem,
  type FortanixBatchSignResponseItem,
  type FortanixClient,
  type FortanixSignRequest,
  type FortanixSobject,
  fortanixApiKey,
  fortanixSobjectPublicKey,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import type { KeyVersionRecord } from '../store/store.js';
import type {
  FortanixKeyLink,
  LinkedVersion,
  RemoteKeyLink,
  RemoteKeyProvider,
  SignRequestItem,
} from './provider.js';
import { type RemoteKeyProviderOptions, RemoteProviderBase } from './remote.js';

const VENDOR = 'Fortanix DSM';

/** The most items one DSM batch call carries; larger batches are split. */
export const FORTANIX_BATCH_LIMIT = 100;

/** What a linked Fortanix key version keeps, sealed: where the key is and the app's API key. */
interface FortanixConnection {
  readonly url: string;
  readonly apiKey: string;
  readonly kid: string;
}

/**
 * The DSM sign item of one signature: the server hashes (`prehash`), DSM signs the digest (Ed25519 the message).
 * DSM answers ECDSA in DER, so ECDSA is asked for in DER whatever format the caller wants ({@link formatSignature}).
 * @throws {ProtocolError} ERR_FORTANIX_ALGORITHM for params DSM cannot express; ERR_FORTANIX_DIGEST_LENGTH,
 * ERR_FORTANIX_ITEM for an input that does not fit them
 */
function signItemOf(kid: string, params: SignatureParams, input: SignInput): FortanixSignRequest {
  const asked = params.scheme === 'ecdsa' ? { ...params, format: 'der' as const } : params;
  return encodeFortanixSignItem(asked, { kid }, input, { prehash: true });
}

/**
 * DSM's signature in the format the params want: ECDSA DER (X9.62) converted for P1363 callers (JOSE, PingOne).
 * @throws {ServerError} ERR_REMOTE_PROVIDER when an ECDSA signature is not DER
 */
function formatSignature(
  version: KeyVersionRecord,
  params: SignatureParams,
  signature: Uint8Array,
): Uint8Array {
  if (params.scheme !== 'ecdsa' || params.format === 'der') return signature;
  try {
    return convertEcdsaSignature(signature, 'der', params.format, version.publicJwk.crv as EcCurve);
  } catch (cause) {
    throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned an ECDSA signature that is not DER`, {
      cause,
    });
  }
}

/** A batch of items for one DSM connection: the client, and each item's position in the caller's batch. */
interface ConnectionBatch {
  readonly client: FortanixClient;
  readonly indexes: number[];
  readonly requests: FortanixSignRequest[];
}

/** Keys in Fortanix DSM: linked by kid or name, signed through `POST /crypto/v1/keys/batch/sign`. */
export class FortanixKeyProvider extends RemoteProviderBase<FortanixClient> implements RemoteKeyProvider {
  readonly name = 'fortanix';

  constructor(masterKey: Uint8Array, options: RemoteKeyProviderOptions = {}) {
    super(VENDOR, masterKey, options);
  }

  #clientOf(url: string, apiKey: string): { client: FortanixClient; connectionId: string } {
    return this.clientFor([url, apiKey], (timeoutMs) =>
      createFortanixClient({ baseUrl: url, apiKey, timeoutMs }),
    );
  }

  /**
   * The security object a link names, by kid or by name: `POST /crypto/v1/keys/info` with a SobjectDescriptor, the
   * lookup Fortanix's published API and its Go client use.
   * @throws {ServerError} ERR_KEY_NOT_FOUND when DSM has no such key; what {@link callRemote} throws
   */
  async #sobjectOf(client: FortanixClient, link: FortanixKeyLink): Promise<FortanixSobject> {
    const sobject = await this.call(async () => {
      try {
        return await client.lookupKey(link.kid !== undefined ? { kid: link.kid } : { name: link.name ?? '' });
      } catch (error) {
        if (isProtocolError(error, 'ERR_FORTANIX_HTTP') && error.status === 404) {
          throw new ServerError('ERR_KEY_NOT_FOUND', `${VENDOR} has no such key`, { cause: error });
        }
        throw error;
      }
    });
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
    const sobject = await this.#sobjectOf(this.#clientOf(request.url, apiKey).client, request);
    // ERR_FORTANIX_ALGORITHM (a key DSM holds but Sigil does not sign with), ERR_FORTANIX_KEY (no usable pub_key).
    const publicKey = fortanixSobjectPublicKey(sobject);
    if (typeof sobject.kid !== 'string') {
      throw new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} answered a security object without a kid`);
    }
    const connection: FortanixConnection = { url: request.url, apiKey, kid: sobject.kid };
    return this.linkedVersion(keyId, version, publicKey, connection, {
      name: sobject.name ?? request.name,
      kid: sobject.kid,
    });
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
    const batches = new Map<string, ConnectionBatch>();
    items.forEach((item, index) => {
      try {
        const connection = this.connectionOf<FortanixConnection>(item.version);
        const request = signItemOf(connection.kid, item.params, item.input);
        const { client, connectionId } = this.#clientOf(connection.url, connection.apiKey);
        const batch = batches.get(connectionId) ?? { client, indexes: [], requests: [] };
        batch.indexes.push(index);
        batch.requests.push(request);
        batches.set(connectionId, batch);
      } catch (error) {
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
    });
    const calls: Promise<void>[] = [];
    for (const batch of batches.values()) {
      for (let start = 0; start < batch.requests.length; start += FORTANIX_BATCH_LIMIT) {
        const indexes = batch.indexes.slice(start, start + FORTANIX_BATCH_LIMIT);
        const requests = batch.requests.slice(start, start + FORTANIX_BATCH_LIMIT);
        calls.push(
          this.call(() => batch.client.batchSign(requests)).then(
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
      const signature = formatSignature(
        item.version,
        item.params,
        this.signatureBytes(answer.body.signature),
      );
      return this.checkedSignature(item.version, item.params, item.input, signature);
    } catch (error) {
      return error instanceof ServerError
        ? error
        : new ServerError('ERR_REMOTE_PROVIDER', `${VENDOR} returned an unusable signature`, {
            cause: error,
          });
    }
  }
}
