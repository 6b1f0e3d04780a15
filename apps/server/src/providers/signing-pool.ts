// Where local private operations run: a piscina pool of worker threads sized to the cores, or in-process. A batch is
// cut into one job per worker, and each thread keeps the keys it opened (key-cache.ts).
import { CryptoError, type CryptoErrorCode, isCryptoError } from '@sigil/crypto-core/errors';
import type { SignatureParams } from '@sigil/crypto-core/sign';
import type { SignInput } from '@sigil/crypto-core/sign-input';
import { Piscina } from 'piscina';
import { ServerError, type ServerErrorCode } from '../errors.js';
import { OpenedKeyCache, type SealedKeyRef } from './key-cache.js';
import { type CryptoEngineName, type SigningKey, signWithEngine } from './signing-engine.js';

/** One signature to make with a sealed local key. */
export interface SealedSignItem {
  readonly key: SealedKeyRef;
  readonly params: SignatureParams;
  readonly input: SignInput;
}

/**
 * What a worker receives, packed so that posting it copies a few buffers rather than a hundred small objects: the
 * distinct keys and parameter sets once, every input in one byte buffer, and per item five numbers (key index,
 * params index, 0 for a message or 1 for a digest, offset and length of its input in `data`).
 */
export interface SignJob {
  readonly engine: CryptoEngineName;
  readonly keys: readonly SealedKeyRef[];
  readonly params: readonly SignatureParams[];
  readonly items: Uint32Array;
  readonly data: Uint8Array;
}

/** Numbers per item in {@link SignJob.items}. */
const ITEM_FIELDS = 5;

/** What went wrong with one item, as codes (error classes do not cross threads). */
export interface SignItemError {
  readonly kind: 'server' | 'crypto' | 'internal';
  readonly code: string;
  readonly message: string;
}

/** A worker's answer: the signatures back to back in `data`, each `lengths[i]` long (0 when item i failed). */
export interface SignJobResult {
  readonly data: Uint8Array;
  readonly lengths: Uint32Array;
  readonly errors: readonly (SignItemError | null)[];
}

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

function errorInfo(error: unknown): SignItemError {
  if (error instanceof ServerError) return { kind: 'server', code: error.code, message: error.message };
  if (isCryptoError(error)) return { kind: 'crypto', code: error.code, message: error.message };
  return { kind: 'internal', code: 'ERR_INTERNAL', message: String((error as Error)?.message) };
}

/** Signs one job's items with keys from `cache`; errors are caught per item. */
export function runSignJob(job: SignJob, cache: OpenedKeyCache): SignJobResult {
  const count = job.items.length / ITEM_FIELDS;
  const signatures: Uint8Array[] = [];
  const lengths = new Uint32Array(count);
  const errors: (SignItemError | null)[] = [];
  // Each key is looked up once per job.
  const openedKeys: (SigningKey | undefined)[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    const at = index * ITEM_FIELDS;
    const [keyIndex, paramsIndex, kind, offset, length] = job.items.subarray(at, at + ITEM_FIELDS);
    try {
      const key = job.keys[keyIndex!];
      const params = job.params[paramsIndex!];
      if (key === undefined || params === undefined)
        throw new ServerError('ERR_INTERNAL', 'a sign job item names no key or parameters');
      let opened = openedKeys[keyIndex!];
      if (opened === undefined) {
        opened = cache.open(key);
        openedKeys[keyIndex!] = opened;
      }
      const bytes = job.data.subarray(offset!, offset! + length!);
      const signature = signWithEngine(
        opened,
        params,
        kind === 0 ? { message: bytes } : { digest: bytes },
        job.engine,
      );
      signatures.push(signature);
      lengths[index] = signature.length;
      total += signature.length;
      errors.push(null);
    } catch (error) {
      errors.push(errorInfo(error));
    }
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const signature of signatures) {
    data.set(signature, offset);
    offset += signature.length;
  }
  return { data, lengths, errors };
}

/** One result per item of a job's answer. */
function resultsOf(result: SignJobResult): (Uint8Array | Error)[] {
  let offset = 0;
  return result.errors.map((error, index) => {
    if (error === null) {
      const length = result.lengths[index]!;
      offset += length;
      return result.data.slice(offset - length, offset);
    }
    if (error.kind === 'server') return new ServerError(error.code as ServerErrorCode, error.message);
    if (error.kind === 'crypto') return new CryptoError(error.code as CryptoErrorCode, error.message);
    return new ServerError('ERR_INTERNAL', error.message);
  });
}

/** One job over `items`, each distinct key and parameter set sent once. */
function jobOf(engine: CryptoEngineName, items: readonly SealedSignItem[]): SignJob {
  const keys: SealedKeyRef[] = [];
  const keyIndexes = new Map<string, number>();
  const params: SignatureParams[] = [];
  const paramsIndexes = new Map<SignatureParams, number>();
  const packed = new Uint32Array(items.length * ITEM_FIELDS);
  let total = 0;
  for (const item of items)
    total += 'message' in item.input ? item.input.message.length : item.input.digest.length;
  const data = new Uint8Array(total);
  let offset = 0;
  items.forEach((item, index) => {
    const keyId = `${item.key.keyId}/${item.key.version}`;
    let keyIndex = keyIndexes.get(keyId);
    if (keyIndex === undefined) {
      keyIndex = keys.push(item.key) - 1;
      keyIndexes.set(keyId, keyIndex);
    }
    let paramsIndex = paramsIndexes.get(item.params);
    if (paramsIndex === undefined) {
      paramsIndex = params.push(item.params) - 1;
      paramsIndexes.set(item.params, paramsIndex);
    }
    const bytes = 'message' in item.input ? item.input.message : item.input.digest;
    data.set(bytes, offset);
    packed.set(
      [keyIndex, paramsIndex, 'message' in item.input ? 0 : 1, offset, bytes.length],
      index * ITEM_FIELDS,
    );
    offset += bytes.length;
  });
  return { engine, keys, params, items: packed, data };
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
        return resultsOf(runSignJob(jobOf(engine, items), cache));
      },
      async close() {
        cache.clear();
      },
    };
  }
  const workerData: SignWorkerData = { masterKey };
  const piscina = new Piscina<SignJob, SignJobResult>({
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
      // Split a batch across the workers when some are free (latency); when jobs already queue, each slice would
      // only cost another message, so the batch goes whole.
      const slices = piscina.queueSize > 0 ? 1 : Math.min(threads, items.length);
      const size = Math.ceil(items.length / Math.max(slices, 1));
      const jobs: Promise<SignJobResult>[] = [];
      for (let start = 0; start < items.length; start += size) {
        const job = jobOf(engine, items.slice(start, start + size));
        // The two buffers move to the worker rather than being copied.
        jobs.push(
          piscina.run(job, {
            transferList: [job.items.buffer as ArrayBuffer, job.data.buffer as ArrayBuffer],
          }),
        );
      }
      return (await Promise.all(jobs)).flatMap(resultsOf);
    },
    close: () => piscina.close(),
  };
}
