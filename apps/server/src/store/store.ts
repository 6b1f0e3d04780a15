// The one repository interface of the server: every service reads and writes state through it.
// It is asynchronous so that an embedded (better-sqlite3) and a PostgreSQL implementation fit behind it alike.
import type { Jwk } from '@sigil/crypto-core/keys';

/** The key families the server holds. */
export type KeyType = 'RSA' | 'EC' | 'OKP' | 'HMAC';

/** A key's lifecycle state. */
export type KeyStatus = 'active' | 'disabled';

/** A named key: what every version shares. */
export interface KeyRecord {
  readonly id: string;
  readonly name: string;
  readonly type: KeyType;
  /** RSA modulus bits, HMAC key bits, or undefined. */
  readonly size: number | undefined;
  /** EC/OKP curve, or undefined. */
  readonly curve: string | undefined;
  readonly kid: string;
  /** Which provider holds the material (`local` now; `fortanix`, `signpath` later). */
  readonly provider: string;
  readonly status: KeyStatus;
  readonly currentVersion: number;
  /** The PingOne `credentialSigningKeyId` this key answers for, if any. */
  readonly pingoneCredentialSigningKeyId: string | undefined;
  readonly createdAt: string;
}

/** A sealed secret and the row it belongs to (the sealing context is derived from it). */
export type SealedSecretSample =
  | {
      readonly kind: 'key-version';
      readonly keyId: string;
      readonly version: number;
      readonly sealed: string;
    }
  | { readonly kind: 'pingid'; readonly tokenId: string; readonly sealed: string };

/** Any secret the store keeps sealed under the master key, and the row it belongs to. */
export type SealedSecret =
  | SealedSecretSample
  | { readonly kind: 'setting'; readonly name: string; readonly sealed: string };

/** One version of a key: its public half and its sealed private material. */
export interface KeyVersionRecord {
  readonly keyId: string;
  readonly version: number;
  /**
   * Public JWK (for HMAC keys `{ kty: 'oct' }` without `k`). Read back parsed once and frozen: every read of the
   * same JWK gets the same object.
   */
  readonly publicJwk: Readonly<Jwk>;
  /** The private material sealed by the provider (AES-256-GCM envelope, JSON text). */
  readonly sealedPrivateKey: string;
  readonly createdAt: string;
  /** This version's JWK `kid` (unset on versions made before kids were per version: the key's kid then). */
  readonly kid?: string | undefined;
}

/** An API token, stored by the SHA-256 of its secret. */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the bearer secret. */
  readonly secretHash: string;
  readonly scopes: readonly string[];
  /** Key ids the token may use; undefined means every key. */
  readonly keys: readonly string[] | undefined;
  /** ISO time after which the token is refused (Fortanix sessions), or undefined. */
  readonly expiresAt: string | undefined;
  readonly createdAt: string;
  /** The PingID `token` (a public identifier) of a token that also accepts `PINGID-HMAC` requests, or undefined. */
  readonly pingIdToken?: string | undefined;
  /** Its PingID API key, sealed under the master key (context `pingid:<id>`), or undefined. */
  readonly sealedPingIdApiKey?: string | undefined;
}

/** A SignPath signing policy bound to a key. */
export interface SignPathPolicyRecord {
  readonly id: string;
  /** Lower-case organization id (SignPath paths are case-insensitive). */
  readonly organizationId: string;
  readonly projectSlug: string;
  readonly signingPolicySlug: string;
  readonly keyId: string;
  /** Token ids allowed to submit. */
  readonly submitters: readonly string[];
  /** DER of the policy's self-signed certificate, base64. */
  readonly certificate: string;
  readonly createdAt: string;
}

/** A SignPath signing request's state. */
export type SignPathRequestStatus = 'InProgress' | 'Completed' | 'Failed';

/** A SignPath signing request, persisted before it is acknowledged. */
export interface SignPathRequestRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly policyId: string;
  readonly tokenId: string;
  /** The normalized (camelCase) payload.json, JSON text. */
  readonly payload: string;
  readonly status: SignPathRequestStatus;
  /** Base64 signature once completed. */
  readonly signature: string | undefined;
  /** Why it failed. */
  readonly error: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A Fortanix-compatible app: Basic credentials for `/sys/v1/session/auth`. */
