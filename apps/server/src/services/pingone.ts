// The PingOne credential signing callback: resolve each payload's key, check its alg, sign header.payload, audit;
// the payloads of one request are signed together, so a Fortanix key gets them in one batch call.
import {
  type PingOneSigner,
  type PingOneSigningRequest,
  type PingOneSigningResponse,
  signPingOneRequest,
} from '@sigil/protocols/pingone';
import type { KeyRecord, Store } from '../store/store.js';
import type { AuditLog } from './audit.js';
import { type Outcome, valueOrThrow } from './batch.js';
import { joseSignatureParams } from './jose-params.js';
import { type Actor, publicKeyOfVersion } from './keys.js';
import type { SignCall, SigningService, SignOutcome } from './signing.js';
import type { Principal } from './tokens.js';

/**
 * Holds the sign calls of one request until every payload has made its call, then runs them together. If a payload
 * fails before it signs, the whole request fails (PingOne gets one answer), and the held calls are dropped.
 */
class SignCallGathering {
  readonly #expected: number;
  readonly #run: (calls: readonly SignCall[]) => Promise<Outcome<SignOutcome>[]>;
  readonly #held: {
    call: SignCall;
    resolve: (signature: Uint8Array) => void;
    reject: (error: unknown) => void;
  }[] = [];

  constructor(expected: number, run: (calls: readonly SignCall[]) => Promise<Outcome<SignOutcome>[]>) {
    this.#expected = expected;
    this.#run = run;
  }

  /** Adds one call; its signature arrives once every payload has added its own. */
  add(call: SignCall): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.#held.push({ call, resolve, reject });
      if (this.#held.length === this.#expected) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const held = this.#held.splice(0);
    try {
      const outcomes = await this.#run(held.map((entry) => entry.call));
      // Each payload gets its own signature or failure; PingOne's answer fails with the first failure.
      held.forEach((entry, index) => {
        try {
          entry.resolve(valueOrThrow(outcomes[index]).signature);
        } catch (failure) {
          entry.reject(failure);
        }
      });
    } catch (error) {
      for (const entry of held) entry.reject(error);
    }
  }
}

/** Answers PingOne's credential signing requests with keys of any provider. */
export class PingOneService {
  readonly #store: Store;
  readonly #signing: SigningService;
  readonly #audit: AuditLog;

  constructor(store: Store, signing: SigningService, audit: AuditLog) {
    this.#store = store;
    this.#signing = signing;
    this.#audit = audit;
  }

  async #signerFor(
    actor: Actor,
    principal: Principal,
    key: KeyRecord,
    versionNumber: number,
    kid: string,
    gathering: SignCallGathering,
  ): Promise<PingOneSigner | undefined> {
    const version = await this.#store.getKeyVersion(key.id, versionNumber);
    const publicKey = version && publicKeyOfVersion(version);
    if (publicKey === undefined) return undefined;
    return {
      kid,
      publicKey,
      sign: async (alg, signingInput) => {
        const input = { message: signingInput };
        return gathering.add({
          actor,
          principal,
          operation: 'pingone.sign',
          key,
          algorithm: alg,
          params: joseSignatureParams(key, alg, input, 'p1363'),
          input,
          version: versionNumber,
        });
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
    const gathering = new SignCallGathering(request.payloads.length, (calls) =>
      this.#signing.signBatch(calls),
    );
    try {
      return await signPingOneRequest(
        request,
        async (item) => {
          // The payload's kid names the key version PingOne verifies with: that version signs.
          const named = await this.#store.getKeyVersionByKid(item.kid);
          const byAlias = await this.#store.getKeyByPingOneAlias(item.credentialSigningKeyId.toLowerCase());
          if (byAlias) {
            const version = named?.keyId === byAlias.id ? named.version : byAlias.currentVersion;
            return this.#signerFor(actor, principal, byAlias, version, item.kid, gathering);
          }
          const byKid = named
            ? await this.#store.getKey(named.keyId)
            : await this.#store.getKeyByKid(item.kid);
          return (
            byKid &&
            this.#signerFor(
              actor,
              principal,
              byKid,
              named?.version ?? byKid.currentVersion,
              item.kid,
              gathering,
            )
          );
        },
        // Every provider checks its own output: RSA verify-after-sign (crypto-core, or OpenSSL's CRT check), remote
        // signatures against the stored public key (remote.ts). A second check here would double the cost.
        { verifySignatures: false },
      );
    } catch (error) {
      throw await this.#audit.recordFailure(actor, 'pingone.sign', error);
    }
  }
}
