// Where local private operations run: a piscina pool of worker threads sized to the cores, or in-process. A batch is
// cut into one job per worker, and each thread keeps the keys it opened (key-cache.ts).
import { CryptoError, type CryptoErrorCode, isCryptoError } from '@sigil/crypto-core/errors';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { Piscina } from 'piscina';
import { ServerError, type ServerErrorCode } from '../errors.js';
import { OpenedKeyCache, type SealedKeyRef } from './key-cache.js';
import type { SignatureParams } from './provider.js';
import { type CryptoEngineName, signOpened } from './signing-engine.js';

/** One signature to make with a sealed local key. */
export interface SealedSignItem {
  readonly key: SealedKeyRef;
  readonly params: SignatureParams;
  readonly input: SignInput;
}

/** What a worker receives: the distinct keys once, and items pointing at them. */
export interface SignJob {
  readonly engine: CryptoEngineName;
  readonly keys: readonly SealedKeyRef[];
  readonly items: readonly {
    readonly key: number;
    readonly params: SignatureParams;
    readonly input: SignInput;
  }[];
}

/** One item's answer from a worker: the signature, or the code and message of what went wrong. */
export type SignItemResult =
  | { readonly signature: Uint8Array }
  | { readonly error: { kind: 'server' | 'crypto' | 'internal'; code: string; message: string } };

/** What a worker starts with. */
export interface SignWorkerData {
  readonly masterKey: Uint8Array;
}

/** Runs private operations. */
export interface SigningPool {
  /** Worker threads (0 when signing in-process). */
  readonly threads: number;
  readonly engine: CryptoEngineName;
  /** Signs every item; one result per item, in order, a failed item as its Error. */
  signMany(items: readonly SealedSignItem[]): Promise<(Uint8Array | Error)[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Options of {@link createSigningPool}. */
export interface SigningPoolOptions {
  /** Worker threads; 0 signs on the calling thread. */
  readonly threads: number;
  readonly engine: CryptoEngineName;
  /** Unseals the keys (each worker holds a copy, as the main thread does). */
  readonly masterKey: Uint8Array;
  /** The compiled worker module; `./sign-worker.js` beside this one by default (tests point at dist/). */
  readonly workerFile?: URL | undefined;
}

/** Signs one job's items with keys from `cache`; errors are caught per item, as codes (classes do not cross threads). */
export function runSignJob(job: SignJob, cache: OpenedKeyCache): SignItemResult[] {
  return job.items.map((item) => {
    try {
      const key = job.keys[item.key];
      if (key === undefined) throw new ServerError('ERR_INTERNAL', 'a sign job item names no key');
      return { signature: signOpened(cache.open(key), item.params, item.input, job.engine) };
    } catch (error) {
      if (error instanceof ServerError)
        return { error: { kind: 'server', code: error.code, message: error.message } };
      if (isCryptoError(error))
        return { error: { kind: 'crypto', code: error.code, message: error.message } };
      return {
        error: { kind: 'internal', code: 'ERR_INTERNAL', message: String((error as Error)?.message) },
      };
    }
  });
}

function resultOf(result: SignItemResult): Uint8Array | Error {
  if ('signature' in result) return result.signature;
  const { kind, code, message } = result.error;
  if (kind === 'server') return new ServerError(code as ServerErrorCode, message);
  if (kind === 'crypto') return new CryptoError(code as CryptoErrorCode, message);
  return new ServerError('ERR_INTERNAL', message);
}

/** One job over `items`, each distinct key sent once. */
function jobOf(engine: CryptoEngineName, items: readonly SealedSignItem[]): SignJob {
  const keys: SealedKeyRef[] = [];
  const indexes = new Map<string, number>();
  return {
    engine,
    keys,
    items: items.map(({ key, params, input }) => {
      const id = `${key.keyId}/${key.version}`;
      let index = indexes.get(id);
      if (index === undefined) {
        index = keys.push(key) - 1;
        indexes.set(id, index);
      }
      return { key: index, params, input };
    }),
  };
}

/**
 * A signing pool: `threads` piscina workers, or in-process signing when `threads` is 0. A batch is split into at
 * most one contiguous slice per worker, so one request uses every core and pays one message per worker.
 * @throws {TypeError} for a thread count that is not a non-negative integer
 */
export function createSigningPool(options: SigningPoolOptions): SigningPool {
  const { threads, engine, masterKey } = options;
  if (!Number.isInteger(threads) || threads < 0)
    throw new TypeError('threads must be a non-negative integer');
  if (threads === 0) {
    const cache = new OpenedKeyCache(masterKey);
    return {
      threads,
      engine,
      async signMany(items) {
        return runSignJob(jobOf(engine, items), cache).map(resultOf);
      },
      async close() {
        cache.clear();
      },
    };
  }
  const workerData: SignWorkerData = { masterKey };
  const piscina = new Piscina<SignJob, SignItemResult[]>({
    filename: (options.workerFile ?? new URL('./sign-worker.js', import.meta.url)).href,
    minThreads: threads,
    maxThreads: threads,
    workerData,
    // Queue rather than refuse: the HTTP layer bounds the work that can arrive.
    maxQueue: Number.POSITIVE_INFINITY,
  });
  return {
    threads,
    engine,
    async signMany(items) {
      const slices = Math.min(threads, items.length);
      const size = Math.ceil(items.length / Math.max(slices, 1));
      const jobs: Promise<SignItemResult[]>[] = [];
      for (let start = 0; start < items.length; start += size) {
        jobs.push(piscina.run(jobOf(engine, items.slice(start, start + size))));
      }
      return (await Promise.all(jobs)).flat().map(resultOf);
    },
    close: () => piscina.close(),
  };
}
