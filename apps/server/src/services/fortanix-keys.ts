// The security objects a Fortanix app sees through Sigil: the stored keys its session is granted, as DSM Sobjects,
// found by descriptor (OpenAPI `SobjectDescriptor`), listed (`ListSobjects`) and looked up (`GetSobject`).
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { isProtocolError } from '@sigil/protocols/errors';
import {
  type FortanixListSobjectsQuery,
  type FortanixListSobjectsResponse,
  type FortanixSobject,
  fortanixSobject,
  listFortanixSobjects,
} from '@sigil/protocols/fortanix';
import { ServerError } from '../errors.js';
import type { KeyRecord, Store } from '../store/store.js';
import { grantRefusal } from './grants.js';
import { publicKeyOfVersion } from './keys.js';
import type { Principal } from './tokens.js';

/**
 * `acct_id` of every Sobject: a Sigil server is one DSM account. DSM names accounts by UUID (OpenAPI `Sobject`
 * requires `acct_id`, format uuid); Sigil has no account of its own, so the nil UUID stands for it.
 */
export const SIGIL_FORTANIX_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';

/** A stored key the Fortanix surface can use: its record and its current public key. */
export interface FortanixStoredKey {
  readonly record: KeyRecord;
  readonly publicKey: PublicKey;
}

/** A persisted object's descriptor: `{kid}` or `{name}`. */
export type PersistedDescriptor = { readonly kid: string } | { readonly name: string };

/**
 * DSM's answer for an object the caller may not see: the same whether the key is unknown, outside the session's
 * grants or of a type DSM cannot hold, so that an app learns nothing of the keys it is not granted.
 */
export function sobjectNotFound(): ServerError {
  return new ServerError('ERR_KEY_NOT_FOUND', 'sobject does not exist');
}

/** The stored keys a Fortanix session may see, as DSM security objects. */
export class FortanixKeyDirectory {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async #usable(record: KeyRecord | undefined, principal: Principal): Promise<FortanixStoredKey | undefined> {
    if (record === undefined || grantRefusal(principal, record) !== undefined) return undefined;
    const version = await this.#store.getKeyVersion(record.id, record.currentVersion);
    const publicKey = version && publicKeyOfVersion(version);
    return publicKey === undefined ? undefined : { record, publicKey };
  }

  /**
   * The stored key a `{kid}` or `{name}` names, if `principal` is granted it.
   * @throws {ServerError} ERR_KEY_NOT_FOUND ({@link sobjectNotFound}) for an unknown or ungranted key, or one without
   * a public key (HMAC)
   */
  async find(principal: Principal, descriptor: PersistedDescriptor): Promise<FortanixStoredKey> {
    const record =
      'kid' in descriptor
        ? await this.#store.getKey(descriptor.kid.toLowerCase())
        : await this.#store.getKeyByName(descriptor.name);
    const found = await this.#usable(record, principal);
    if (found === undefined) throw sobjectNotFound();
    return found;
  }

  /**
   * `POST /crypto/v1/keys/info`: the Sobject a `{kid}` or `{name}` names, if `principal` is granted it.
   * @throws {ServerError} ERR_KEY_NOT_FOUND as {@link find}, and for a key DSM has no type for (ML-DSA)
   */
  async lookup(principal: Principal, descriptor: PersistedDescriptor): Promise<FortanixSobject> {
    const sobject = sobjectOf(await this.find(principal, descriptor));
    if (sobject === undefined) throw sobjectNotFound();
    return sobject;
  }

  /** `GET /crypto/v1/keys`: the Sobjects of the keys `principal` is granted, filtered and paged as asked. */
  async list(principal: Principal, query: FortanixListSobjectsQuery): Promise<FortanixListSobjectsResponse> {
    const records = await this.#store.listKeys();
    const usable = await Promise.all(records.map((record) => this.#usable(record, principal)));
    const sobjects = usable
      .map((found) => (found === undefined ? undefined : sobjectOf(found)))
      .filter((sobject): sobject is FortanixSobject => sobject !== undefined);
    return listFortanixSobjects(sobjects, query);
  }
}

/**
 * The Sobject of a stored key, built by protocols: Sigil's account, made by the `system` (an administrator, not an
 * app), `origin: External` (not made in a Fortanix HSM), `enabled` while the key is active; undefined for a key DSM
 * has no type for.
 */
export function sobjectOf(stored: FortanixStoredKey): FortanixSobject | undefined {
  try {
    return fortanixSobject(stored.publicKey, {
      acctId: SIGIL_FORTANIX_ACCOUNT_ID,
      creator: 'system',
      createdAt: new Date(stored.record.createdAt),
      enabled: stored.record.status === 'active',
      origin: 'External',
      kid: stored.record.id,
      name: stored.record.name,
    });
  } catch (error) {
    if (isProtocolError(error, 'ERR_FORTANIX_ALGORITHM')) return undefined;
    throw error;
  }
}
