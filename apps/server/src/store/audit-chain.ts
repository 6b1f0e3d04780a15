// The audit chain: each record's hash is HMAC-SHA-256, under a random key sealed under the master key, over the previous
// record's hash and its own canonical content (records written before the chain was keyed: plain SHA-256); and the
// sealed head, the last record's sequence and hash under the same key, which the store keeps beside the records.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { SqlValue } from './sql.js';
import type { AuditChain, AuditContent, AuditRecord } from './store.js';
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

/** SHA-256(previousHash || canonical content), hex: the link of a record written before the chain was keyed. */
export function legacyAuditHash(previousHash: string, content: AuditContent): string {
  return hash('sha256', previousHash + canonicalAuditContent(content), 'hex');
}

/** The setting that holds the sealed head of the audit chain. */
export const AUDIT_HEAD_SETTING = 'audit_head';

/** The setting that holds the audit chain's key, sealed under the master key. */
export const AUDIT_KEY_SETTING = 'audit_key';

/** The associated data the audit key is sealed under. */
export const AUDIT_KEY_SEALING_CONTEXT = 'audit-key';

/** The head a store keeps, opened: the last record, and the first sequence whose link is keyed. */
export interface SealedAuditHead extends AuditHead {
  readonly keyedFrom: number;
}

/**
 * How records link and how the head is sealed, under one key. Records from `keyedFrom` on are HMAC-linked; those
 * before it were written before the chain was keyed and link by plain SHA-256.
 */
export class KeyedAuditChain implements AuditChain {
  readonly #key: Uint8Array;
  readonly keyedFrom: number;

  constructor(auditKey: Uint8Array, keyedFrom: number) {
    this.#key = auditKey;
    this.keyedFrom = keyedFrom;
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('hex');
  }

  /** HMAC-SHA-256(key, previousHash || canonical content), hex: the link of a new record. */
  hash(previousHash: string, content: AuditContent): string {
    return this.#mac(previousHash + canonicalAuditContent(content));
  }

  /** The link `record` must carry: keyed from `keyedFrom` on, plain SHA-256 before. */
  expectedHash(previousHash: string, record: AuditRecord): string {
    return record.sequence >= this.keyedFrom
      ? this.hash(previousHash, record)
      : legacyAuditHash(previousHash, record);
  }

  /** The head as the store keeps it: JSON of sequence, hash, keyedFrom and their MAC. */
  sealHead(head: AuditHead): string {
    const { sequence, hash: lastHash } = head;
    const mac = this.#mac(`audit-head:${sequence}:${lastHash}:${this.keyedFrom}`);
    return JSON.stringify({ sequence, hash: lastHash, keyedFrom: this.keyedFrom, mac });
  }

  /** A sealed head opened with this chain's key, or undefined when it is malformed or its MAC does not match. */
  static openHead(auditKey: Uint8Array, sealed: string | undefined): SealedAuditHead | undefined {
    if (sealed === undefined) return undefined;
    let parsed: { sequence?: unknown; hash?: unknown; keyedFrom?: unknown; mac?: unknown };
    try {
      parsed = JSON.parse(sealed) as typeof parsed;
    } catch {
      return undefined;
    }
    const { sequence, hash: lastHash, keyedFrom, mac } = parsed;
    if (
      !Number.isSafeInteger(sequence) ||
      !Number.isSafeInteger(keyedFrom) ||
      typeof lastHash !== 'string' ||
      typeof mac !== 'string'
    ) {
      return undefined;
    }
    const head = { sequence: sequence as number, hash: lastHash, keyedFrom: keyedFrom as number };
    const expected = Buffer.from(
      JSON.parse(new KeyedAuditChain(auditKey, head.keyedFrom).sealHead(head)).mac as string,
    );
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? head : undefined;
  }
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

/** `contents` chained in order after `head` (undefined for an empty log) with `chain`. */
export function linkAuditRecords(
  head: AuditHead | undefined,
  contents: readonly AuditContent[],
  chain: AuditChain,
): AuditRecord[] {
  let previousHash = head?.hash ?? AUDIT_GENESIS_HASH;
  let sequence = head?.sequence ?? 0;
  return contents.map((content) => {
    sequence += 1;
    const record = { ...content, sequence, previousHash, hash: chain.hash(previousHash, content) };
    previousHash = record.hash;
    return record;
  });
}
