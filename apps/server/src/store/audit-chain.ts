// The audit hash chain: each record's hash is SHA-256 over the previous record's hash and its own canonical content.
import { hash } from 'node:crypto';
import type { SqlValue } from './sql.js';
import type { AuditContent, AuditHasher, AuditRecord } from './store.js';
import { toStorableText } from './text.js';

/** The previous hash of the first record. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * A record's content in its one fixed order, absent values as null: the canonical form's array and the values of
 * the audit table's columns `at` to `detail`.
 */
export function auditContentValues(content: AuditContent): SqlValue[] {
  return [
    content.at,
    content.requestId,
    content.tokenId ?? null,
    content.operation,
    content.keyId ?? null,
    content.keyVersion ?? null,
    content.algorithm ?? null,
    content.inputSha256 ?? null,
    content.result,
    content.detail ?? null,
  ];
}

/** The canonical text of a record's content: the JSON array of its values. */
export function canonicalAuditContent(content: AuditContent): string {
  return JSON.stringify(auditContentValues(content));
}

/** SHA-256(previousHash || canonical content), hex: each record's link in the chain. */
export function chainAuditHash(previousHash: string, content: AuditContent): string {
  return hash('sha256', previousHash + canonicalAuditContent(content), 'hex');
}

const storable = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : toStorableText(value);

/**
 * `content` as both stores keep it: NUL and unpaired surrogates become U+FFFD before the record is hashed, so that
 * the chain verifies from what was stored.
 */
export function storableAuditContent(content: AuditContent): AuditContent {
  return {
    ...content,
    at: toStorableText(content.at),
    requestId: toStorableText(content.requestId),
    tokenId: storable(content.tokenId),
    operation: toStorableText(content.operation),
    keyId: storable(content.keyId),
    algorithm: storable(content.algorithm),
    inputSha256: storable(content.inputSha256),
    result: toStorableText(content.result),
    detail: storable(content.detail),
  };
}

/** The last record of a log: where the next one links. */
export interface AuditHead {
  readonly sequence: number;
  readonly hash: string;
}

/** `contents` chained in order after `head` (undefined for an empty log) with `hasher`. */
export function linkAuditRecords(
  head: AuditHead | undefined,
  contents: readonly AuditContent[],
  hasher: AuditHasher,
): AuditRecord[] {
  let previousHash = head?.hash ?? AUDIT_GENESIS_HASH;
  let sequence = head?.sequence ?? 0;
  return contents.map((content) => {
    sequence += 1;
    const record = { ...content, sequence, previousHash, hash: hasher(previousHash, content) };
    previousHash = record.hash;
    return record;
  });
}