export interface FortanixAppRecord {
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the app secret. */
  readonly secretHash: string;
  readonly keys: readonly string[] | undefined;
  readonly createdAt: string;
}

/** What an audit record says, before it is chained. */
export interface AuditContent {
  readonly at: string;
  readonly requestId: string;
  readonly tokenId: string | undefined;
  readonly operation: string;
  readonly keyId: string | undefined;
  readonly keyVersion: number | undefined;
  readonly algorithm: string | undefined;
  /** Hex SHA-256 of the signed or verified input. */
  readonly inputSha256: string | undefined;
  /** `ok`, `denied`, `error`, `valid`, `invalid`. */
  readonly result: string;
  readonly detail: string | undefined;
}

/** A chained audit record. */
export interface AuditRecord extends AuditContent {
  /** 1-based position in the log. */
  readonly sequence: number;
  /** Hex hash of the previous record (64 zeros for the first). */
  readonly previousHash: string;
  /** Hex SHA-256 of previousHash and this record's canonical content. */
  readonly hash: string;
}

/** A page of audit records. */
export interface AuditPage {
  readonly entries: readonly AuditRecord[];
  /** The sequence to pass as `after` for the next page, or undefined at the end. */
  readonly nextAfter: number | undefined;
}

/** How audit records link and how the head is sealed; the store calls it inside its append transaction. */
export interface AuditChain {
  /** The link of a new record after `previousHash`. */
  hash(previousHash: string, content: AuditContent): string;
  /** What the store keeps as the head once `head` is the last record, written with the records it ends. */
  sealHead(head: { readonly sequence: number; readonly hash: string }): string;
}

/** The repository every service uses. All methods may reject on I/O failure. */
export interface Store {
  /** Inserts a key and its first version. */
  createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void>;
  /** A key by id, or undefined. */
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** A key by name, or undefined. */
  getKeyByName(name: string): Promise<KeyRecord | undefined>;
  /** A key by its JWK `kid`, or undefined. */
  getKeyByKid(kid: string): Promise<KeyRecord | undefined>;
  /** The key version a JWK `kid` names, or undefined. */
  getKeyVersionByKid(kid: string): Promise<KeyVersionRecord | undefined>;
  /** A key by its PingOne credentialSigningKeyId alias, or undefined. */
  getKeyByPingOneAlias(credentialSigningKeyId: string): Promise<KeyRecord | undefined>;
  /** Every key, oldest first. */
  listKeys(): Promise<KeyRecord[]>;
  /** Adds a version and makes it current. */
  addKeyVersion(version: KeyVersionRecord): Promise<void>;
  /** One version of a key, or undefined. */
  getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined>;
  /** Every version of a key, newest first. */
  listKeyVersions(keyId: string): Promise<KeyVersionRecord[]>;
  /** Sets a key's status. */
  setKeyStatus(id: string, status: KeyStatus): Promise<void>;
  /** Sets (or clears) the PingOne alias of a key. */
  setPingOneAlias(id: string, credentialSigningKeyId: string | undefined): Promise<void>;
  /** Deletes a key with all its versions; false when there was none. */
  deleteKey(id: string): Promise<boolean>;

  /** Inserts a token. */
  createToken(token: TokenRecord): Promise<void>;
  /** A token by the hash of its secret, or undefined. */
  getTokenBySecretHash(secretHash: string): Promise<TokenRecord | undefined>;
  /** A token by id, or undefined. */
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** Deletes a token; false when there was none. */
  deleteToken(id: string): Promise<boolean>;

  /** Deletes the tokens whose `expiresAt` is before `now` (ISO 8601); how many went. */
  deleteExpiredTokens(now: string): Promise<number>;
  /** Number of tokens that carry `scope`. */
  countTokensWithScope(scope: string): Promise<number>;

