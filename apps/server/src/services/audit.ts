// The audit log: one keyed hash-chained record per operation, allowed or denied, a sealed head that ends the chain,
// and a check of the whole chain against it.
import { hash, randomBytes } from 'node:crypto';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError, type ServerErrorCode, toServerError } from '../errors.js';
import { openSecret, sealSecret } from '../providers/sealing.js';
import {
  AUDIT_GENESIS_HASH,
  AUDIT_HEAD_SETTING,
  AUDIT_KEY_SEALING_CONTEXT,
  AUDIT_KEY_SETTING,
  KeyedAuditChain,
} from '../store/audit-chain.js';
import type { AuditContent, AuditPage, AuditRecord, Store } from '../store/store.js';

export { canonicalAuditContent } from '../store/audit-chain.js';

/** What a caller says about one operation; the time is added here. */
export type AuditEntry = Omit<AuditContent, 'at'>;

/** The answer of {@link AuditLog.verify}. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Records checked. */
  readonly entries: number;
  /** Sequence of the first record that breaks the chain (or the first one deleted from its end). */
  readonly brokenAt?: number;
  /** Why the chain does not verify, in words. */
  readonly reason?: string;
  /** The sealed head the chain was checked against: its last record (for an external copy to compare with). */
  readonly head?: { readonly sequence: number; readonly hash: string };
}

/** Hex SHA-256 of bytes, for `inputSha256`. */
export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}

const VERIFY_PAGE = 1000;

/** Who an audit record is about: the request and the token behind it. */
export interface AuditActor {
  readonly requestId: string;
  readonly tokenId: string | undefined;
}

/**
 * One audit entry: the actor and operation, `result` 'ok' unless given, every other member absent unless given.
 */
export function auditEntry(
  actor: AuditActor,
  operation: string,
  fields: Partial<Omit<AuditEntry, 'requestId' | 'tokenId' | 'operation'>> = {},
): AuditEntry {
  return {
    requestId: actor.requestId,
    tokenId: actor.tokenId,
    operation,
    keyId: undefined,
    keyVersion: undefined,
    algorithm: undefined,
    inputSha256: undefined,
    result: 'ok',
    detail: undefined,
    ...fields,
  };
}

/** What an operation was about, as its audit record tells it: every member absent unless known. */
export interface AuditSubject {
  readonly keyId?: string | undefined;
  readonly keyVersion?: number | undefined;
  /**
   * The algorithm's label: the JOSE name on the native and PingOne surfaces, the vendor's own label on a vendor
   * surface (`signPathAlgorithmLabel`, `fortanixAlgorithmLabel` from @sigil/protocols).
   */
  readonly algorithm?: string | undefined;
  /** The message or digest; the record keeps its SHA-256. */
  readonly input?: SignInput | undefined;
  readonly detail?: string | undefined;
}

/** The audit entry of an operation on `subject` that ended with `result`. */
export function subjectEntry(
  actor: AuditActor,
  operation: string,
  subject: AuditSubject,
  result: string,
): AuditEntry {
  const { input, ...fields } = subject;
  return auditEntry(actor, operation, {
    ...fields,
    inputSha256: input && sha256Hex('message' in input ? input.message : input.digest),
    result,
  });
}

/** Failures recorded as refusals (`denied`) rather than errors. */
const DENIED: ReadonlySet<ServerErrorCode> = new Set([
  'ERR_FORBIDDEN',
  'ERR_UNAUTHENTICATED',
  'ERR_KEY_DISABLED',
]);

/** Records waiting for the next commit, and who waits for them. */
interface AuditWrite {
  readonly contents: readonly AuditContent[];
  readonly resolve: (records: AuditRecord[]) => void;
  readonly reject: (error: ServerError) => void;
  /** Committed in a transaction of its own (after a shared one failed). */
  readonly alone?: boolean;
}

/** Records operations, allowed or denied, and pages through and verifies the audit chain in the store. */
export class AuditLog {
  readonly #store: Store;
  readonly #waiting: AuditWrite[] = [];
  #committing = false;
  // Failures already recorded, so that an outer handler does not record them twice.
  readonly #recorded = new WeakSet<ServerError>();

  readonly #masterKey: Uint8Array;
  #auditKey: Promise<Buffer> | undefined;
  #chain: Promise<KeyedAuditChain> | undefined;

