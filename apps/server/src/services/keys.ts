// Keys: create, import, list, rotate, disable, delete and alias; every version's private half stays in its provider.
import { randomUUID } from 'node:crypto';
import type { PublicKey } from '@sigil/crypto-core/key-types';
import { exportPem, importJwk, type Jwk, jwkThumbprint } from '@sigil/crypto-core/keys';
import { ServerError, toServerError } from '../errors.js';
import type {
  KeyProvider,
  KeySpec,
  ProvisionedVersion,
  RemoteKeyLink,
  RemoteKeyProvider,
} from '../providers/provider.js';
import type { KeyRecord, KeyVersionRecord, Store } from '../store/store.js';
import { type AuditLog, auditEntry } from './audit.js';

/** Who asked for an operation, for the audit log. */
export interface Actor {
  readonly requestId: string;
  readonly tokenId: string | undefined;
}

/** `POST /v1/keys`: generate from a spec, import PEM / JWK material, or link a key held in Fortanix or SignPath. */
export type CreateKeyRequest =
  | RemoteKeyLink
  | (KeySpec & { readonly name?: string | undefined; readonly kid?: string | undefined })
  | { readonly name: string; readonly kid?: string | undefined; readonly privateKeyPem: string }
  | { readonly name: string; readonly kid?: string | undefined; readonly jwk: Jwk };

/** A key as the API shows it: never any private material. */
export interface KeyView {
  readonly id: string;
  readonly name: string;
  readonly type: KeyRecord['type'];
  readonly size?: number;
  readonly curve?: string;
  readonly kid: string;
  readonly version: number;
  readonly status: KeyRecord['status'];
  readonly provider: string;
  readonly createdAt: string;
  readonly publicKeyJwk?: Jwk;
  readonly publicKeyPem?: string;
  readonly pingoneCredentialSigningKeyId?: string;
  readonly versions?: readonly { version: number; kid?: string; createdAt: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kid a version goes by: its own, or (versions stored before kids were per version) the key's. */
export function kidOfVersion(key: KeyRecord, version: KeyVersionRecord | undefined): string {
  return version?.kid ?? key.kid;
}

/** Imported public keys by their stored JWK (one object per JWK: see KeyVersionRecord), oldest first. */
const publicKeys = new Map<Readonly<Jwk>, PublicKey>();
const PUBLIC_KEY_CACHE_SIZE = 512;

/** The public key of a stored version, or undefined for HMAC. */
export function publicKeyOfVersion(version: KeyVersionRecord): PublicKey | undefined {
  const held = publicKeys.get(version.publicJwk);
  if (held !== undefined) return held;
  const jwk = version.publicJwk;
  if (jwk.kty === 'oct') return undefined;
  // Importing checks the key (an EC point is validated on its curve): public, immutable, worth keeping.
  const key = importJwk(jwk) as PublicKey;
  publicKeys.set(version.publicJwk, key);
  if (publicKeys.size > PUBLIC_KEY_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value!);
  return key;
}

/** Key lifecycle operations. */
export class KeyService {
  readonly #store: Store;
  readonly #provider: KeyProvider;
  readonly #audit: AuditLog;
  readonly #remote: ReadonlyMap<string, RemoteKeyProvider>;

  /** `provider` holds new and imported keys; `remoteProviders` hold keys linked from elsewhere, by name. */
  constructor(
    store: Store,
    provider: KeyProvider,
    audit: AuditLog,
    remoteProviders: readonly RemoteKeyProvider[] = [],
  ) {
    this.#store = store;
    this.#provider = provider;
    this.#audit = audit;
    this.#remote = new Map(remoteProviders.map((remote) => [remote.name, remote]));
  }

  /** The provider new and imported keys live in. */
  get provider(): KeyProvider {
    return this.#provider;
  }

  /**
   * The provider a key lives in.
   * @throws {ServerError} ERR_INTERNAL for a provider this server does not have
   */
  providerOf(key: Pick<KeyRecord, 'provider'>): KeyProvider {
    if (key.provider === this.#provider.name) return this.#provider;
    const remote = this.#remote.get(key.provider);
    if (remote === undefined) throw new ServerError('ERR_INTERNAL', `no key provider ${key.provider}`);
    return remote;
  }

  async #audited<T>(
    actor: Actor,
    operation: string,
    keyId: string | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await run();
      await this.#audit.record(auditEntry(actor, operation, { keyId }));
      return result;
    } catch (error) {
      const failure = toServerError(error);
      if (failure.code !== 'ERR_AUDIT_UNAVAILABLE') {
        await this.#audit.record(
          auditEntry(actor, operation, { keyId, result: 'error', detail: failure.code }),
        );
      }
      throw failure;
    }
  }

