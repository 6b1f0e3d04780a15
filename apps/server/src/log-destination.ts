// Where log lines go: standard output, written asynchronously and never waited on. A log that cannot be written (a
// full disk, a closed or stalled pipe) costs lines, counted, never the ability to serve or to stop.
import { write, writeSync } from 'node:fs';

/** Lines held while a write is under way; beyond this, new lines are dropped (and counted). */
const DEFAULT_MAX_QUEUED_LINES = 10_000;

/** A pino destination over a file descriptor that drops what it cannot write. */
export class DroppingLogDestination {
  readonly #fd: number;
  readonly #maxQueued: number;
  readonly #queue: string[] = [];
  #writing = false;
  #dropped = 0;

  constructor(fd = 1, { maxQueuedLines = DEFAULT_MAX_QUEUED_LINES }: { maxQueuedLines?: number } = {}) {
    this.#fd = fd;
    this.#maxQueued = maxQueuedLines;
  }

  /** Lines dropped so far: the queue was full, or the write failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one line (pino calls this); returns at once whatever the state of the descriptor. */
  write(line: string): boolean {
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped += 1;
      return true;
    }
    this.#queue.push(line);
    if (!this.#writing) this.#writeNext();
    return true;
  }

  /** Lines written one at a time, in order; a failed write drops its lines and the next one is tried. */
  #writeNext(): void {
    const batch = this.#queue.splice(0, this.#queue.length);
    if (batch.length === 0) {
      this.#writing = false;
      return;
    }
    this.#writing = true;
    const text = batch.join('');
    write(this.#fd, text, (error, written) => {
      if (error) this.#dropped += batch.length;
      else if (written < Buffer.byteLength(text)) this.#requeueRest(text, written);
      this.#writeNext();
    });
  }

  #requeueRest(text: string, written: number): void {
    this.#queue.unshift(Buffer.from(text).subarray(written).toString());
  }

  /** Before exiting: a last synchronous attempt at what is queued; whatever fails is dropped, nothing waits. */
  flushSync(): void {
    const text = this.#queue.splice(0, this.#queue.length).join('');
    if (text === '') return;
    try {
      writeSync(this.#fd, text);
    } catch {
      this.#dropped += text.split('\n').length - 1;
    }
  }
}