  /**
   * The chain is keyed with a random key the store keeps sealed under `masterKey`, so that no one without the master
   * key can relink records, and a new master key only rewraps the audit key (the records keep their links).
   */
  constructor(store: Store, masterKey: Uint8Array) {
    this.#store = store;
    this.#masterKey = masterKey;
  }

  /** The audit chain's key: opened from the store, or made and stored (sealed) by the first process that needs it. */
  #openAuditKey(): Promise<Buffer> {
    this.#auditKey ??= (async () => {
      let sealed = await this.#store.getSetting(AUDIT_KEY_SETTING);
      if (sealed === undefined) {
        const fresh = randomBytes(32);
        sealed = await this.#store.putSettingIfAbsent(
          AUDIT_KEY_SETTING,
          sealSecret(this.#masterKey, fresh, AUDIT_KEY_SEALING_CONTEXT),
        );
        fresh.fill(0);
      }
      return openSecret(this.#masterKey, sealed, AUDIT_KEY_SEALING_CONTEXT);
    })().catch((cause: unknown) => {
      this.#auditKey = undefined;
      throw new ServerError('ERR_AUDIT_UNAVAILABLE', 'the audit key cannot be opened', { cause });
    });
    return this.#auditKey;
  }

  /** The chain as the store's sealed head describes it; a store without a head gets one (sealing its last record). */
  #openChain(): Promise<KeyedAuditChain> {
    this.#chain ??= this.#loadChain().catch((error: unknown) => {
      this.#chain = undefined;
      throw error;
    });
    return this.#chain;
  }

  async #loadChain(): Promise<KeyedAuditChain> {
    const auditKey = await this.#openAuditKey();
    let sealed = await this.#store.getSetting(AUDIT_HEAD_SETTING);
    if (sealed === undefined) {
      // A new store, or one whose records were written before the chain was keyed: those keep their SHA-256 links.
      const last = await this.#store.lastAudit();
      const chain = new KeyedAuditChain(auditKey, (last?.sequence ?? 0) + 1);
      const head = chain.sealHead(last ?? { sequence: 0, hash: AUDIT_GENESIS_HASH });
      sealed = await this.#store.putSettingIfAbsent(AUDIT_HEAD_SETTING, head);
    }
    const head = KeyedAuditChain.openHead(auditKey, sealed);
    // Appending after a head that does not verify would seal a chain nobody can trust: fail closed.
    if (head === undefined) {
      throw new ServerError(
        'ERR_AUDIT_UNAVAILABLE',
        'the audit head does not verify: the audit log was tampered with',
      );
    }
    return new KeyedAuditChain(auditKey, head.keyedFrom);
  }

  /**
   * Appends one record.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when the store cannot write it (callers then return no result)
   */
  async record(entry: AuditEntry): Promise<AuditRecord> {
    const [record] = await this.recordMany([entry]);
    if (record === undefined) throw new ServerError('ERR_AUDIT_UNAVAILABLE', 'the audit log wrote nothing');
    return record;
  }

  /**
   * Appends several records in order, all or none. Writes that arrive while one is being committed are committed
   * together next (group commit: one transaction, one fsync for many requests); each caller resumes only once its
   * own records are durable.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when the store cannot write them (callers then return no result)
   */
  async recordMany(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    const at = new Date().toISOString();
    const contents = entries.map((entry) => ({ ...entry, at }));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ contents, resolve, reject });
      if (!this.#committing) void this.#commitWaiting();
    });
  }

  /**
   * Records a completed operation: `ok`, or a verification's `valid` or `invalid`.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when the store cannot write it (callers then return no result)
   */
  async recordOutcome(
    actor: AuditActor,
    operation: string,
    subject: AuditSubject = {},
    result = 'ok',
  ): Promise<void> {
    await this.record(subjectEntry(actor, operation, subject, result));
  }

  /**
   * Records a refused (`denied`) or failed (`error`) operation with its code as the detail, once however many
   * handlers the failure passes through. Returns the error to throw: the failure as a ServerError, or the audit
   * log's own ERR_AUDIT_UNAVAILABLE when the record cannot be written.
   */
  async recordFailure(
    actor: AuditActor,
    operation: string,
    error: unknown,
    subject: AuditSubject = {},
  ): Promise<ServerError> {
    const failure = toServerError(error);
    if (failure.code === 'ERR_AUDIT_UNAVAILABLE' || this.#recorded.has(failure)) return failure;
    const result = DENIED.has(failure.code) ? 'denied' : 'error';
    try {
      await this.record(subjectEntry(actor, operation, { ...subject, detail: failure.code }, result));
    } catch (auditError) {
      return toServerError(auditError);
    }
    this.#recorded.add(failure);
    return failure;
  }

  async #commitWaiting(): Promise<void> {
    this.#committing = true;
    try {
      // Let the writes of this event-loop turn gather first.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#waiting.length > 0) {
        const writes = this.#waiting.splice(0);
        try {
          const records = await this.#store.appendAuditMany(
            writes.flatMap((write) => write.contents),
            await this.#openChain(),
          );
          let start = 0;
          for (const write of writes) {
            write.resolve(records.slice(start, start + write.contents.length));
            start += write.contents.length;
          }
        } catch (cause) {
          if (writes.length === 1) {
            writes[0]!.reject(
              new ServerError('ERR_AUDIT_UNAVAILABLE', 'the audit log cannot be written', { cause }),
            );
            continue;
          }
          // One write must not fail its neighbours: commit them one by one.
          this.#waiting.unshift(...writes.map((write) => ({ ...write, alone: true })));
          await this.#commitAlone();
        }
      }
    } finally {
      this.#committing = false;
    }
  }

  async #commitAlone(): Promise<void> {
    while (this.#waiting[0]?.alone === true) {
      const write = this.#waiting.shift()!;
      try {
        write.resolve(await this.#store.appendAuditMany(write.contents, await this.#openChain()));
      } catch (cause) {
        write.reject(new ServerError('ERR_AUDIT_UNAVAILABLE', 'the audit log cannot be written', { cause }));
      }
    }
  }

  /** Records with sequence > `after`, oldest first; the read itself is recorded first. */
  async list(actor: AuditActor, after: number, limit: number): Promise<AuditPage> {
    await this.record(auditEntry(actor, 'audit.list'));
    return this.#store.listAudit(after, limit);
  }

  /** {@link verify}, recorded first as an `audit.verify` operation. */
  async verifyFor(actor: AuditActor): Promise<AuditVerification> {
    await this.record(auditEntry(actor, 'audit.verify'));
    return this.verify();
  }

  /**
   * Checks the whole chain against the sealed head: every record must link to the previous hash and carry its own
   * keyed hash, and the chain must end where the head says (a deleted tail, or a head sealed under another key or
   * edited, fails). Records appended while the check runs are past the head it read, and not looked at.
   */
  async verify(): Promise<AuditVerification> {
    const auditKey = await this.#openAuditKey();
    const head = KeyedAuditChain.openHead(auditKey, await this.#store.getSetting(AUDIT_HEAD_SETTING));
    if (head === undefined) {
      const last = await this.#store.lastAudit();
      return last === undefined
        ? { ok: true, entries: 0 }
        : { ok: false, entries: 0, reason: 'the sealed head of the chain is missing or does not verify' };
    }
    const chain = new KeyedAuditChain(auditKey, head.keyedFrom);
    const sealedHead = { sequence: head.sequence, hash: head.hash };
    let previousHash = AUDIT_GENESIS_HASH;
    let expectedSequence = 1;
    let entries = 0;
    let after = 0;
    for (;;) {
      const page = await this.#store.listAudit(after, VERIFY_PAGE);
      for (const record of page.entries) {
        if (record.sequence > head.sequence) break;
        const intact =
          record.sequence === expectedSequence &&
          record.previousHash === previousHash &&
          chain.expectedHash(previousHash, record) === record.hash;
        if (!intact) {
          return {
            ok: false,
            entries,
            brokenAt: record.sequence,
            reason: `record ${record.sequence} was edited, inserted or moved`,
            head: sealedHead,
          };
        }
        previousHash = record.hash;
        expectedSequence += 1;
        entries += 1;
      }
      if (page.nextAfter === undefined || page.nextAfter >= head.sequence) break;
      after = page.nextAfter;
    }
    if (entries < head.sequence) {
      return {
        ok: false,
        entries,
        brokenAt: entries + 1,
        reason: `records ${entries + 1} to ${head.sequence} were deleted`,
        head: sealedHead,
      };
    }
    if (previousHash !== head.hash) {
      return {
        ok: false,
        entries,
        brokenAt: head.sequence,
        reason: 'the last record is not the sealed one',
        head: sealedHead,
      };
    }
    return { ok: true, entries, head: sealedHead };
  }
}
