// Background jobs: asynchronous SignPath requests, persisted before they are accepted and resumed after a restart.
// Leases in the store let several processes share the jobs: a job is signed by the process that holds its lease,
// each process renews its leases while it lives, and the jobs of a process that died are taken over once its
// leases expire.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** Runs one job by id; it records its own outcome. */
export type JobHandler = (id: string) => Promise<void>;

/** The persisted leases of the jobs (the store's SignPath request leases). */
export interface JobLeases {
  /** Leases one job to `owner` until `expiresAt` unless another owner holds it; false when it is not ours to run. */
  claim(id: string, owner: string, expiresAt: string): Promise<boolean>;
  /** Leases up to `limit` unfinished jobs no live owner holds to `owner`; their ids, oldest first. */
  claimAbandoned(owner: string, expiresAt: string, limit: number): Promise<string[]>;
  /** Extends every lease `owner` holds. */
  renew(owner: string, expiresAt: string): Promise<void>;
}

/** How long a lease holds without a heartbeat, by default. */
export const DEFAULT_JOB_LEASE_MS = 30_000;

const CLAIM_BATCH = 500;

/** A small in-process queue: one job at a time, in order; `drain()` waits for all of it. */
export class JobQueue {
  readonly #handler: JobHandler;
  readonly #logger: Logger;
  readonly #leases: JobLeases | undefined;
  readonly #leaseMs: number;
  /** This process's name on the leases it holds. */
  readonly owner = randomUUID();
  readonly #queued = new Set<string>();
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  /** Without `leases`, every queued job runs (one process, nothing shared). */
  constructor(handler: JobHandler, logger: Logger, leases?: JobLeases, leaseMs = DEFAULT_JOB_LEASE_MS) {
    this.#handler = handler;
    this.#logger = logger;
    this.#leases = leases;
    this.#leaseMs = leaseMs;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending;
  }

  #leaseExpiry(): string {
    return new Date(Date.now() + this.#leaseMs).toISOString();
  }

  /** Queues a job after the current ones (once: a job already queued here is not queued again). */
  enqueue(id: string): void {
    if (this.#queued.has(id)) return;
    this.#queued.add(id);
    this.#pending += 1;
    this.#tail = this.#tail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#run(id))
      .catch((error: unknown) => this.#logger.error({ jobId: id, err: error }, 'background job failed'))
      .finally(() => {
        this.#queued.delete(id);
        this.#pending -= 1;
      });
  }

  async #run(id: string): Promise<void> {
    // Another process may have taken the job over meanwhile: it is then that process's to finish.
    if (this.#leases && !(await this.#leases.claim(id, this.owner, this.#leaseExpiry()))) return;
    await this.#handler(id);
  }

  /** Claims the unfinished jobs no live process holds (all of them after a restart) and queues them; how many. */
  async resume(): Promise<number> {
    if (this.#leases === undefined) return 0;
    const ids = await this.#leases.claimAbandoned(this.owner, this.#leaseExpiry(), CLAIM_BATCH);
    let queued = 0;
    for (const id of ids) {
      if (this.#queued.has(id)) continue;
      this.enqueue(id);
      queued += 1;
    }
    return queued;
  }

  /** From now on, renews this process's leases and takes over abandoned jobs a few times per lease period. */
  watch(): void {
    if (this.#leases === undefined || this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => void this.#beat(), Math.max(50, Math.floor(this.#leaseMs / 3)));
    this.#heartbeat.unref();
  }

  async #beat(): Promise<void> {
    try {
      await this.#leases?.renew(this.owner, this.#leaseExpiry());
      const resumed = await this.resume();
      if (resumed > 0) this.#logger.info({ resumed }, 'taking over accepted SignPath requests');
    } catch (error) {
      this.#logger.warn({ err: error }, 'job lease heartbeat failed');
    }
  }

  /** Stops the heartbeat (queued jobs still run; `drain()` waits for them). */
  stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Resolves when every queued job has finished. */
  async drain(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }
}
