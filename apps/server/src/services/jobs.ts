// Background jobs: asynchronous SignPath requests, persisted before they are accepted and resumed after a restart.
import type { Logger } from 'pino';

/** Runs one job by id; it records its own outcome. */
export type JobHandler = (id: string) => Promise<void>;

/** A small in-process queue: one job at a time, in order; `drain()` waits for all of it. */
export class JobQueue {
  readonly #handler: JobHandler;
  readonly #logger: Logger;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(handler: JobHandler, logger: Logger) {
    this.#handler = handler;
    this.#logger = logger;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues a job after the current ones. */
  enqueue(id: string): void {
    this.#pending += 1;
    this.#tail = this.#tail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#handler(id))
      .catch((error: unknown) => this.#logger.error({ jobId: id, err: error }, 'background job failed'))
      .finally(() => {
        this.#pending -= 1;
      });
  }

  /** Resolves when every queued job has finished. */
  async drain(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }
}
