// The PingOne credential signing callback: resolve each payload's key, check its alg, sign header.payload, audit.
import {
  type PingOneSigner,
  type PingOneSigningRequest,
  type PingOneSigningResponse,
  signPingOneRequest,
} from '@sigil/protocols/pingone';
import type { KeyRecord, Store } from '../store/store.js';
import type { Actor } from './keys.js';
import { publicKeyOfVersion } from './keys.js';
import { joseSignatureParams, type SigningService } from './signing.js';
import type { Principal } from './tokens.js';

/** Answers PingOne's credential signing requests with keys of any provider. */
export class PingOneService {
  readonly #store: Store;
  readonly #signing: SigningService;

  constructor(store: Store, signing: SigningService) {
    this.#store = store;
    this.#signing = signing;
  }

  async #signerFor(
    actor: Actor,
    principal: Principal,
    key: KeyRecord,
    kid: string,
  ): Promise<PingOneSigner | undefined> {
    const version = await this.#store.getKeyVersion(key.id, key.currentVersion);
    const publicKey = version && publicKeyOfVersion(version);
    if (publicKey === undefined) return undefined;
    return {
      kid,
      publicKey,
      sign: async (alg, signingInput) => {
        const input = { message: signingInput };
        const outcome = await this.#signing.signWith({
          actor,
          principal,
          operation: 'pingone.sign',
          key,
          algorithm: alg,
          params: joseSignatureParams(key, alg, input, 'p1363'),
          input,
        });
        return outcome.signature;
      },
    };
  }

  /**
   * Signs every payload in request order. A payload's key is the one bound to its `credentialSigningKeyId`, else the
   * one whose `kid` it names; the header `alg` must suit that key.
   * @throws {ServerError|ProtocolError} ERR_PINGONE_KEY, ERR_PINGONE_ALGORITHM, ERR_PINGONE_SIGNING_INPUT, and signing errors
   */
  async sign(
    actor: Actor,
    principal: Principal,
    request: PingOneSigningRequest,
  ): Promise<PingOneSigningResponse> {
    try {
      return await signPingOneRequest(request, async (item) => {
        const byAlias = await this.#store.getKeyByPingOneAlias(item.credentialSigningKeyId.toLowerCase());
        if (byAlias) return this.#signerFor(actor, principal, byAlias, item.kid);
        const byKid = await this.#store.getKeyByKid(item.kid);
        return byKid && this.#signerFor(actor, principal, byKid, byKid.kid);
      });
    } catch (error) {
      throw await this.#signing.recordFailure(actor, 'pingone.sign', error);
    }
  }
}
