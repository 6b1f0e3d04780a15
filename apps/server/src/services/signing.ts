// Signing for every surface: load the key versions, authorize, dispatch to the providers, commit audit and metrics.
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { ServerError, toServerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { KeyProvider, SignRequestItem } from '../providers/provider.js';
import type { KeyRecord, KeyVersionRecord, Store } from '../store/store.js';
import { type AuditEntry, type AuditLog, type AuditSubject, subjectEntry } from './audit.js';
import { type Outcome, valueOrThrow } from './batch.js';
import { grantRefusal, signRefusal } from './grants.js';
import type { Actor, KeyService } from './keys.js';
import type { Principal } from './tokens.js';

/** One signature to make, from any surface. */
export interface SignCall {
  readonly actor: Actor;
  readonly principal: Principal;
  /** Audit operation name: `sign`, `pingone.sign`, `signpath.sign`, `fortanix.sign`, ... */
  readonly operation: string;
  readonly key: KeyRecord;
  /** Algorithm label for audit and metrics: the JOSE name, or the vendor's label on a vendor surface. */
  readonly algorithm: string;
  readonly params: SignatureParams;
  readonly input: SignInput;
  /** The version to sign with (PingOne names one by its kid); the key's current version by default. */
  readonly version?: number | undefined;
}

/** One signature to check: against one version, or (without `keyVersion`) against any version of the key. */
export interface VerifyCall extends SignCall {
  readonly signature: Uint8Array;
  readonly keyVersion?: number | undefined;
}

/** A made signature. */
export interface SignOutcome {
  readonly signature: Uint8Array;
  readonly keyVersion: number;
}

/** What the audit log says a call was about, with the version that signed once known. */
function subjectOf(call: SignCall, keyVersion: number | undefined): AuditSubject {
  return { keyId: call.key.id, keyVersion, algorithm: call.algorithm, input: call.input };
}

function versionNumberOf(call: SignCall): number {
  return call.version ?? call.key.currentVersion;
}

/** Signs and verifies for every surface, with audit and metrics. */
export class SigningService {
  readonly #store: Store;
  readonly #keys: KeyService;
  readonly #audit: AuditLog;
  readonly #metrics: Metrics;

  constructor(store: Store, keys: KeyService, audit: AuditLog, metrics: Metrics) {
    this.#store = store;
    this.#keys = keys;
    this.#audit = audit;
    this.#metrics = metrics;
  }

  /**
   * Makes one signature (`POST /v1/sign`, SignPath, a single Fortanix item), as {@link signBatch} does.
   * @throws {ServerError} the call's (audited) failure, or ERR_AUDIT_UNAVAILABLE
   */
  async signOne(call: SignCall): Promise<SignOutcome> {
    const [outcome] = await this.signBatch([call]);
    return valueOrThrow(outcome);
  }

  /**
   * Makes several signatures (a native or Fortanix batch, PingOne's payloads) in four steps: load each key version
   * once, authorize every call (grants and key status), dispatch to the providers together (so a remote provider
   * with a batch API makes one call, and local keys spread over the signing workers), then commit the audit records
   * and metrics in call order. One outcome per call, in order: a failed call as its (audited) ServerError.
   * @throws {ServerError} ERR_AUDIT_UNAVAILABLE when a success cannot be recorded (no signature may leave then)
   */
  async signBatch(calls: readonly SignCall[]): Promise<Outcome<SignOutcome>[]> {
    const versions = this.#authorize(calls, await this.#load(calls));
    const started = performance.now();
    const signatures = await this.#dispatch(calls, versions);
    return this.#commit(calls, versions, signatures, (performance.now() - started) / 1000);
  }

  /** Reads each distinct key version the calls name once; a failed read is every such call's failure. */
  async #load(calls: readonly SignCall[]): Promise<Outcome<KeyVersionRecord>[]> {
    const versionId = (call: SignCall) => `${call.key.id}/${versionNumberOf(call)}`;
    const distinct = new Map(calls.map((call) => [versionId(call), call]));
    const read = new Map<string, Outcome<KeyVersionRecord>>();
    await Promise.all(
      [...distinct].map(async ([id, call]) => {
        const number = versionNumberOf(call);
        const version = await this.#store.getKeyVersion(call.key.id, number).catch(toServerError);
        read.set(
          id,
          version ?? new ServerError('ERR_KEY_NOT_FOUND', `key ${call.key.name} has no version ${number}`),
        );
      }),
    );
    return calls.map((call) => {
      const version = read.get(versionId(call)) ?? new ServerError('ERR_INTERNAL', 'no key version');
      // Each such item gets an error (and an audit record) of its own.
      return version instanceof ServerError
        ? new ServerError(version.code, version.message, { cause: version })
        : version;
    });
  }

  /** The version each call may sign with, or why not: outside the token's grants, a disabled key, a failed read. */
  #authorize(
    calls: readonly SignCall[],
    loaded: readonly Outcome<KeyVersionRecord>[],
  ): Outcome<KeyVersionRecord>[] {
    return calls.map((call, index) => signRefusal(call.principal, call.key) ?? loaded[index]!);
  }

  /** Hands each provider its calls' items together; one signature or failure per call, in order. */
  async #dispatch(
    calls: readonly SignCall[],
    versions: readonly Outcome<KeyVersionRecord>[],
  ): Promise<Outcome<Uint8Array>[]> {
    const signatures: (Outcome<Uint8Array> | undefined)[] = versions.map((version) =>
      version instanceof ServerError ? version : undefined,
    );
    const byProvider = new Map<KeyProvider, number[]>();
    calls.forEach((call, index) => {
      if (signatures[index] !== undefined) return;
      try {
        const provider = this.#keys.providerOf(call.key);
        const indexes = byProvider.get(provider);
        if (indexes === undefined) byProvider.set(provider, [index]);
        else indexes.push(index);
      } catch (error) {
        signatures[index] = toServerError(error);
      }
    });
    await Promise.all(
      [...byProvider].map(async ([provider, indexes]) => {
        const items: SignRequestItem[] = indexes.map((index) => ({
          version: versions[index] as KeyVersionRecord,
          params: calls[index]!.params,
          input: calls[index]!.input,
        }));
        const results: (Uint8Array | Error)[] =
          provider.signBatch !== undefined && items.length > 1
            ? await provider.signBatch(items).catch((error: unknown) => items.map(() => error as Error))
            : await Promise.all(
                items.map((item) =>
                  provider
                    .sign(item.version, item.params, item.input)
                    .catch((error: unknown) => error as Error),
                ),
              );
        indexes.forEach((index, position) => {
          const result = results[position];
          signatures[index] = result instanceof Uint8Array ? result : toServerError(result);
        });
      }),
    );
    return signatures.map((signature) => signature ?? new ServerError('ERR_INTERNAL', 'no signature'));
  }

  /**
   * Writes the audit records in call order and returns the outcomes. Consecutive successes are recorded together in
   * one transaction, before any later failure's record; a success leaves only once its record is written.
   */
  async #commit(
    calls: readonly SignCall[],
    versions: readonly Outcome<KeyVersionRecord>[],
    signatures: readonly Outcome<Uint8Array>[],
    seconds: number,
  ): Promise<Outcome<SignOutcome>[]> {
    const outcomes: Outcome<SignOutcome>[] = [];
    const failures = new Set<ServerError>();
    let pending: { call: SignCall; outcome: SignOutcome; entry: AuditEntry }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const written = pending;
      pending = [];
      await this.#audit.recordMany(written.map((item) => item.entry));
      this.#count(
        written.map((item) => item.call),
        seconds,
      );
      outcomes.push(...written.map((item) => item.outcome));
    };
    for (const [index, call] of calls.entries()) {
      const signature = signatures[index]!;
      const version = versions[index];
      const keyVersion = version instanceof ServerError ? undefined : version?.version;
      if (signature instanceof ServerError) {
        await flush();
        // One remote failure may stand for several items: each gets its own error, so each gets its audit record.
        const failure = failures.has(signature)
          ? new ServerError(signature.code, signature.message, { cause: signature })
          : signature;
        failures.add(failure);
        outcomes.push(
          await this.#audit.recordFailure(call.actor, call.operation, failure, subjectOf(call, keyVersion)),
        );
        continue;
      }
      pending.push({
        call,
        outcome: { signature, keyVersion: keyVersion ?? call.key.currentVersion },
        entry: subjectEntry(call.actor, call.operation, subjectOf(call, keyVersion), 'ok'),
      });
    }
    await flush();
    return outcomes;
  }

  /** Counts signatures once per algorithm and surface, not once per item. */
  #count(calls: readonly SignCall[], seconds: number): void {
    const counts = new Map<string, { algorithm: string; surface: string; count: number }>();
    for (const call of calls) {
      const surface = call.operation.split('.')[0] ?? 'sign';
      const id = `${call.algorithm}\n${surface}`;
      const counted = counts.get(id);
      if (counted === undefined) counts.set(id, { algorithm: call.algorithm, surface, count: 1 });
      else counted.count += 1;
    }
    for (const { algorithm, surface, count } of counts.values()) {
      this.#metrics.signingLatency.observe({ algorithm }, seconds);
      this.#metrics.signatures.inc({ algorithm, surface }, count);
    }
  }

  /**
   * Checks a signature against one version, or (without `keyVersion`) against any version of the key, and records
   * the answer (`valid` or `invalid`).
   * @throws {ServerError} ERR_FORBIDDEN, ERR_KEY_NOT_FOUND for an unknown version, ERR_AUDIT_UNAVAILABLE
   */
  async verifyOne(call: VerifyCall): Promise<boolean> {
    const { key } = call;
    let matched: number | undefined;
    try {
      const refusal = grantRefusal(call.principal, key);
      if (refusal !== undefined) throw refusal;
      const versions =
        call.keyVersion === undefined
          ? await this.#store.listKeyVersions(key.id)
          : [await this.#store.getKeyVersion(key.id, call.keyVersion)];
      for (const version of versions) {
        if (version === undefined)
          throw new ServerError('ERR_KEY_NOT_FOUND', `key ${key.name} has no such version`);
        if (await this.#keys.providerOf(key).verify(version, call.params, call.input, call.signature)) {
          matched = version.version;
          break;
        }
      }
    } catch (error) {
      throw await this.#audit.recordFailure(
        call.actor,
        call.operation,
        error,
        subjectOf(call, call.keyVersion),
      );
    }
    const valid = matched !== undefined;
    await this.#audit.recordOutcome(
      call.actor,
      call.operation,
      subjectOf(call, matched),
      valid ? 'valid' : 'invalid',
    );
    return valid;
  }
}
