// Rows as records: what the SQL store reads back from either database (the same tables and column names).
import type { Jwk } from '@sigil/crypto-core/keys';
import type { Row } from './sql.js';
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