  /**
   * Generates or imports a key.
   * @throws {ServerError} ERR_CONFLICT for a name in use; ERR_INVALID_KEY for unusable material
   */
  async create(actor: Actor, request: CreateKeyRequest): Promise<KeyView> {
    const id = randomUUID();
    return this.#audited(actor, 'keys.create', id, async () => {
      if (request.name !== undefined && (await this.#store.getKeyByName(request.name)))
        throw new ServerError('ERR_CONFLICT', `a key named ${request.name} exists`);
      let provider = this.#provider;
      let provisioned: ProvisionedVersion & { name?: string | undefined; kid?: string | undefined };
      if ('provider' in request) {
        provider = this.providerOf(request);
        provisioned = await (provider as RemoteKeyProvider).link(id, 1, request);
      } else if ('privateKeyPem' in request)
        provisioned = await this.#provider.importKey(id, 1, request.privateKeyPem);
      else if ('jwk' in request) provisioned = await this.#provider.importKey(id, 1, request.jwk);
      else provisioned = await this.#provider.generate(id, 1, request);
      const name = provisioned.name ?? request.name ?? `key-${id.slice(0, 8)}`;
      if (await this.#store.getKeyByName(name))
        throw new ServerError('ERR_CONFLICT', `a key named ${name} exists`);
      const kid =
        provisioned.kid ??
        request.kid ??
        (typeof (request as { jwk?: Jwk }).jwk?.kid === 'string'
          ? (request as { jwk: Jwk }).jwk.kid
          : undefined) ??
        (provisioned.type === 'HMAC' ? randomUUID() : jwkThumbprint(provisioned.publicJwk));
      const now = new Date().toISOString();
      const key: KeyRecord = {
        id,
        name,
        type: provisioned.type,
        size: provisioned.size,
        curve: provisioned.curve,
        kid,
        provider: provider.name,
        status: 'active',
        currentVersion: 1,
        pingoneCredentialSigningKeyId: undefined,
        createdAt: now,
      };
      const version: KeyVersionRecord = {
        keyId: id,
        version: 1,
        publicJwk: provisioned.publicJwk,
        sealedPrivateKey: provisioned.sealedPrivateKey,
        createdAt: now,
        kid,
      };
      await this.#store.createKey(key, version);
      return this.#view(key, version);
    });
  }

  /** Every key, with its current public half. */
  async list(actor: Actor): Promise<KeyView[]> {
    const keys = await this.#audited(actor, 'keys.list', undefined, () => this.#store.listKeys());
    return Promise.all(
      keys.map(async (key) => this.#view(key, await this.#store.getKeyVersion(key.id, key.currentVersion))),
    );
  }

  /**
   * One key by id or name, with its versions.
   * @throws {ServerError} ERR_KEY_NOT_FOUND
   */
  async get(actor: Actor, reference: string): Promise<KeyView> {
    const key = await this.#audited(actor, 'keys.get', undefined, () => this.resolve(reference));
    const versions = await this.#store.listKeyVersions(key.id);
    return {
      ...this.#view(key, versions[0]),
      versions: versions.map((version) => ({
        version: version.version,
        ...(version.kid === undefined ? {} : { kid: version.kid }),
        createdAt: version.createdAt,
      })),
    };
  }

  /**
   * A key record by id or name.
   * @throws {ServerError} ERR_KEY_NOT_FOUND
   */
  async resolve(reference: string): Promise<KeyRecord> {
    const key =
      (UUID.test(reference) ? await this.#store.getKey(reference.toLowerCase()) : undefined) ??
      (await this.#store.getKeyByName(reference));
    if (key === undefined) throw new ServerError('ERR_KEY_NOT_FOUND', `no key ${JSON.stringify(reference)}`);
    return key;
  }

  /**
   * A new version of the same kind; earlier versions still verify.
   * @throws {ServerError} ERR_KEY_NOT_FOUND
   */
  async rotate(actor: Actor, reference: string): Promise<KeyView> {
    const key = await this.resolve(reference);
    return this.#audited(actor, 'keys.rotate', key.id, async () => {
      const next = key.currentVersion + 1;
      const provisioned = await this.providerOf(key).generate(key.id, next, specOf(key));
      const version: KeyVersionRecord = {
        keyId: key.id,
        version: next,
        publicJwk: provisioned.publicJwk,
        sealedPrivateKey: provisioned.sealedPrivateKey,
        createdAt: new Date().toISOString(),
        // A new version is a new public key: it gets a kid of its own (RFC 7638 thumbprint), so that a verifier
        // holding the earlier JWK (PingOne) is never handed a signature it cannot check under that kid.
        kid: provisioned.type === 'HMAC' ? `${key.kid}.v${next}` : jwkThumbprint(provisioned.publicJwk),
      };
      await this.#store.addKeyVersion(version);
      return this.#view({ ...key, currentVersion: next }, version);
    });
  }

  /** Disables (no more signing) or re-enables a key. */
  async setEnabled(actor: Actor, reference: string, enabled: boolean): Promise<KeyView> {
    const key = await this.resolve(reference);
    return this.#audited(actor, enabled ? 'keys.enable' : 'keys.disable', key.id, async () => {
      const status = enabled ? 'active' : 'disabled';
      await this.#store.setKeyStatus(key.id, status);
      return this.#view({ ...key, status }, await this.#store.getKeyVersion(key.id, key.currentVersion));
    });
  }

