// Records and rows both ways: the INSERT that stores each record and the record each row reads back as, the same
// tables and column names on either database.
import type { Jwk } from '@sigil/crypto-core/keys';
import { auditContentValues } from './audit-chain.js';
import type { Row, SqlValue } from './sql.js';
import type {
  AuditRecord,
  FortanixAppRecord,
  KeyRecord,
  KeyStatus,
  KeyType,
  KeyVersionRecord,
  SignPathPolicyRecord,
  SignPathRequestRecord,
  SignPathRequestStatus,
  TokenRecord,
} from './store.js';
import { refuseUnstorableText } from './text.js';

/** A statement and its parameters. */
export type Statement = [sql: string, ...parameters: SqlValue[]];

/**
 * A list kept as a JSON array column. Its items are checked, not just the JSON text (which escapes NUL): PostgreSQL
 * cannot read `\u0000` or an unpaired surrogate back out of JSON as text.
 * @throws {ServerError} ERR_VALIDATION when an item is not storable text
 */
function jsonList(items: readonly string[]): string {
  refuseUnstorableText(items);
  return JSON.stringify(items);
}

const optionalJsonList = (items: readonly string[] | undefined): string | null =>
  items === undefined ? null : jsonList(items);

/** Stores a key (without its versions). */
export const insertKey = (key: KeyRecord): Statement => [
  `INSERT INTO keys (id, name, type, size, curve, kid, provider, status, current_version, pingone_alias,
   created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  key.id,
  key.name,
  key.type,
  key.size ?? null,
  key.curve ?? null,
  key.kid,
  key.provider,
  key.status,
  key.currentVersion,
  key.pingoneCredentialSigningKeyId ?? null,
  key.createdAt,
];

/** Stores a key version, its JWK as JSON text. */
export const insertKeyVersion = (version: KeyVersionRecord): Statement => [
  `INSERT INTO key_versions (key_id, version, public_jwk, sealed_private_key, created_at, kid)
   VALUES (?, ?, ?, ?, ?, ?)`,
  version.keyId,
  version.version,
  JSON.stringify(version.publicJwk),
  version.sealedPrivateKey,
  version.createdAt,
  version.kid ?? null,
];

/** Stores a token. */
export const insertToken = (token: TokenRecord): Statement => [
  `INSERT INTO tokens (id, name, secret_hash, scopes, keys, expires_at, created_at, pingid_token,
   sealed_pingid_api_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  token.id,
  token.name,
  token.secretHash,
  jsonList(token.scopes),
  optionalJsonList(token.keys),
  token.expiresAt ?? null,
  token.createdAt,
  token.pingIdToken ?? null,
  token.sealedPingIdApiKey ?? null,
];

/** Stores a SignPath policy. */
export const insertSignPathPolicy = (policy: SignPathPolicyRecord): Statement => [
  `INSERT INTO signpath_policies (id, organization_id, project_slug, signing_policy_slug, key_id, submitters,
   certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  policy.id,
  policy.organizationId,
  policy.projectSlug,
  policy.signingPolicySlug,
  policy.keyId,
  jsonList(policy.submitters),
  policy.certificate,
  policy.createdAt,
];

/** Stores a SignPath signing request. */
export const insertSignPathRequest = (request: SignPathRequestRecord): Statement => [
  `INSERT INTO signpath_requests (id, organization_id, policy_id, token_id, payload, status, signature, error,
   created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  request.id,
  request.organizationId,
  request.policyId,
  request.tokenId,
  request.payload,
  request.status,
  request.signature ?? null,
  request.error ?? null,
  request.createdAt,
  request.updatedAt,
];

/** Stores a Fortanix app. */
export const insertFortanixApp = (app: FortanixAppRecord): Statement => [
  'INSERT INTO fortanix_apps (id, name, secret_hash, keys, created_at) VALUES (?, ?, ?, ?, ?)',
  app.id,
  app.name,
  app.secretHash,
  optionalJsonList(app.keys),
  app.createdAt,
];

/** Stores a chained audit record. */
export const insertAudit = (record: AuditRecord): Statement => [
  `INSERT INTO audit (sequence, at, request_id, token_id, operation, key_id, key_version, algorithm,
   input_sha256, result, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  record.sequence,
  ...auditContentValues(record),
  record.previousHash,
  record.hash,
];

/** A column as text. */
export const text = (value: unknown): string => String(value);
/** A nullable column as text or undefined. */
export const optionalText = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
/** A nullable numeric column (BIGINT arrives as a string from PostgreSQL) as a number or undefined. */
export const optionalNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
/** A nullable JSON-array column as a list or undefined. */
export const optionalList = (value: unknown): string[] | undefined =>
  value === null || value === undefined ? undefined : (JSON.parse(String(value)) as string[]);

/** A `keys` row as a KeyRecord. */
export function keyFromRow(row: Row): KeyRecord {
  return {
    id: text(row.id),
    name: text(row.name),
    type: text(row.type) as KeyType,
    size: optionalNumber(row.size),
    curve: optionalText(row.curve),
    kid: text(row.kid),
    provider: text(row.provider),
    status: text(row.status) as KeyStatus,
    currentVersion: Number(row.current_version),
    pingoneCredentialSigningKeyId: optionalText(row.pingone_alias),
    createdAt: text(row.created_at),
  };
}

const PARSED_JWKS_KEPT = 1024;

/**
 * Public JWK texts, each parsed once: every read of one text gets the same frozen object (callers may cache what
 * they derive from it by identity). The oldest are dropped beyond PARSED_JWKS_KEPT.
 */
export class ParsedJwks {
  readonly #byText = new Map<string, Readonly<Jwk>>();

  /** The JWK a text holds. */
  parse(jwkText: string): Readonly<Jwk> {
    let jwk = this.#byText.get(jwkText);
    if (jwk === undefined) {
      const parsed = JSON.parse(jwkText) as Jwk;
      for (const member of Object.values(parsed)) if (typeof member === 'object') Object.freeze(member);
      jwk = Object.freeze(parsed);
      this.#byText.set(jwkText, jwk);
      if (this.#byText.size > PARSED_JWKS_KEPT)
        this.#byText.delete(this.#byText.keys().next().value as string);
    }
    return jwk;
  }
}

/** A `key_versions` row as a KeyVersionRecord, its JWK parsed through `jwks`. */
export function versionFromRow(row: Row, jwks: ParsedJwks): KeyVersionRecord {
  return {
    keyId: text(row.key_id),
    version: Number(row.version),
    publicJwk: jwks.parse(text(row.public_jwk)),
    sealedPrivateKey: text(row.sealed_private_key),
    createdAt: text(row.created_at),
    kid: optionalText(row.kid),
  };
}

/** A `tokens` row as a TokenRecord. */
export function tokenFromRow(row: Row): TokenRecord {
  return {
    id: text(row.id),
    name: text(row.name),
    secretHash: text(row.secret_hash),
    scopes: JSON.parse(text(row.scopes)) as string[],
    keys: optionalList(row.keys),
    expiresAt: optionalText(row.expires_at),
    createdAt: text(row.created_at),
    pingIdToken: optionalText(row.pingid_token),
    sealedPingIdApiKey: optionalText(row.sealed_pingid_api_key),
  };
}

/** A `signpath_policies` row as a SignPathPolicyRecord. */
export function policyFromRow(row: Row): SignPathPolicyRecord {
  return {
    id: text(row.id),
    organizationId: text(row.organization_id),
    projectSlug: text(row.project_slug),
    signingPolicySlug: text(row.signing_policy_slug),
    keyId: text(row.key_id),
    submitters: JSON.parse(text(row.submitters)) as string[],
    certificate: text(row.certificate),
    createdAt: text(row.created_at),
  };
}

/** A `signpath_requests` row as a SignPathRequestRecord. */
export function requestFromRow(row: Row): SignPathRequestRecord {
  return {
    id: text(row.id),
    organizationId: text(row.organization_id),
    policyId: text(row.policy_id),
    tokenId: text(row.token_id),
    payload: text(row.payload),
    status: text(row.status) as SignPathRequestStatus,
    signature: optionalText(row.signature),
    error: optionalText(row.error),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

/** An `audit` row as an AuditRecord. */
export function auditFromRow(row: Row): AuditRecord {
  return {
    sequence: Number(row.sequence),
    at: text(row.at),
    requestId: text(row.request_id),
    tokenId: optionalText(row.token_id),
    operation: text(row.operation),
    keyId: optionalText(row.key_id),
    keyVersion: optionalNumber(row.key_version),
    algorithm: optionalText(row.algorithm),
    inputSha256: optionalText(row.input_sha256),
    result: text(row.result),
    detail: optionalText(row.detail),
    previousHash: text(row.previous_hash),
    hash: text(row.hash),
  };
}

/** A `fortanix_apps` row as a FortanixAppRecord. */
export function fortanixAppFromRow(row: Row): FortanixAppRecord {
  return {
    id: text(row.id),
    name: text(row.name),
    secretHash: text(row.secret_hash),
    keys: optionalList(row.keys),
    createdAt: text(row.created_at),
  };
}