  /** Inserts a SignPath policy. */
  createSignPathPolicy(policy: SignPathPolicyRecord): Promise<void>;
  /** Policies of one organization. */
  listSignPathPolicies(organizationId: string): Promise<SignPathPolicyRecord[]>;
  /** A policy by id. */
  getSignPathPolicy(id: string): Promise<SignPathPolicyRecord | undefined>;
  /** Inserts a signing request (durably: it is acknowledged only after this resolves). */
  createSignPathRequest(request: SignPathRequestRecord): Promise<void>;
  /** A signing request by id. */
  getSignPathRequest(id: string): Promise<SignPathRequestRecord | undefined>;
  /** Records the outcome of a signing request. */
  finishSignPathRequest(
    id: string,
    outcome: { status: SignPathRequestStatus; signature?: string; error?: string },
  ): Promise<void>;
  /** Requests still InProgress (to resume after a restart). */
  listPendingSignPathRequests(): Promise<SignPathRequestRecord[]>;
  /**
   * Leases one InProgress request to `owner` until `leaseExpiresAt` (ISO time) unless another owner holds an
   * unexpired lease on it; false when it is leased elsewhere or no longer InProgress.
   */
  claimSignPathRequest(id: string, owner: string, leaseExpiresAt: string): Promise<boolean>;
  /**
   * Leases up to `limit` InProgress requests that no live owner holds (no lease, or an expired one) to `owner`,
   * oldest first, and returns their ids. Concurrent callers never receive the same request.
   */
  claimAbandonedSignPathRequests(owner: string, leaseExpiresAt: string, limit: number): Promise<string[]>;
  /** Extends every lease `owner` holds on an InProgress request (the owner's heartbeat). */
  renewSignPathRequestLeases(owner: string, leaseExpiresAt: string): Promise<void>;

  /** Inserts a Fortanix app. */
  createFortanixApp(app: FortanixAppRecord): Promise<void>;
  /** A Fortanix app by id. */
  getFortanixApp(id: string): Promise<FortanixAppRecord | undefined>;

  /** Appends one chained audit record atomically, with the new sealed head, and returns it. */
  appendAudit(content: AuditContent, chain: AuditChain): Promise<AuditRecord>;
  /**
   * Appends several chained audit records, in order, in one transaction with the new sealed head (the setting
   * `audit_head`): all are written or none.
   */
  appendAuditMany(contents: readonly AuditContent[], chain: AuditChain): Promise<AuditRecord[]>;
  /** The last audit record's sequence and hash, or undefined for an empty log. */
  lastAudit(): Promise<{ sequence: number; hash: string } | undefined>;
  /** Audit records with sequence > after, oldest first. */
  listAudit(after: number, limit: number): Promise<AuditPage>;

  /** A setting the server keeps about itself, or undefined. */
  getSetting(name: string): Promise<string | undefined>;
  /** Stores `value` under `name` unless a value is there already; the value stored (the first writer's). */
  putSettingIfAbsent(name: string, value: string): Promise<string>;
  /** One secret sealed under the master key (a key version's material, else a token's PingID API key), or undefined. */
  sampleSealedSecret(): Promise<SealedSecretSample | undefined>;
  /**
   * Replaces every secret sealed under the master key with what `rewrap` makes of it, and the settings in
   * `settings`, in one transaction: all or nothing. How many secrets were rewrapped.
   */
  rewrapSealedSecrets(
    rewrap: (secret: SealedSecret) => string,
    settings: Readonly<Record<string, string>>,
  ): Promise<number>;

  /** Records a nonce until `expiresAt`; false when it was already recorded (a replay). */
  rememberNonce(nonce: string, expiresAt: string): Promise<boolean>;

  /**
   * Writes a consistent copy of the whole store to the file `destination` while it keeps serving (the embedded
   * store's online backup).
   * @throws {ServerError} ERR_CONFLICT for a store whose own tools back it up (PostgreSQL: pg_dump)
   */
  backup(destination: string): Promise<void>;

  /** Whether the store answers. */
  ping(): Promise<boolean>;
  /** Releases the store. */
  close(): Promise<void>;
}