  /** Deletes a key and all its versions. */
  async delete(actor: Actor, reference: string): Promise<void> {
    const key = await this.resolve(reference);
    await this.#audited(actor, 'keys.delete', key.id, async () => {
      await this.#store.deleteKey(key.id);
    });
  }

  /**
   * Binds (or with undefined, unbinds) the PingOne credentialSigningKeyId this key answers for.
   * @throws {ServerError} ERR_CONFLICT when another key holds it
   */
  async setAliases(
    actor: Actor,
    reference: string,
    pingoneCredentialSigningKeyId: string | undefined,
  ): Promise<KeyView> {
    const key = await this.resolve(reference);
    return this.#audited(actor, 'keys.aliases', key.id, async () => {
      const alias = pingoneCredentialSigningKeyId?.toLowerCase();
      if (alias !== undefined) {
        const holder = await this.#store.getKeyByPingOneAlias(alias);
        if (holder && holder.id !== key.id) {
          throw new ServerError('ERR_CONFLICT', `credentialSigningKeyId ${alias} is bound to another key`);
        }
      }
      await this.#store.setPingOneAlias(key.id, alias);
      return this.#view(
        { ...key, pingoneCredentialSigningKeyId: alias },
        await this.#store.getKeyVersion(key.id, key.currentVersion),
      );
    });
  }

  #view(key: KeyRecord, version: KeyVersionRecord | undefined): KeyView {
    const publicKey = version && publicKeyOfVersion(version);
    return {
      id: key.id,
      name: key.name,
      type: key.type,
      ...(key.size === undefined ? {} : { size: key.size }),
      ...(key.curve === undefined ? {} : { curve: key.curve }),
      kid: kidOfVersion(key, version),
      version: version?.version ?? key.currentVersion,
      status: key.status,
      provider: key.provider,
      createdAt: key.createdAt,
      ...(publicKey === undefined || version === undefined
        ? {}
        : {
            publicKeyJwk: { ...version.publicJwk, kid: kidOfVersion(key, version) },
            publicKeyPem: exportPem(publicKey, 'spki'),
          }),
      ...(key.pingoneCredentialSigningKeyId === undefined
        ? {}
        : { pingoneCredentialSigningKeyId: key.pingoneCredentialSigningKeyId }),
    };
  }
}

function specOf(key: KeyRecord): KeySpec {
  switch (key.type) {
    case 'RSA': {
      const size = key.size ?? 2048;
      return { type: 'RSA', size: size >= 4096 ? 4096 : size >= 3072 ? 3072 : 2048 };
    }
    case 'EC':
      return { type: 'EC', curve: (key.curve ?? 'P-256') as 'P-256' };
    case 'OKP':
      return { type: 'OKP', curve: 'Ed25519' };
    case 'HMAC':
      return { type: 'HMAC', size: key.size ?? 256 };
  }
}
